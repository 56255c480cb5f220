// ParamSet: defaults, YAML config and command line in the right order of precedence.
#include <gtest/gtest.h>

#include "core/config/param_set.h"

namespace tailor {
namespace {

struct ToyParams {
  int k = 8;
  double tolerance = 1e-4;
  std::string init = "kmeans++";
};

void bind(ParamSet& ps, ToyParams& p) {
  ps.add("k", &p.k, "clusters");
  ps.add("tolerance", &p.tolerance, "relative inertia change to stop");
  ps.add("init", &p.init, "seeding");
}

TEST(ParamSet, CommandLineBeatsConfigBeatsDefault) {
  CLI::App app;
  ToyParams p;
  ParamSet ps(&app, "toy");
  bind(ps, p);
  const char* argv[] = {"prog", "--k", "16"};
  app.parse(3, const_cast<char**>(argv));
  ps.apply_yaml(YAML::Load("toy: {k: 4, tolerance: 0.5}"), "inline");
  EXPECT_EQ(p.k, 16);              // command line
  EXPECT_DOUBLE_EQ(p.tolerance, 0.5);  // config
  EXPECT_EQ(p.init, "kmeans++");   // default
}

TEST(ParamSet, UnknownKeyAndWrongTypeAreErrorsNamingTheFile) {
  CLI::App app;
  ToyParams p;
  ParamSet ps(&app, "toy");
  bind(ps, p);
  app.parse(std::vector<std::string>{});
  try {
    ps.apply_yaml(YAML::Load("toy: {kk: 4}"), "my.yaml");
    FAIL() << "unknown key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("my.yaml"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("toy.kk"), std::string::npos);
  }
  EXPECT_THROW(ps.apply_yaml(YAML::Load("toy: {k: many}"), "my.yaml"), Error);
}

TEST(ParamSet, HelpShowsDefaults) {
  CLI::App app;
  ToyParams p;
  ParamSet ps(&app, "toy");
  bind(ps, p);
  std::string help = app.help();
  EXPECT_NE(help.find("--tolerance"), std::string::npos);
  EXPECT_NE(help.find("0.0001"), std::string::npos);
  EXPECT_NE(help.find("kmeans++"), std::string::npos);
}

}  // namespace
}  // namespace tailor
