// EmailJobParams: ParamSet binding (section `email`), checks, run time and per-customer seeds.
#include <algorithm>
#include <cstring>

#include "core/common/error.h"
#include "core/email/email_job.h"
#include "core/email/rfc5322_date.h"
#include "core/email/sha256.h"

namespace tailor {

void bind_email_job_params(ParamSet& ps, EmailJobParams& p) {
  ps.add("templates_dir", &p.templates_dir, "folder of the campaign templates");
  ps.add("output_dir", &p.output_dir, "output folder (shard files and summary.json)");
  ps.add("shards", &p.shards, "number of shards of the run (--shard i/n sets it)");
  ps.add("batch_size", &p.batch_size, "customers per batch through the models");
  ps.add("run_id", &p.run_id, "run id in Message-IDs (empty = tailor-<run time>)");
  ps.add("now", &p.now, "run time: dataset_end or an ISO 8601 time (2024-06-01T06:00:00Z)");
  ps.add("seed", &p.seed, "seed of the models' random choices");
  ps.add("max_spam_score", &p.max_spam_score, "drafts with a higher spam score are rejected");
  ps.add("copy_fallback", &p.copy_fallback,
         "replace a rejected draft by the template's fallback copy (false = skip the customer)");
  ps.add("verify_completed_shards", &p.verify_completed_shards,
         "re-check the SHA-256 of finished shards before skipping them");
  ps.add("threads", &p.threads, "rendering threads (0 = OpenMP default)");
}

void check_email_job_params(const EmailJobParams& p) {
  TAILOR_CHECK(!p.templates_dir.empty(), "email.templates_dir is empty");
  TAILOR_CHECK(!p.output_dir.empty(), "email.output_dir is empty");
  TAILOR_CHECK(p.shards >= 1 && p.shards <= 65536,
               "email.shards must be in [1, 65536], got " << p.shards);
  TAILOR_CHECK(p.batch_size >= 1 && p.batch_size <= (1 << 20),
               "email.batch_size must be in [1, 1048576], got " << p.batch_size);
  TAILOR_CHECK(p.max_spam_score >= 0 && p.max_spam_score <= 1,
               "email.max_spam_score must be in [0, 1], got " << p.max_spam_score);
  TAILOR_CHECK(p.threads >= 0, "email.threads must be >= 0, got " << p.threads);
  for (char c : p.run_id)
    TAILOR_CHECK(c > 0x20 && c < 0x7F, "email.run_id must be printable ASCII without spaces");
}

UnixTime resolve_run_time(const std::string& now, const Dataset& ds) {
  if (now != "dataset_end") return parse_iso8601(now, "email.now");
  UnixTime last = -1;
  for (UnixTime t : ds.transactions.time) last = std::max(last, t);
  for (UnixTime t : ds.email_log.time) last = std::max(last, t);
  TAILOR_CHECK(last >= 0,
               "email.now is dataset_end but the dataset has no dated transactions or "
               "email log; give an ISO 8601 time");
  return (last / 3600 + 1) * 3600;
}

uint64_t customer_seed(uint64_t run_seed, const std::string& external_id) {
  Sha256 h;
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(run_seed >> (8 * i));
  h.update(le, 8);
  h.update(external_id);
  const Sha256Digest d = h.digest();
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d[i];
  return v;
}

}  // namespace tailor
