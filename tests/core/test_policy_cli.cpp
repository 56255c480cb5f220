// `tailor-train policy` and `tailor-infer policy` as a user runs them: a small synthetic shop
// trains into a checkpoint, decisions come out as JSON lines for every customer, nothing
// personal is printed, unapproved checkpoints are refused unless allowed, --force-approve says
// so, --device cuda without CUDA is a clear error, and tailor-bench policy --grid quick writes
// complete JSON.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/data/dataset_io.h"

namespace fs = std::filesystem;

namespace tailor {
namespace {

struct RunResult {
  int exit_code;
  std::string output;
};

class PolicyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* b : {"tailor-train", "tailor-infer"})
      if (::access((bin_ + "/" + b).c_str(), X_OK) != 0)
        GTEST_SKIP() << bin_ << "/" << b << " is not built";
    dir_ = fs::temp_directory_path() /
           ("tailor_policy_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  RunResult run(const std::string& args) const {
    const std::string log = path("command.log");
    const int rc = std::system((bin_ + "/" + args + " > " + log + " 2>&1").c_str());
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, ss.str()};
  }
  // Small and fast: 500 customers, 100 days, a tiny network, few steps and resamples.
  std::string train_args(const std::string& data, const std::string& out, int steps = 60) const {
    return "tailor-train policy --dataset " + data + " --output " + out + " --config " + src_ +
           "/configs/policy.yaml --hidden 16 --offline-steps " + std::to_string(steps) +
           " --batch-size 64 --bootstrap-resamples 30 --select-every 20 --days 30";
  }
  const std::string bin_ = TAILOR_BIN_DIR;
  const std::string src_ = TAILOR_SOURCE_DIR;
  fs::path dir_;
};

TEST_F(PolicyCli, TrainInferAndNoPersonalData) {
  const std::string data = path("shop.h5"), ckpt = path("policy.h5"), out = path("decisions.jsonl");
  ASSERT_EQ(
      run("tailor-train synth --customers 500 --products 60 --days 100 --seed 4 --output " + data)
          .exit_code,
      0);
  const RunResult tr =
      run(train_args(data, ckpt) + " --force-approve --report " + path("report.json"));
  ASSERT_EQ(tr.exit_code, 0) << tr.output;
  EXPECT_NE(tr.output.find("DR"), std::string::npos) << tr.output;
  EXPECT_NE(tr.output.find("simulated year"), std::string::npos);
  EXPECT_TRUE(fs::exists(ckpt));
  EXPECT_TRUE(fs::exists(ckpt + ".rejects.csv"));
  const bool forced = tr.output.find("APPROVED BY --force-approve") != std::string::npos;
  EXPECT_EQ(forced,
            tr.output.find(
                "WARNING: the checkpoint is marked approved only because of --force-approve") !=
                std::string::npos);
  std::ifstream rep(path("report.json"));
  const auto j = nlohmann::json::parse(rep);
  EXPECT_TRUE(j["approval"]["approved"].get<bool>());
  EXPECT_EQ(j["approval"]["forced"].get<bool>(), forced);

  const RunResult inf = run("tailor-infer policy --dataset " + data + " --checkpoint " + ckpt +
                            " --output " + out + " --now 2023-04-05 --seed 3");
  ASSERT_EQ(inf.exit_code, 0) << inf.output;
  std::ifstream in(out);
  std::string line;
  int64_t lines = 0, emails = 0;
  while (std::getline(in, line)) {
    const auto d = nlohmann::json::parse(line);
    ASSERT_TRUE(d["customer"].is_string());
    ASSERT_EQ(d["customer"].get<std::string>().rfind("C", 0), 0u);
    const float p = d["propensity"].get<float>();
    ASSERT_GT(p, 0.0f);
    ASSERT_LE(p, 1.0f);
    ASSERT_EQ(d["q_values"].size(), 55u);
    if (d["action"].get<int>() != 0) {
      ++emails;
      ASSERT_TRUE(d["campaign"].is_string());
      ASSERT_TRUE(d["hour"].is_number());
      ASSERT_FALSE(d["q_values"][d["action"].get<size_t>()].is_null());
    } else {
      ASSERT_TRUE(d["campaign"].is_null());
    }
    ++lines;
  }
  EXPECT_EQ(lines, 500);
  const Dataset ds = read_dataset(data);
  for (const std::string& text : {tr.output, inf.output}) {
    EXPECT_EQ(text.find('@'), std::string::npos) << "an email address was printed";
    for (size_t i = 0; i < ds.customers.size(); i += 17)
      EXPECT_EQ(text.find(" " + ds.customers.first_name[i] + " "), std::string::npos);
  }
  std::ifstream raw(out);
  std::stringstream all;
  all << raw.rdbuf();
  EXPECT_EQ(all.str().find('@'), std::string::npos) << "decisions hold no email address";
}

TEST_F(PolicyCli, UnapprovedIsRefusedUnlessAllowedAndCudaErrorIsClear) {
  const std::string data = path("shop.h5"), ckpt = path("policy.h5"), out = path("d.jsonl");
  ASSERT_EQ(
      run("tailor-train synth --customers 300 --products 50 --days 60 --seed 8 --output " + data)
          .exit_code,
      0);
  // Zero learner steps: the policy is the random initialisation; unlikely to be approved.
  const RunResult tr = run(train_args(data, ckpt, 0) + " --simulate 0");
  ASSERT_EQ(tr.exit_code, 0) << tr.output;
  const bool approved = tr.output.find("(approved)") != std::string::npos;
  const RunResult inf =
      run("tailor-infer policy --dataset " + data + " --checkpoint " + ckpt + " --output " + out);
  if (approved) {
    EXPECT_EQ(inf.exit_code, 0) << inf.output;
  } else {
    EXPECT_NE(inf.exit_code, 0);
    EXPECT_NE(inf.output.find("is not approved"), std::string::npos) << inf.output;
    EXPECT_FALSE(fs::exists(out)) << "no partial output";
    const RunResult allowed = run("tailor-infer policy --dataset " + data + " --checkpoint " +
                                  ckpt + " --output " + out + " --allow-unapproved");
    EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  }
  const RunResult cuda = run(train_args(data, path("c.h5")) + " --device cuda");
  if (cuda.exit_code != 0) {
    EXPECT_NE(cuda.output.find("no usable CUDA device"), std::string::npos) << cuda.output;
  }
  const RunResult bad = run(train_args(data, path("b.h5")) + " --epsilon 2");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("exploration.epsilon"), std::string::npos) << bad.output;
}

TEST_F(PolicyCli, BenchQuickWritesCompleteJson) {
  if (::access((bin_ + "/tailor-bench").c_str(), X_OK) != 0)
    GTEST_SKIP() << "tailor-bench is not built";
  const std::string json = path("bench.json");
  const RunResult r =
      run("tailor-bench policy --grid quick --repeats 1 --threads 1 --warmup 2 --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(json);
  const auto j = nlohmann::json::parse(in);
  ASSERT_GE(j["devices"].size(), 1u);
  for (const auto& d : j["devices"]) {
    if (!d["present"].get<bool>()) {
      EXPECT_FALSE(d["absent_reason"].get<std::string>().empty()) << "an absent device says why";
      continue;
    }
    EXPECT_GT(d["learner_steps_per_s"].get<double>(), 0.0);
    for (const char* n : {"1000", "10000"})
      EXPECT_GT(d["decisions_per_s"][n].get<double>(), 0.0) << n;
    if (d["peer"]["present"].get<bool>()) {
      EXPECT_GT(d["ratio_learner"].get<double>(), 0.0);
    } else {
      EXPECT_FALSE(d["peer"]["reason"].get<std::string>().empty()) << "an absent peer says why";
    }
  }
}

}  // namespace
}  // namespace tailor
