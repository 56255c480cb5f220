// The model steps of the email job behind small interfaces, so that the driver (email_job.h) does
// not depend on LibTorch: segment assignment, item recommendation, the send policy and the copy
// generator. tailor-infer wires the real models in; tests use deterministic doubles.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/dataset.h"

namespace tailor {

/// A batch of customers flowing through the models. Rows are dataset rows in ascending order,
/// customers that passed the job's eligibility checks.
struct CustomerBatch {
  const Dataset* dataset = nullptr;
  std::vector<int64_t> customers;
  UnixTime now = 0;  ///< run time
  /// Run seed. Implementations derive a customer's randomness from (seed, customer row or
  /// external id), never from its position in the batch, so that results do not depend on the
  /// batch size or the sharding.
  uint64_t seed = 0;
};

/// Which checkpoint produced a step's output (audit records, run fingerprint).
struct ModelProvenance {
  std::string role;        ///< "segment", "recommend", "policy", "copy"
  std::string model_type;  ///< the checkpoint's model type
  std::string checkpoint;  ///< path as given
  std::string sha256;      ///< of the checkpoint file
};

class SegmentAssigner {
 public:
  virtual ~SegmentAssigner() = default;
  /// One segment id per customer of the batch (same order), -1 = none.
  virtual std::vector<int32_t> assign(const CustomerBatch& batch) = 0;
  virtual ModelProvenance provenance() const = 0;
};

struct RecommendedItem {
  int32_t product = -1;  ///< row in Dataset::products
  float score = 0;
};

class ItemRecommender {
 public:
  virtual ~ItemRecommender() = default;
  /// Up to `k` items per customer of the batch (same order), best first.
  virtual std::vector<std::vector<RecommendedItem>> recommend(const CustomerBatch& batch,
                                                              int k) = 0;
  virtual ModelProvenance provenance() const = 0;
};

/// The policy's choice for one customer.
struct CampaignDecision {
  int32_t action = -1;          ///< the policy's action id (audit)
  int16_t campaign = -1;        ///< row in Dataset::campaigns; -1 = send nothing
  int8_t hour = -1;             ///< local send hour 0..23; -1 = the job's default_send_hour
  float propensity = NAN;       ///< probability the policy gave this action
  std::vector<float> q_values;  ///< the policy's action values (audit)
};

class CampaignDecider {
 public:
  virtual ~CampaignDecider() = default;
  /// One decision per customer of the batch (same order).
  virtual std::vector<CampaignDecision> decide(const CustomerBatch& batch) = 0;
  virtual ModelProvenance provenance() const = 0;
};

/// What the copy generator is asked to write for one email.
struct EmailCopyRequest {
  std::string campaign;  ///< campaign name
  int32_t segment = -1;
  std::string category;       ///< category of the top item ("" none)
  std::string product_title;  ///< title of the top item ("" none)
  int64_t customer = -1;      ///< dataset row (for the writer's per-customer seed)
  uint64_t seed = 0;          ///< per-customer seed derived from the run seed and external id
};

/// A generated subject and body; slots ({first_name}, {product}, {category}, {price},
/// {discount}, {shop}) are left in the text for the job to fill.
struct EmailCopyDraft {
  std::string subject, body;
  double logprob = 0;
  float spam_score = 0;  ///< in [0, 1]; drafts above the job's max_spam_score are rejected
};

class CopyWriter {
 public:
  virtual ~CopyWriter() = default;
  /// One draft per request (same order).
  virtual std::vector<EmailCopyDraft> write(const std::vector<EmailCopyRequest>& requests) = 0;
  virtual ModelProvenance provenance() const = 0;
};

/// The job's model steps. `decider` and `copy` are required; without `segments` every segment is
/// -1, without `items` no product is shown (campaigns with requires_products are then skipped).
struct EmailModels {
  SegmentAssigner* segments = nullptr;
  ItemRecommender* items = nullptr;
  CampaignDecider* decider = nullptr;
  CopyWriter* copy = nullptr;
};

}  // namespace tailor
