// SpamScorer: TF-IDF featurisation with a term index built once, L-BFGS logistic regression,
// dev-split threshold, checkpoint round trip.
#include "core/corpus/spam_scorer.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/common/error.h"
#include "core/corpus/copy_slots.h"

namespace tailor {

void add_spam_scorer_params(ParamSet& ps, SpamScorerParams& p) {
  ps.add("ngram_max", &p.ngram_max, "TF-IDF: word n-grams from 1 to this");
  ps.add("min_df", &p.min_df, "TF-IDF: ignore terms in fewer training documents than this");
  ps.add("max_df", &p.max_df,
         "TF-IDF: ignore terms in more than this fraction of training documents");
  ps.add("max_features", &p.max_features,
         "TF-IDF: keep at most this many terms by frequency (0 = all)");
  ps.add("sublinear_tf", &p.sublinear_tf, "TF-IDF: tf = 1 + ln(count)");
  ps.add("l2", &p.l2,
         "L2 penalty lambda on the mean log loss (scikit-learn C = 1 / (lambda * n_train))");
  ps.add("max_iterations", &p.max_iterations, "L-BFGS iterations at most");
  ps.add(
      "tolerance", &p.tolerance,
      "L-BFGS stops when the largest gradient component falls below tolerance x its start value");
  ps.add("threshold_metric", &p.threshold_metric,
         "the decision threshold maximises this on the dev split: f1 or accuracy");
}

void validate_spam_scorer_params(const SpamScorerParams& p) {
  TAILOR_CHECK(p.ngram_max >= 1 && p.ngram_max <= 5,
               "spam_scorer: ngram_max must be in 1..5, got " << p.ngram_max);
  TAILOR_CHECK(p.l2 > 0, "spam_scorer: l2 must be > 0, got " << p.l2);
  TAILOR_CHECK(p.max_iterations >= 1, "spam_scorer: max_iterations must be >= 1");
  TAILOR_CHECK(p.tolerance > 0, "spam_scorer: tolerance must be > 0");
  TAILOR_CHECK(
      p.threshold_metric == "f1" || p.threshold_metric == "accuracy",
      "spam_scorer: threshold_metric must be f1 or accuracy, got '" << p.threshold_metric << "'");
}

namespace {

TfidfParams tfidf_params(const SpamScorerParams& p) {
  TfidfParams t;
  t.ngram_min = 1;
  t.ngram_max = p.ngram_max;
  t.min_df = p.min_df;
  t.max_df = p.max_df;
  t.max_features = p.max_features;
  t.sublinear_tf = p.sublinear_tf;
  t.lowercase = true;
  t.smooth_idf = true;
  t.l2_normalize = true;
  return t;
}

std::string params_yaml(const SpamScorerParams& p) {
  SpamScorerParams copy = p;
  CLI::App app;
  ParamSet ps(&app, "spam_scorer");
  add_spam_scorer_params(ps, copy);
  YAML::Node root;
  root["spam_scorer"] = ps.to_yaml();
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

}  // namespace

std::vector<SpamExample> spam_examples(const TextCorpusTable& k, CorpusSplit split) {
  std::map<int64_t, SpamExample> docs;
  for (size_t i = 0; i < k.size(); ++i) {
    if (k.spam[i] < 0 || k.split[i] != static_cast<uint8_t>(split)) continue;
    SpamExample& e = docs[k.document[i]];
    e.spam = static_cast<uint8_t>(k.spam[i]);
    e.source = k.source[i];
    if (k.field[i] == static_cast<uint8_t>(TextField::kSubject)) e.subject = k.text[i];
    if (k.field[i] == static_cast<uint8_t>(TextField::kBody)) e.body = k.text[i];
  }
  std::vector<SpamExample> out;
  out.reserve(docs.size());
  for (auto& [id, e] : docs) out.push_back(std::move(e));
  return out;
}

std::string spam_scorer_text(const std::string& subject, const std::string& body) {
  std::string text = subject + "\n" + body;
  std::string out;
  out.reserve(text.size() + 16);
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      const size_t close = text.find('}', i + 1);
      if (close != std::string::npos) {
        const std::string name = text.substr(i + 1, close - i - 1);
        const auto& slots = copy_slot_names();
        if (std::find(slots.begin(), slots.end(), name) != slots.end()) {
          out += " slot_" + name + " ";
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

void SpamScorer::build_index() {
  index_.clear();
  index_.reserve(vocabulary_.size());
  for (size_t j = 0; j < vocabulary_.size(); ++j)
    index_.emplace(vocabulary_[j], static_cast<int32_t>(j));
}

double SpamScorer::logit(const std::string& text) const {
  // sklearn TfidfVectorizer.transform: counts of known terms, tf (optionally 1 + ln), times idf,
  // l2-normalised; then w . x + b.
  std::unordered_map<int32_t, int64_t> counts;
  for (const std::string& t : tfidf_terms(text, tfidf_params(params_))) {
    auto it = index_.find(t);
    if (it != index_.end()) ++counts[it->second];
  }
  std::vector<std::pair<int32_t, double>> entries(counts.begin(), counts.end());
  std::sort(entries.begin(), entries.end());
  double ss = 0;
  for (auto& [j, c] : entries) {
    const double tf = params_.sublinear_tf ? 1.0 + std::log(c) : c;
    c = tf * double(idf_[static_cast<size_t>(j)]);
    ss += c * c;
  }
  const double scale = ss > 0 ? 1.0 / std::sqrt(ss) : 1.0;
  double z = bias_;
  for (const auto& [j, v] : entries)
    z += double(float(v * scale)) * double(weight_[static_cast<size_t>(j)]);
  return z;
}

SpamScorer SpamScorer::train(const std::vector<SpamExample>& train,
                             const std::vector<SpamExample>& dev, const SpamScorerParams& p,
                             LogisticRegressionFit* fit_info) {
  validate_spam_scorer_params(p);
  TAILOR_CHECK(!train.empty(),
               "spam_scorer: no labelled training documents (import SpamAssassin first)");
  int64_t pos = 0;
  for (const auto& e : train) pos += e.spam;
  TAILOR_CHECK(pos > 0 && pos < static_cast<int64_t>(train.size()),
               "spam_scorer: the training split needs both spam and ham, got " << pos << " spam of "
                                                                               << train.size());
  std::vector<std::string> texts;
  texts.reserve(train.size());
  for (const auto& e : train) texts.push_back(spam_scorer_text(e.subject, e.body));
  const TfidfModel tfidf = fit_tfidf(texts, tfidf_params(p));
  const CsrMatrix x = tfidf.transform(texts);
  std::vector<uint8_t> y;
  for (const auto& e : train) y.push_back(e.spam);
  LogisticRegressionParams lr;
  lr.l2 = p.l2;
  lr.max_iterations = p.max_iterations;
  lr.tolerance = p.tolerance;
  const LogisticRegressionFit fit = fit_logistic_regression(x, y, lr);
  if (fit_info) *fit_info = fit;

  SpamScorer s;
  s.params_ = p;
  s.vocabulary_ = tfidf.vocabulary;
  s.idf_ = tfidf.idf;
  s.weight_.assign(fit.weight.begin(), fit.weight.end());
  s.bias_ = static_cast<float>(fit.bias);
  s.build_index();
  if (!dev.empty()) {
    std::vector<uint8_t> dy;
    for (const auto& e : dev) dy.push_back(e.spam);
    s.threshold_ = best_threshold(s.score_examples(dev), dy, p.threshold_metric);
  }
  return s;
}

double SpamScorer::score(const std::string& subject, const std::string& body) const {
  TAILOR_CHECK(!weight_.empty(), "spam scorer is not trained or loaded");
  return sigmoid(logit(spam_scorer_text(subject, body)));
}

std::vector<double> SpamScorer::score_batch(const std::vector<std::string>& subjects,
                                            const std::vector<std::string>& bodies) const {
  TAILOR_CHECK(subjects.size() == bodies.size(), "spam scorer: " << subjects.size()
                                                                 << " subjects but "
                                                                 << bodies.size() << " bodies");
  TAILOR_CHECK(!weight_.empty(), "spam scorer is not trained or loaded");
  std::vector<double> out(subjects.size());
  const int64_t n = static_cast<int64_t>(subjects.size());
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < n; ++i) out[i] = sigmoid(logit(spam_scorer_text(subjects[i], bodies[i])));
  return out;
}

std::vector<double> SpamScorer::score_examples(const std::vector<SpamExample>& examples) const {
  std::vector<std::string> s, b;
  for (const auto& e : examples) {
    s.push_back(e.subject);
    b.push_back(e.body);
  }
  return score_batch(s, b);
}

bool SpamScorer::is_spammy(const std::string& subject, const std::string& body) const {
  return score(subject, body) >= threshold_;
}

std::vector<std::pair<std::string, float>> SpamScorer::top_terms(size_t k, bool spam) const {
  std::vector<size_t> order(weight_.size());
  for (size_t j = 0; j < order.size(); ++j) order[j] = j;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return spam ? weight_[a] > weight_[b] : weight_[a] < weight_[b];
  });
  std::vector<std::pair<std::string, float>> out;
  for (size_t i = 0; i < std::min(k, order.size()); ++i)
    out.emplace_back(vocabulary_[order[i]], weight_[order[i]]);
  return out;
}

Checkpoint SpamScorer::to_checkpoint(const std::string& metrics_json) const {
  Checkpoint c;
  c.model_type = "spam_scorer";
  c.config = params_yaml(params_);
  c.string_lists["meta/vocabulary"] = vocabulary_;
  c.tensors["meta/idf"] = TensorBlob::from(idf_);
  c.tensors["params/weight"] = TensorBlob::from(weight_);
  c.tensors["params/bias"] = TensorBlob::scalar(bias_);
  c.tensors["meta/threshold"] = TensorBlob::scalar(threshold_);
  c.strings["meta/metrics"] = metrics_json;
  return c;
}

SpamScorer SpamScorer::from_checkpoint(const Checkpoint& ckpt) {
  TAILOR_CHECK(ckpt.model_type == "spam_scorer", "checkpoint " << ckpt.path << " holds a '"
                                                               << ckpt.model_type
                                                               << "' model, not a spam_scorer");
  SpamScorer s;
  YAML::Node root;
  try {
    root = YAML::Load(ckpt.config);
  } catch (const YAML::Exception& e) {
    TAILOR_FAIL("checkpoint " << ckpt.path << ": config is not valid YAML: " << e.what());
  }
  CLI::App app;
  ParamSet ps(&app, "spam_scorer");
  add_spam_scorer_params(ps, s.params_);
  app.parse(std::vector<std::string>{});
  ps.apply_yaml(root, "checkpoint " + ckpt.path);
  validate_spam_scorer_params(s.params_);
  s.vocabulary_ = ckpt.string_list("meta/vocabulary");
  const int64_t v = static_cast<int64_t>(s.vocabulary_.size());
  TAILOR_CHECK(v > 0, "checkpoint " << ckpt.path << ": empty vocabulary");
  check_tensor(ckpt, "meta/idf", TensorDType::kFloat32, {v});
  check_tensor(ckpt, "params/weight", TensorDType::kFloat32, {v});
  check_tensor(ckpt, "params/bias", TensorDType::kFloat32, {});
  check_tensor(ckpt, "meta/threshold", TensorDType::kFloat64, {});
  s.idf_ = ckpt.tensor("meta/idf").values<float>();
  s.weight_ = ckpt.tensor("params/weight").values<float>();
  s.bias_ = ckpt.tensor("params/bias").values<float>()[0];
  s.threshold_ = ckpt.tensor("meta/threshold").values<double>()[0];
  s.build_index();
  TAILOR_CHECK(s.index_.size() == s.vocabulary_.size(),
               "checkpoint " << ckpt.path << ": vocabulary has duplicate terms");
  return s;
}

SpamScorer SpamScorer::load(const std::string& path) {
  return from_checkpoint(read_checkpoint(path, "spam_scorer"));
}

}  // namespace tailor
