// The batch email job's driver: for every customer of a shard, eligibility -> segment -> items ->
// policy -> copy -> slot filling -> rendering -> mbox + manifest + audit, in batches, with
// per-reason skip counts; shards are written atomically and a re-run skips finished ones.
// The models come in through email_models.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config/param_set.h"
#include "core/data/dataset.h"
#include "core/email/eligibility.h"
#include "core/email/email_models.h"
#include "core/email/sender_params.h"
#include "core/email/skip_reasons.h"

namespace tailor {

/// Every parameter of the job's driver (configs/email.yaml, section `email`).
struct EmailJobParams {
  /// Folder of the campaign templates (<campaign>.yaml, partials.yaml).
  std::string templates_dir = "configs/templates";
  /// Output folder (created): shard files, summary.json.
  std::string output_dir = "emails";
  /// Number of shards of the run (`--shard i/n` sets it to n).
  int shards = 1;
  /// Customers per batch through the models.
  int batch_size = 4096;
  /// Run id in Message-IDs and the fingerprint; "" = "tailor-" + the run time.
  std::string run_id = "";
  /// Run time: "dataset_end" (the first whole hour after the dataset's last event) or an ISO 8601
  /// time ("2024-06-01T06:00:00Z"). Send times are scheduled from it.
  std::string now = "dataset_end";
  /// Seed handed to the models (per-customer seeds derive from it and the external id).
  uint64_t seed = 42;
  /// Drafts with a spam score above this are rejected (1 = keep all).
  double max_spam_score = 0.9;
  /// A rejected draft is replaced by the template's fallback copy (counted); false = the customer
  /// is skipped with the draft's reason.
  bool copy_fallback = true;
  /// On a re-run, check the SHA-256 of finished shards' files (not only their sizes).
  bool verify_completed_shards = true;
  /// Threads of the rendering step (0 = OpenMP default). Output does not depend on it.
  int threads = 0;
};

void bind_email_job_params(ParamSet& ps, EmailJobParams& p);
void check_email_job_params(const EmailJobParams& p);

/// The run time `now` of the params resolved against a dataset.
UnixTime resolve_run_time(const std::string& now, const Dataset& ds);

/// A customer's seed for the models: the first 8 bytes of SHA-256(seed as 8 little-endian bytes,
/// external id), independent of batching and sharding.
uint64_t customer_seed(uint64_t run_seed, const std::string& external_id);

/// Everything the job needs besides the dataset and the models.
struct EmailJobConfig {
  EmailJobParams job;
  SenderParams sender;
  EligibilityParams eligibility;
  /// The unsubscribe-token secret (resolve_sender_secret); enters the fingerprint only as an HMAC.
  std::string secret;
  /// Identifies the input dataset in the run fingerprint (e.g. its path and checksum).
  std::string dataset_id;
};

/// Outcome of one shard.
struct ShardSummary {
  int index = 0;
  bool reused = false;  ///< finished by an earlier run and verified
  int64_t customers = 0, emails = 0;
  std::map<std::string, int64_t> skipped, events;
};

struct EmailJobSummary {
  int shard_count = 1;
  std::vector<ShardSummary> shards;  ///< the shards this call ran or reused
  /// True when every shard of the run is complete; summary.json was then (re)written.
  bool complete = false;
  std::string summary_path;
};

class EmailJob {
 public:
  /// Loads templates (one per dataset campaign), the suppression list, and the eligibility state;
  /// checks every parameter. Throws tailor::Error on bad config. `models.decider` and
  /// `models.copy` are required.
  EmailJob(const Dataset& ds, EmailJobConfig config, EmailModels models);
  ~EmailJob();

  /// Runs shard `index` of config.job.shards, or reuses it when its completion marker matches
  /// this run and its files verify. A marker of a different run is an error.
  ShardSummary run_shard(int index);
  /// Runs `indices` (empty = every shard) in order, then writes summary.json if all shards of the
  /// run are complete.
  EmailJobSummary run(const std::vector<int>& indices = {});

  /// Called after each shard is complete (progress; tests use it to simulate a kill).
  std::function<void(const ShardSummary&)> on_shard_done;

  /// SHA-256 over everything that determines the output (config without paths, templates,
  /// suppression list, models' provenance, dataset id, run time and id, shard count).
  const std::string& fingerprint() const;
  UnixTime run_time() const;
  const std::string& run_id() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace tailor
