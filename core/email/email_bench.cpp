// The rendering + writing micro-benchmark: a synthetic population, fixed model doubles, timed runs.
#include "core/email/email_bench.h"

#include <chrono>
#include <filesystem>

#include "core/common/error.h"
#include "core/data/synth.h"
#include "core/data/synth_catalog.h"
#include "core/data/synth_model.h"
#include "core/email/email_job.h"
#include "core/email/shard_output.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

ModelProvenance bench_provenance(const char* role) {
  return {role, std::string("bench_fixed_") + role, "", ""};
}

/// Campaign by customer hash, local hour 9..18.
class BenchDecider : public CampaignDecider {
 public:
  std::vector<CampaignDecision> decide(const CustomerBatch& b) override {
    std::vector<CampaignDecision> out(b.customers.size());
    const uint64_t nc = b.dataset->campaigns.size();
    for (size_t i = 0; i < out.size(); ++i) {
      const uint64_t h = mix(static_cast<uint64_t>(b.customers[i]) ^ b.seed);
      out[i].campaign = static_cast<int16_t>(h % nc);
      out[i].hour = static_cast<int8_t>(9 + (h >> 20) % 10);
      out[i].action = out[i].campaign;
      out[i].propensity = 0.5f;
      out[i].q_values = {0.1f, 0.2f, 0.3f};
    }
    return out;
  }
  ModelProvenance provenance() const override { return bench_provenance("policy"); }
};

/// Four items per customer from the catalogue.
class BenchItems : public ItemRecommender {
 public:
  std::vector<std::vector<RecommendedItem>> recommend(const CustomerBatch& b, int k) override {
    std::vector<std::vector<RecommendedItem>> out(b.customers.size());
    const uint64_t np = b.dataset->products.size();
    for (size_t i = 0; i < out.size(); ++i)
      for (int j = 0; j < std::min(k, 4); ++j)
        out[i].push_back({static_cast<int32_t>(mix(b.customers[i] * 8 + j) % np), 1.0f - 0.1f * j});
    return out;
  }
  ModelProvenance provenance() const override { return bench_provenance("recommend"); }
};

/// Drafts of the length a copy model writes, with slots.
class BenchCopy : public CopyWriter {
 public:
  std::vector<EmailCopyDraft> write(const std::vector<EmailCopyRequest>& rs) override {
    static const EmailCopyDraft kDrafts[] = {
        {"{first_name}, picked for you: {product}",
         "Hi {first_name},\n\nwe thought you would like {product}. It is one of our favourite "
         "pieces in {category} this season, and at {price} it is a little treat.\n\nSee you soon,\n"
         "the {shop} team",
         -21.5, 0.05f},
        {"New in {category} at {shop}",
         "Hello {first_name},\n\nfresh arrivals just landed in {category}. Our pick for you is "
         "{product} ({price}).\n\nHappy shopping!",
         -18.0, 0.04f},
        {"Grüße, {first_name}! Ein Geschenk für Sie ☕",
         "Liebe(r) {first_name},\n\nwir haben {product} für Sie ausgesucht: {price}.\n\nIhr {shop} "
         "Team",
         -25.0, 0.08f}};
    std::vector<EmailCopyDraft> out;
    out.reserve(rs.size());
    for (const EmailCopyRequest& r : rs) out.push_back(kDrafts[r.seed % 3]);
    return out;
  }
  ModelProvenance provenance() const override { return bench_provenance("copy"); }
};

Dataset bench_dataset(int64_t n, uint64_t seed) {
  SynthParams sp;
  sp.seed = seed;
  sp.products = 2000;
  Dataset ds;
  ds.products = build_synth_catalog(sp).products;
  ds.campaigns = synth_campaign_names();
  const auto& names = synth_first_names();
  const auto& countries = synth_countries();
  CustomerTable& c = ds.customers;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t h = mix(static_cast<uint64_t>(i) ^ seed);
    c.external_id.push_back(std::to_string(100000 + i));
    const std::string& name = names[h % names.size()];
    c.first_name.push_back(name);
    std::string email;
    for (char ch : name) email += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.email.push_back(email + "." + std::to_string(i) + "@example.com");
    const auto& country = countries[(h >> 16) % countries.size()];
    c.country.push_back(country.first);
    c.tz_offset_min.push_back(country.second);
    c.signup_time.push_back(1700000000);
    c.birthday.push_back(-1);
    c.consent.push_back(1);
    c.unsubscribed.push_back(0);
    c.suppressed.push_back(0);
  }
  return ds;
}

}  // namespace

EmailRenderBenchResult bench_email_render(const EmailRenderBenchParams& p) {
  TAILOR_CHECK(p.messages >= 1, "bench email: messages must be >= 1");
  TAILOR_CHECK(p.repeats >= 1, "bench email: repeats must be >= 1");
  const Dataset ds = bench_dataset(p.messages, p.seed);
  BenchDecider decider;
  BenchItems items;
  BenchCopy copy;
  EmailJobConfig cfg;
  cfg.job.templates_dir = p.templates_dir;
  cfg.job.output_dir = (fs::path(p.scratch_dir) / "out").string();
  cfg.job.batch_size = p.batch_size;
  cfg.job.threads = p.threads;
  cfg.job.now = "2024-06-01T06:00:00Z";
  cfg.job.run_id = "bench";
  cfg.job.seed = p.seed;
  cfg.job.verify_completed_shards = false;
  cfg.secret = "bench-secret-not-for-production";
  cfg.dataset_id = "bench";

  EmailRenderBenchResult r;
  const auto t0 = Clock::now();
  EmailJob job(ds, cfg, {nullptr, &items, &decider, &copy});
  r.setup_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (int rep = 0; rep < p.repeats; ++rep) {
    fs::remove_all(cfg.job.output_dir);
    const auto t1 = Clock::now();
    const EmailJobSummary s = job.run();
    const double secs = std::chrono::duration<double>(Clock::now() - t1).count();
    r.run_seconds.push_back(secs);
    r.seconds = rep == 0 ? secs : std::min(r.seconds, secs);
    r.messages = s.shards.at(0).emails;
    ShardMarker m;
    TAILOR_CHECK(read_shard_marker(shard_paths(cfg.job.output_dir, 0, 1).done, &m),
                 "bench email: no completion marker");
    r.bytes = 0;
    for (const auto& f : m.files) r.bytes += f.bytes;
  }
  fs::remove_all(p.scratch_dir);
  return r;
}

}  // namespace tailor
