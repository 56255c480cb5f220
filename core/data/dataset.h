// The canonical in-memory dataset: customers, products, invoices, transactions, email log and
// campaigns as columns. Relations use dense row indices; external ids are kept as strings.
// On disk it is one HDF5 file (core/data/dataset_io.h, layout in docs/dataset.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tailor {

/// Times are Unix seconds (UTC). -1 means unknown.
using UnixTime = int64_t;

struct CustomerTable {
  std::vector<std::string> external_id;  ///< id in the source system (unique)
  std::vector<std::string> email;        ///< personal data: never logged
  std::vector<std::string> first_name;   ///< personal data: never logged
  std::vector<std::string> country;
  std::vector<int16_t> tz_offset_min;    ///< local time = UTC + offset (minutes)
  std::vector<UnixTime> signup_time;
  std::vector<UnixTime> birthday;        ///< date of birth at 00:00 UTC, -1 unknown
  std::vector<uint8_t> consent;          ///< 1: opted in to marketing email
  std::vector<uint8_t> unsubscribed;     ///< 1: unsubscribed (overrides consent)
  std::vector<uint8_t> suppressed;       ///< 1: on a suppression list (bounce, complaint, legal)
  /// Extra numeric attributes from the source (e.g. Hillstrom's `history`), one value per row.
  std::map<std::string, std::vector<float>> numeric_attributes;
  /// Extra categorical attributes from the source (e.g. Hillstrom's `channel`).
  std::map<std::string, std::vector<std::string>> string_attributes;

  size_t size() const { return external_id.size(); }
};

struct ProductTable {
  std::vector<std::string> external_id;  ///< e.g. StockCode
  std::vector<std::string> title;        ///< product text (name / description)
  std::vector<std::string> category;     ///< "" when the source has none
  std::vector<float> price;              ///< typical unit price, NaN unknown
  std::vector<uint8_t> available;        ///< 0: not to be recommended

  size_t size() const { return external_id.size(); }
};

/// Kind of a transaction line.
enum class TransactionKind : uint8_t { kPurchase = 0, kReturn = 1 };

struct TransactionTable {
  std::vector<int64_t> customer;   ///< row in CustomerTable, -1 when the source had no customer id
  std::vector<int32_t> product;    ///< row in ProductTable
  std::vector<int64_t> invoice;    ///< row in `invoices`
  std::vector<UnixTime> time;
  std::vector<int32_t> quantity;   ///< negative for returns
  std::vector<float> unit_price;
  std::vector<uint8_t> kind;       ///< TransactionKind

  size_t size() const { return customer.size(); }
};

/// One logged decision of the email program: an email sent (campaign >= 0) or a logged
/// "no email" decision (campaign == -1, as in a randomised control group).
struct EmailLogTable {
  std::vector<int64_t> customer;
  std::vector<UnixTime> time;       ///< send (or decision) time
  std::vector<int16_t> campaign;    ///< row in `campaigns`, -1 = no email
  std::vector<int8_t> hour;         ///< local send hour 0..23, -1 unknown
  std::vector<float> propensity;    ///< logging policy's probability of this action, NaN unknown
  std::vector<uint8_t> opened;
  std::vector<uint8_t> clicked;     ///< clicked through / visited
  std::vector<uint8_t> converted;
  std::vector<float> revenue;
  std::vector<uint8_t> unsubscribed;

  size_t size() const { return customer.size(); }
};

/// What a row of TextCorpusTable holds.
enum class TextField : uint8_t {
  kSubject = 0,           ///< an email's subject line
  kBody = 1,              ///< an email's body text (plain text, HTML stripped)
  kProductName = 2,       ///< a product's display name
  kReferenceSubject = 3,  ///< a human-written reference subject for a body (AESLC @ann0..2)
};

/// Split of a corpus row; importers assign it (from the source's own split, or seeded).
enum class CorpusSplit : uint8_t { kTrain = 0, kDev = 1, kTest = 2 };

/// Text for the copy models (email subjects and bodies, product names), one row per piece of
/// text. Rows of one source item (an email's subject and body, its reference subjects) share a
/// `document` id. Specifics the cleaner replaced are slots such as {product}, {price},
/// {discount} (docs/corpus.md).
struct TextCorpusTable {
  std::vector<int64_t> document;      ///< source item id; equal for the rows of one email
  std::vector<std::string> source;    ///< e.g. "spamassassin/hard-ham-1", "aeslc", "synth"
  std::vector<uint8_t> field;         ///< TextField
  std::vector<uint8_t> split;         ///< CorpusSplit
  std::vector<std::string> text;      ///< UTF-8, cleaned
  std::vector<std::string> campaign;  ///< campaign type ("" unknown)
  std::vector<std::string> category;  ///< product category ("" none)
  std::vector<int64_t> customer;      ///< row in CustomerTable the email went to, -1 none
  std::vector<int32_t> product;       ///< row in ProductTable it features, -1 none
  std::vector<int8_t> spam;           ///< 1 spam, 0 ham, -1 unknown
  std::vector<float> open_rate;       ///< logged outcome of this copy, NaN unknown
  std::vector<float> click_rate;      ///< logged outcome of this copy, NaN unknown

  size_t size() const { return text.size(); }
};

struct Dataset {
  CustomerTable customers;
  ProductTable products;
  std::vector<std::string> invoices;   ///< invoice ids; TransactionTable::invoice indexes this
  TransactionTable transactions;
  std::vector<std::string> campaigns;  ///< campaign names; EmailLogTable::campaign indexes this
  EmailLogTable email_log;
  /// Copy corpora (may be empty).
  TextCorpusTable corpus;
  /// Free-form provenance: "source" (import mapping or synth), "created", import summary JSON ...
  std::map<std::string, std::string> metadata;
};

}  // namespace tailor
