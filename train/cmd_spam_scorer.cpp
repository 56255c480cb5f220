// `tailor-train spam-scorer`: trains the spam-likeness scorer on the labelled corpus rows of a
// dataset (SpamAssassin spam vs ham), picks its threshold on dev, prints and stores test metrics
// next to the majority-class baseline, and writes the checkpoint (docs/quality.md).
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/corpus/spam_scorer.h"
#include "core/data/dataset_io.h"

namespace tailor {
namespace {

struct SpamScorerIo {
  std::string dataset;
  std::string output;
};

std::vector<uint8_t> labels(const std::vector<SpamExample>& v) {
  std::vector<uint8_t> y;
  for (const auto& e : v) y.push_back(e.spam);
  return y;
}

void print_row(const char* name, const BinaryMetrics& m) {
  std::printf("  %-22s %6lld %6lld   %.4f    %.4f    %.4f   %.4f   %.4f\n", name,
              static_cast<long long>(m.n), static_cast<long long>(m.positives), m.accuracy,
              m.precision, m.recall, m.f1, m.roc_auc);
}

void run_spam_scorer(const SpamScorerIo& io, const SpamScorerParams& p) {
  validate_spam_scorer_params(p);
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset ds = read_dataset(io.dataset);
  const auto train = spam_examples(ds.corpus, CorpusSplit::kTrain);
  const auto dev = spam_examples(ds.corpus, CorpusSplit::kDev);
  const auto test = spam_examples(ds.corpus, CorpusSplit::kTest);
  TAILOR_CHECK(
      !dev.empty() && !test.empty(),
      "spam-scorer: "
          << io.dataset << " has " << train.size() << " / " << dev.size() << " / " << test.size()
          << " labelled train / dev / test documents; dev and test must not be empty (import "
             "SpamAssassin with tailor-train import-corpus --format spamassassin)");
  LogisticRegressionFit fit;
  const SpamScorer s = SpamScorer::train(train, dev, p, &fit);
  const double train_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  spdlog::info("spam scorer: {} terms, L-BFGS {} iterations ({}), objective {:.6f}",
               s.vocabulary().size(), fit.iterations,
               fit.converged ? "converged" : "iteration limit", fit.loss);

  const BinaryMetrics m_train =
      binary_metrics(s.score_examples(train), labels(train), s.threshold());
  const BinaryMetrics m_dev = binary_metrics(s.score_examples(dev), labels(dev), s.threshold());
  const std::vector<uint8_t> y_test = labels(test);
  const BinaryMetrics m_test = binary_metrics(s.score_examples(test), y_test, s.threshold());
  // Trivial baseline: always the majority class of the training split, probability = its share.
  int64_t train_pos = 0;
  for (const auto& e : train) train_pos += e.spam;
  const double prior = double(train_pos) / double(train.size());
  const BinaryMetrics m_major =
      binary_metrics(std::vector<double>(test.size(), prior), y_test, prior >= 0.5 ? 0.0 : 1.1);

  std::printf("spam-likeness scorer: %s -> %s\n", io.dataset.c_str(), io.output.c_str());
  std::printf("  %zu terms, threshold %.4f (max %s on dev), trained in %.1f s\n",
              s.vocabulary().size(), s.threshold(), p.threshold_metric.c_str(), train_s);
  std::printf("  %-22s %6s %6s   %-8s  %-8s  %-8s %-8s %-8s\n", "split", "n", "spam", "accuracy",
              "precision", "recall", "f1", "roc_auc");
  print_row("train", m_train);
  print_row("dev", m_dev);
  print_row("test", m_test);
  print_row("test, majority class", m_major);
  // Flag rate per source on test: how often each group (e.g. hard-ham newsletters) is flagged.
  const std::vector<double> test_scores = s.score_examples(test);
  std::map<std::string, std::pair<int64_t, int64_t>> by_source;  // source -> (n, flagged)
  for (size_t i = 0; i < test.size(); ++i) {
    auto& c = by_source[test[i].source];
    ++c.first;
    c.second += test_scores[i] >= s.threshold();
  }
  nlohmann::ordered_json flagged;
  for (const auto& [src, c] : by_source) {
    std::printf("  test %-30s %5lld documents, %5.1f%% flagged spammy\n", src.c_str(),
                static_cast<long long>(c.first), 100.0 * double(c.second) / double(c.first));
    flagged[src] = {{"n", c.first}, {"flagged", c.second}};
  }
  std::printf("  most spam-like terms:");
  for (const auto& [t, w] : s.top_terms(12, true)) std::printf(" '%s'", t.c_str());
  std::printf("\n  most ham-like terms: ");
  for (const auto& [t, w] : s.top_terms(12, false)) std::printf(" '%s'", t.c_str());
  std::printf("\n");
  std::fflush(stdout);

  nlohmann::ordered_json j;
  j["dataset"] = io.dataset;
  j["train"] = nlohmann::json::parse(m_train.to_json());
  j["dev"] = nlohmann::json::parse(m_dev.to_json());
  j["test"] = nlohmann::json::parse(m_test.to_json());
  j["test_majority_class"] = nlohmann::json::parse(m_major.to_json());
  j["test_flagged_by_source"] = flagged;
  j["lbfgs_iterations"] = fit.iterations;
  j["lbfgs_converged"] = fit.converged;
  j["objective"] = fit.loss;
  j["terms"] = s.vocabulary().size();
  write_checkpoint(s.to_checkpoint(j.dump()), io.output);
  std::printf("  written %s\n", io.output.c_str());
}

const CommandRegistrar kRegistrar{CommandSpec{
    "spam-scorer",
    "train the spam-likeness scorer (TF-IDF + logistic regression) on a dataset's labelled corpus "
    "(SpamAssassin) and report test accuracy, precision, recall and ROC AUC",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto io = std::make_shared<SpamScorerIo>();
      auto p = std::make_shared<SpamScorerParams>();
      sub->add_option("--dataset", io->dataset, "dataset with SpamAssassin corpus rows (.h5)")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--output", io->output, "checkpoint to write (.h5)")->required();
      params.push_back(std::make_unique<ParamSet>(sub, "spam_scorer"));
      add_spam_scorer_params(*params.back(), *p);
      return [io, p] { run_spam_scorer(*io, *p); };
    }}};

}  // namespace
}  // namespace tailor
