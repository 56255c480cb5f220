// The pieces of the MIME writer: quoted-printable and RFC 2047 encodings (round trips, line
// lengths), header folding and injection checks, text sanitising, addresses, URLs and dates.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/common/error.h"
#include "core/email/email_address.h"
#include "core/email/mime_encoding.h"
#include "core/email/rfc5322_date.h"
#include "core/email/text_sanitize.h"
#include "core/email/url_check.h"

namespace tailor {
namespace {

int hexval(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

/// Reference quoted-printable decoder (RFC 2045 6.7), CRLF line ends.
std::string qp_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') {
      i += 2;
    } else if (s[i] == '=') {
      out += static_cast<char>(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
      i += 2;
    } else if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      out += '\n';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string b64_decode(const std::string& s) {
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t v = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    v = (v << 6) | static_cast<uint32_t>(a.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

/// Decodes a run of "=?utf-8?B?...?=" words separated by spaces.
std::string rfc2047_decode(const std::string& s) {
  std::string out;
  size_t pos = 0;
  while ((pos = s.find("=?utf-8?B?", pos)) != std::string::npos) {
    const size_t end = s.find("?=", pos + 10);
    out += b64_decode(s.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

std::vector<std::string> crlf_lines(const std::string& s) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t e = s.find("\r\n", pos);
    EXPECT_NE(e, std::string::npos) << "text does not end in CRLF";
    if (e == std::string::npos) break;
    lines.push_back(s.substr(pos, e - pos));
    pos = e + 2;
  }
  return lines;
}

TEST(QuotedPrintable, RoundTripsRandomUtf8WithLinesOfAtMost76) {
  const uint64_t seed = 77;
  std::mt19937_64 rng(seed);
  const std::vector<std::string> pieces = {
      "a", "Z", " ", "\t", "=", ".", "From ", "é", "€", "😀", "\n", "x", "long-word-without-spaces",
      "?", "_"};
  for (int trial = 0; trial < 200; ++trial) {
    std::string text;
    const int n = static_cast<int>(rng() % 120);
    for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
    std::string enc;
    append_quoted_printable(enc, text);
    for (const std::string& l : crlf_lines(enc)) {
      ASSERT_LE(l.size(), kQuotedPrintableLineLimit) << "seed " << seed << " trial " << trial;
      ASSERT_TRUE(l.empty() || (l.back() != ' ' && l.back() != '\t')) << "line ends in white space";
      ASSERT_NE(l.rfind("From ", 0), 0u) << "mbox-unsafe line start";
      ASSERT_NE(l.rfind(".", 0), 0u) << "SMTP-unsafe line start";
      for (char c : l)
        ASSERT_TRUE((c >= 0x20 && c < 0x7F) || c == '\t') << "non-printable in QP output";
    }
    EXPECT_EQ(qp_decode(enc), text + "\n") << "seed " << seed << " trial " << trial;
  }
}

TEST(QuotedPrintable, KnownEncoding) {
  std::string enc;
  append_quoted_printable(enc, "a=b caf\xC3\xA9 \nFrom here\n.dot");
  EXPECT_EQ(enc, "a=3Db caf=C3=A9=20\r\n=46rom here\r\n=2Edot\r\n");
}

TEST(Rfc2047, WordsAreShortWholeCharactersAndDecodeBack) {
  const std::string s = "Grüße aus Köln — 限定セール 🎉🎉🎉 and a long tail of ascii text to split";
  const std::string enc = rfc2047_encode(s);
  size_t pos = 0;
  while (pos < enc.size()) {
    size_t e = enc.find(' ', pos);
    if (e == std::string::npos) e = enc.size();
    const std::string word = enc.substr(pos, e - pos);
    EXPECT_LE(word.size(), 60u) << word;
    EXPECT_TRUE(is_valid_utf8(b64_decode(word.substr(10, word.size() - 12))))
        << "a word splits a UTF-8 character: " << word;
    pos = e + 1;
  }
  EXPECT_EQ(rfc2047_decode(enc), s);
  EXPECT_EQ(encode_unstructured_header("Plain ASCII subject"), "Plain ASCII subject");
  EXPECT_NE(encode_unstructured_header("looks =?utf-8?q?encoded?=").find("=?utf-8?B?"),
            std::string::npos);
}

TEST(DisplayName, AtomsQuotedOrEncoded) {
  EXPECT_EQ(encode_display_name("Anna Smith"), "Anna Smith");
  EXPECT_EQ(encode_display_name("O'Brien, \"Bob\""), "\"O'Brien, \\\"Bob\\\"\"");
  EXPECT_EQ(rfc2047_decode(encode_display_name("Zoë")), "Zoë");
  EXPECT_EQ(encode_display_name(""), "");
}

TEST(Header, FoldsLongValuesAndRejectsControlCharacters) {
  std::string out;
  std::string value;
  for (int i = 0; i < 40; ++i) value += "word" + std::to_string(i) + " ";
  value.pop_back();
  append_header(out, "Subject", value);
  const std::vector<std::string> lines = crlf_lines(out);
  ASSERT_GT(lines.size(), 1u);
  std::string unfolded;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), kHeaderFoldLimit);
    if (i > 0) {
      EXPECT_EQ(lines[i][0], ' ') << "continuation lines start with white space";
    }
    unfolded += lines[i];
  }
  EXPECT_EQ(unfolded, "Subject: " + value);
  std::string bad;
  EXPECT_THROW(append_header(bad, "Subject", "hi\r\nBcc: victim@example.com"), Error);
  EXPECT_THROW(append_header(bad, "Subject", std::string("nul\0x", 5)), Error);
  EXPECT_THROW(append_header(bad, "Sub ject", "x"), Error);
}

TEST(Sanitize, SingleLineRemovesBreaksControlsBidiAndBadUtf8) {
  SanitizeStats st;
  EXPECT_EQ(sanitize_single_line("  Eve\r\nBcc: x@evil.example\t\x01 \xE2\x80\xAEgnp.exe ", &st),
            "Eve Bcc: x@evil.example gnp.exe");
  EXPECT_EQ(st.line_breaks, 2);
  EXPECT_EQ(st.control_chars, 1);
  EXPECT_EQ(st.bidi_controls, 1);
  SanitizeStats st2;
  EXPECT_EQ(sanitize_single_line("a\xFF"
                                 "b\xC3",
                                 &st2),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(st2.invalid_utf8, 2);
  EXPECT_TRUE(is_valid_utf8(sanitize_single_line("\xED\xA0\x80 surrogate, \xC0\xAF overlong")));
  EXPECT_EQ(sanitize_multi_line("line one  \r\nline two\rthree\x7F\n\n\n"),
            "line one\nline two\nthree");
}

TEST(Sanitize, HtmlEscapingAndParagraphs) {
  EXPECT_EQ(html_escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  std::string out;
  append_html_paragraphs(out, "Hi <b>\nthere\n\nBye & thanks");
  EXPECT_EQ(out, "<p>Hi &lt;b&gt;<br>\nthere</p>\n<p>Bye &amp; thanks</p>");
}

TEST(EmailAddress, Validation) {
  for (const char* ok : {"anna@example.com", "a.b+tag@sub.example.co.uk", "x_y-z@shop.example",
                         "o'brien@example.ie"})
    EXPECT_TRUE(is_valid_email_address(ok)) << ok;
  for (const char* bad : {"", "plain", "a@b", "@example.com", "a@@example.com", "a..b@example.com",
                          ".a@example.com", "a@example.123", "a@-example.com", "a b@example.com",
                          "a@example.com\r\nBcc: v@evil.example", "\"quoted\"@example.com",
                          "ünï@example.com", "a@exa_mple.com", "a@[127.0.0.1]", "a@example."})
    EXPECT_FALSE(is_valid_email_address(bad)) << bad;
  EXPECT_EQ(normalize_email_address("  Anna.Smith@Example.COM "), "anna.smith@example.com");
  EXPECT_EQ(format_mailbox("Eve\r\nBcc: v@evil.example", "eve@example.com"),
            "\"Eve Bcc: v@evil.example\" <eve@example.com>");
}

TEST(Url, HttpsOnlyAndSafeCharacters) {
  EXPECT_TRUE(is_safe_https_url("https://shop.example/products/A%20B?utm_source=x&c=1#top"));
  EXPECT_TRUE(is_safe_https_url("https://shop.example:8443"));
  for (const char* bad :
       {"http://shop.example/", "javascript:alert(1)", "https://", "HTTPS://x.example",
        "https://shop.example/\"onmouseover=\"x", "https://shop.example/<script>",
        "https://shop.example/a b", "data:text/html,hi", "https://shop.example\\@evil",
        "https://.example/", "https://shop.example/%zz", "https://shop.example/é"})
    EXPECT_FALSE(is_safe_https_url(bad)) << bad;
  EXPECT_EQ(percent_encode("A B/é&"), "A%20B%2F%C3%A9%26");
  EXPECT_EQ(append_query_param("https://x.example/u", "c", "a b"), "https://x.example/u?c=a%20b");
  EXPECT_EQ(append_query_param("https://x.example/u?c=1", "t", "z"), "https://x.example/u?c=1&t=z");
}

TEST(Dates, KnownInstantsAndRoundTrip) {
  EXPECT_EQ(format_rfc5322_date(0, 0), "Thu, 01 Jan 1970 00:00:00 +0000");
  const UnixTime t = parse_iso8601("2024-02-29T12:34:56Z", "test");
  EXPECT_EQ(t, 1709210096);
  EXPECT_EQ(format_rfc5322_date(t, 330), "Thu, 29 Feb 2024 18:04:56 +0530");
  EXPECT_EQ(format_rfc5322_date(t, -480), "Thu, 29 Feb 2024 04:34:56 -0800");
  EXPECT_EQ(format_iso8601(t, 0), "2024-02-29T12:34:56Z");
  EXPECT_EQ(format_iso8601(t, -150, false), "2024-02-29T10:04:56-02:30");
  EXPECT_EQ(parse_iso8601("2024-02-29T10:04:56-02:30", "test"), t);
  EXPECT_EQ(parse_iso8601("2024-03-01", "test"), 1709251200);
  EXPECT_EQ(format_mbox_date(t), "Thu Feb 29 12:34:56 2024");
  EXPECT_EQ(format_mbox_date(parse_iso8601("2024-06-01T08:00:00Z", "t")),
            "Sat Jun  1 08:00:00 2024");
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "yesterday", "2024-01-01T25:00Z", "2024-01-01Tx"})
    EXPECT_THROW(parse_iso8601(bad, "email.now"), Error) << bad;
  // Every day of a few years formats and parses back.
  for (UnixTime d = -800; d < 800; ++d) {
    const UnixTime x = (19000 + d) * 86400 + 3723;
    EXPECT_EQ(parse_iso8601(format_iso8601(x, 0), "rt"), x);
  }
}

}  // namespace
}  // namespace tailor
