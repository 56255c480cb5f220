// Spam-likeness scorer: metrics and thresholds on known values, logistic regression optimality
// and thread-count independence, a separable toy corpus learnt exactly, checkpoint round trip.
#include <gtest/gtest.h>
#include <omp.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <random>

#include "core/corpus/binary_metrics.h"
#include "core/corpus/corpus_import.h"
#include "core/corpus/logistic_regression.h"
#include "core/corpus/spam_scorer.h"
#include "test_corpus_util.h"

namespace tailor {
namespace {

TEST(SpamScorerMetrics, KnownValues) {
  // Scores 0.1 0.4 0.35 0.8 for labels 0 0 1 1: AUC 0.75 (sklearn's example).
  EXPECT_NEAR(roc_auc({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}), 0.75, 1e-12);
  EXPECT_NEAR(roc_auc({0.5, 0.5, 0.5}, {0, 1, 1}), 0.5, 1e-12);  // ties count half
  EXPECT_NEAR(roc_auc({0.2, 0.3}, {1, 1}), 0.5, 1e-12);          // one class only
  const BinaryMetrics m = binary_metrics({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}, 0.38);
  EXPECT_EQ(m.tp, 1);
  EXPECT_EQ(m.fp, 1);
  EXPECT_EQ(m.fn, 1);
  EXPECT_EQ(m.tn, 1);
  EXPECT_NEAR(m.accuracy, 0.5, 1e-12);
  EXPECT_NEAR(m.precision, 0.5, 1e-12);
  EXPECT_NEAR(m.f1, 0.5, 1e-12);
  const double ll = -(std::log(0.9) + std::log(0.6) + std::log(0.35) + std::log(0.8)) / 4;
  EXPECT_NEAR(m.log_loss, ll, 1e-12);
  // Best F1: predict the top 3 (0.8, 0.4, 0.35) -> threshold between 0.35 and 0.1.
  EXPECT_NEAR(best_threshold({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}, "f1"), 0.225, 1e-12);
  EXPECT_NEAR(best_threshold({0.1, 0.4, 0.35, 0.8}, {0, 0, 1, 1}, "accuracy"), 0.6, 1e-12);
  EXPECT_THROW(best_threshold({0.5}, {1}, "auc"), Error);
}

/// A random sparse problem (replayable seed printed on failure).
CsrMatrix random_rows(int64_t n, int64_t d, uint32_t seed, std::vector<uint8_t>* y) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> truth(static_cast<size_t>(d));
  for (double& v : truth) v = normal(rng);
  CsrMatrix x;
  x.rows = n;
  x.cols = d;
  x.indptr.push_back(0);
  y->clear();
  for (int64_t i = 0; i < n; ++i) {
    double z = 0.3;
    for (int64_t j = 0; j < d; ++j) {
      if (rng() % 3 != 0) continue;
      const float v = static_cast<float>(normal(rng));
      x.indices.push_back(static_cast<int32_t>(j));
      x.values.push_back(v);
      z += v * truth[static_cast<size_t>(j)];
    }
    x.indptr.push_back(static_cast<int64_t>(x.indices.size()));
    y->push_back(std::uniform_real_distribution<double>(0, 1)(rng) < sigmoid(z) ? 1 : 0);
  }
  return x;
}

TEST(SpamScorerLogistic, GradientVanishesAtTheSolutionAndThreadsDoNotMatter) {
  const uint32_t seed = 20261201;
  std::vector<uint8_t> y;
  const CsrMatrix x = random_rows(397, 23, seed, &y);
  LogisticRegressionParams p;
  p.l2 = 1e-2;
  p.tolerance = 1e-10;
  const int saved = omp_get_max_threads();
  omp_set_num_threads(1);
  const LogisticRegressionFit one = fit_logistic_regression(x, y, p);
  omp_set_num_threads(2);
  const LogisticRegressionFit two = fit_logistic_regression(x, y, p);
  omp_set_num_threads(saved);
  ASSERT_TRUE(one.converged) << "seed " << seed;
  EXPECT_TRUE(one.weight == two.weight) << "weights depend on the thread count, seed " << seed;
  EXPECT_EQ(one.bias, two.bias);
  // First-order optimality: mean (p - y) x_j + l2 w_j = 0 and mean (p - y) = 0.
  std::vector<double> g(one.weight.size(), 0.0);
  double gb = 0;
  for (int64_t i = 0; i < x.rows; ++i) {
    double z = one.bias;
    for (int64_t k = x.indptr[i]; k < x.indptr[i + 1]; ++k)
      z += x.values[k] * one.weight[x.indices[k]];
    const double r = (sigmoid(z) - y[i]) / double(x.rows);
    gb += r;
    for (int64_t k = x.indptr[i]; k < x.indptr[i + 1]; ++k) g[x.indices[k]] += r * x.values[k];
  }
  for (size_t j = 0; j < g.size(); ++j)
    EXPECT_NEAR(g[j] + p.l2 * one.weight[j], 0.0, 1e-6) << "j " << j << " seed " << seed;
  EXPECT_NEAR(gb, 0.0, 1e-6);
}

std::vector<SpamExample> toy(int n, uint32_t seed) {
  const char* spam_words[] = {"free",  "money", "winner",     "click",
                              "offer", "cash",  "guaranteed", "credit"};
  const char* ham_words[] = {"meeting", "agenda", "report",  "patch",
                             "kernel",  "review", "minutes", "build"};
  const char* shared[] = {"the", "and", "today", "please", "team", "week"};
  std::mt19937 rng(seed);
  std::vector<SpamExample> out;
  for (int i = 0; i < n; ++i) {
    SpamExample e;
    e.spam = static_cast<uint8_t>(i % 2);
    const char** own = e.spam ? spam_words : ham_words;
    for (int w = 0; w < 6; ++w) {
      e.body += std::string(rng() % 2 ? own[rng() % 8] : shared[rng() % 6]) + " ";
      if (w < 2) e.subject += std::string(own[rng() % 8]) + " ";
    }
    e.body += own[rng() % 8];
    if (e.spam) e.body += " only {price}";
    out.push_back(e);
  }
  return out;
}

TEST(SpamScorer, LearnsASeparableToyCorpusAndRoundTripsItsCheckpoint) {
  const auto train = toy(200, 1), dev = toy(60, 2), test = toy(60, 3);
  SpamScorerParams p;
  p.min_df = 1;
  p.l2 = 1e-3;
  const SpamScorer s = SpamScorer::train(train, dev, p);
  std::vector<uint8_t> y;
  for (const auto& e : test) y.push_back(e.spam);
  const BinaryMetrics m = binary_metrics(s.score_examples(test), y, s.threshold());
  EXPECT_EQ(m.accuracy, 1.0);
  EXPECT_EQ(m.roc_auc, 1.0);
  EXPECT_TRUE(s.is_spammy("free cash winner", "click for money, guaranteed credit offer"));
  EXPECT_FALSE(s.is_spammy("meeting agenda", "the kernel patch review is in the minutes"));
  // Slots are their own features: {price} is the token slot_price, not the word "price".
  EXPECT_EQ(spam_scorer_text("Save {discount}", "only {price}, {bogus}"),
            "Save  slot_discount \nonly  slot_price , {bogus}");
  EXPECT_NE(std::find(s.vocabulary().begin(), s.vocabulary().end(), "slot_price"),
            s.vocabulary().end());
  // Batch and single scores agree.
  const std::vector<double> batch =
      s.score_batch({"free money", "agenda"}, {"click now", "see the report"});
  EXPECT_DOUBLE_EQ(batch[0], s.score("free money", "click now"));
  EXPECT_DOUBLE_EQ(batch[1], s.score("agenda", "see the report"));

  corpus_test::TempDir t;
  const std::string path = t / "spam.h5";
  write_checkpoint(s.to_checkpoint("{\"note\":\"test\"}"), path);
  const SpamScorer back = SpamScorer::load(path);
  EXPECT_EQ(back.threshold(), s.threshold());
  EXPECT_EQ(back.vocabulary(), s.vocabulary());
  for (const auto& e : test) EXPECT_EQ(back.score(e.subject, e.body), s.score(e.subject, e.body));
  EXPECT_EQ(back.params().l2, p.l2);
  EXPECT_EQ(read_checkpoint(path, "spam_scorer").text("meta/metrics"), "{\"note\":\"test\"}");
  // A checkpoint of another model or with a damaged shape is a clear error.
  Checkpoint other = s.to_checkpoint("{}");
  other.model_type = "kmeans";
  write_checkpoint(other, t / "other.h5");
  EXPECT_THROW(SpamScorer::load(t / "other.h5"), Error);
  Checkpoint cut = s.to_checkpoint("{}");
  cut.tensors["params/weight"] = TensorBlob::from(std::vector<float>{1.0f, 2.0f});
  const std::string msg = corpus_test::error_of([&] { SpamScorer::from_checkpoint(cut); });
  EXPECT_NE(msg.find("params/weight"), std::string::npos) << msg;
}

TEST(SpamScorer, NeedsBothClassesAndValidParams) {
  auto only_ham = toy(20, 4);
  for (auto& e : only_ham) e.spam = 0;
  EXPECT_THROW(SpamScorer::train(only_ham, {}, SpamScorerParams()), Error);
  SpamScorerParams p;
  p.threshold_metric = "auc";
  EXPECT_THROW(validate_spam_scorer_params(p), Error);
}

TEST(SpamScorer, ExamplesJoinSubjectAndBodyByDocument) {
  TextCorpusTable k;
  auto add = [&](int64_t doc, TextField f, const std::string& text, int8_t spam,
                 CorpusSplit split) {
    k.document.push_back(doc);
    k.source.push_back("s");
    k.field.push_back(static_cast<uint8_t>(f));
    k.split.push_back(static_cast<uint8_t>(split));
    k.text.push_back(text);
    k.campaign.push_back("");
    k.category.push_back("");
    k.customer.push_back(-1);
    k.product.push_back(-1);
    k.spam.push_back(spam);
    k.open_rate.push_back(NAN);
    k.click_rate.push_back(NAN);
  };
  add(0, TextField::kSubject, "s0", 1, CorpusSplit::kTrain);
  add(0, TextField::kBody, "b0", 1, CorpusSplit::kTrain);
  add(1, TextField::kBody, "b1", 0, CorpusSplit::kTrain);
  add(2, TextField::kSubject, "s2", -1, CorpusSplit::kTrain);  // unlabelled (AESLC, synth)
  add(3, TextField::kSubject, "s3", 0, CorpusSplit::kTest);
  const auto train = spam_examples(k, CorpusSplit::kTrain);
  ASSERT_EQ(train.size(), 2u);
  EXPECT_EQ(train[0].subject, "s0");
  EXPECT_EQ(train[0].body, "b0");
  EXPECT_EQ(train[0].spam, 1);
  EXPECT_EQ(train[1].subject, "");
  EXPECT_EQ(spam_examples(k, CorpusSplit::kTest).size(), 1u);
}

TEST(SpamScorer, ConfigFileHoldsEveryDefault) {
  const std::string path = std::string(TAILOR_SOURCE_DIR) + "/configs/spam_scorer.yaml";
  const YAML::Node root = load_yaml_file(path);
  SpamScorerParams defaults, from_file;
  CLI::App app_a, app_b;
  ParamSet a(&app_a, "spam_scorer"), b(&app_b, "spam_scorer");
  add_spam_scorer_params(a, defaults);
  add_spam_scorer_params(b, from_file);
  app_b.parse(std::vector<std::string>{});
  b.apply_yaml(root, path);
  ASSERT_EQ(root["spam_scorer"].size(), a.to_yaml().size())
      << "configs/spam_scorer.yaml must list every parameter";
  YAML::Emitter ea, eb;
  ea << a.to_yaml();
  eb << b.to_yaml();
  EXPECT_EQ(std::string(ea.c_str()), std::string(eb.c_str()));
}

TEST(SpamScorerRealData, SpamAssassinTestSplit) {
  const std::string path =
      corpus_test::shared_data("spamassassin/spamassassin_public_corpus.tar.xz");
  if (path.empty())
    GTEST_SKIP() << "$TAILOR_SHARED_DATA/spamassassin/spamassassin_public_corpus.tar.xz is absent";
  const CorpusImportResult r = import_spamassassin(path, CorpusCleanParams());
  const SpamScorer s =
      SpamScorer::train(spam_examples(r.rows, CorpusSplit::kTrain),
                        spam_examples(r.rows, CorpusSplit::kDev), SpamScorerParams());
  const auto test = spam_examples(r.rows, CorpusSplit::kTest);
  std::vector<uint8_t> y;
  for (const auto& e : test) y.push_back(e.spam);
  const BinaryMetrics m = binary_metrics(s.score_examples(test), y, s.threshold());
  std::printf("[ spamscore] test n %lld accuracy %.4f precision %.4f recall %.4f auc %.4f\n",
              static_cast<long long>(m.n), m.accuracy, m.precision, m.recall, m.roc_auc);
  EXPECT_GT(m.roc_auc, 0.99);
  EXPECT_GT(m.accuracy, 0.95);
}

}  // namespace
}  // namespace tailor
