// The executables as a user runs them: exit codes, files on disk, determinism at the file level,
// and no personal data in what they print.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/data/dataset_io.h"

namespace fs = std::filesystem;

namespace tailor {
namespace {

struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

class CliBinaries : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* b : {"tailor-train", "tailor-infer"})
      if (::access((bin_ + "/" + b).c_str(), X_OK) != 0)
        GTEST_SKIP() << bin_ << "/" << b << " is not built (build the tailor-train and tailor-infer targets)";
    dir_ = fs::temp_directory_path() / ("tailor_cli_" + std::to_string(::getpid()) + "_" +
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
  static std::string file_bytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  const std::string bin_ = TAILOR_BIN_DIR;
  const std::string src_ = TAILOR_SOURCE_DIR;
  fs::path dir_;
};

TEST_F(CliBinaries, SynthSameSeedGivesTheSameFileBytes) {
  const std::string args = "tailor-train synth --customers 400 --products 60 --output ";
  ASSERT_EQ(run(args + path("a.h5") + " --seed 7").exit_code, 0);
  ASSERT_EQ(run(args + path("b.h5") + " --seed 7").exit_code, 0);
  ASSERT_EQ(run(args + path("c.h5") + " --seed 8").exit_code, 0);
  const std::string a = file_bytes(path("a.h5"));
  EXPECT_GT(a.size(), 10000u);
  EXPECT_TRUE(a == file_bytes(path("b.h5"))) << "same seed, different bytes";
  EXPECT_FALSE(a == file_bytes(path("c.h5"))) << "different seed, same bytes";
}

TEST_F(CliBinaries, SynthAndInspectPrintNoPersonalData) {
  RunResult r = run("tailor-train synth --customers 300 --products 50 --seed 3 --output " + path("s.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const Dataset ds = read_dataset(path("s.h5"));
  ASSERT_EQ(ds.customers.size(), 300u);
  RunResult inspect = run("tailor-infer inspect " + path("s.h5"));
  ASSERT_EQ(inspect.exit_code, 0) << inspect.output;
  EXPECT_NE(inspect.output.find("customers        300"), std::string::npos) << inspect.output;
  for (const std::string& text : {r.output, inspect.output}) {
    EXPECT_EQ(text.find('@'), std::string::npos) << "an email address was printed:\n" << text;
    for (size_t i = 0; i < ds.customers.size(); ++i) {
      const std::string& name = ds.customers.first_name[i];
      ASSERT_EQ(text.find(" " + name + " "), std::string::npos) << "a first name was printed: " << name;
    }
  }
}

// docs/dataset.md promises that h5py users can read the file as documented there.
TEST_F(CliBinaries, DatasetReadableByH5pyAsDocumented) {
  if (std::system("/usr/bin/python3 -c 'import h5py' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "h5py is not importable by /usr/bin/python3";
  ASSERT_EQ(run("tailor-train synth --customers 300 --products 50 --seed 5 --output " + path("s.h5")).exit_code, 0);
  const Dataset ds = read_dataset(path("s.h5"));
  {
    std::ofstream py(path("read.py"));
    py << R"PY(import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
assert f.attrs["magic"] == "TAILOR-DATASET" and f.attrs["format_version"] == 2
ids = f["customers/external_id"].asstr()[()]
t = {k: f["transactions"][k][()] for k in f["transactions"]}
assert t["customer"].dtype == np.int64 and t["product"].dtype == np.int32 and t["kind"].dtype == np.uint8
buyers = ids[t["customer"][t["customer"] >= 0]]
e = f["email_log"]
assert e["campaign"].dtype == np.int16 and e["hour"].dtype == np.int8 and e["propensity"].dtype == np.float32
sends = e["campaign"][()] >= 0
for col in ["document", "source", "field", "split", "text", "campaign", "category", "customer",
            "product", "spam", "open_rate", "click_rate"]:
    assert col in f["corpus"], col
assert f["metadata/source"].asstr()[()] == "synth"
print(len(ids), len(buyers), int(sends.sum()), len(f["campaigns"].asstr()[()]))
)PY";
  }
  const std::string out = path("py.out");
  const int rc = std::system(("/usr/bin/python3 " + path("read.py") + " " + path("s.h5") + " > " + out + " 2>&1").c_str());
  const std::string printed = file_bytes(out);
  ASSERT_EQ(rc, 0) << printed;
  size_t buyers = 0, sends = 0;
  for (int64_t c : ds.transactions.customer) buyers += c >= 0;
  for (int16_t c : ds.email_log.campaign) sends += c >= 0;
  std::ostringstream expected;
  expected << ds.customers.size() << " " << buyers << " " << sends << " " << ds.campaigns.size() << "\n";
  EXPECT_EQ(printed, expected.str());
}

TEST_F(CliBinaries, ImportWritesDatasetAndRejectsAtomically) {
  RunResult r = run("tailor-train import --mapping " + src_ + "/configs/import/online_retail.yaml --input " +
                    src_ + "/tests/data/import/duplicates.csv --output " + path("d.h5") + " --rejects " +
                    path("rejects.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("rows read"), std::string::npos) << r.output;
  const Dataset ds = read_dataset(path("d.h5"));
  EXPECT_GT(ds.transactions.size(), 0u);
  EXPECT_NE(ds.metadata.at("import_summary").find("duplicate_lines"), std::string::npos);
  EXPECT_NE(file_bytes(path("rejects.csv")).find("duplicate"), std::string::npos);
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "temporary file left: " << entry.path();
}

TEST_F(CliBinaries, BadInputFailsWithAMessageNamingFileAndColumn) {
  RunResult r = run("tailor-train import --mapping " + src_ + "/configs/import/online_retail.yaml --input " +
                    src_ + "/tests/data/import/missing_column.csv --output " + path("m.h5"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("missing_column.csv"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("InvoiceDate"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(path("m.h5")));

  r = run("tailor-infer inspect " + src_ + "/tests/data/import/shop.csv");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("shop.csv"), std::string::npos) << r.output;
}

TEST_F(CliBinaries, HelpShowsDefaultsAndUnknownConfigKeysAreErrors) {
  RunResult r = run("tailor-train synth --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--customers"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("20000"), std::string::npos) << r.output;
  {
    std::ofstream cfg(path("typo.yaml"));
    cfg << "synth:\n  customerz: 10\n";
  }
  r = run("tailor-train synth --config " + path("typo.yaml") + " --output " + path("x.h5"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("customerz"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("typo.yaml"), std::string::npos) << r.output;
}

// run_cli's default command is tailor-bench's only (`tailor-bench --quick`): train and infer still
// refuse a command line without a subcommand, with or without options.
TEST_F(CliBinaries, TrainAndInferStillRequireASubcommand) {
  for (const std::string args : {"tailor-train", "tailor-infer", "tailor-train --log-level warn",
                                 "tailor-infer --quick"}) {
    const RunResult r = run(args);
    EXPECT_NE(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("A subcommand is required"), std::string::npos) << args << "\n" << r.output;
  }
}

}  // namespace
}  // namespace tailor
