// RFC 822 / MIME parsing of e-mail for the corpus: transfer encodings, charsets, RFC 2047
// subjects, multipart choice, HTML to text, replies and signatures, broken messages as reasons.
#include <gtest/gtest.h>

#include "core/corpus/charset.h"
#include "core/corpus/html_text.h"
#include "core/corpus/mime_message.h"
#include "core/corpus/text_normalize.h"

namespace tailor {
namespace {

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\r\n";
    else
      out.push_back(c);
  }
  return out;
}

TEST(CorpusMime, HeadersAreUnfoldedAndCaseInsensitive) {
  std::vector<MailHeader> h;
  int malformed = 0;
  const std::string msg =
      "From someone@example.com Mon Jan  1 00:00:00 2002\nSUBJECT: a long\n  folded\n\tsubject\n"
      "no colon here\nX-Empty:\n\nbody\n";
  const size_t at = parse_mail_headers(msg, &h, &malformed);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].name, "subject");
  EXPECT_EQ(h[0].value, "a long folded subject");
  EXPECT_EQ(h[1].value, "");
  EXPECT_EQ(malformed, 1);
  EXPECT_EQ(msg.substr(at), "body\n");
}

TEST(CorpusMime, QuotedPrintableSoftBreaksAndBytes) {
  EXPECT_EQ(decode_quoted_printable("caf=E9 au lait=\nsoft=  \r\nbreak =3D ok"),
            "caf\xE9 au laitsoftbreak = ok");
  EXPECT_EQ(decode_quoted_printable("50=% off =ZZ"), "50=% off =ZZ");  // malformed '=' stays
  EXPECT_EQ(decode_quoted_printable("a_b=5Fc", true), "a b_c");
}

TEST(CorpusMime, Base64IgnoresLineBreaksAndJunk) {
  EXPECT_EQ(decode_base64("SGVsbG8s\r\nIHdv cmxk\nIQ=="), "Hello, world!");
  EXPECT_EQ(decode_base64("SGk"), "Hi");  // unpadded tail
}

TEST(CorpusMime, CharsetsToUtf8) {
  std::string out, reason, detail;
  ASSERT_TRUE(convert_to_utf8("caf\xE9", "ISO-8859-1", &out, &reason, &detail));
  EXPECT_EQ(out, "caf\xC3\xA9");
  ASSERT_TRUE(convert_to_utf8("\x93quoted\x94 \x80 5", "windows-1252", &out, &reason, &detail));
  EXPECT_EQ(out, "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5");
  // latin-1 labels decode as windows-1252 (what mailers meant).
  ASSERT_TRUE(convert_to_utf8("\x93x\x94", "latin1", &out, &reason, &detail));
  EXPECT_EQ(out, "\xE2\x80\x9Cx\xE2\x80\x9D");
  ASSERT_TRUE(convert_to_utf8("\xC3\xA9t\xC3\xA9", "utf-8", &out, &reason, &detail));
  EXPECT_EQ(out, "\xC3\xA9t\xC3\xA9");
  // Mislabelled us-ascii: valid UTF-8 kept, other 8-bit read as windows-1252.
  ASSERT_TRUE(convert_to_utf8("\xC3\xA9", "us-ascii", &out, &reason, &detail));
  EXPECT_EQ(out, "\xC3\xA9");
  ASSERT_TRUE(convert_to_utf8("\xE9", "", &out, &reason, &detail));
  EXPECT_EQ(out, "\xC3\xA9");
  // iconv for the rest.
  ASSERT_TRUE(convert_to_utf8("\xC9\xDA", "koi8-r", &out, &reason, &detail));
  EXPECT_EQ(out, "\xD0\xB8\xD0\xB7");
  ASSERT_TRUE(convert_to_utf8("\x1B$B$3$s\x1B(B", "iso-2022-jp", &out, &reason, &detail));
  EXPECT_EQ(out, "\xE3\x81\x93\xE3\x82\x93");
  // Failures carry a reason.
  EXPECT_FALSE(convert_to_utf8("\xC3(", "utf-8", &out, &reason, &detail));
  EXPECT_EQ(reason, "undecodable_text");
  EXPECT_FALSE(convert_to_utf8("\xE9", "x-klingon", &out, &reason, &detail));
  EXPECT_EQ(reason, "unknown_charset");
  EXPECT_FALSE(convert_to_utf8("\xFF\xFF", "gb2312", &out, &reason, &detail));
  EXPECT_EQ(reason, "undecodable_text");
  // Pure ASCII passes under any label.
  ASSERT_TRUE(convert_to_utf8("plain", "x-klingon", &out, &reason, &detail));
  EXPECT_EQ(canonical_charset("ISO_8859-1"), "iso-8859-1");
  EXPECT_EQ(canonical_charset("\"Default\""), "");
}

TEST(CorpusMime, Rfc2047Subjects) {
  std::string out, reason, detail;
  ASSERT_TRUE(decode_header_value("=?iso-8859-1?q?Caf=E9_cr=E8me?= =?UTF-8?B?4oKs?= 5", "", &out,
                                  &reason, &detail));
  EXPECT_EQ(out, "Caf\xC3\xA9 cr\xC3\xA8me\xE2\x82\xAC 5");  // space between encoded words dropped
  ASSERT_TRUE(
      decode_header_value("Re: =?windows-1252?Q?=93Hi=94?= there", "", &out, &reason, &detail));
  EXPECT_EQ(out, "Re: \xE2\x80\x9CHi\xE2\x80\x9D there");
  ASSERT_TRUE(decode_header_value("=?broken?x", "", &out, &reason, &detail));
  EXPECT_EQ(out, "=?broken?x");  // malformed: as written
  ASSERT_TRUE(decode_header_value("raw \xE9t\xE9", "iso-8859-1", &out, &reason, &detail));
  EXPECT_EQ(out, "raw \xC3\xA9t\xC3\xA9");
  EXPECT_FALSE(decode_header_value("=?x-klingon?B?6Q==?=", "", &out, &reason, &detail));
  EXPECT_EQ(reason, "unknown_charset");
}

TEST(CorpusMime, ContentTypeParameters) {
  const ContentType ct =
      parse_content_type("Multipart/Alternative;\n boundary=\"==b 1==\"; CHARSET=UTF-8 ");
  EXPECT_EQ(ct.full(), "multipart/alternative");
  EXPECT_EQ(ct.params.at("boundary"), "==b 1==");
  EXPECT_EQ(ct.params.at("charset"), "UTF-8");
  EXPECT_EQ(parse_content_type("text/plain charset=us-ascii").params.at("charset"), "us-ascii");
  EXPECT_EQ(parse_content_type("garbage").full(), "text/plain");
}

TEST(CorpusMime, HtmlToText) {
  const std::string html =
      "<html><head><title>T</title><style>p{color:red}</style><script>var x='<p>';</script></head>"
      "<body><!-- hidden --><p>Caf&eacute; &amp; more&nbsp;here</p><div>Line&#160;one<br>Line two"
      "</div><table><tr><td>a</td><td>b</td></tr></table>&euro;5 &#x41;&#66; &bogus; 3 < "
      "4</body></html>";
  const std::string text = normalize_block(html_to_text(html));
  EXPECT_EQ(text,
            "Caf\xC3\xA9 & more here\n\nLine one\nLine two\n\na b\n\n\xE2\x82\xAC"
            "5 AB &bogus; 3 < 4");
  EXPECT_EQ(decode_html_entities("&lt;b&gt; &quot;x&quot; &copy &hellip;"),
            "<b> \"x\" \xC2\xA9 \xE2\x80\xA6");
  EXPECT_EQ(normalize_block(html_to_text("<pre>a\n  b</pre>words\nwrap")), "a\nb\n\nwords wrap");
}

TEST(CorpusMime, RepliesAndSignaturesAreDropped) {
  const std::string text =
      "Thanks, that works.\n\nOn Mon, 2 Sep 2002, Bob wrote:\n> old text\n>> older\n\nSee you\n-- "
      "\nAlice\nhttp://alice.example\n";
  ParsedEmail stats;
  const std::string out = strip_replies_and_signature(text, EmailParseOptions(), &stats);
  EXPECT_EQ(normalize_block(out), "Thanks, that works.\n\nSee you");
  EXPECT_EQ(stats.quoted_lines_removed, 2);
  EXPECT_TRUE(stats.signature_removed);
  EmailParseOptions keep;
  keep.strip_quoted_replies = false;
  keep.strip_signatures = false;
  ParsedEmail s2;
  EXPECT_EQ(strip_replies_and_signature(text, keep, &s2), text);
  // An Outlook original below a reply goes; a reply below the original keeps the reply.
  ParsedEmail s3;
  EXPECT_EQ(
      normalize_block(strip_replies_and_signature(
          "Yes.\n-----Original Message-----\nFrom: x\nSent: y\nold\n", EmailParseOptions(), &s3)),
      "Yes.");
  EXPECT_EQ(normalize_block(strip_replies_and_signature(
                "\n-----Original Message-----\nFrom: x\nSubject: z\n\n> quoted\nMy answer\n",
                EmailParseOptions(), &s3)),
            "My answer");
}

TEST(CorpusMime, MailingListBoilerplateIsDropped) {
  ParsedEmail stats;
  const std::string text =
      "Use procmail.\n\n_______________________________________________\nILUG mailing "
      "list\nhttp://x/listinfo/ilug\n";
  EXPECT_EQ(normalize_block(strip_replies_and_signature(text, EmailParseOptions(), &stats)),
            "Use procmail.");
  EXPECT_TRUE(stats.list_footer_removed);
  // A separator without list words stays.
  EXPECT_EQ(normalize_block(strip_replies_and_signature("Offer\n-----\nDetails below\n",
                                                        EmailParseOptions(), &stats)),
            "Offer\n-----\nDetails below");
  std::string s = "Re: [ILUG] [OT] Retrieving mail";
  EXPECT_TRUE(strip_list_tags(&s));
  EXPECT_EQ(s, "Re: Retrieving mail");
  s = "[SAtalk]Re: rules";
  EXPECT_TRUE(strip_list_tags(&s));
  EXPECT_EQ(s, "Re: rules");
  s = "Save [50 percent] now";
  EXPECT_FALSE(strip_list_tags(&s));
  const ParsedEmail e = parse_email("Subject: Re: [Razor-users] razor2\n\nbody\n");
  EXPECT_EQ(e.subject, "Re: razor2");
  EXPECT_TRUE(e.list_tag_removed);
}

TEST(CorpusMime, PlainQuotedPrintableMessage) {
  const std::string msg = crlf(
      "From: a@example.com\nSubject: =?iso-8859-1?Q?Soir=E9e?=\nContent-Type: text/plain; "
      "charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 is open until 10pm, =\nall week.\n");
  const ParsedEmail e = parse_email(msg);
  ASSERT_TRUE(e.has_subject);
  EXPECT_EQ(e.subject,
            "Soir\xC3\xA9"
            "e");
  ASSERT_TRUE(e.has_body) << e.body_problem;
  EXPECT_EQ(e.body_type, "text/plain");
  EXPECT_EQ(normalize_block(e.body), "Caf\xC3\xA9 is open until 10pm, all week.");
}

TEST(CorpusMime, MultipartAlternativePrefersPlainText) {
  const std::string msg =
      "Subject: alt\nContent-Type: multipart/alternative; boundary=\"XX\"\n\npreamble\n--XX\n"
      "Content-Type: text/html\n\n<p>the html</p>\n--XX\nContent-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: base64\n\nVGhlIHBsYWluIHRleHQ=\n--XX--\nepilogue\n";
  const ParsedEmail e = parse_email(msg);
  ASSERT_TRUE(e.has_body) << e.body_problem;
  EXPECT_EQ(e.body_type, "text/plain");
  EXPECT_EQ(normalize_block(e.body), "The plain text");
}

TEST(CorpusMime, NestedMultipartFallsBackToHtmlAndSkipsAttachments) {
  const std::string msg =
      "Subject: nested\nContent-Type: multipart/mixed; boundary=outer\n\n--outer\n"
      "Content-Type: multipart/related; boundary=\"inner\"\n\n--inner\n"
      "Content-Type: text/html; charset=windows-1252\nContent-Transfer-Encoding: "
      "quoted-printable\n\n"
      "<html><body><p>=93Big=94 sale &amp; more</p></body></html>\n--inner\nContent-Type: "
      "image/gif\n\nGIF89a\n"
      "--inner--\n--outer\nContent-Type: text/plain\nContent-Disposition: attachment; "
      "filename=a.txt\n\n"
      "attached file\n--outer--\n";
  const ParsedEmail e = parse_email(msg);
  ASSERT_TRUE(e.has_body) << e.body_problem;
  EXPECT_EQ(e.body_type, "text/html");
  EXPECT_EQ(normalize_block(e.body),
            "\xE2\x80\x9C"
            "Big\xE2\x80\x9D sale & more");
}

TEST(CorpusMime, HtmlLabelledAsPlainTextIsReadAsHtml) {
  const ParsedEmail e = parse_email(
      "Subject: x\nContent-Type: text/plain\n\n<HTML><BODY>Hi<BR>there</BODY></HTML>\n");
  ASSERT_TRUE(e.has_body);
  EXPECT_TRUE(e.plain_part_was_html);
  EXPECT_EQ(normalize_block(e.body), "Hi\nthere");
}

TEST(CorpusMime, BrokenMessagesGiveReasonsNotCrashes) {
  // No text part at all.
  ParsedEmail e = parse_email(
      "Subject: pic\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\n/9j/4AAQ\n");
  EXPECT_FALSE(e.has_body);
  EXPECT_EQ(e.body_problem, "no_text_part");
  EXPECT_EQ(e.subject, "pic");
  // Multipart without boundary / without any part.
  e = parse_email("Subject: m\nContent-Type: multipart/mixed\n\ntext\n");
  EXPECT_EQ(e.body_problem, "broken_multipart");
  e = parse_email("Subject: m\nContent-Type: multipart/mixed; boundary=zz\n\nno parts here\n");
  EXPECT_EQ(e.body_problem, "broken_multipart");
  // Unterminated multipart: tolerated, flagged.
  e = parse_email("Subject: m\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\n\nonly part\n");
  EXPECT_TRUE(e.has_body);
  EXPECT_TRUE(e.unterminated_multipart);
  EXPECT_EQ(normalize_block(e.body), "only part");
  // Unknown charset and undecodable bytes.
  e = parse_email("Subject: c\nContent-Type: text/plain; charset=x-klingon\n\n\xE9\xE8\n");
  EXPECT_EQ(e.body_problem, "unknown_charset");
  e = parse_email("Subject: c\nContent-Type: text/plain; charset=utf-8\n\nbad \xFF byte\n");
  EXPECT_EQ(e.body_problem, "undecodable_text");
  e = parse_email("Subject: =?x-klingon?Q?=E9?=\n\nbody\n");
  EXPECT_EQ(e.subject_problem, "unknown_charset");
  EXPECT_TRUE(e.has_body);
  // Unsupported transfer encoding, no headers, no subject, empty input, deep nesting.
  e = parse_email("Subject: u\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a\n");
  EXPECT_EQ(e.body_problem, "unsupported_transfer_encoding");
  e = parse_email("\njust a body\n");
  EXPECT_EQ(e.body_problem, "no_headers");
  e = parse_email("");
  EXPECT_FALSE(e.has_body);
  EXPECT_FALSE(e.has_subject);
  std::string deep = "Subject: d\n";
  for (int i = 0; i < 30; ++i) deep += "Content-Type: message/rfc822\n\n";
  deep += "Subject: inner\n\ntext\n";
  e = parse_email(deep);
  EXPECT_EQ(e.body_problem, "mime_too_deep");
  // Random bytes never crash.
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245u + 12345u;
    const char* pieces[] = {"\n",  "--b\n", "Content-Type: multipart/mixed; boundary=b\n",
                            "=?",  "?=",    "=",
                            "<p>", "&#x",   ":",
                            " ",   "\r\n"};
    if ((x >> 16) % 3 == 0)
      junk += pieces[(x >> 8) % 11];
    else
      junk.push_back(static_cast<char>(x >> 24));
  }
  EXPECT_NO_THROW(parse_email(junk));
}

}  // namespace
}  // namespace tailor
