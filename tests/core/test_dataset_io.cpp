// Dataset HDF5 file: exact round trip, and clear errors for every kind of bad file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "core/common/error.h"
#include "core/data/dataset_io.h"
#include "core/io/h5.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

/// A fresh, empty temporary folder per test.
class DatasetIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tailor_dataset_io_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

Dataset small_dataset() {
  Dataset ds;
  CustomerTable& c = ds.customers;
  c.external_id = {"c-1", "c-2", "c-3"};
  c.email = {"a@example.com", "b@example.com", ""};
  c.first_name = {"Ana", "Bj\xC3\xB6rn", "\xE5\xA4\xAA\xE9\x83\x8E"};  // UTF-8: Björn, 太郎
  c.country = {"PT", "SE", "JP"};
  c.tz_offset_min = {0, 60, 540};
  c.signup_time = {1262304000, 1300000000, -1};
  c.birthday = {-1, 315532800, 0};
  c.consent = {1, 0, 1};
  c.unsubscribed = {0, 1, 0};
  c.suppressed = {0, 0, 1};
  c.numeric_attributes["history"] = {12.5f, std::numeric_limits<float>::quiet_NaN(), -0.0f};
  c.numeric_attributes["recency"] = {1, 2, 3};
  c.string_attributes["channel"] = {"Web", "Phone", "Multichannel"};  // stored fixed-length
  c.string_attributes["note"] = {"", std::string(1500, 'n'), "short"};  // > 1 KiB: variable-length
  ProductTable& p = ds.products;
  p.external_id = {"85123A", "71053"};
  p.title = {"WHITE HANGING HEART T-LIGHT HOLDER", "WHITE METAL LANTERN"};
  p.category = {"", "lights"};
  p.price = {2.55f, std::numeric_limits<float>::quiet_NaN()};
  p.available = {1, 0};
  ds.invoices = {"536365", "C536379"};
  TransactionTable& t = ds.transactions;
  t.customer = {0, 2, -1, 1};
  t.product = {0, 1, 1, 0};
  t.invoice = {0, 0, 1, 1};
  t.time = {1291191960, 1291191960, 1291194000, 1291194000};
  t.quantity = {6, 2, -1, 3};
  t.unit_price = {2.55f, 3.39f, 3.39f, 2.55f};
  t.kind = {0, 0, 1, 0};
  ds.campaigns = {"Mens E-Mail", "Womens E-Mail"};
  EmailLogTable& e = ds.email_log;
  e.customer = {0, 1, 2};
  e.time = {1300000000, 1300000100, 1300000200};
  e.campaign = {0, -1, 1};
  e.hour = {9, -1, 23};
  e.propensity = {1.0f / 3, 1.0f / 3, std::numeric_limits<float>::quiet_NaN()};
  e.opened = {1, 0, 0};
  e.clicked = {1, 0, 0};
  e.converted = {0, 0, 1};
  e.revenue = {0.0f, 0.0f, 29.99f};
  e.unsubscribed = {0, 0, 1};
  TextCorpusTable& k = ds.corpus;
  k.document = {0, 0, 1, 2};
  k.source = {"synth", "synth", "aeslc", "fashion_products"};
  k.field = {0, 1, 3, 2};
  k.split = {0, 0, 2, 1};
  k.text = {"{first_name}, your cart misses you", std::string(2000, 'b'),
            "Caf\xC3\xA9 meeting moved", "Men Navy Blue Shirt"};
  k.campaign = {"cart_abandonment", "cart_abandonment", "", ""};
  k.category = {"lights", "lights", "", "Shirts"};
  k.customer = {0, 0, -1, -1};
  k.product = {1, 1, -1, -1};
  k.spam = {0, 0, -1, -1};
  k.open_rate = {0.25f, 0.25f, std::numeric_limits<float>::quiet_NaN(),
                 std::numeric_limits<float>::quiet_NaN()};
  k.click_rate = {0.03f, 0.03f, std::numeric_limits<float>::quiet_NaN(),
                  std::numeric_limits<float>::quiet_NaN()};
  ds.metadata["source"] = "hand-built test";
  ds.metadata["import_summary"] = R"({"rows": 4, "dropped": 0})";
  return ds;
}

/// Bitwise equality for float columns (NaN == NaN, -0.0 != +0.0).
void expect_same_bits(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t x, y;
    std::memcpy(&x, &a[i], 4);
    std::memcpy(&y, &b[i], 4);
    EXPECT_EQ(x, y) << what << "[" << i << "]";
  }
}

void expect_equal(const Dataset& a, const Dataset& b) {
  EXPECT_EQ(a.customers.external_id, b.customers.external_id);
  EXPECT_EQ(a.customers.email, b.customers.email);
  EXPECT_EQ(a.customers.first_name, b.customers.first_name);
  EXPECT_EQ(a.customers.country, b.customers.country);
  EXPECT_EQ(a.customers.tz_offset_min, b.customers.tz_offset_min);
  EXPECT_EQ(a.customers.signup_time, b.customers.signup_time);
  EXPECT_EQ(a.customers.birthday, b.customers.birthday);
  EXPECT_EQ(a.customers.consent, b.customers.consent);
  EXPECT_EQ(a.customers.unsubscribed, b.customers.unsubscribed);
  EXPECT_EQ(a.customers.suppressed, b.customers.suppressed);
  ASSERT_EQ(a.customers.numeric_attributes.size(), b.customers.numeric_attributes.size());
  for (const auto& [name, col] : a.customers.numeric_attributes) {
    ASSERT_TRUE(b.customers.numeric_attributes.count(name)) << name;
    expect_same_bits(col, b.customers.numeric_attributes.at(name), "numeric_attributes/" + name);
  }
  EXPECT_EQ(a.customers.string_attributes, b.customers.string_attributes);
  EXPECT_EQ(a.products.external_id, b.products.external_id);
  EXPECT_EQ(a.products.title, b.products.title);
  EXPECT_EQ(a.products.category, b.products.category);
  expect_same_bits(a.products.price, b.products.price, "products/price");
  EXPECT_EQ(a.products.available, b.products.available);
  EXPECT_EQ(a.invoices, b.invoices);
  EXPECT_EQ(a.transactions.customer, b.transactions.customer);
  EXPECT_EQ(a.transactions.product, b.transactions.product);
  EXPECT_EQ(a.transactions.invoice, b.transactions.invoice);
  EXPECT_EQ(a.transactions.time, b.transactions.time);
  EXPECT_EQ(a.transactions.quantity, b.transactions.quantity);
  expect_same_bits(a.transactions.unit_price, b.transactions.unit_price, "transactions/unit_price");
  EXPECT_EQ(a.transactions.kind, b.transactions.kind);
  EXPECT_EQ(a.campaigns, b.campaigns);
  EXPECT_EQ(a.email_log.customer, b.email_log.customer);
  EXPECT_EQ(a.email_log.time, b.email_log.time);
  EXPECT_EQ(a.email_log.campaign, b.email_log.campaign);
  EXPECT_EQ(a.email_log.hour, b.email_log.hour);
  expect_same_bits(a.email_log.propensity, b.email_log.propensity, "email_log/propensity");
  EXPECT_EQ(a.email_log.opened, b.email_log.opened);
  EXPECT_EQ(a.email_log.clicked, b.email_log.clicked);
  EXPECT_EQ(a.email_log.converted, b.email_log.converted);
  expect_same_bits(a.email_log.revenue, b.email_log.revenue, "email_log/revenue");
  EXPECT_EQ(a.email_log.unsubscribed, b.email_log.unsubscribed);
  EXPECT_EQ(a.corpus.document, b.corpus.document);
  EXPECT_EQ(a.corpus.source, b.corpus.source);
  EXPECT_EQ(a.corpus.field, b.corpus.field);
  EXPECT_EQ(a.corpus.split, b.corpus.split);
  EXPECT_EQ(a.corpus.text, b.corpus.text);
  EXPECT_EQ(a.corpus.campaign, b.corpus.campaign);
  EXPECT_EQ(a.corpus.category, b.corpus.category);
  EXPECT_EQ(a.corpus.customer, b.corpus.customer);
  EXPECT_EQ(a.corpus.product, b.corpus.product);
  EXPECT_EQ(a.corpus.spam, b.corpus.spam);
  expect_same_bits(a.corpus.open_rate, b.corpus.open_rate, "corpus/open_rate");
  expect_same_bits(a.corpus.click_rate, b.corpus.click_rate, "corpus/click_rate");
  EXPECT_EQ(a.metadata, b.metadata);
}

/// Runs `f`, expects tailor::Error whose message contains every one of `parts`.
template <typename F>
void expect_error(F f, const std::vector<std::string>& parts) {
  try {
    f();
    ADD_FAILURE() << "expected tailor::Error containing '" << parts.front() << "'";
  } catch (const Error& e) {
    for (const std::string& p : parts)
      EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << "message: " << e.what() << "\nmissing: " << p;
  }
}

std::vector<char> read_bytes(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Blanks the integrity block, as when another tool has edited the file after tailor wrote it.
void unseal(const std::string& p) {
  std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
  const std::string zeros(h5::kIntegrityBlockBytes, '\0');
  f.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
}

TEST_F(DatasetIoTest, RoundTripIsExactFieldByField) {
  const Dataset ds = small_dataset();
  const std::string p = path("ds.h5");
  write_dataset(ds, p);
  EXPECT_FALSE(fs::exists(p + ".tmp-" + std::to_string(::getpid())));
  expect_equal(ds, read_dataset(p));
}

TEST_F(DatasetIoTest, EmptyDatasetRoundTrips) {
  const std::string p = path("empty.h5");
  write_dataset(Dataset{}, p);
  const Dataset back = read_dataset(p);
  EXPECT_EQ(back.customers.size(), 0u);
  EXPECT_EQ(back.transactions.size(), 0u);
  EXPECT_TRUE(back.metadata.empty());
}

TEST_F(DatasetIoTest, SameContentGivesSameBytes) {
  const Dataset ds = small_dataset();
  write_dataset(ds, path("a.h5"));
  ::sleep(1);  // modification times, if stored, would differ
  write_dataset(ds, path("b.h5"));
  EXPECT_EQ(read_bytes(path("a.h5")), read_bytes(path("b.h5")));
}

TEST_F(DatasetIoTest, LargeColumnsRoundTripAcrossChunks) {
  // Enough rows for chunked columns and several string read blocks.
  Dataset ds;
  const size_t n = (size_t(1) << 20) + 12345;
  std::mt19937_64 rng(7);
  ds.customers.external_id.resize(n);
  for (size_t i = 0; i < n; ++i) ds.customers.external_id[i] = "c" + std::to_string(rng() % 1000000007);
  ds.customers.email.assign(n, "");
  ds.customers.first_name.assign(n, "x");
  ds.customers.first_name[n - 1] = std::string(2000, 'y');  // forces variable-length storage
  ds.customers.country.assign(n, "GB");
  ds.customers.tz_offset_min.assign(n, 0);
  ds.customers.signup_time.resize(n);
  for (size_t i = 0; i < n; ++i) ds.customers.signup_time[i] = static_cast<int64_t>(rng() >> 1);
  ds.customers.birthday.assign(n, -1);
  ds.customers.consent.assign(n, 1);
  ds.customers.unsubscribed.assign(n, 0);
  ds.customers.suppressed.assign(n, 0);
  const std::string p = path("large.h5");
  write_dataset(ds, p);
  const Dataset back = read_dataset(p);
  EXPECT_EQ(back.customers.external_id, ds.customers.external_id);
  EXPECT_EQ(back.customers.first_name, ds.customers.first_name);
  EXPECT_EQ(back.customers.signup_time, ds.customers.signup_time);
}

TEST_F(DatasetIoTest, MissingFileIsAClearError) {
  expect_error([&] { read_dataset(path("nope.h5")); }, {path("nope.h5"), "no such file"});
}

TEST_F(DatasetIoTest, RandomGarbageIsNotAnHdf5File) {
  std::vector<char> garbage(100000);
  std::mt19937 rng(1);
  for (char& ch : garbage) ch = static_cast<char>(rng());
  write_bytes(path("garbage.h5"), garbage);
  expect_error([&] { read_dataset(path("garbage.h5")); }, {path("garbage.h5"), "not an HDF5 file"});
}

TEST_F(DatasetIoTest, TruncatedFileIsAClearError) {
  const std::string p = path("ds.h5");
  write_dataset(small_dataset(), p);
  const std::vector<char> bytes = read_bytes(p);
  for (double frac : {0.9, 0.5, 0.1}) {
    std::vector<char> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * frac));
    const std::string q = path("cut.h5");
    write_bytes(q, cut);
    SCOPED_TRACE("kept fraction " + std::to_string(frac));
    expect_error([&] { read_dataset(q); }, {q});
  }
}

TEST_F(DatasetIoTest, WrongMagicIsRejected) {
  const std::string p = path("other.h5");
  {
    h5::File f = h5::File::create(p);
    f.root().set_attr("magic", "TAILOR-CKPT");
    f.root().set_attr("format_version", int64_t{kDatasetFormatVersion});
    f.close();
  }
  expect_error([&] { read_dataset(p); }, {p, "not a tailor dataset", "TAILOR-CKPT"});
  const std::string q = path("plain.h5");
  h5::File::create(q).close();
  expect_error([&] { read_dataset(q); }, {q, "not a tailor dataset"});
}

TEST_F(DatasetIoTest, WrongVersionIsRejected) {
  const std::string p = path("v99.h5");
  {
    h5::File f = h5::File::create(p);
    f.root().set_attr("magic", "TAILOR-DATASET");
    f.root().set_attr("format_version", int64_t{99});
    f.close();
  }
  expect_error([&] { read_dataset(p); }, {p, "version 99", "not supported"});
}

TEST_F(DatasetIoTest, IndexOutOfRangeIsRejectedOnWriteAndRead) {
  Dataset ds = small_dataset();
  ds.transactions.product[2] = 7;  // only 2 products
  const std::string p = path("bad.h5");
  expect_error([&] { write_dataset(ds, p); }, {"/transactions/product[2] = 7", "out of range"});
  EXPECT_FALSE(fs::exists(p));

  // A file from another writer with a bad index: patch one column of a valid file with HDF5 directly.
  {
    Dataset bad = small_dataset();
    bad.email_log.campaign[1] = 5;  // only 2 campaigns
    const std::string q = path("bad_campaign.h5");
    write_dataset(small_dataset(), q);
    const hid_t fid = H5Fopen(q.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(fid, 0);
    const hid_t did = H5Dopen2(fid, "/email_log/campaign", H5P_DEFAULT);
    ASSERT_GE(did, 0);
    ASSERT_GE(H5Dwrite(did, H5T_NATIVE_INT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, bad.email_log.campaign.data()), 0);
    ASSERT_GE(H5Adelete(did, "tailor_crc32"), 0);  // an external writer stores no checksum
    H5Dclose(did);
    H5Fclose(fid);
    EXPECT_THROW(read_dataset(q), Error) << "an edit after sealing must fail the integrity check";
    unseal(q);
    expect_error([&] { read_dataset(q); }, {q, "/email_log/campaign[1] = 5", "out of range"});
  }
}

TEST_F(DatasetIoTest, UnequalColumnLengthsAreRejected) {
  Dataset ds = small_dataset();
  ds.customers.consent.pop_back();
  expect_error([&] { write_dataset(ds, path("x.h5")); }, {"/customers/consent", "2 rows", "has 3"});
  ds = small_dataset();
  ds.customers.numeric_attributes["history"].push_back(1.0f);
  expect_error([&] { write_dataset(ds, path("x.h5")); }, {"/customers/numeric_attributes/history"});
}

TEST_F(DatasetIoTest, WrongDtypeOnDiskIsRejected) {
  const std::string p = path("dtype.h5");
  write_dataset(small_dataset(), p);
  // Replace /customers/tz_offset_min (int16) with an int32 column.
  const hid_t fid = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(fid, 0);
  ASSERT_GE(H5Ldelete(fid, "/customers/tz_offset_min", H5P_DEFAULT), 0);
  H5Fclose(fid);
  {
    const hid_t f2 = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f2, 0);
    const hsize_t n = 3;
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t d = H5Dcreate2(f2, "/customers/tz_offset_min", H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT);
    const int32_t v[3] = {0, 60, 540};
    ASSERT_GE(H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v), 0);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f2);
  }
  unseal(p);
  expect_error([&] { read_dataset(p); }, {p, "/customers/tz_offset_min", "dtype int32, expected int16"});
}

TEST_F(DatasetIoTest, CorruptedColumnIsDetected) {
  Dataset ds = small_dataset();
  ds.transactions.time.assign(4, 0x5A5A5A5A5A5A5A5A);  // a byte pattern easy to find in the file
  const std::string p = path("ds.h5");
  write_dataset(ds, p);
  std::vector<char> bytes = read_bytes(p);
  const std::string pattern(32, '\x5A');
  const size_t pos = std::string(bytes.begin(), bytes.end()).find(pattern);
  ASSERT_NE(pos, std::string::npos);
  bytes[pos + 9] ^= 0x01;
  write_bytes(p, bytes);
  expect_error([&] { read_dataset(p); }, {p, "corrupted", "checksum mismatch"});
}

TEST_F(DatasetIoTest, FailedWriteLeavesNoFile) {
  Dataset ds = small_dataset();
  ds.metadata["bad/key"] = "x";  // '/' is not allowed in a metadata key: fails after most columns
  const std::string p = path("ds.h5");
  expect_error([&] { write_dataset(ds, p); }, {"bad/key"});
  EXPECT_TRUE(fs::is_empty(dir_)) << "neither the final file nor the temporary may remain";
}

}  // namespace
}  // namespace tailor
