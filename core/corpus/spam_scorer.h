// Spam-likeness scorer for e-mail copy: logistic regression over TF-IDF features of subject +
// body, trained on SpamAssassin spam vs ham. The copy generator and the e-mail job call score /
// is_spammy to flag generated copy. Checkpoint model type "spam_scorer" (docs/corpus.md).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/config/param_set.h"
#include "core/corpus/binary_metrics.h"
#include "core/corpus/logistic_regression.h"
#include "core/data/dataset.h"
#include "core/recommend/tfidf.h"

namespace tailor {

/// Parameters of `tailor-train spam-scorer` (section `spam_scorer`, configs/spam_scorer.yaml).
struct SpamScorerParams {
  /// TF-IDF: word n-grams from 1 to this.
  int ngram_max = 2;
  /// TF-IDF: ignore terms in fewer training documents than this.
  double min_df = 2;
  /// TF-IDF: ignore terms in more than this fraction of training documents.
  double max_df = 0.95;
  /// TF-IDF: keep at most this many terms by training-corpus frequency (0 = all).
  int64_t max_features = 0;
  /// TF-IDF: tf = 1 + ln(count).
  bool sublinear_tf = true;
  /// L2 penalty lambda on the mean log loss (scikit-learn C = 1 / (lambda * n_train)).
  double l2 = 1e-4;
  /// L-BFGS iterations at most.
  int max_iterations = 500;
  /// L-BFGS stops when the largest gradient component falls below tolerance times its start value.
  double tolerance = 1e-6;
  /// The decision threshold maximises this on the dev split: f1 or accuracy.
  std::string threshold_metric = "f1";
};

void add_spam_scorer_params(ParamSet& ps, SpamScorerParams& p);
void validate_spam_scorer_params(const SpamScorerParams& p);

/// One labelled e-mail.
struct SpamExample {
  std::string subject;
  std::string body;
  uint8_t spam = 0;
  std::string source;  ///< TextCorpusTable::source, e.g. "spamassassin/hard-ham-1"
};

/// The labelled documents (spam 0 or 1) of `split` in a corpus, subject and body joined by
/// document id, in document order.
std::vector<SpamExample> spam_examples(const TextCorpusTable& corpus, CorpusSplit split);

/// The text the scorer sees: subject, a line break, body; each slot "{name}" becomes the token
/// "slot_name" (so {price} is not the word "price").
std::string spam_scorer_text(const std::string& subject, const std::string& body);

class SpamScorer {
 public:
  SpamScorer() = default;

  /// Fits TF-IDF and the logistic regression on `train` and picks the threshold on `dev`.
  static SpamScorer train(const std::vector<SpamExample>& train,
                          const std::vector<SpamExample>& dev, const SpamScorerParams& p,
                          LogisticRegressionFit* fit_info = nullptr);

  /// Probability that an e-mail with this subject and body is spam.
  double score(const std::string& subject, const std::string& body) const;
  /// The same for many e-mails (parallel over e-mails).
  std::vector<double> score_batch(const std::vector<std::string>& subjects,
                                  const std::vector<std::string>& bodies) const;
  std::vector<double> score_examples(const std::vector<SpamExample>& examples) const;
  /// score(...) >= threshold().
  bool is_spammy(const std::string& subject, const std::string& body) const;

  double threshold() const { return threshold_; }
  const SpamScorerParams& params() const { return params_; }
  const std::vector<std::string>& vocabulary() const { return vocabulary_; }
  /// The terms with the largest positive (spam) and negative (ham) weights.
  std::vector<std::pair<std::string, float>> top_terms(size_t k, bool spam) const;

  /// The checkpoint: vocabulary, idf, weights, bias, threshold, the full config and `metrics_json`.
  Checkpoint to_checkpoint(const std::string& metrics_json) const;
  /// Reads a checkpoint written by to_checkpoint; shapes and config are checked.
  static SpamScorer from_checkpoint(const Checkpoint& ckpt);
  static SpamScorer load(const std::string& path);

 private:
  void build_index();
  double logit(const std::string& text) const;

  SpamScorerParams params_;
  std::vector<std::string> vocabulary_;
  std::vector<float> idf_;
  std::vector<float> weight_;
  float bias_ = 0;
  double threshold_ = 0.5;
  std::unordered_map<std::string, int32_t> index_;
};

}  // namespace tailor
