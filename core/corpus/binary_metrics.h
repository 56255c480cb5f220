// Metrics of a binary classifier's probabilities: accuracy, precision, recall, F1 at a threshold,
// ROC AUC (ties counted half) and log loss; and the threshold that maximises F1 or accuracy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tailor {

struct BinaryMetrics {
  int64_t n = 0, positives = 0;
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  double threshold = 0.5;  ///< predicted positive when probability >= threshold
  double accuracy = 0, precision = 0, recall = 0,
         f1 = 0;  ///< precision 0 when nothing is predicted positive
  double roc_auc = 0.5;
  double log_loss = 0;  ///< mean -log p(true label), probabilities clipped to [1e-15, 1 - 1e-15]
  std::string to_json() const;
};

/// Area under the ROC curve of `score` for labels `y` (Mann-Whitney; tied scores count 1/2).
/// 0.5 when one class is absent.
double roc_auc(const std::vector<double>& score, const std::vector<uint8_t>& y);

BinaryMetrics binary_metrics(const std::vector<double>& prob, const std::vector<uint8_t>& y,
                             double threshold);

/// The threshold maximising `metric` ("f1" or "accuracy") on (prob, y): halfway between the
/// lowest probability predicted positive and the next lower one (ties: the higher threshold).
double best_threshold(const std::vector<double>& prob, const std::vector<uint8_t>& y,
                      const std::string& metric);

}  // namespace tailor
