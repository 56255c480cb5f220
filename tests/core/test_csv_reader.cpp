// LineReader (plain / gzip / xz) and CsvReader (RFC 4180, line numbers, UTF-8 faults).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "core/common/error.h"
#include "core/io/csv_reader.h"
#include "core/io/line_reader.h"

namespace tailor {
namespace {

const std::string kDir = std::string(TAILOR_TEST_DATA_DIR) + "/import/";

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "tailor_csv_" + std::to_string(::getpid()) + "_" + name;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string read_all(LineReader& r, size_t chunk) {
  std::string out, buf(chunk, '\0');
  for (size_t n; (n = r.read(buf.data(), buf.size())) > 0;) out.append(buf.data(), n);
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
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

TEST(LineReader, GzipAndXzDecompressToThePlainBytes) {
  const std::string plain = file_bytes(kDir + "shop.csv");
  ASSERT_GT(plain.size(), 100u);
  for (const char* name : {"shop.csv", "shop.csv.gz", "shop.csv.xz"}) {
    for (size_t chunk : {size_t(1), size_t(7), size_t(4096)}) {
      LineReader r(kDir + name, chunk < 64 ? 64 : chunk);
      EXPECT_EQ(read_all(r, chunk), plain) << name << " chunk " << chunk;
      EXPECT_EQ(r.bytes_out(), plain.size()) << name;
    }
  }
  EXPECT_EQ(LineReader(kDir + "shop.csv").compression(), Compression::kNone);
  EXPECT_EQ(LineReader(kDir + "shop.csv.gz").compression(), Compression::kGzip);
  EXPECT_EQ(LineReader(kDir + "shop.csv.xz").compression(), Compression::kXz);
}

TEST(LineReader, ReadLineStripsLfAndCrLf) {
  LineReader r(kDir + "hillstrom_sample.csv");  // CRLF line ends
  std::string line;
  ASSERT_TRUE(r.read_line(line));
  EXPECT_EQ(line.substr(0, 8), "recency,");
  EXPECT_NE(line.back(), '\r');
  int n = 1;
  while (r.read_line(line)) ++n;
  EXPECT_EQ(n, 8);

  LineReader x(kDir + "shop.csv.xz");
  n = 0;
  std::string last;
  while (x.read_line(line)) {
    ++n;
    last = line;
  }
  EXPECT_EQ(n, 8);
  EXPECT_EQ(last, "536370,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,2010-12-01 08:45:00,2.65,12583,France");
}

TEST(LineReader, MagicBytesWinOverAMissingExtension) {
  const std::string p = temp_path("no_extension");
  write_file(p, file_bytes(kDir + "shop.csv.xz"));
  LineReader r(p);
  EXPECT_EQ(r.compression(), Compression::kXz);
  EXPECT_EQ(read_all(r, 4096), file_bytes(kDir + "shop.csv"));
  std::remove(p.c_str());
}

TEST(LineReader, ConcatenatedGzipMembersAreOneStream) {
  const std::string p = temp_path("twice.csv.gz");
  const std::string gz = file_bytes(kDir + "shop.csv.gz");
  write_file(p, gz + gz);  // what `cat a.gz a.gz > b.gz` makes
  LineReader r(p);
  const std::string plain = file_bytes(kDir + "shop.csv");
  EXPECT_EQ(read_all(r, 4096), plain + plain);
  std::remove(p.c_str());
}

TEST(LineReader, ExtensionWithoutMatchingContentIsAnError) {
  const std::string p = temp_path("plain.csv.gz");
  write_file(p, "a,b\n1,2\n");
  std::string msg = expect_error([&] { LineReader r(p); });
  EXPECT_NE(msg.find(p), std::string::npos) << msg;
  EXPECT_NE(msg.find("not gzip"), std::string::npos) << msg;
  std::remove(p.c_str());
}

TEST(LineReader, TruncatedCompressedFilesAreErrorsNotShortReads) {
  for (const char* name : {"shop.csv.gz", "shop.csv.xz"}) {
    const std::string full = file_bytes(kDir + name);
    const std::string p = temp_path(std::string("truncated_") + name);
    write_file(p, full.substr(0, full.size() / 2));
    std::string msg = expect_error([&] {
      LineReader r(p);
      read_all(r, 4096);
    });
    EXPECT_NE(msg.find("truncated"), std::string::npos) << name << ": " << msg;
    EXPECT_NE(msg.find(p), std::string::npos) << msg;
    std::remove(p.c_str());
  }
}

TEST(LineReader, MissingFileNamesThePath) {
  std::string msg = expect_error([] { LineReader r("/nonexistent/dir/file.csv"); });
  EXPECT_NE(msg.find("/nonexistent/dir/file.csv"), std::string::npos) << msg;
}

TEST(CsvReader, QuotedFieldsWithDelimitersQuotesAndNewlinesCrLf) {
  CsvReader r(kDir + "quoted_newline.csv");
  ASSERT_EQ(r.header().size(), 8u);
  EXPECT_EQ(r.header()[7], "Country");  // no trailing CR
  CsvRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 2);
  EXPECT_EQ(rec.index, 1);
  ASSERT_EQ(rec.size(), 8u);
  EXPECT_EQ(rec[2], "WHITE HANGING HEART, T-LIGHT \"HOLDER\"");
  EXPECT_EQ(rec[7], "United Kingdom");
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 3);
  EXPECT_EQ(rec[2], "WHITE METAL\r\nLANTERN");
  EXPECT_EQ(rec.raw.substr(0, 14), "536366,71053,\"");
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 5);  // the quoted newline took a physical line
  EXPECT_EQ(rec[0], "536367");
  EXPECT_EQ(rec[7], "United Kingdom");
  EXPECT_EQ(rec.fault, CsvFault::kNone);
  EXPECT_FALSE(r.next(rec));
  EXPECT_EQ(r.records_read(), 3);
}

TEST(CsvReader, BrokenUtf8IsARecordFaultAndParsingGoesOn) {
  CsvReader r(kDir + "broken_utf8.csv");
  CsvRecord rec;
  std::vector<std::pair<int64_t, int>> faults;
  int n = 0;
  while (r.next(rec)) {
    ++n;
    if (rec.fault != CsvFault::kNone) {
      EXPECT_EQ(rec.fault, CsvFault::kBrokenUtf8);
      faults.emplace_back(rec.line, rec.fault_field);
    }
  }
  EXPECT_EQ(n, 4);
  ASSERT_EQ(faults.size(), 2u);  // Latin-1 byte and an encoded surrogate; valid "CAFÉ" passes
  EXPECT_EQ(faults[0], std::make_pair(int64_t{3}, 2));
  EXPECT_EQ(faults[1], std::make_pair(int64_t{5}, 2));
}

TEST(CsvReader, Utf8Validation) {
  size_t bad = 99;
  EXPECT_TRUE(is_valid_utf8("plain ascii, long enough for the fast path"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("caf\xE9", &bad));
  EXPECT_EQ(bad, 3u);
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xE2\x82"));  // truncated at the end
}

TEST(CsvReader, QuotingFaultsAndBlankLines) {
  const std::string p = temp_path("faults.csv");
  write_file(p, "\xEF\xBB\xBF" "a,b\n\n1,\"x\"y\n\r\n2,3\n4,\"never closed\n5,6\n");
  CsvReader r(p);
  ASSERT_EQ(r.header().size(), 2u);
  EXPECT_EQ(r.header()[0], "a");  // byte-order mark dropped
  CsvRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 3);
  EXPECT_EQ(rec.fault, CsvFault::kBadQuoting);
  EXPECT_EQ(rec.fault_field, 1);
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 5);
  EXPECT_EQ(rec.fault, CsvFault::kNone);
  EXPECT_EQ(rec[1], "3");
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 6);
  EXPECT_EQ(rec.fault, CsvFault::kUnterminatedQuote);
  EXPECT_NE(rec.fault_detail.find("line 6"), std::string::npos) << rec.fault_detail;
  EXPECT_FALSE(r.next(rec));
  EXPECT_EQ(r.blank_lines(), 2);
  std::remove(p.c_str());
}

TEST(CsvReader, WrongDelimiterAndMissingColumnsAreClearErrors) {
  CsvReader r(kDir + "wrong_delimiter.csv");
  std::string msg = expect_error([&] { r.column_indices({"InvoiceNo", "StockCode"}, "mapping 'm.yaml'"); });
  EXPECT_NE(msg.find("wrong_delimiter.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("single column"), std::string::npos) << msg;
  EXPECT_NE(msg.find("InvoiceNo, StockCode"), std::string::npos) << msg;
  EXPECT_NE(msg.find("';'"), std::string::npos) << msg;

  CsvReader m(kDir + "missing_column.csv");
  msg = expect_error([&] { m.column_indices({"InvoiceNo", "InvoiceDate"}, "mapping 'm.yaml'"); });
  EXPECT_NE(msg.find("missing_column.csv"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'InvoiceDate'"), std::string::npos) << msg;
  EXPECT_EQ(m.column_indices({"Country", "InvoiceNo"}, "x"), (std::vector<int>{6, 0}));
}

TEST(CsvReader, NoHeaderNamesColumnsByPositionAndOtherDelimiters) {
  const std::string p = temp_path("noheader.tsv");
  write_file(p, "x\t'a\tb'\t1\ny\t'it''s'\t2");  // no final newline
  CsvOptions o;
  o.header = false;
  o.delimiter = '\t';
  o.quote = '\'';
  CsvReader r(p, o);
  EXPECT_EQ(r.column_count(), 3u);
  EXPECT_EQ(r.column_indices({"3", "1"}, "x"), (std::vector<int>{2, 0}));
  CsvRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 1);
  EXPECT_EQ(rec[1], "a\tb");
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.line, 2);
  EXPECT_EQ(rec[1], "it's");
  EXPECT_EQ(rec[2], "2");
  EXPECT_FALSE(r.next(rec));
  std::remove(p.c_str());
}

TEST(CsvReader, EmptyFileWithHeaderExpectedIsAnError) {
  const std::string p = temp_path("empty.csv");
  write_file(p, "");
  std::string msg = expect_error([&] { CsvReader r(p); });
  EXPECT_NE(msg.find("empty"), std::string::npos) << msg;
  std::remove(p.c_str());
}

// Records far bigger than the reader's 1 MiB chunks, with quotes, delimiters, CR, LF and CRLF at
// every position, round-trip exactly (chunk boundaries fall inside fields and inside CRLF).
TEST(CsvReader, RandomRecordsRoundTripAcrossChunkBoundaries) {
  const uint32_t seed = 20240611u;
  std::mt19937 rng(seed);
  const std::string alphabet = "ab,\"\n\r x";  // plus a 2-byte UTF-8 char as a unit
  std::vector<std::vector<std::string>> records;
  std::string file = "c1,c2,c3\r\n";
  std::vector<int64_t> lines;
  int64_t line = 2;
  size_t total = 0;
  while (total < (size_t(3) << 20)) {
    std::vector<std::string> rec;
    std::string text;
    for (int f = 0; f < 3; ++f) {
      std::string v;
      const size_t len = rng() % (f == 2 ? 4000 : 12);
      while (v.size() < len) {
        const size_t k = rng() % 9;
        if (k == 8) v += "\xC3\xA9";
        else v += alphabet[k];
      }
      if (f == 0 && v.empty()) v = "k";  // keep records non-blank
      rec.push_back(v);
      const bool quote = v.find_first_of(",\"\r\n") != std::string::npos || rng() % 4 == 0;
      std::string enc = v;
      if (quote) {
        enc = "\"";
        for (char c : v) enc += c == '"' ? std::string("\"\"") : std::string(1, c);
        enc += "\"";
      }
      text += (f ? "," : "") + enc;
    }
    lines.push_back(line);
    for (const auto& v : rec)
      for (char c : v) line += c == '\n';
    const int term = static_cast<int>(rng() % 3);
    text += term == 0 ? "\n" : term == 1 ? "\r\n" : "\r";
    ++line;
    records.push_back(rec);
    file += text;
    total += text.size();
  }
  const std::string p = temp_path("random.csv");
  write_file(p, file);
  CsvReader r(p);
  CsvRecord rec;
  size_t i = 0;
  while (r.next(rec)) {
    ASSERT_LT(i, records.size()) << "seed " << seed;
    ASSERT_EQ(rec.fault, CsvFault::kNone) << "seed " << seed << " record " << i << ": " << rec.fault_detail;
    ASSERT_EQ(rec.size(), 3u) << "seed " << seed << " record " << i;
    for (size_t f = 0; f < 3; ++f) ASSERT_EQ(rec[f], records[i][f]) << "seed " << seed << " record " << i;
    // Lines: one per terminator (LF, CRLF or lone CR) plus the LFs inside quoted fields.
    ASSERT_EQ(rec.line, lines[i]) << "seed " << seed << " record " << i;
    ++i;
  }
  EXPECT_EQ(i, records.size()) << "seed " << seed;
  std::remove(p.c_str());
}

TEST(CsvReader, ReadsCompressedInputTheSameWay) {
  for (const char* name : {"shop.csv.gz", "shop.csv.xz"}) {
    CsvReader plain(kDir + "shop.csv"), packed(kDir + name);
    EXPECT_EQ(plain.header(), packed.header());
    CsvRecord a, b;
    int n = 0;
    while (plain.next(a)) {
      ASSERT_TRUE(packed.next(b)) << name;
      EXPECT_EQ(std::vector<std::string_view>(a.fields), std::vector<std::string_view>(b.fields)) << name;
      EXPECT_EQ(a.line, b.line);
      ++n;
    }
    EXPECT_FALSE(packed.next(b));
    EXPECT_EQ(n, 7);
  }
}

}  // namespace
}  // namespace tailor
