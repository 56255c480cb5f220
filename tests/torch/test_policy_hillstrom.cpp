// The send policy on real data (Hillstrom's randomised e-mail test) and the policy configs:
// configs/policy.yaml holds every parameter with its default; the Hillstrom run beats the
// logging (uniform) policy clearly, is close to the best constant policy, and is approved.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "core/config/param_set.h"
#include "core/data/import_mapping.h"
#include "core/data/importer.h"
#include "models/policy_training.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;

const std::string kConfigs = std::string(TAILOR_SOURCE_DIR) + "/configs/";

// Scalars compare as numbers when both parse as numbers (0.001 == 1e-3), sequences element-wise.
bool same_yaml_value(const YAML::Node& x, const YAML::Node& y) {
  if (x.IsSequence() || y.IsSequence()) {
    if (!x.IsSequence() || !y.IsSequence() || x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i)
      if (!same_yaml_value(x[i], y[i])) return false;
    return true;
  }
  const std::string sx = x.as<std::string>(), sy = y.as<std::string>();
  char* ex = nullptr;
  char* ey = nullptr;
  const double dx = std::strtod(sx.c_str(), &ex), dy = std::strtod(sy.c_str(), &ey);
  if (!sx.empty() && !sy.empty() && *ex == '\0' && *ey == '\0')
    return std::fabs(dx - dy) <= 1e-12 + 1e-9 * std::fabs(dx);
  return sx == sy;
}

TEST(PolicyConfig, ConfigFileHoldsEveryDefault) {
  PolicyTrainConfig defaults;
  CLI::App app;
  std::vector<std::unique_ptr<ParamSet>> params;
  bind_policy_train_config(&app, &defaults, &params);
  const YAML::Node file = load_yaml_file(kConfigs + "policy.yaml");
  for (const auto& ps : params) {
    const YAML::Node want = ps->to_yaml();
    const YAML::Node got = file[ps->section()];
    ASSERT_TRUE(got) << "configs/policy.yaml has no section " << ps->section();
    for (auto it = want.begin(); it != want.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      ASSERT_TRUE(got[key]) << "configs/policy.yaml lacks " << ps->section() << "." << key;
      EXPECT_TRUE(same_yaml_value(it->second, got[key])) << ps->section() << "." << key;
    }
  }
  // The whole file also loads as a config, and the Hillstrom config too.
  EXPECT_NO_THROW(load_policy_train_config(kConfigs + "policy.yaml"));
  const PolicyTrainConfig h = load_policy_train_config(kConfigs + "policy_hillstrom.yaml");
  EXPECT_TRUE(h.actions.send_hours.empty());
  EXPECT_EQ(h.masks.campaign_eligibility, "none");
}

std::string shared_data(const std::string& rel) {
  const char* env = std::getenv("TAILOR_SHARED_DATA");
  if (!env) return "";
  const fs::path p = fs::path(env) / rel;
  return fs::exists(p) ? p.string() : "";
}

TEST(PolicyRealData, HillstromLearnedBeatsLoggingAndIsApproved) {
  const std::string path = shared_data("hillstrom/hillstrom.csv.xz");
  if (path.empty())
    GTEST_SKIP()
        << "$TAILOR_SHARED_DATA/hillstrom/hillstrom.csv.xz is absent (set TAILOR_SHARED_DATA)";
  const auto t0 = std::chrono::steady_clock::now();
  const ImportResult imp =
      import_csv(load_import_mapping(kConfigs + "import/hillstrom.yaml"), path);
  PolicyTrainConfig cfg = load_policy_train_config(kConfigs + "policy_hillstrom.yaml");
  cfg.ope.bootstrap_resamples = 200;
  const std::string out =
      (fs::temp_directory_path() / ("tailor_hill_" + std::to_string(::getpid()) + ".h5")).string();
  const PolicyTrainReport r = train_send_policy(imp.dataset, cfg, out);
  fs::remove(out);
  fs::remove(out + ".rejects.csv");
  std::fputs(r.to_text().c_str(), stdout);
  EXPECT_EQ(r.rejected_rows, 0);
  EXPECT_EQ(r.train_decisions + r.eval_decisions, 64000);
  EXPECT_NEAR(double(r.eval_decisions) / 64000, 0.3, 0.01);
  const auto find = [&](const std::string& name) -> const PolicyValueRow& {
    for (const auto& p : r.policies)
      if (p.name == name) return p;
    ADD_FAILURE() << "no policy " << name;
    return r.policies[0];
  };
  const PolicyValueRow& learned = find("learned (greedy)");
  const PolicyValueRow& mens = find("always mens");
  const PolicyValueRow& uniform = find("uniform random");
  // Visits per customer: logging (uniform) ~0.148 on the 30 %; the learned policy at least 0.02
  // above it (measured 0.184) and within 0.01 of the best constant (men's e-mail, 0.186).
  const double logging = r.logging[kMetricClicks].value;
  EXPECT_NEAR(uniform.estimates[kMetricClicks].dr.value, logging, 0.002) << "uniform = logging";
  EXPECT_GT(learned.estimates[kMetricClicks].dr.value, logging + 0.02);
  EXPECT_GT(learned.estimates[kMetricClicks].dr.value,
            mens.estimates[kMetricClicks].dr.value - 0.01);
  EXPECT_GT(learned.estimates[kMetricClicks].dr.lo, logging) << "clearly better than logging";
  EXPECT_TRUE(r.approval.approved);
  EXPECT_FALSE(r.approval.forced);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("Hillstrom policy test: %.1f s\n", secs);
}

}  // namespace
}  // namespace tailor
