// Dataset <-> HDF5 file (layout in docs/dataset.md): columns per table, checked on read and write.
#include "core/data/dataset_io.h"

#include <cstdio>
#include <limits>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/io/atomic_file.h"
#include "core/io/h5.h"

namespace tailor {
namespace {

constexpr const char* kMagic = "TAILOR-DATASET";

/// Numeric columns: chunked in ~4 MiB pieces, uncompressed (fast to write and read; see
/// docs/dataset.md for the measured trade-off).
h5::WriteOptions column_options() {
  h5::WriteOptions o;
  o.chunk_threshold_bytes = size_t(1) << 20;
  o.chunk_bytes = size_t(4) << 20;
  o.deflate_level = 0;
  return o;
}

/// Throws when `n` differs from the table's length, naming the column.
void check_length(size_t n, size_t expected, const std::string& where, const char* column) {
  TAILOR_CHECK(n == expected, where << "/" << column << ": " << n << " rows, but the table has "
                                    << expected << " (all columns of a table must have equal length)");
}

/// Every value of `v` must be in [lo, hi), or -1 when `allow_minus_one` ("none").
template <typename T>
void check_range(const std::vector<T>& v, int64_t lo, int64_t hi, bool allow_minus_one,
                 const std::string& where, const char* column, const char* target) {
  for (size_t i = 0; i < v.size(); ++i) {
    const int64_t x = static_cast<int64_t>(v[i]);
    if ((x >= lo && x < hi) || (allow_minus_one && x == -1)) continue;
    TAILOR_FAIL(where << "/" << column << "[" << i << "] = " << x << " is out of range: " << target
                      << " has " << hi << " rows" << (allow_minus_one ? " (-1 allowed for none)" : ""));
  }
}

/// Column lengths and cross-table indices; errors name `file` and the column.
void validate(const Dataset& ds, const std::string& file) {
  const std::string p = file + ": ";
  const CustomerTable& c = ds.customers;
  const size_t nc = c.size();
  const std::string cw = p + "/customers";
  check_length(c.email.size(), nc, cw, "email");
  check_length(c.first_name.size(), nc, cw, "first_name");
  check_length(c.country.size(), nc, cw, "country");
  check_length(c.tz_offset_min.size(), nc, cw, "tz_offset_min");
  check_length(c.signup_time.size(), nc, cw, "signup_time");
  check_length(c.birthday.size(), nc, cw, "birthday");
  check_length(c.consent.size(), nc, cw, "consent");
  check_length(c.unsubscribed.size(), nc, cw, "unsubscribed");
  check_length(c.suppressed.size(), nc, cw, "suppressed");
  for (const auto& [name, col] : c.numeric_attributes)
    check_length(col.size(), nc, cw + "/numeric_attributes", name.c_str());
  for (const auto& [name, col] : c.string_attributes)
    check_length(col.size(), nc, cw + "/string_attributes", name.c_str());

  const ProductTable& pr = ds.products;
  const size_t np = pr.size();
  const std::string pw = p + "/products";
  check_length(pr.title.size(), np, pw, "title");
  check_length(pr.category.size(), np, pw, "category");
  check_length(pr.price.size(), np, pw, "price");
  check_length(pr.available.size(), np, pw, "available");

  const TransactionTable& t = ds.transactions;
  const size_t nt = t.size();
  const std::string tw = p + "/transactions";
  check_length(t.product.size(), nt, tw, "product");
  check_length(t.invoice.size(), nt, tw, "invoice");
  check_length(t.time.size(), nt, tw, "time");
  check_length(t.quantity.size(), nt, tw, "quantity");
  check_length(t.unit_price.size(), nt, tw, "unit_price");
  check_length(t.kind.size(), nt, tw, "kind");
  check_range(t.customer, 0, static_cast<int64_t>(nc), true, tw, "customer", "/customers");
  check_range(t.product, 0, static_cast<int64_t>(np), false, tw, "product", "/products");
  check_range(t.invoice, 0, static_cast<int64_t>(ds.invoices.size()), false, tw, "invoice", "/invoices");
  check_range(t.kind, 0, 2, false, tw, "kind", "TransactionKind (purchase, return)");

  const EmailLogTable& e = ds.email_log;
  const size_t ne = e.size();
  const std::string ew = p + "/email_log";
  check_length(e.time.size(), ne, ew, "time");
  check_length(e.campaign.size(), ne, ew, "campaign");
  check_length(e.hour.size(), ne, ew, "hour");
  check_length(e.propensity.size(), ne, ew, "propensity");
  check_length(e.opened.size(), ne, ew, "opened");
  check_length(e.clicked.size(), ne, ew, "clicked");
  check_length(e.converted.size(), ne, ew, "converted");
  check_length(e.revenue.size(), ne, ew, "revenue");
  check_length(e.unsubscribed.size(), ne, ew, "unsubscribed");
  check_range(e.customer, 0, static_cast<int64_t>(nc), false, ew, "customer", "/customers");
  check_range(e.campaign, 0, static_cast<int64_t>(ds.campaigns.size()), true, ew, "campaign", "/campaigns");
  check_range(e.hour, 0, 24, true, ew, "hour", "the day (hours 0..23)");

  const TextCorpusTable& k = ds.corpus;
  const size_t nk = k.size();
  const std::string kw = p + "/corpus";
  check_length(k.document.size(), nk, kw, "document");
  check_length(k.source.size(), nk, kw, "source");
  check_length(k.field.size(), nk, kw, "field");
  check_length(k.split.size(), nk, kw, "split");
  check_length(k.campaign.size(), nk, kw, "campaign");
  check_length(k.category.size(), nk, kw, "category");
  check_length(k.customer.size(), nk, kw, "customer");
  check_length(k.product.size(), nk, kw, "product");
  check_length(k.spam.size(), nk, kw, "spam");
  check_length(k.open_rate.size(), nk, kw, "open_rate");
  check_length(k.click_rate.size(), nk, kw, "click_rate");
  check_range(k.field, 0, 4, false, kw, "field", "TextField (subject, body, product_name, reference_subject)");
  check_range(k.split, 0, 3, false, kw, "split", "CorpusSplit (train, dev, test)");
  check_range(k.customer, 0, static_cast<int64_t>(nc), true, kw, "customer", "/customers");
  check_range(k.product, 0, static_cast<int64_t>(np), true, kw, "product", "/products");
  for (size_t i = 0; i < nk; ++i)
    TAILOR_CHECK(k.spam[i] >= -1 && k.spam[i] <= 1,
                 kw << "/spam[" << i << "] = " << int(k.spam[i]) << " is not -1, 0 or 1");
}

void write_all(const Dataset& ds, h5::File& f) {
  const h5::WriteOptions opt = column_options();
  h5::Group root = f.root();
  root.set_attr("magic", kMagic);
  root.set_attr("format_version", static_cast<int64_t>(kDatasetFormatVersion));

  {
    const CustomerTable& c = ds.customers;
    h5::Group g = root.create_group("customers");
    g.write_strings("external_id", c.external_id, opt);
    g.write_strings("email", c.email, opt);
    g.write_strings("first_name", c.first_name, opt);
    g.write_strings("country", c.country, opt);
    g.write_column("tz_offset_min", c.tz_offset_min, opt);
    g.write_column("signup_time", c.signup_time, opt);
    g.write_column("birthday", c.birthday, opt);
    g.write_column("consent", c.consent, opt);
    g.write_column("unsubscribed", c.unsubscribed, opt);
    g.write_column("suppressed", c.suppressed, opt);
    h5::Group na = g.create_group("numeric_attributes");
    for (const auto& [name, col] : c.numeric_attributes) na.write_column(name, col, opt);
    h5::Group sa = g.create_group("string_attributes");
    for (const auto& [name, col] : c.string_attributes) sa.write_strings(name, col, opt);
  }
  {
    const ProductTable& p = ds.products;
    h5::Group g = root.create_group("products");
    g.write_strings("external_id", p.external_id, opt);
    g.write_strings("title", p.title, opt);
    g.write_strings("category", p.category, opt);
    g.write_column("price", p.price, opt);
    g.write_column("available", p.available, opt);
  }
  root.write_strings("invoices", ds.invoices, opt);
  {
    const TransactionTable& t = ds.transactions;
    h5::Group g = root.create_group("transactions");
    g.write_column("customer", t.customer, opt);
    g.write_column("product", t.product, opt);
    g.write_column("invoice", t.invoice, opt);
    g.write_column("time", t.time, opt);
    g.write_column("quantity", t.quantity, opt);
    g.write_column("unit_price", t.unit_price, opt);
    g.write_column("kind", t.kind, opt);
  }
  root.write_strings("campaigns", ds.campaigns, opt);
  {
    const EmailLogTable& e = ds.email_log;
    h5::Group g = root.create_group("email_log");
    g.write_column("customer", e.customer, opt);
    g.write_column("time", e.time, opt);
    g.write_column("campaign", e.campaign, opt);
    g.write_column("hour", e.hour, opt);
    g.write_column("propensity", e.propensity, opt);
    g.write_column("opened", e.opened, opt);
    g.write_column("clicked", e.clicked, opt);
    g.write_column("converted", e.converted, opt);
    g.write_column("revenue", e.revenue, opt);
    g.write_column("unsubscribed", e.unsubscribed, opt);
  }
  {
    const TextCorpusTable& k = ds.corpus;
    h5::Group g = root.create_group("corpus");
    g.write_column("document", k.document, opt);
    g.write_strings("source", k.source, opt);
    g.write_column("field", k.field, opt);
    g.write_column("split", k.split, opt);
    g.write_strings("text", k.text, opt);
    g.write_strings("campaign", k.campaign, opt);
    g.write_strings("category", k.category, opt);
    g.write_column("customer", k.customer, opt);
    g.write_column("product", k.product, opt);
    g.write_column("spam", k.spam, opt);
    g.write_column("open_rate", k.open_rate, opt);
    g.write_column("click_rate", k.click_rate, opt);
  }
  {
    h5::Group g = root.create_group("metadata");
    for (const auto& [key, value] : ds.metadata) g.write_string_scalar(key, value, opt);
  }
}

}  // namespace

void write_dataset(const Dataset& ds, const std::string& path) {
  validate(ds, path + " (writing)");
  const std::string tmp = temporary_path_for(path);
  try {
    h5::File f = h5::File::create(tmp);
    write_all(ds, f);
    f.close();
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  commit_temporary(tmp, path);
  spdlog::info("wrote dataset {}: {} customers, {} products, {} transactions, {} email log rows, "
               "{} corpus rows", path, ds.customers.size(), ds.products.size(),
               ds.transactions.size(), ds.email_log.size(), ds.corpus.size());
}

Dataset read_dataset(const std::string& path) {
  h5::File f = h5::File::open(path);
  h5::Group root = f.root();
  TAILOR_CHECK(root.has_attr("magic"), path << ": not a tailor dataset (no 'magic' attribute on /)");
  const std::string magic = root.attr_string("magic");
  TAILOR_CHECK(magic == kMagic, path << ": not a tailor dataset (magic '" << magic << "', expected '"
                                     << kMagic << "')");
  const int64_t version = root.attr_int("format_version");
  TAILOR_CHECK(version == kDatasetFormatVersion,
               path << ": dataset format version " << version << " is not supported (this build reads version "
                    << kDatasetFormatVersion << ")");

  Dataset ds;
  {
    CustomerTable& c = ds.customers;
    h5::Group g = root.open_group("customers");
    c.external_id = g.read_strings("external_id");
    const int64_t n = static_cast<int64_t>(c.external_id.size());
    c.email = g.read_strings("email", n);
    c.first_name = g.read_strings("first_name", n);
    c.country = g.read_strings("country", n);
    c.tz_offset_min = g.read_column<int16_t>("tz_offset_min", n);
    c.signup_time = g.read_column<int64_t>("signup_time", n);
    c.birthday = g.read_column<int64_t>("birthday", n);
    c.consent = g.read_column<uint8_t>("consent", n);
    c.unsubscribed = g.read_column<uint8_t>("unsubscribed", n);
    c.suppressed = g.read_column<uint8_t>("suppressed", n);
    h5::Group na = g.open_group("numeric_attributes");
    for (const std::string& name : na.children()) c.numeric_attributes[name] = na.read_column<float>(name, n);
    h5::Group sa = g.open_group("string_attributes");
    for (const std::string& name : sa.children()) c.string_attributes[name] = sa.read_strings(name, n);
  }
  {
    ProductTable& p = ds.products;
    h5::Group g = root.open_group("products");
    p.external_id = g.read_strings("external_id");
    const int64_t n = static_cast<int64_t>(p.external_id.size());
    p.title = g.read_strings("title", n);
    p.category = g.read_strings("category", n);
    p.price = g.read_column<float>("price", n);
    p.available = g.read_column<uint8_t>("available", n);
  }
  ds.invoices = root.read_strings("invoices");
  {
    TransactionTable& t = ds.transactions;
    h5::Group g = root.open_group("transactions");
    t.customer = g.read_column<int64_t>("customer");
    const int64_t n = static_cast<int64_t>(t.customer.size());
    t.product = g.read_column<int32_t>("product", n);
    t.invoice = g.read_column<int64_t>("invoice", n);
    t.time = g.read_column<int64_t>("time", n);
    t.quantity = g.read_column<int32_t>("quantity", n);
    t.unit_price = g.read_column<float>("unit_price", n);
    t.kind = g.read_column<uint8_t>("kind", n);
  }
  ds.campaigns = root.read_strings("campaigns");
  {
    EmailLogTable& e = ds.email_log;
    h5::Group g = root.open_group("email_log");
    e.customer = g.read_column<int64_t>("customer");
    const int64_t n = static_cast<int64_t>(e.customer.size());
    e.time = g.read_column<int64_t>("time", n);
    e.campaign = g.read_column<int16_t>("campaign", n);
    e.hour = g.read_column<int8_t>("hour", n);
    e.propensity = g.read_column<float>("propensity", n);
    e.opened = g.read_column<uint8_t>("opened", n);
    e.clicked = g.read_column<uint8_t>("clicked", n);
    e.converted = g.read_column<uint8_t>("converted", n);
    e.revenue = g.read_column<float>("revenue", n);
    e.unsubscribed = g.read_column<uint8_t>("unsubscribed", n);
  }
  {
    TextCorpusTable& k = ds.corpus;
    h5::Group g = root.open_group("corpus");
    k.text = g.read_strings("text");
    const int64_t n = static_cast<int64_t>(k.text.size());
    k.document = g.read_column<int64_t>("document", n);
    k.source = g.read_strings("source", n);
    k.field = g.read_column<uint8_t>("field", n);
    k.split = g.read_column<uint8_t>("split", n);
    k.campaign = g.read_strings("campaign", n);
    k.category = g.read_strings("category", n);
    k.customer = g.read_column<int64_t>("customer", n);
    k.product = g.read_column<int32_t>("product", n);
    k.spam = g.read_column<int8_t>("spam", n);
    k.open_rate = g.read_column<float>("open_rate", n);
    k.click_rate = g.read_column<float>("click_rate", n);
  }
  {
    h5::Group g = root.open_group("metadata");
    for (const std::string& key : g.children()) ds.metadata[key] = g.read_string_scalar(key);
  }
  validate(ds, path);
  return ds;
}

}  // namespace tailor
