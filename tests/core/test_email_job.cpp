// The email job end to end with deterministic test doubles: every message parses with Python's
// email package, zero emails to ineligible customers, hostile text renders safely, sharding is a
// partition, and a killed run resumes to the same bytes as an uninterrupted one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/common/error.h"
#include "core/data/synth.h"
#include "core/email/email_bench.h"
#include "core/email/email_job.h"
#include "core/email/sha256.h"
#include "core/email/shard_output.h"
#include "core/email/shard_partition.h"
#include "email_job_fixture.h"

namespace fs = std::filesystem;

namespace tailor {
namespace {

using namespace email_test;
using Json = nlohmann::json;

constexpr const char* kPython = "/usr/bin/python3";
constexpr int kExtraCustomers = 260;

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Json> read_jsonl(const fs::path& p) {
  std::vector<Json> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
  return out;
}

class EmailJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("tailor_email_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    ds_ = fixture_dataset(kExtraCustomers);
    // Suppression list: one plain (different case), one hashed entry, comments, blank lines.
    std::ofstream(dir_ / "suppress.txt")
        << "# suppression list\n\nlisted.plain@EXAMPLE.com\n"
        << sha256_hex("listed.hashed@example.com") << "  # hashed\n";
    copy_ = std::make_unique<FakeCopy>(ds_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  EmailJobConfig config(const std::string& out, int shards) const {
    EmailJobConfig c;
    c.job.templates_dir = std::string(TAILOR_SOURCE_DIR) + "/configs/templates";
    c.job.output_dir = (dir_ / out).string();
    c.job.shards = shards;
    c.job.batch_size = 37;  // odd, several batches per shard
    c.job.now = "2024-06-01T06:00:00Z";
    c.job.run_id = "test-run";
    c.job.threads = 2;
    c.sender.unsubscribe_mailto = "unsubscribe@shop.example";
    c.sender.reply_to = "help@shop.example";
    c.sender.from_name = "Tailor Démo Shop";
    c.eligibility.suppression_list = (dir_ / "suppress.txt").string();
    c.secret = "test-secret-0123456789abcdef";
    c.dataset_id = "fixture";
    return c;
  }
  EmailModels models() { return {&segments_, &items_, &decider_, copy_.get()}; }

  /// Runs the Python checker over the shards of `out`; returns its decoded messages by customer.
  std::map<std::string, Json> python_check(const std::string& out, int shards) {
    std::string cmd = std::string(kPython) + " " + TAILOR_SOURCE_DIR +
                      "/tests/scripts/check_emails.py " +
                      (dir_ / (out + ".decoded.jsonl")).string();
    for (int i = 0; i < shards; ++i) cmd += " " + (dir_ / out / shard_stem(i, shards)).string();
    const std::string log = (dir_ / "python.log").string();
    const int rc = std::system((cmd + " > " + log + " 2>&1").c_str());
    EXPECT_EQ(rc, 0) << file_bytes(log);
    std::map<std::string, Json> by_customer;
    for (const Json& j : read_jsonl(dir_ / (out + ".decoded.jsonl")))
      by_customer[j["customer_id"].get<std::string>()] = j;
    return by_customer;
  }

  Dataset ds_;
  FakeSegments segments_;
  FakeItems items_;
  FakeDecider decider_;
  std::unique_ptr<FakeCopy> copy_;
  fs::path dir_;
};

TEST_F(EmailJobTest, EveryMessageParsesAndNoIneligibleCustomerIsEmailed) {
  if (::access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not available";
  const int shards = 3;
  EmailJob job(ds_, config("out", shards), models());
  const EmailJobSummary s = job.run();
  ASSERT_TRUE(s.complete);
  const std::map<std::string, Json> msgs = python_check("out", shards);

  // Outcomes: manifests and rejects cover every customer exactly once.
  std::map<std::string, std::string> outcome;
  for (int i = 0; i < shards; ++i) {
    const ShardPaths p = shard_paths((dir_ / "out").string(), i, shards);
    for (const Json& m : read_jsonl(p.manifest))
      EXPECT_TRUE(outcome.emplace(m["customer_id"], "").second) << m["customer_id"];
    for (const Json& r : read_jsonl(p.rejects)) {
      const std::string id = r.contains("customer_id")
                                 ? r["customer_id"].get<std::string>()
                                 : ds_.customers.external_id[r["customer_row"].get<int64_t>()];
      EXPECT_TRUE(outcome.emplace(id, r["reason"]).second) << id;
    }
    const std::string rj = file_bytes(p.rejects) + file_bytes(p.manifest) + file_bytes(p.audit);
    EXPECT_EQ(rj.find("example.com\""), std::string::npos)
        << "an address in a manifest/audit/rejects file";
  }
  EXPECT_EQ(outcome.size(), ds_.customers.size());
  EXPECT_EQ(msgs.size(),
            static_cast<size_t>(std::count_if(outcome.begin(), outcome.end(),
                                              [](const auto& kv) { return kv.second.empty(); })));
  for (const Special& sp : special_customers())
    EXPECT_EQ(outcome[sp.c.id], sp.expected_skip) << sp.c.id;
  // Whatever the decoded To: says, it is an eligible customer's address.
  std::set<std::string> ineligible_addresses;
  for (const Special& sp : special_customers())
    if (!sp.expected_skip.empty() && sp.expected_skip != "duplicate_address")
      ineligible_addresses.insert(sp.c.email);
  for (const auto& [id, m] : msgs) {
    ASSERT_EQ(m["to"].size(), 1u) << id;
    EXPECT_EQ(ineligible_addresses.count(m["to"][0].get<std::string>()), 0u) << id;
    for (const auto& h : m["header_names"]) EXPECT_NE(h.get<std::string>(), "Bcc") << id;
    EXPECT_EQ(m["from"][0], "news@shop.example");
  }

  // Subjects decode back exactly.
  EXPECT_EQ(msgs.at("c-unicode")["subject"], "Grüße, Zoë! 🎉 Ünïcødé ☕ — 限定セール");
  EXPECT_EQ(msgs.at("c-long-subject")["subject"],
            "This is a very long subject line that certainly needs folding because it is longer "
            "than seventy-eight characters");
  EXPECT_EQ(msgs.at("c-crlf-subject")["subject"], "Breaking Bcc: victim@evil.example news");
  EXPECT_EQ(msgs.at("c-lookalike")["subject"], "Looks =?utf-8?q?encoded?= but is not");
  EXPECT_EQ(msgs.at("c-ok-1")["subject"], "Anna, ideas for you");
  EXPECT_EQ(msgs.at("c-empty-name")["subject"], "there, ideas for you");
  // Display names: no injection, decoded as given (sanitised).
  EXPECT_EQ(msgs.at("c-crlf-name")["to"][0], "eve@example.com");
  EXPECT_EQ(msgs.at("c-crlf-name")["to_display"][0], "Eve Bcc: victim@evil.example");
  EXPECT_EQ(msgs.at("c-unicode")["to_display"][0], "Zoë");
  EXPECT_EQ(msgs.at("c-script-name")["to_display"][0], "<script>alert(1)</script>");
  EXPECT_EQ(msgs.at("c-bidi")["to_display"][0], "Bobfdp.exe");

  // Hostile catalogue text: escaped in HTML, on one line in text, non-ASCII intact.
  const std::string html0 = msgs.at("c-script-name")["html"];
  EXPECT_NE(html0.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Mug"), std::string::npos)
      << html0;
  EXPECT_EQ(html0.find("<script"), std::string::npos);
  EXPECT_NE(
      msgs.at("c-script-name")["text"].get<std::string>().find("<script>alert('x')</script> Mug"),
      std::string::npos);
  const std::string html2 = msgs.at("c-crlf-subject")["html"];
  EXPECT_NE(html2.find("Line Break: Bcc: victim@evil.example"), std::string::npos) << html2;
  EXPECT_NE(msgs.at("c-crlf-subject")["text"].get<std::string>().find("From here\n.dot line"),
            std::string::npos)
      << "QP must keep 'From ' and '.' line starts";
  const std::string html3 = msgs.at("c-unicode")["html"];
  EXPECT_NE(html3.find("Crème brûlée set ☕ — 限定"), std::string::npos);
  EXPECT_NE(html3.find("£1,006.75"), std::string::npos);
  EXPECT_NE(html3.find("&lt;b&gt;tags&lt;/b&gt; &amp; &quot;quotes&quot;"), std::string::npos)
      << html3;
  EXPECT_NE(
      html3.find("/products/SKU-3?utm_source=tailor&amp;utm_medium=email&amp;utm_campaign=welcome"),
      std::string::npos);
  for (const auto& [id, m] : msgs) {
    const std::string text = m["text"], html = m["html"];
    for (const std::string& raw :
         {std::string("{first_name}"), std::string("{product}"), std::string("{price}"),
          std::string("{discount}"), std::string("{frist_name}"), std::string("{{")})
      EXPECT_EQ(text.find(raw) + html.find(raw), 2 * std::string::npos) << id << " shows " << raw;
    EXPECT_NE(text.find("1 Example Street"), std::string::npos) << id << ": postal address";
    EXPECT_NE(html.find("1 Example Street"), std::string::npos) << id << ": postal address";
    EXPECT_EQ(html.find("javascript:alert(1) Scarf\""), std::string::npos);
    const std::string u = m["unsubscribe_url"];
    EXPECT_EQ(u.rfind("https://shop.example/unsubscribe?c=", 0), 0u) << u;
    EXPECT_EQ(u.find('@'), std::string::npos) << "no address in the unsubscribe URL";
  }
  // The unsubscribe token is the HMAC of the customer id.
  EXPECT_NE(msgs.at("c-ok-1")["unsubscribe_url"].get<std::string>().find(
                "c=c-ok-1&t=" +
                hex_lower(hmac_sha256("test-secret-0123456789abcdef", "c-ok-1").data(), 16)),
            std::string::npos);

  // Summary: counts add up; fallbacks and sanitising were counted.
  const Json sum = Json::parse(file_bytes(s.summary_path));
  int64_t skipped = 0;
  for (const auto& [k, v] : sum["skipped"].items()) skipped += v.get<int64_t>();
  EXPECT_EQ(sum["customers"].get<int64_t>(), static_cast<int64_t>(ds_.customers.size()));
  EXPECT_EQ(sum["emails"].get<int64_t>() + skipped, sum["customers"].get<int64_t>());
  EXPECT_EQ(sum["emails"].get<size_t>(), msgs.size());
  EXPECT_GT(sum["events"]["copy_fallback_used"].get<int64_t>(), 0);
  EXPECT_GT(sum["events"]["draft_rejected_copy_unknown_slot"].get<int64_t>(), 0);
  EXPECT_GT(sum["events"]["draft_rejected_copy_spam_score"].get<int64_t>(), 0);
  EXPECT_GT(sum["events"]["draft_rejected_copy_empty"].get<int64_t>(), 0);
  EXPECT_GT(sum["events"]["sanitized_line_breaks"].get<int64_t>(), 0);
  EXPECT_GT(sum["events"]["items_dropped"].get<int64_t>(), 0);
  EXPECT_EQ(sum["events"]["deferred_quiet_hours"].get<int64_t>(), 1);

  // Audit records carry the models, decision and consent basis.
  bool found = false;
  for (int i = 0; i < shards; ++i)
    for (const Json& a : read_jsonl(shard_paths((dir_ / "out").string(), i, shards).audit)) {
      ASSERT_EQ(a["models"].size(), 4u);
      EXPECT_EQ(a["models"][2]["role"], "policy");
      EXPECT_EQ(a["consent_basis"]["suppression_list"],
                sha256_file_hex((dir_ / "suppress.txt").string()));
      EXPECT_EQ(a["q_values"].size(), 3u);
      EXPECT_EQ(a["template"]["sha256"].get<std::string>().size(), 64u);
      if (a["customer_id"] == "c-quiet") {
        found = true;
        EXPECT_TRUE(a["deferred_quiet_hours"].get<bool>());
      }
    }
  EXPECT_TRUE(found);
}

TEST_F(EmailJobTest, QuietHoursDeferOrSkipInTheCustomersTimeZone) {
  EmailJobConfig c = config("defer", 1);
  EmailJob job(ds_, c, models());
  job.run();
  const ShardPaths p = shard_paths(c.job.output_dir, 0, 1);
  for (const Json& m : read_jsonl(p.manifest)) {
    const std::string local = m["send_at_local"];
    const int hour = std::stoi(local.substr(11, 2));
    EXPECT_TRUE(hour >= 8 && hour < 21) << m["customer_id"] << " at " << local;
    if (m["customer_id"] == "c-quiet") {
      EXPECT_EQ(local, "2024-06-02T08:00:00+02:00");  // 23:00 local is quiet: next morning
    }
    if (m["customer_id"] == "c-tz-half") {
      EXPECT_EQ(local.substr(19), "+05:30");
    }
    const UnixTime utc = parse_iso8601(m["send_at_utc"].get<std::string>(), "t");
    EXPECT_GE(utc, fixture_now());
    EXPECT_LT(utc, fixture_now() + 2 * 86400);
    EXPECT_EQ(parse_iso8601(local, "t"), utc);
  }
  c.eligibility.quiet_hours_action = "skip";
  c.job.output_dir = (dir_ / "skip").string();
  EmailJob skip_job(ds_, c, models());
  const EmailJobSummary s = skip_job.run();
  EXPECT_EQ(s.shards[0].skipped.at("quiet_hours"), 1);
  bool skipped = false;
  for (const Json& r : read_jsonl(shard_paths(c.job.output_dir, 0, 1).rejects))
    skipped = skipped || (r["customer_id"] == "c-quiet" && r["reason"] == "quiet_hours");
  EXPECT_TRUE(skipped);
}

TEST_F(EmailJobTest, ShardingIsAStablePartitionAndDoesNotChangeMessages) {
  EXPECT_EQ(shard_of_customer("12345", 16), 10);  // hashlib.sha256(b"12345").digest()[:8] % 16
  EXPECT_EQ(shard_of_customer("12345", 7), 6);
  EXPECT_EQ(shard_of_customer("c-ok-1", 16), 8);
  for (int n : {1, 2, 5, 16}) {
    std::vector<int> seen(ds_.customers.size(), 0);
    for (int i = 0; i < n; ++i)
      for (int64_t r : shard_customers(ds_.customers, i, n)) ++seen[r];
    for (size_t r = 0; r < seen.size(); ++r) ASSERT_EQ(seen[r], 1) << "n=" << n << " row " << r;
  }
  EXPECT_EQ(parse_shard_spec("3/16").index, 3);
  EXPECT_EQ(parse_shard_spec("3/16").count, 16);
  for (const char* bad : {"16/16", "-1/4", "3", "a/b", "1/0", "1/4x", "/4"})
    EXPECT_THROW(parse_shard_spec(bad), Error) << bad;

  // The same customer gets byte-identical message bytes with 1 or 4 shards.
  const auto messages = [&](const std::string& out, int shards) {
    EmailJob job(ds_, config(out, shards), models());
    job.run();
    std::map<std::string, std::string> by_customer;
    for (int i = 0; i < shards; ++i) {
      const ShardPaths p = shard_paths((dir_ / out).string(), i, shards);
      const std::string mbox = file_bytes(p.mbox);
      for (const Json& m : read_jsonl(p.manifest)) {
        EXPECT_EQ(shard_of_customer(m["customer_id"], shards), i) << m["customer_id"];
        by_customer[m["customer_id"]] =
            mbox.substr(m["offset"].get<size_t>(), m["length"].get<size_t>());
      }
    }
    return by_customer;
  };
  const auto one = messages("one", 1), four = messages("four", 4);
  EXPECT_GT(one.size(), 100u);
  EXPECT_TRUE(one == four);
}

TEST_F(EmailJobTest, KilledRunResumesToTheUninterruptedBytes) {
  const int shards = 4;
  {
    EmailJob job(ds_, config("full", shards), models());
    ASSERT_TRUE(job.run().complete);
  }
  // Killed after two shards ...
  {
    EmailJob job(ds_, config("resumed", shards), models());
    int done = 0;
    job.on_shard_done = [&](const ShardSummary&) {
      if (++done == 2) throw std::runtime_error("simulated kill");
    };
    EXPECT_THROW(job.run(), std::runtime_error);
  }
  const fs::path out = dir_ / "resumed";
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  // ... with a half-written temporary of shard 2 and a stale, unmarked manifest of shard 3.
  std::ofstream(out / (shard_stem(2, shards) + ".mbox.tmp-999999")) << "From half written\r\nSubj";
  std::ofstream(out / (shard_stem(3, shards) + ".manifest.jsonl")) << "{\"stale\": true}\n";
  {
    EmailJob job(ds_, config("resumed", shards), models());
    const EmailJobSummary s = job.run();
    ASSERT_TRUE(s.complete);
    ASSERT_EQ(s.shards.size(), 4u);
    EXPECT_TRUE(s.shards[0].reused);
    EXPECT_TRUE(s.shards[1].reused);
    EXPECT_FALSE(s.shards[2].reused);
    EXPECT_FALSE(s.shards[3].reused);
  }
  std::set<std::string> names_full, names_resumed;
  for (const auto& e : fs::directory_iterator(dir_ / "full"))
    names_full.insert(e.path().filename());
  for (const auto& e : fs::directory_iterator(out)) names_resumed.insert(e.path().filename());
  EXPECT_EQ(names_full, names_resumed) << "leftover or missing files";
  EXPECT_EQ(names_full.size(), 4u * 5u + 1u);
  for (const std::string& n : names_full)
    EXPECT_TRUE(file_bytes(dir_ / "full" / n) == file_bytes(out / n)) << n << " differs";

  // A finished shard whose file was altered (same size) is written again ...
  const ShardPaths p1 = shard_paths(out.string(), 1, shards);
  std::string mbox = file_bytes(p1.mbox);
  mbox[mbox.size() / 2] ^= 1;
  std::ofstream(p1.mbox, std::ios::binary) << mbox;
  {
    EmailJob job(ds_, config("resumed", shards), models());
    const EmailJobSummary s = job.run({1});
    EXPECT_FALSE(s.shards[0].reused);
  }
  EXPECT_TRUE(file_bytes(p1.mbox) ==
              file_bytes(shard_paths((dir_ / "full").string(), 1, shards).mbox));
  // ... and a marker of another run is an error, not silently mixed in.
  EmailJobConfig other = config("resumed", shards);
  other.job.run_id = "another-run";
  EmailJob job(ds_, other, models());
  EXPECT_THROW(job.run_shard(0), Error);
}

TEST_F(EmailJobTest, OutputDoesNotDependOnTheThreadCount) {
  EmailJobConfig one = config("threads1", 1), two = config("threads2", 1);
  one.job.threads = 1;
  two.job.threads = 2;
  EmailJob(ds_, one, models()).run();
  EmailJob(ds_, two, models()).run();
  for (const auto& e : fs::directory_iterator(dir_ / "threads1")) {
    const std::string name = e.path().filename();
    EXPECT_TRUE(file_bytes(e.path()) == file_bytes(dir_ / "threads2" / name)) << name;
  }
}

TEST_F(EmailJobTest, WithoutFallbackRejectedDraftsAreSkippedWithTheirReason) {
  EmailJobConfig c = config("nofallback", 1);
  c.job.copy_fallback = false;
  EmailJob job(ds_, c, models());
  const EmailJobSummary s = job.run();
  const auto& sk = s.shards[0].skipped;
  EXPECT_GT(sk.at("copy_unknown_slot"), 0);
  EXPECT_GT(sk.at("copy_spam_score"), 0);
  EXPECT_GT(sk.at("copy_empty"), 0);
  EXPECT_GT(sk.at("copy_unfillable_slot"), 0);
  EXPECT_EQ(s.shards[0].events.count("copy_fallback_used"), 0u);
}

TEST_F(EmailJobTest, BadConfigurationIsAClearError) {
  EmailJobConfig c = config("bad", 1);
  c.sender.link_base_url = "http://shop.example";
  EXPECT_THROW(EmailJob(ds_, c, models()), Error);
  c = config("bad", 1);
  c.secret = "short";
  EXPECT_THROW(EmailJob(ds_, c, models()), Error);
  c = config("bad", 1);
  ds_.campaigns.push_back("no_such_campaign");
  try {
    EmailJob job(ds_, c, models());
    FAIL() << "a campaign without template was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_campaign.yaml"), std::string::npos) << e.what();
  }
  ds_.campaigns.pop_back();
  std::ofstream(dir_ / "suppress.txt") << "ok@example.com\nnot an entry\n";
  try {
    EmailJob job(ds_, c, models());
    FAIL() << "a bad suppression list was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("suppress.txt:2"), std::string::npos) << e.what();
  }
}

TEST(EmailEligibility, ScheduleHandlesWrapAroundAndOffsets) {
  Dataset ds = fixture_dataset(0);
  EligibilityParams p;
  const UnixTime now = fixture_now();  // 06:00 UTC
  EligibilityChecker e(ds, p, now, nullptr);
  int64_t row_west = -1;
  for (size_t i = 0; i < ds.customers.size(); ++i)
    if (ds.customers.external_id[i] == "c-tz-neg") row_west = static_cast<int64_t>(i);
  // 22:00 local (-08:00) on May 31 -> quiet -> 08:00 local June 1 = 16:00 UTC.
  SendSchedule s = e.schedule(row_west, 22);
  EXPECT_TRUE(s.deferred);
  EXPECT_EQ(format_iso8601(s.send_at, 0), "2024-06-01T16:00:00Z");
  // 23:00 local is quiet; 10:00 local is today 18:00 UTC.
  EXPECT_EQ(format_iso8601(e.schedule(row_west, 10).send_at, 0), "2024-06-01T18:00:00Z");
  EXPECT_TRUE(e.in_quiet_hours(23) && e.in_quiet_hours(0) && e.in_quiet_hours(7));
  EXPECT_FALSE(e.in_quiet_hours(8) || e.in_quiet_hours(20));
  p.quiet_hours_start = p.quiet_hours_end = 3;
  EligibilityChecker none(ds, p, now, nullptr);
  EXPECT_FALSE(none.in_quiet_hours(3));
  EXPECT_FALSE(none.schedule(row_west, 2).deferred);
}

}  // namespace
}  // namespace tailor

namespace tailor {
namespace {

/// On the synthetic shop (its own consent, unsubscribe and suppression draws and email log) with a
/// policy double that wants to email everyone: no email reaches an ineligible customer and every
/// message parses.
TEST(EmailJobSynthShop, ZeroEmailsToIneligibleCustomersAndAllMessagesParse) {
  if (::access(kPython, X_OK) != 0) GTEST_SKIP() << kPython << " is not available";
  SynthParams sp;
  sp.customers = 600;
  sp.products = 150;
  sp.days = 60;
  sp.seed = 11;
  sp.unsubscribed_initial_rate = 0.1;
  sp.suppressed_rate = 0.05;
  const Dataset ds = generate_synthetic_shop(sp);
  const fs::path dir =
      fs::temp_directory_path() / ("tailor_email_synth_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  EmailJobConfig c;
  c.job.templates_dir = std::string(TAILOR_SOURCE_DIR) + "/configs/templates";
  c.job.output_dir = (dir / "out").string();
  c.job.shards = 2;
  c.job.batch_size = 500;
  c.eligibility.frequency_cap_emails = 2;
  c.secret = "synth-secret-0123456789";
  FakeSegments seg;
  FakeItems items;
  FakeDecider decider;
  FakeCopy copy(ds);
  EmailJob job(ds, c, {&seg, &items, &decider, &copy});
  const EmailJobSummary s = job.run();
  ASSERT_TRUE(s.complete);

  std::map<std::string, int64_t> row_of;
  for (size_t i = 0; i < ds.customers.size(); ++i)
    row_of[ds.customers.external_id[i]] = static_cast<int64_t>(i);
  std::vector<uint8_t> log_unsub(ds.customers.size(), 0);
  std::vector<int> recent(ds.customers.size(), 0);
  for (size_t r = 0; r < ds.email_log.size(); ++r) {
    if (ds.email_log.unsubscribed[r]) log_unsub[ds.email_log.customer[r]] = 1;
    if (ds.email_log.campaign[r] >= 0 && ds.email_log.time[r] >= job.run_time() - 7 * 86400)
      ++recent[ds.email_log.customer[r]];
  }
  int64_t emails = 0, ineligible = 0;
  for (size_t i = 0; i < ds.customers.size(); ++i)
    ineligible +=
        !ds.customers.consent[i] || ds.customers.unsubscribed[i] || ds.customers.suppressed[i];
  ASSERT_GT(ineligible, 60) << "the fixture must hold many ineligible customers";
  std::string stems = std::string(kPython) + " " + TAILOR_SOURCE_DIR +
                      "/tests/scripts/check_emails.py " + (dir / "decoded.jsonl").string();
  for (int i = 0; i < 2; ++i) {
    const ShardPaths p = shard_paths(c.job.output_dir, i, 2);
    stems += " " + (dir / "out" / p.stem).string();
    for (const Json& m : read_jsonl(p.manifest)) {
      const int64_t r = row_of.at(m["customer_id"]);
      ASSERT_TRUE(ds.customers.consent[r] && !ds.customers.unsubscribed[r] &&
                  !ds.customers.suppressed[r] && !log_unsub[r] && recent[r] < 2)
          << "email to ineligible customer " << m["customer_id"];
      ++emails;
    }
  }
  EXPECT_GT(emails, 200);
  const int rc = std::system((stems + " > " + (dir / "python.log").string() + " 2>&1").c_str());
  EXPECT_EQ(rc, 0) << file_bytes(dir / "python.log");
  const Json sum = Json::parse(file_bytes(s.summary_path));
  EXPECT_GT(sum["skipped"]["no_consent"].get<int64_t>(), 0);
  EXPECT_GT(sum["skipped"]["unsubscribed"].get<int64_t>(), 0);
  EXPECT_GT(sum["skipped"]["suppressed"].get<int64_t>(), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tailor

namespace tailor {
namespace {

TEST(EmailRenderBench, WritesOneEmailPerCustomer) {
  EmailRenderBenchParams p;
  p.messages = 300;
  p.batch_size = 64;
  p.repeats = 2;
  p.templates_dir = std::string(TAILOR_SOURCE_DIR) + "/configs/templates";
  p.scratch_dir =
      (fs::temp_directory_path() / ("tailor_bench_email_" + std::to_string(::getpid()))).string();
  const EmailRenderBenchResult r = bench_email_render(p);
  EXPECT_EQ(r.messages, 300);
  EXPECT_EQ(r.run_seconds.size(), 2u);
  EXPECT_GT(r.bytes, 300u * 2000u);
  EXPECT_FALSE(fs::exists(p.scratch_dir));
}

}  // namespace
}  // namespace tailor
