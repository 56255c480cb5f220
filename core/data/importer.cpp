// The import driver: CSV rows -> field values -> canonical tables, rejects and summary.
#include "core/data/importer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/data/import_mapping_values.h"
#include "core/io/atomic_file.h"

namespace tailor {

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// Dense ids for distinct strings; the strings live in an external column (e.g. external_id).
class StringIndex {
 public:
  explicit StringIndex(std::vector<std::string>* keys) : keys_(keys), slots_(1024, -1) {}

  int64_t find_or_add(std::string_view s, bool* added) {
    if ((keys_->size() + 1) * 2 > slots_.size()) grow();
    const size_t mask = slots_.size() - 1;
    size_t h = std::hash<std::string_view>()(s) & mask;
    while (slots_[h] >= 0) {
      if ((*keys_)[static_cast<size_t>(slots_[h])] == s) {
        *added = false;
        return slots_[h];
      }
      h = (h + 1) & mask;
    }
    slots_[h] = static_cast<int64_t>(keys_->size());
    keys_->emplace_back(s);
    *added = true;
    return slots_[h];
  }

 private:
  void grow() {
    std::vector<int64_t> bigger(slots_.size() * 2, -1);
    const size_t mask = bigger.size() - 1;
    for (size_t i = 0; i < keys_->size(); ++i) {
      size_t h = std::hash<std::string_view>()((*keys_)[i]) & mask;
      while (bigger[h] >= 0) h = (h + 1) & mask;
      bigger[h] = static_cast<int64_t>(i);
    }
    slots_.swap(bigger);
  }
  std::vector<std::string>* keys_;
  std::vector<int64_t> slots_;
};

/// MurmurHash64A (Austin Appleby, public domain).
uint64_t murmur64(const void* key, size_t len, uint64_t seed) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  uint64_t h = seed ^ (len * m);
  const auto* data = static_cast<const unsigned char*>(key);
  const unsigned char* end = data + (len / 8) * 8;
  for (; data != end; data += 8) {
    uint64_t k;
    std::memcpy(&k, data, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  switch (len & 7) {
    case 7: h ^= uint64_t(data[6]) << 48; [[fallthrough]];
    case 6: h ^= uint64_t(data[5]) << 40; [[fallthrough]];
    case 5: h ^= uint64_t(data[4]) << 32; [[fallthrough]];
    case 4: h ^= uint64_t(data[3]) << 24; [[fallthrough]];
    case 3: h ^= uint64_t(data[2]) << 16; [[fallthrough]];
    case 2: h ^= uint64_t(data[1]) << 8; [[fallthrough]];
    case 1: h ^= uint64_t(data[0]); h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

/// 128-bit fingerprint of a record's fields (length-prefixed, so field boundaries count).
struct Fingerprint {
  uint64_t a, b;
  bool operator==(const Fingerprint& o) const { return a == o.a && b == o.b; }
};

/// Open-addressing map fingerprint -> first line. Bit 0 of `a` is forced to 1 so that a zero
/// word marks an empty slot (127 bits remain: collisions stay negligible).
class FingerprintLines {
 public:
  FingerprintLines() : slots_(size_t(1) << 16) {}
  /// Inserts (fp, line) unless present; returns the first line of fp (== line if inserted).
  int64_t insert(Fingerprint fp, int64_t line) {
    fp.a |= 1;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t h = static_cast<size_t>(fp.b) & (slots_.size() - 1);
    while (slots_[h].fp.a != 0) {
      if (slots_[h].fp == fp) return slots_[h].line;
      h = (h + 1) & (slots_.size() - 1);
    }
    slots_[h] = {fp, line};
    ++size_;
    return line;
  }

 private:
  struct Slot {
    Fingerprint fp{0, 0};
    int64_t line = 0;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.fp.a == 0) continue;
      size_t h = static_cast<size_t>(s.fp.b) & (slots_.size() - 1);
      while (slots_[h].fp.a != 0) h = (h + 1) & (slots_.size() - 1);
      slots_[h] = s;
    }
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

Fingerprint fingerprint(const CsvRecord& rec, std::string* scratch) {
  scratch->clear();
  for (std::string_view f : rec.fields) {
    const uint32_t n = static_cast<uint32_t>(f.size());
    scratch->append(reinterpret_cast<const char*>(&n), sizeof n);
    scratch->append(f.data(), f.size());
  }
  return {murmur64(scratch->data(), scratch->size(), 0x9E3779B97F4A7C15ull),
          murmur64(scratch->data(), scratch->size(), 0xD1B54A32D192ED03ull)};
}

/// The raw record for the rejects file: invalid UTF-8 bytes become the text \xNN.
std::string printable_record(std::string_view raw) {
  if (is_valid_utf8(raw)) return std::string(raw);
  std::string out;
  size_t i = 0;
  while (i < raw.size()) {
    size_t bad = 0;
    std::string_view rest = raw.substr(i);
    if (is_valid_utf8(rest, &bad)) {
      out.append(rest);
      break;
    }
    out.append(rest.substr(0, bad));
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(rest[bad]));
    out += hex;
    i += bad + 1;
  }
  return out;
}

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

/// Per-product aggregates needed at the end (title = most frequent description, median price).
struct ProductAgg {
  std::vector<std::pair<std::string, int64_t>> titles;  // first-seen order
  std::vector<float> purchase_prices;
  bool price_mapped = false;
};

class Importer {
 public:
  Importer(const ImportMapping& m, const std::string& input) : m_(m), input_(input) {}
  ImportResult run();

 private:
  int slot_of(const std::optional<FieldSpec>& f) const { return f ? slot_of(*f) : -1; }
  int slot_of(const FieldSpec& f) const {
    for (size_t i = 0; i < specs_.size(); ++i)
      if (specs_[i] == &f) return static_cast<int>(i);
    return -1;
  }
  const FieldValue* val(int slot) const { return slot >= 0 ? &values_[static_cast<size_t>(slot)] : nullptr; }
  bool has(int slot) const { return slot >= 0 && values_[static_cast<size_t>(slot)].present; }
  std::string_view str(int slot) const { return has(slot) ? val(slot)->s : std::string_view(); }

  void reject(const CsvRecord& rec, const std::string& reason, const std::string& field,
              const std::string& detail);
  bool check_ranges(const CsvRecord& rec);
  void commit();
  void add_customer();
  void finish_products();

  const ImportMapping& m_;
  std::string input_;
  ImportResult res_;
  std::vector<const FieldSpec*> specs_;
  std::vector<std::unique_ptr<FieldReader>> readers_;
  std::vector<FieldValue> values_;
  // Slots of the canonical fields (-1 = not mapped).
  int c_id_ = -1, c_email_ = -1, c_first_name_ = -1, c_country_ = -1, c_tz_ = -1, c_signup_ = -1,
      c_birthday_ = -1, c_consent_ = -1, c_unsub_ = -1, c_suppressed_ = -1;
  std::vector<std::pair<std::string, int>> c_numeric_, c_string_;
  int p_id_ = -1, p_title_ = -1, p_category_ = -1, p_price_ = -1, p_available_ = -1;
  int t_invoice_ = -1, t_time_ = -1, t_quantity_ = -1, t_price_ = -1, t_kind_ = -1;
  int e_time_ = -1, e_campaign_ = -1, e_hour_ = -1, e_propensity_ = -1, e_opened_ = -1, e_clicked_ = -1,
      e_converted_ = -1, e_revenue_ = -1, e_unsub_ = -1;
  std::vector<std::string> column_names_;  // header names (or "1", "2", ...)
  std::vector<ProductAgg> products_;
  std::unique_ptr<StringIndex> customer_index_, product_index_, invoice_index_, campaign_index_;
};

void Importer::reject(const CsvRecord& rec, const std::string& reason, const std::string& field,
                      const std::string& detail) {
  RejectedRow r;
  r.line = rec.line;
  r.reason = reason;
  r.field = field;
  r.detail = detail;
  r.record = printable_record(rec.raw);
  res_.rejects.push_back(std::move(r));
  ++res_.summary.rows_rejected;
  ++res_.summary.rejected_by_reason[reason];
}

bool Importer::check_ranges(const CsvRecord& rec) {
  auto out_of_range = [&](int slot, int64_t lo, int64_t hi) {
    if (!has(slot)) return false;
    const int64_t v = val(slot)->i;
    if (v >= lo && v <= hi) return false;
    const FieldSpec& s = *specs_[static_cast<size_t>(slot)];
    reject(rec, "out_of_range", s.column,
           s.target + ": " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
    return true;
  };
  if (out_of_range(t_quantity_, -2147483647LL, 2147483647LL)) return false;
  if (out_of_range(c_tz_, -18 * 60, 18 * 60)) return false;
  if (out_of_range(e_hour_, 0, 23)) return false;
  if (has(t_kind_)) {
    std::string_view k = str(t_kind_);
    if (k != "purchase" && k != "return") {
      const FieldSpec& s = *specs_[static_cast<size_t>(t_kind_)];
      reject(rec, "unmapped_value", s.column,
             s.target + ": '" + std::string(k) + "' must be 'purchase' or 'return' (use a value map)");
      return false;
    }
  }
  return true;
}

void Importer::add_customer() {
  CustomerTable& c = res_.dataset.customers;
  c.email.emplace_back(str(c_email_));
  c.first_name.emplace_back(str(c_first_name_));
  c.country.emplace_back(str(c_country_));
  c.tz_offset_min.push_back(static_cast<int16_t>(has(c_tz_) ? val(c_tz_)->i : 0));
  c.signup_time.push_back(has(c_signup_) ? val(c_signup_)->i : -1);
  c.birthday.push_back(has(c_birthday_) ? val(c_birthday_)->i : -1);
  c.consent.push_back(has(c_consent_) ? static_cast<uint8_t>(val(c_consent_)->i) : 0);
  c.unsubscribed.push_back(has(c_unsub_) ? static_cast<uint8_t>(val(c_unsub_)->i) : 0);
  c.suppressed.push_back(has(c_suppressed_) ? static_cast<uint8_t>(val(c_suppressed_)->i) : 0);
  for (const auto& [name, slot] : c_numeric_)
    c.numeric_attributes[name].push_back(has(slot) ? static_cast<float>(val(slot)->f) : kNaN);
  for (const auto& [name, slot] : c_string_) c.string_attributes[name].emplace_back(str(slot));
}

void Importer::commit() {
  Dataset& ds = res_.dataset;
  ImportSummary& s = res_.summary;
  bool added = false;
  int64_t customer = -1;
  if (m_.customers.present && has(c_id_)) {
    customer = customer_index_->find_or_add(str(c_id_), &added);
    if (added) add_customer();
  }
  int64_t product = -1;
  if (m_.products.present) {
    product = product_index_->find_or_add(str(p_id_), &added);
    if (added) {
      ProductTable& p = ds.products;
      p.category.emplace_back(str(p_category_));
      p.price.push_back(has(p_price_) ? static_cast<float>(val(p_price_)->f) : kNaN);
      p.available.push_back(has(p_available_) ? static_cast<uint8_t>(val(p_available_)->i) : 1);
      products_.emplace_back();
      products_.back().price_mapped = p_price_ >= 0;
    }
    if (has(p_title_)) {
      auto& titles = products_[static_cast<size_t>(product)].titles;
      std::string_view t = str(p_title_);
      auto it = std::find_if(titles.begin(), titles.end(), [&](const auto& e) { return e.first == t; });
      if (it == titles.end())
        titles.emplace_back(std::string(t), 1);
      else
        ++it->second;
    }
  }
  auto note_time = [&](UnixTime t) {
    if (t < 0) return;
    if (s.first_time < 0 || t < s.first_time) s.first_time = t;
    if (t > s.last_time) s.last_time = t;
  };
  if (m_.transactions.present) {
    TransactionTable& t = ds.transactions;
    const int64_t invoice = invoice_index_->find_or_add(str(t_invoice_), &added);
    int64_t q = val(t_quantity_)->i;
    bool is_return = has(t_kind_) && str(t_kind_) == "return";
    if (!m_.rules.cancellation_prefix.empty() &&
        str(t_invoice_).substr(0, m_.rules.cancellation_prefix.size()) == m_.rules.cancellation_prefix)
      is_return = true;
    if (m_.rules.negative_quantity_is_return && q < 0) is_return = true;
    if (is_return && q > 0) q = -q;  // returns carry negative quantities
    const float price = has(t_price_) ? static_cast<float>(val(t_price_)->f) : kNaN;
    t.customer.push_back(customer);
    t.product.push_back(static_cast<int32_t>(product));
    t.invoice.push_back(invoice);
    t.time.push_back(val(t_time_)->i);
    t.quantity.push_back(static_cast<int32_t>(q));
    t.unit_price.push_back(price);
    t.kind.push_back(static_cast<uint8_t>(is_return ? TransactionKind::kReturn : TransactionKind::kPurchase));
    ++s.transactions;
    ++(is_return ? s.return_lines : s.purchase_lines);
    if (customer < 0) ++s.transactions_without_customer;
    if (!is_return && std::isfinite(price) && price > 0)
      products_[static_cast<size_t>(product)].purchase_prices.push_back(price);
    note_time(val(t_time_)->i);
  }
  if (m_.email_log.present) {
    EmailLogTable& e = ds.email_log;
    int64_t campaign = -1;
    if (has(e_campaign_)) campaign = campaign_index_->find_or_add(str(e_campaign_), &added);
    TAILOR_CHECK(campaign < 32767, "'" << input_ << "': more than 32767 distinct campaigns");
    e.customer.push_back(customer);
    e.time.push_back(has(e_time_) ? val(e_time_)->i : -1);
    e.campaign.push_back(static_cast<int16_t>(campaign));
    e.hour.push_back(static_cast<int8_t>(has(e_hour_) ? val(e_hour_)->i : -1));
    e.propensity.push_back(has(e_propensity_) ? static_cast<float>(val(e_propensity_)->f) : kNaN);
    e.opened.push_back(has(e_opened_) ? static_cast<uint8_t>(val(e_opened_)->i) : 0);
    e.clicked.push_back(has(e_clicked_) ? static_cast<uint8_t>(val(e_clicked_)->i) : 0);
    e.converted.push_back(has(e_converted_) ? static_cast<uint8_t>(val(e_converted_)->i) : 0);
    e.revenue.push_back(has(e_revenue_) ? static_cast<float>(val(e_revenue_)->f) : kNaN);
    e.unsubscribed.push_back(has(e_unsub_) ? static_cast<uint8_t>(val(e_unsub_)->i) : 0);
    ++s.email_log_records;
    if (campaign < 0) ++s.no_email_records;
    if (has(e_time_)) note_time(val(e_time_)->i);
  }
  ++s.rows_kept;
}

void Importer::finish_products() {
  ProductTable& p = res_.dataset.products;
  p.title.resize(p.external_id.size());
  for (size_t i = 0; i < products_.size(); ++i) {
    ProductAgg& a = products_[i];
    // Most frequent non-empty title; ties go to the one seen first.
    int64_t best = 0;
    for (const auto& [title, count] : a.titles) {
      if (count > best) {
        best = count;
        p.title[i] = title;
      }
    }
    if (!a.price_mapped && !a.purchase_prices.empty()) {
      auto& v = a.purchase_prices;
      const size_t mid = v.size() / 2;
      std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
      float median = v[mid];
      if (v.size() % 2 == 0) {
        const float lower = *std::max_element(v.begin(), v.begin() + static_cast<long>(mid));
        median = 0.5f * (median + lower);
      }
      p.price[i] = median;
    }
  }
}

ImportResult Importer::run() {
  const auto t0 = std::chrono::steady_clock::now();
  ImportSummary& s = res_.summary;
  Dataset& ds = res_.dataset;
  s.input = base_name(input_);
  s.mapping = m_.name;
  customer_index_ = std::make_unique<StringIndex>(&ds.customers.external_id);
  product_index_ = std::make_unique<StringIndex>(&ds.products.external_id);
  invoice_index_ = std::make_unique<StringIndex>(&ds.invoices);
  campaign_index_ = std::make_unique<StringIndex>(&ds.campaigns);

  CsvReader reader(input_, m_.csv);
  const std::string who = "import mapping '" + (m_.path.empty() ? m_.name : m_.path) + "'";
  const std::vector<std::string> columns = m_.columns();
  const std::vector<int> column_index = reader.column_indices(columns, who);
  column_names_ = reader.header();

  // One reader per mapped field, and the slot of every canonical field.
  specs_ = m_.fields();
  for (const FieldSpec* f : specs_) {
    int col = -1;
    if (f->source == SourceKind::kColumn)
      col = column_index[static_cast<size_t>(std::find(columns.begin(), columns.end(), f->column) - columns.begin())];
    readers_.push_back(std::make_unique<FieldReader>(*f, col, m_.trim));
  }
  values_.resize(specs_.size());
  const CustomersMapping& cm = m_.customers;
  if (cm.present) {
    c_id_ = slot_of(cm.id);
    c_email_ = slot_of(cm.email);
    c_first_name_ = slot_of(cm.first_name);
    c_country_ = slot_of(cm.country);
    c_tz_ = slot_of(cm.tz_offset_min);
    c_signup_ = slot_of(cm.signup_time);
    c_birthday_ = slot_of(cm.birthday);
    c_consent_ = slot_of(cm.consent);
    c_unsub_ = slot_of(cm.unsubscribed);
    c_suppressed_ = slot_of(cm.suppressed);
    for (const auto& f : cm.numeric_attributes) {
      c_numeric_.emplace_back(f.name, slot_of(f));
      ds.customers.numeric_attributes[f.name];
    }
    for (const auto& f : cm.string_attributes) {
      c_string_.emplace_back(f.name, slot_of(f));
      ds.customers.string_attributes[f.name];
    }
  }
  if (m_.products.present) {
    p_id_ = slot_of(m_.products.id);
    p_title_ = slot_of(m_.products.title);
    p_category_ = slot_of(m_.products.category);
    p_price_ = slot_of(m_.products.price);
    p_available_ = slot_of(m_.products.available);
  }
  if (m_.transactions.present) {
    t_invoice_ = slot_of(m_.transactions.invoice);
    t_time_ = slot_of(m_.transactions.time);
    t_quantity_ = slot_of(m_.transactions.quantity);
    t_price_ = slot_of(m_.transactions.unit_price);
    t_kind_ = slot_of(m_.transactions.kind);
  }
  if (m_.email_log.present) {
    const EmailLogMapping& em = m_.email_log;
    e_time_ = slot_of(em.time);
    e_campaign_ = slot_of(em.campaign);
    e_hour_ = slot_of(em.hour);
    e_propensity_ = slot_of(em.propensity);
    e_opened_ = slot_of(em.opened);
    e_clicked_ = slot_of(em.clicked);
    e_converted_ = slot_of(em.converted);
    e_revenue_ = slot_of(em.revenue);
    e_unsub_ = slot_of(em.unsubscribed);
  }

  const size_t expected_fields = reader.column_count();
  FingerprintLines first_line_of;
  std::string scratch;
  Progress progress("import " + s.input, static_cast<int64_t>(reader.input().file_size()), "bytes");
  uint64_t reported_bytes = 0;
  CsvRecord rec;
  FieldFault fault;
  while (reader.next(rec)) {
    ++s.rows_read;
    if ((s.rows_read & 4095) == 0) {
      const uint64_t now = reader.input().file_bytes_read();
      progress.advance(static_cast<int64_t>(now - reported_bytes));
      reported_bytes = now;
    }
    if (rec.fault != CsvFault::kNone) {
      const std::string field = rec.fault_field >= 0 && static_cast<size_t>(rec.fault_field) < column_names_.size()
                                    ? column_names_[static_cast<size_t>(rec.fault_field)]
                                    : (rec.fault_field >= 0 ? std::to_string(rec.fault_field + 1) : "");
      reject(rec, csv_fault_name(rec.fault), field, rec.fault_detail);
      continue;
    }
    if (rec.size() != expected_fields) {
      reject(rec, "wrong_field_count", "",
             "expected " + std::to_string(expected_fields) + " fields, found " + std::to_string(rec.size()));
      continue;
    }
    bool ok = true;
    for (size_t i = 0; i < readers_.size() && ok; ++i) {
      if (!readers_[i]->read(rec, &values_[i], &fault)) {
        const FieldSpec& f = *specs_[i];
        reject(rec, fault.reason, f.source == SourceKind::kColumn ? f.column : "", fault.detail);
        ok = false;
      }
    }
    if (!ok || !check_ranges(rec)) continue;

    // A parsed row: descriptive counts cover duplicates too.
    if (m_.customers.present && !has(c_id_)) ++s.rows_without_customer_id;
    if (m_.transactions.present) {
      const int64_t q = val(t_quantity_)->i;
      s.quantity_sum += q;
      if (q < 0) ++s.negative_quantity_lines;
      const std::string& prefix = m_.rules.cancellation_prefix;
      if (!prefix.empty() && str(t_invoice_).substr(0, prefix.size()) == prefix) ++s.cancellation_lines;
    }
    const int64_t first_line = first_line_of.insert(fingerprint(rec, &scratch), rec.line);
    if (first_line != rec.line) {
      ++s.duplicate_lines;
      if (m_.rules.duplicates == DuplicatePolicy::kReject) {
        reject(rec, "duplicate", "", "identical in every field to line " + std::to_string(first_line));
        continue;
      }
    }
    commit();
  }
  progress.advance(static_cast<int64_t>(reader.input().file_bytes_read() - reported_bytes));
  progress.finish();
  s.blank_lines = reader.blank_lines();
  finish_products();

  s.distinct_customers = static_cast<int64_t>(ds.customers.size());
  s.distinct_products = static_cast<int64_t>(ds.products.size());
  s.distinct_invoices = static_cast<int64_t>(ds.invoices.size());
  s.distinct_campaigns = static_cast<int64_t>(ds.campaigns.size());
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ds.metadata["source"] = s.input + " via import mapping " + m_.name;
  ds.metadata["import_summary"] = s.to_json();
  ds.metadata["import_mapping"] = m_.yaml_text;
  spdlog::info("import {}: {} rows read, {} kept, {} rejected ({:.2f} s)", s.input, s.rows_read,
               s.rows_kept, s.rows_rejected, s.seconds);
  return std::move(res_);
}

}  // namespace

ImportResult import_csv(const ImportMapping& mapping, const std::string& input_path) {
  Importer imp(mapping, input_path);
  return imp.run();
}

}  // namespace tailor
