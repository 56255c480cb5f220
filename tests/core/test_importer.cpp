// The CSV importer: mappings, one fixture per kind of fault, rejects, summary, and the published
// figures of the real Online Retail and Hillstrom files (skipped when the data is absent).
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/error.h"
#include "core/data/import_mapping.h"
#include "core/data/import_mapping_values.h"
#include "core/data/importer.h"
#include "core/io/csv_reader.h"

namespace tailor {
namespace {

const std::string kDir = std::string(TAILOR_TEST_DATA_DIR) + "/import/";
const std::string kConfigs = std::string(TAILOR_SOURCE_DIR) + "/configs/import/";

ImportMapping retail() { return load_import_mapping(kConfigs + "online_retail.yaml"); }

ImportResult import_fixture(const std::string& name, const ImportMapping& m = retail()) {
  return import_csv(m, kDir + name);
}

std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no tailor::Error thrown";
  return "";
}

int64_t count_reason(const ImportSummary& s, const std::string& reason) {
  auto it = s.rejected_by_reason.find(reason);
  return it == s.rejected_by_reason.end() ? 0 : it->second;
}

TEST(ImportMapping, ShippedMappingsLoad) {
  ImportMapping r = retail();
  EXPECT_EQ(r.name, "online_retail");
  EXPECT_EQ(r.rules.cancellation_prefix, "C");
  EXPECT_EQ(r.rules.duplicates, DuplicatePolicy::kReject);
  EXPECT_EQ(r.columns().size(), 8u);
  EXPECT_TRUE(r.products.id.required);
  EXPECT_FALSE(r.customers.consent.has_value());  // documented: no consent data -> 0

  ImportMapping h = load_import_mapping(kConfigs + "hillstrom.yaml");
  EXPECT_EQ(h.customers.id.source, SourceKind::kRowNumber);
  EXPECT_EQ(h.customers.numeric_attributes.size(), 5u);
  EXPECT_EQ(h.customers.string_attributes.size(), 3u);
  ASSERT_TRUE(h.email_log.campaign.has_value());
  EXPECT_FALSE(h.email_log.campaign->value_map.at("No E-Mail").has_value());
  EXPECT_EQ(h.rules.duplicates, DuplicatePolicy::kKeep);
}

TEST(ImportMapping, ErrorsNameFileLineAndKey) {
  std::string msg = expect_error([] {
    parse_import_mapping("products:\n  id: StockCode\n  colour: Colour\n", "m.yaml");
  });
  EXPECT_NE(msg.find("m.yaml line 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("products.colour"), std::string::npos) << msg;

  msg = expect_error([] { parse_import_mapping("products:\n  id: {column: A, type: number}\n", "m.yaml"); });
  EXPECT_NE(msg.find("unknown type 'number'"), std::string::npos) << msg;

  msg = expect_error([] {
    parse_import_mapping(
        "products: {id: P}\ntransactions:\n  invoice: I\n  quantity: Q\n"
        "  time: {column: T, format: '%Y-%q'}\n",
        "m.yaml");
  });
  EXPECT_NE(msg.find("%q"), std::string::npos) << msg;

  msg = expect_error([] { parse_import_mapping("products: {id: P}\ntransactions: {invoice: I}\n", "m.yaml"); });
  EXPECT_NE(msg.find("'time'"), std::string::npos) << msg;

  msg = expect_error([] {
    parse_import_mapping("customers:\n  id: {row_number: true}\n  consent: {constant: maybe}\n", "m.yaml");
  });
  EXPECT_NE(msg.find("customers.consent"), std::string::npos) << msg;
  EXPECT_NE(msg.find("maybe"), std::string::npos) << msg;

  msg = expect_error([] { parse_import_mapping("customers: {id: C, country: {column: X, type: int}}\n", "m.yaml"); });
  EXPECT_NE(msg.find("customers.country"), std::string::npos) << msg;

  msg = expect_error([] { parse_import_mapping("format: {encoding: latin-1}\nproducts: {id: P}\n", "m.yaml"); });
  EXPECT_NE(msg.find("utf-8"), std::string::npos) << msg;
}

TEST(ImportValues, DatetimeFormats) {
  int64_t t = 0;
  EXPECT_TRUE(DatetimeParser("%Y-%m-%d %H:%M:%S").parse("2010-12-01 08:26:00", &t));
  EXPECT_EQ(t, 1291191960);
  EXPECT_EQ(format_utc(t), "2010-12-01 08:26:00");
  EXPECT_TRUE(DatetimeParser("%m/%d/%Y %H:%M").parse("12/1/2010 8:26", &t));  // UCI's Excel style
  EXPECT_EQ(t, 1291191960);
  EXPECT_TRUE(DatetimeParser("%d %b %Y %I:%M %p").parse("01 Dec 2010 08:26 AM", &t));
  EXPECT_EQ(t, 1291191960);
  EXPECT_TRUE(DatetimeParser("%Y-%m-%dT%H:%M:%S%z").parse("2010-12-01T09:26:00+01:00", &t));
  EXPECT_EQ(t, 1291191960);
  EXPECT_TRUE(DatetimeParser("%s").parse("1291191960", &t));
  EXPECT_EQ(t, 1291191960);
  EXPECT_TRUE(DatetimeParser("%Y-%m-%d").parse("2012-02-29", &t));
  EXPECT_FALSE(DatetimeParser("%Y-%m-%d").parse("2011-02-29", &t));
  EXPECT_FALSE(DatetimeParser("%Y-%m-%d").parse("2011-13-01", &t));
  EXPECT_FALSE(DatetimeParser("%Y-%m-%d").parse("2011-12-01 junk", &t));
  EXPECT_TRUE(DatetimeParser("%Y-%m-%d").parse("1969-12-31", &t));
  EXPECT_EQ(t, -86400);
}

TEST(Importer, SmallShopFileBuildsTheTables) {
  ImportResult r = import_fixture("shop.csv");
  const Dataset& ds = r.dataset;
  const ImportSummary& s = r.summary;
  EXPECT_EQ(s.rows_read, 7);
  EXPECT_EQ(s.rows_kept, 7);
  EXPECT_EQ(s.rows_rejected, 0);
  EXPECT_TRUE(r.rejects.empty());
  EXPECT_EQ(ds.invoices, (std::vector<std::string>{"536365", "536366", "536367", "536368", "536369", "536370"}));
  EXPECT_EQ(ds.products.external_id, (std::vector<std::string>{"85123A", "71053", "22633"}));
  // Most frequent description wins (3 x WHITE vs 1 x CREAM).
  EXPECT_EQ(ds.products.title[0], "WHITE HANGING HEART T-LIGHT HOLDER");
  // Median purchase price of 85123A: 2.55, 2.55, 2.95, 2.65 -> 2.6.
  EXPECT_NEAR(ds.products.price[0], 2.6f, 1e-6);
  EXPECT_EQ(ds.products.available, (std::vector<uint8_t>{1, 1, 1}));
  EXPECT_EQ(ds.customers.external_id, (std::vector<std::string>{"17850", "13047", "12583"}));
  EXPECT_EQ(ds.customers.country, (std::vector<std::string>{"United Kingdom", "United Kingdom", "France"}));
  EXPECT_EQ(ds.customers.consent, (std::vector<uint8_t>{0, 0, 0}));  // no consent data
  ASSERT_EQ(ds.transactions.size(), 7u);
  EXPECT_EQ(ds.transactions.customer, (std::vector<int64_t>{0, 0, 0, 1, 1, -1, 2}));
  EXPECT_EQ(ds.transactions.product, (std::vector<int32_t>{0, 1, 2, 0, 0, 2, 0}));
  EXPECT_EQ(ds.transactions.invoice, (std::vector<int64_t>{0, 0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(ds.transactions.quantity, (std::vector<int32_t>{6, 6, 6, 32, 4, 12, 1}));
  EXPECT_EQ(ds.transactions.time[0], 1291191960);
  EXPECT_FLOAT_EQ(ds.transactions.unit_price[1], 3.39f);
  EXPECT_EQ(s.rows_without_customer_id, 1);
  EXPECT_EQ(s.transactions_without_customer, 1);
  EXPECT_EQ(s.quantity_sum, 67);
  EXPECT_EQ(s.distinct_customers, 3);
  EXPECT_EQ(s.distinct_invoices, 6);
  EXPECT_EQ(s.first_time, 1291191960);

  // Metadata: source, summary JSON and the mapping text.
  EXPECT_EQ(ds.metadata.at("source"), "shop.csv via import mapping online_retail");
  nlohmann::json j = nlohmann::json::parse(ds.metadata.at("import_summary"));
  EXPECT_EQ(j["rows_read"], 7);
  EXPECT_EQ(j["distinct_products"], 3);
  EXPECT_EQ(j["first_time"], "2010-12-01 08:26:00");
  EXPECT_NE(ds.metadata.at("import_mapping").find("cancellation_prefix"), std::string::npos);
  EXPECT_NE(s.to_table().find("distinct invoices"), std::string::npos);
}

TEST(Importer, CompressedInputGivesTheSameDataset) {
  ImportResult plain = import_fixture("shop.csv");
  for (const char* name : {"shop.csv.gz", "shop.csv.xz"}) {
    ImportResult r = import_fixture(name);
    EXPECT_EQ(r.dataset.transactions.quantity, plain.dataset.transactions.quantity) << name;
    EXPECT_EQ(r.dataset.transactions.time, plain.dataset.transactions.time) << name;
    EXPECT_EQ(r.dataset.products.title, plain.dataset.products.title) << name;
    EXPECT_EQ(r.dataset.customers.external_id, plain.dataset.customers.external_id) << name;
    EXPECT_EQ(r.summary.rows_read, 7) << name;
  }
}

TEST(Importer, WrongDelimiterIsAClearFileError) {
  std::string msg = expect_error([] { import_fixture("wrong_delimiter.csv"); });
  EXPECT_NE(msg.find("wrong_delimiter.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("online_retail.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CustomerID"), std::string::npos) << msg;
  EXPECT_NE(msg.find("wrong delimiter"), std::string::npos) << msg;
}

TEST(Importer, MissingRequiredColumnIsAClearFileError) {
  std::string msg = expect_error([] { import_fixture("missing_column.csv"); });
  EXPECT_NE(msg.find("missing_column.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'InvoiceDate'"), std::string::npos) << msg;
}

TEST(Importer, UnparsableDatesAreRejectedWithLineAndField) {
  ImportResult r = import_fixture("bad_date.csv");
  EXPECT_EQ(r.summary.rows_read, 5);
  EXPECT_EQ(r.summary.rows_kept, 2);
  EXPECT_EQ(count_reason(r.summary, "unparsable_date"), 3);
  ASSERT_EQ(r.rejects.size(), 3u);
  EXPECT_EQ(r.rejects[0].line, 3);  // month 13
  EXPECT_EQ(r.rejects[1].line, 4);  // other format
  EXPECT_EQ(r.rejects[2].line, 5);  // 29 Feb 2011
  for (const auto& rej : r.rejects) {
    EXPECT_EQ(rej.reason, "unparsable_date");
    EXPECT_EQ(rej.field, "InvoiceDate");
    EXPECT_NE(rej.detail.find("%Y-%m-%d %H:%M:%S"), std::string::npos) << rej.detail;
  }
  EXPECT_EQ(r.rejects[0].record,
            "536366,71053,WHITE METAL LANTERN,6,2010-13-01 08:26:00,3.39,17850,United Kingdom");
}

TEST(Importer, UnparsableNumbersAreRejected) {
  ImportResult r = import_fixture("bad_number.csv");
  EXPECT_EQ(r.summary.rows_kept, 2);
  ASSERT_EQ(r.rejects.size(), 4u);
  EXPECT_EQ(r.rejects[0].line, 3);
  EXPECT_EQ(r.rejects[0].reason, "unparsable_number");
  EXPECT_EQ(r.rejects[0].field, "Quantity");
  EXPECT_EQ(r.rejects[1].line, 4);
  EXPECT_EQ(r.rejects[1].field, "UnitPrice");
  EXPECT_EQ(r.rejects[2].line, 5);  // 2.5 is not an int
  EXPECT_EQ(r.rejects[2].reason, "unparsable_number");
  EXPECT_EQ(r.rejects[3].line, 6);  // does not fit int32
  EXPECT_EQ(r.rejects[3].reason, "out_of_range");
  EXPECT_EQ(count_reason(r.summary, "unparsable_number"), 3);
}

TEST(Importer, MissingIdsRejectRequiredAndCountOptionalCustomer) {
  ImportResult r = import_fixture("missing_id.csv");
  EXPECT_EQ(r.summary.rows_read, 5);
  EXPECT_EQ(r.summary.rows_kept, 3);
  ASSERT_EQ(r.rejects.size(), 2u);
  EXPECT_EQ(r.rejects[0].line, 3);
  EXPECT_EQ(r.rejects[0].reason, "missing_required");
  EXPECT_EQ(r.rejects[0].field, "StockCode");
  EXPECT_EQ(r.rejects[1].line, 4);
  EXPECT_EQ(r.rejects[1].field, "InvoiceNo");
  // Empty and blank CustomerID: kept with customer -1 and counted.
  EXPECT_EQ(r.summary.rows_without_customer_id, 2);
  EXPECT_EQ(r.dataset.transactions.customer, (std::vector<int64_t>{0, -1, -1}));
  EXPECT_EQ(r.dataset.customers.size(), 1u);

  // The same file with a required customer id rejects those rows too.
  ImportMapping m = retail();
  m.customers.id.required = true;
  ImportResult req = import_csv(m, kDir + "missing_id.csv");
  EXPECT_EQ(req.summary.rows_kept, 1);
  EXPECT_EQ(count_reason(req.summary, "missing_required"), 4);
}

TEST(Importer, BrokenUtf8IsARowFaultWithEscapedRawRecord) {
  ImportResult r = import_fixture("broken_utf8.csv");
  EXPECT_EQ(r.summary.rows_read, 4);
  EXPECT_EQ(r.summary.rows_kept, 2);
  ASSERT_EQ(r.rejects.size(), 2u);
  EXPECT_EQ(r.rejects[0].reason, "broken_utf8");
  EXPECT_EQ(r.rejects[0].field, "Description");
  EXPECT_EQ(r.rejects[0].line, 3);
  EXPECT_NE(r.rejects[0].record.find("CAF\\xE9 LANTERN"), std::string::npos) << r.rejects[0].record;
  EXPECT_TRUE(is_valid_utf8(r.rejects[0].record));
  EXPECT_TRUE(is_valid_utf8(r.rejects[1].record));
  EXPECT_EQ(r.dataset.products.title[1], "CAF\xC3\xA9 LANTERN");  // valid UTF-8 is kept
}

TEST(Importer, QuotedNewlinesKeepTheirLineNumbers) {
  ImportResult r = import_fixture("quoted_newline.csv");
  EXPECT_EQ(r.summary.rows_kept, 3);
  EXPECT_EQ(r.dataset.products.title[0], "WHITE HANGING HEART, T-LIGHT \"HOLDER\"");
  EXPECT_EQ(r.dataset.products.title[1], "WHITE METAL\r\nLANTERN");
  EXPECT_EQ(r.dataset.invoices[2], "536367");
}

TEST(Importer, ExactDuplicatesAreRejectedNamingTheFirstLine) {
  ImportResult r = import_fixture("duplicates.csv");
  const ImportSummary& s = r.summary;
  EXPECT_EQ(s.rows_read, 7);
  EXPECT_EQ(s.duplicate_lines, 3);
  EXPECT_EQ(s.rows_kept, 4);
  EXPECT_EQ(count_reason(s, "duplicate"), 3);
  ASSERT_EQ(r.rejects.size(), 3u);
  EXPECT_EQ(r.rejects[0].line, 4);
  EXPECT_NE(r.rejects[0].detail.find("line 2"), std::string::npos) << r.rejects[0].detail;
  EXPECT_EQ(r.rejects[1].line, 7);
  EXPECT_NE(r.rejects[1].detail.find("line 6"), std::string::npos) << r.rejects[1].detail;
  EXPECT_EQ(r.rejects[2].line, 8);
  EXPECT_NE(r.rejects[2].detail.find("line 2"), std::string::npos);
  // Counts over parsed rows include duplicates; the table does not.
  EXPECT_EQ(s.quantity_sum, 42);
  EXPECT_EQ(s.rows_without_customer_id, 2);
  EXPECT_EQ(s.transactions_without_customer, 1);

  ImportMapping keep = retail();
  keep.rules.duplicates = DuplicatePolicy::kKeep;
  ImportResult k = import_csv(keep, kDir + "duplicates.csv");
  EXPECT_EQ(k.summary.duplicate_lines, 3);
  EXPECT_EQ(k.summary.rows_kept, 7);
  EXPECT_TRUE(k.rejects.empty());
}

TEST(Importer, CancellationsAndNegativeQuantitiesAreReturns) {
  ImportResult r = import_fixture("cancellations.csv");
  const ImportSummary& s = r.summary;
  const TransactionTable& t = r.dataset.transactions;
  ASSERT_EQ(t.size(), 6u);
  const uint8_t P = static_cast<uint8_t>(TransactionKind::kPurchase);
  const uint8_t R = static_cast<uint8_t>(TransactionKind::kReturn);
  EXPECT_EQ(t.kind, (std::vector<uint8_t>{P, R, R, R, R, P}));
  // A cancellation with a positive quantity is stored with a negative one.
  EXPECT_EQ(t.quantity, (std::vector<int32_t>{6, -2, -1, -3, -2, 5}));
  EXPECT_EQ(s.cancellation_lines, 3);
  EXPECT_EQ(s.negative_quantity_lines, 3);
  EXPECT_EQ(s.return_lines, 4);
  EXPECT_EQ(s.purchase_lines, 2);
  EXPECT_EQ(s.quantity_sum, 7);  // as read: 6 - 2 - 1 - 3 + 2 + 5
  // Return prices do not enter the product's typical price.
  EXPECT_NEAR(r.dataset.products.price[0], 2.55f, 1e-6);
  EXPECT_TRUE(std::isnan(r.dataset.products.price[1]));  // "D" (Discount) was only returned
}

TEST(Importer, RejectsFileRoundTrips) {
  ImportResult r = import_fixture("broken_utf8.csv");
  ImportResult q = import_fixture("quoted_newline.csv");
  std::vector<RejectedRow> rows = r.rejects;
  RejectedRow multi;
  multi.line = 9;
  multi.reason = "duplicate";
  multi.detail = "identical in every field to line 2";
  multi.record = "1,\"a,\"\"b\"\"\r\nc\"";
  rows.push_back(multi);
  const std::string p = ::testing::TempDir() + "tailor_rejects_" + std::to_string(::getpid()) + ".csv";
  write_rejects_csv(rows, p);
  CsvReader in(p);
  EXPECT_EQ(in.header(), (std::vector<std::string>{"line", "reason", "field", "detail", "record"}));
  CsvRecord rec;
  for (const RejectedRow& want : rows) {
    ASSERT_TRUE(in.next(rec));
    EXPECT_EQ(rec.fault, CsvFault::kNone) << rec.fault_detail;
    EXPECT_EQ(rec[0], std::to_string(want.line));
    EXPECT_EQ(rec[1], want.reason);
    EXPECT_EQ(rec[2], want.field);
    EXPECT_EQ(rec[3], want.detail);
    EXPECT_EQ(rec[4], want.record);
  }
  EXPECT_FALSE(in.next(rec));
  std::remove(p.c_str());
  EXPECT_TRUE(q.rejects.empty());
}

TEST(Importer, HillstromStyleRowsMakeCustomersAndEmailLog) {
  ImportResult r = import_csv(load_import_mapping(kConfigs + "hillstrom.yaml"), kDir + "hillstrom_sample.csv");
  const Dataset& ds = r.dataset;
  EXPECT_EQ(r.summary.rows_read, 7);
  EXPECT_EQ(r.summary.rows_kept, 5);
  ASSERT_EQ(r.rejects.size(), 2u);
  EXPECT_EQ(r.rejects[0].line, 7);
  EXPECT_EQ(r.rejects[0].reason, "unmapped_value");  // "Kids E-Mail"
  EXPECT_EQ(r.rejects[0].field, "segment");
  EXPECT_EQ(r.rejects[1].line, 8);
  EXPECT_EQ(r.rejects[1].reason, "unparsable_number");
  EXPECT_EQ(r.rejects[1].field, "history");
  EXPECT_EQ(r.summary.duplicate_lines, 1);  // row 5 repeats row 2 but is another customer: kept
  EXPECT_EQ(ds.customers.external_id, (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(ds.customers.consent, (std::vector<uint8_t>(5, 1)));
  EXPECT_EQ(ds.customers.numeric_attributes.at("recency"), (std::vector<float>{10, 6, 7, 9, 6}));
  EXPECT_FLOAT_EQ(ds.customers.numeric_attributes.at("history")[0], 142.44f);
  EXPECT_EQ(ds.customers.numeric_attributes.at("womens"), (std::vector<float>{0, 1, 1, 0, 1}));
  EXPECT_EQ(ds.customers.string_attributes.at("history_segment")[0], "2) $100 - $200");
  EXPECT_EQ(ds.customers.string_attributes.at("channel")[0], "Phone");
  EXPECT_EQ(ds.campaigns, (std::vector<std::string>{"womens", "mens"}));
  EXPECT_EQ(ds.email_log.campaign, (std::vector<int16_t>{0, -1, 0, 1, -1}));
  EXPECT_EQ(ds.email_log.customer, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(ds.email_log.clicked, (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  EXPECT_EQ(ds.email_log.converted, (std::vector<uint8_t>{0, 0, 0, 1, 0}));
  EXPECT_FLOAT_EQ(ds.email_log.revenue[3], 49.5f);
  EXPECT_FLOAT_EQ(ds.email_log.propensity[0], 1.0f / 3.0f);
  EXPECT_EQ(ds.email_log.time[0], -1);
  EXPECT_EQ(r.summary.no_email_records, 2);
  EXPECT_TRUE(ds.transactions.size() == 0 && ds.products.size() == 0);
}

TEST(Importer, DocumentedOwnCsvExampleWorks) {
  ImportResult r = import_csv(load_import_mapping(kDir + "my_shop.yaml"), kDir + "my_shop.csv");
  const Dataset& ds = r.dataset;
  EXPECT_EQ(r.summary.rows_kept, 3);
  EXPECT_EQ(ds.customers.external_id, (std::vector<std::string>{"c-17"}));
  EXPECT_EQ(ds.customers.consent, (std::vector<uint8_t>{1}));
  EXPECT_EQ(ds.transactions.customer, (std::vector<int64_t>{0, -1, 0}));
  const uint8_t R = static_cast<uint8_t>(TransactionKind::kReturn);
  EXPECT_EQ(ds.transactions.kind[2], R);
  EXPECT_EQ(ds.transactions.quantity, (std::vector<int32_t>{2, 1, -1}));
  int64_t t = 0;
  ASSERT_TRUE(DatetimeParser("%Y-%m-%d %H:%M").parse("2024-03-23 14:05", &t));
  EXPECT_EQ(ds.transactions.time[0], t);
  EXPECT_EQ(r.summary.cancellation_lines, 1);
}

// ---- Real data (../shared/data); skipped with a message when absent. ----

std::string shared_data(const std::string& rel) {
  const char* env = std::getenv("TAILOR_SHARED_DATA");
  if (env == nullptr || *env == '\0') return "";
  const std::string p = std::string(env) + "/" + rel;
  return std::ifstream(p).good() ? p : "";
}

TEST(ImporterRealData, OnlineRetailPublishedFigures) {
  const std::string path = shared_data("online_retail/online_retail.csv.xz");
  if (path.empty())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/online_retail/online_retail.csv.xz is absent (set TAILOR_SHARED_DATA)";
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  ImportResult r = import_csv(retail(), path);
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ import   ] Online Retail: %lld rows in %.2f s wall, %.2f s CPU (%.0f rows/s)\n",
              static_cast<long long>(r.summary.rows_read), secs, cpu, r.summary.rows_read / secs);
  std::fputs(r.summary.to_table().c_str(), stdout);
  const ImportSummary& s = r.summary;
  EXPECT_EQ(s.rows_read, 541909);
  EXPECT_EQ(s.distinct_invoices, 25900);
  EXPECT_EQ(s.distinct_products, 4070);
  EXPECT_EQ(s.rows_without_customer_id, 135080);
  EXPECT_EQ(s.cancellation_lines, 9288);
  EXPECT_EQ(s.duplicate_lines, 5268);
  EXPECT_EQ(s.distinct_customers, 4372);
  EXPECT_EQ(s.quantity_sum, 5176450);
  // Nothing else is rejected; every kept line is in the table.
  EXPECT_EQ(s.rows_rejected, 5268);
  EXPECT_EQ(count_reason(s, "duplicate"), 5268);
  EXPECT_EQ(s.rows_kept, 541909 - 5268);
  EXPECT_EQ(static_cast<int64_t>(r.dataset.transactions.size()), s.rows_kept);
  EXPECT_EQ(static_cast<int64_t>(r.dataset.invoices.size()), 25900);
  // Cancellations are never purchases.
  int64_t purchases_with_c = 0;
  for (size_t i = 0; i < r.dataset.transactions.size(); ++i) {
    if (r.dataset.invoices[static_cast<size_t>(r.dataset.transactions.invoice[i])][0] == 'C' &&
        r.dataset.transactions.kind[i] == static_cast<uint8_t>(TransactionKind::kPurchase))
      ++purchases_with_c;
  }
  EXPECT_EQ(purchases_with_c, 0);
  EXPECT_EQ(format_utc(s.first_time), "2010-12-01 08:26:00");
  EXPECT_EQ(format_utc(s.last_time), "2011-12-09 12:50:00");
  // CPU time (both threads) is what the code controls; wall time also depends on machine load.
  EXPECT_LT(cpu, 6.0) << "the import should take a few seconds at most";
  EXPECT_LT(secs, 20.0);
}

TEST(ImporterRealData, HillstromSegments) {
  const std::string path = shared_data("hillstrom/hillstrom.csv.xz");
  if (path.empty())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/hillstrom/hillstrom.csv.xz is absent (set TAILOR_SHARED_DATA)";
  ImportResult r = import_csv(load_import_mapping(kConfigs + "hillstrom.yaml"), path);
  std::fputs(r.summary.to_table().c_str(), stdout);
  const Dataset& ds = r.dataset;
  EXPECT_EQ(r.summary.rows_read, 64000);
  EXPECT_EQ(r.summary.rows_kept, 64000);
  EXPECT_EQ(ds.customers.size(), 64000u);
  ASSERT_EQ(ds.email_log.size(), 64000u);
  int64_t mens = 0, womens = 0, none = 0, mens_visits = 0;
  for (size_t i = 0; i < ds.email_log.size(); ++i) {
    const int16_t c = ds.email_log.campaign[i];
    if (c < 0) {
      ++none;
    } else if (ds.campaigns[static_cast<size_t>(c)] == "mens") {
      ++mens;
      mens_visits += ds.email_log.clicked[i];
    } else if (ds.campaigns[static_cast<size_t>(c)] == "womens") {
      ++womens;
    }
  }
  EXPECT_EQ(mens, 21307);
  EXPECT_EQ(womens, 21387);
  EXPECT_EQ(none, 21306);
  EXPECT_NEAR(static_cast<double>(mens_visits) / mens, 0.1828, 0.0001);  // published visit rate
}

}  // namespace
}  // namespace tailor
