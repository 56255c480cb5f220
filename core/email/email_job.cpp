// The email job's driver: batches of a shard through eligibility, the models, slot filling and
// rendering (parallel), then written in order to the shard's files; completion markers, resume,
// and the run summary.
#include "core/email/email_job.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/common/error.h"
#include "core/common/log.h"
#include "core/common/progress.h"
#include "core/email/campaign_templates.h"
#include "core/email/email_address.h"
#include "core/email/email_render.h"
#include "core/email/rfc5322_date.h"
#include "core/email/sha256.h"
#include "core/email/shard_output.h"
#include "core/email/shard_partition.h"
#include "core/email/slot_filling.h"
#include "core/io/atomic_file.h"

namespace tailor {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

/// One eligible customer with a send decision, from the model steps to its message bytes.
struct Candidate {
  int64_t row = -1;
  size_t batch_pos = 0;  ///< position in the model batch
  const CampaignTemplate* tmpl = nullptr;
  std::vector<ShownProduct> products;
  SendSchedule schedule;
  // Filled by the rendering step:
  SkipReason skip = SkipReason::kNone;
  std::string message, message_id, audit_line;
  bool fallback = false;
  SkipReason draft_rejected = SkipReason::kNone;  ///< why the model's draft was not used
  bool preheader_dropped = false;
  SanitizeStats stats;
};

SkipReason slot_reason(SlotFillStatus s) {
  return s == SlotFillStatus::kUnknownSlot ? SkipReason::kCopyUnknownSlot
                                           : SkipReason::kCopyUnfillableSlot;
}

std::string base_name(const std::string& path) { return fs::path(path).filename().string(); }

}  // namespace

struct EmailJob::State {
  const Dataset& ds;
  EmailJobConfig cfg;
  EmailModels models;
  UnixTime now = 0;
  std::string run_id;
  CampaignTemplates templates;
  SuppressionList suppression;
  bool has_suppression = false;
  std::unique_ptr<EligibilityChecker> eligibility;
  EmailRenderContext ctx;
  std::vector<const CampaignTemplate*> by_campaign;  ///< template per dataset campaign row
  Json provenance = Json::array();
  std::string provenance_dump;  ///< provenance as JSON text (the same in every audit record)
  std::string fingerprint;
  int max_items = 0;
  /// Customers of every shard (computed once per job: rows grouped by shard, CSR layout).
  std::vector<int64_t> shard_rows, shard_offsets;

  State(const Dataset& d, EmailJobConfig c, EmailModels m) : ds(d), cfg(std::move(c)), models(m) {}

  void process_batch(const std::vector<int64_t>& rows, ShardSummary& sum, HashedOutputFile& mbox,
                     HashedOutputFile& manifest, HashedOutputFile& audit, HashedOutputFile& rejects,
                     const std::string& mbox_name);
  void render_candidate(Candidate& c, const EmailCopyDraft& draft) const;
  std::string audit_record(const Candidate& c, const CampaignDecision& d, int32_t segment,
                           const std::vector<RecommendedItem>& items,
                           const EmailCopyDraft& draft) const;
  ShardSummary run_shard(int index);
};

EmailJob::EmailJob(const Dataset& ds, EmailJobConfig config, EmailModels models)
    : s_(std::make_unique<State>(ds, std::move(config), models)) {
  State& s = *s_;
  check_email_job_params(s.cfg.job);
  check_sender_params(s.cfg.sender);
  check_eligibility_params(s.cfg.eligibility);
  TAILOR_CHECK(models.decider != nullptr, "email job: no campaign decider (policy) given");
  TAILOR_CHECK(models.copy != nullptr, "email job: no copy writer given");
  TAILOR_CHECK(!ds.campaigns.empty(), "email job: the dataset names no campaigns");
  s.now = resolve_run_time(s.cfg.job.now, ds);
  s.run_id = s.cfg.job.run_id.empty() ? "tailor-" + format_iso8601(s.now, 0) : s.cfg.job.run_id;
  s.ctx = make_render_context(s.cfg.sender, s.cfg.secret, s.run_id);
  s.templates =
      CampaignTemplates::load(s.cfg.job.templates_dir, ds.campaigns, s.cfg.sender.link_base_url);
  for (const std::string& c : ds.campaigns) s.by_campaign.push_back(&s.templates.get(c));
  s.max_items = s.templates.max_products();
  if (!s.cfg.eligibility.suppression_list.empty()) {
    s.suppression = SuppressionList::load(s.cfg.eligibility.suppression_list);
    s.has_suppression = true;
  }
  s.eligibility = std::make_unique<EligibilityChecker>(
      ds, s.cfg.eligibility, s.now, s.has_suppression ? &s.suppression : nullptr);

  std::vector<ModelProvenance> prov;
  if (models.segments) prov.push_back(models.segments->provenance());
  if (models.items) prov.push_back(models.items->provenance());
  prov.push_back(models.decider->provenance());
  prov.push_back(models.copy->provenance());
  for (const auto& p : prov)
    s.provenance.push_back({{"role", p.role},
                            {"model_type", p.model_type},
                            {"checkpoint", p.checkpoint},
                            {"sha256", p.sha256}});

  s.provenance_dump = s.provenance.dump();

  // The fingerprint: everything that shapes the output, never the secret itself or output paths.
  const EmailJobParams& j = s.cfg.job;
  const SenderParams& sp = s.cfg.sender;
  const EligibilityParams& e = s.cfg.eligibility;
  std::ostringstream fp;
  fp << "tailor-email-fingerprint/1\n"
     << "run_id=" << s.run_id << "\nnow=" << s.now << "\nshards=" << j.shards
     << "\nbatch_size=" << j.batch_size << "\nseed=" << j.seed
     << "\nmax_spam_score=" << j.max_spam_score << "\ncopy_fallback=" << j.copy_fallback
     << "\ntemplates=" << s.templates.fingerprint() << "\nsender=" << sp.shop_name << '\x1f'
     << sp.from_address << '\x1f' << sp.from_name << '\x1f' << sp.reply_to << '\x1f'
     << sp.postal_address << '\x1f' << sp.link_base_url << '\x1f' << sp.product_path << '\x1f'
     << sp.unsubscribe_base_url << '\x1f' << sp.unsubscribe_mailto << '\x1f' << sp.message_id_domain
     << '\x1f' << sp.currency_symbol << '\x1f' << sp.currency_symbol_after << '\x1f'
     << sp.decimal_separator << '\x1f' << sp.thousands_separator << '\x1f' << sp.first_name_fallback
     << '\x1f' << sp.to_display_name << '\x1f' << sp.utm_source
     << "\nsecret_hmac=" << hex_lower(hmac_sha256(s.cfg.secret, "tailor-email-fingerprint"))
     << "\neligibility=" << e.frequency_cap_emails << ',' << e.frequency_cap_days << ','
     << e.quiet_hours_start << ',' << e.quiet_hours_end << ',' << e.quiet_hours_action << ','
     << e.default_send_hour
     << "\nsuppression_list=" << (s.has_suppression ? s.suppression.file_sha256() : "none")
     << "\nmodels=" << s.provenance.dump() << "\ndataset=" << s.cfg.dataset_id << '\x1f'
     << ds.customers.size() << '\x1f' << ds.products.size() << '\x1f' << ds.email_log.size()
     << "\n";
  s.fingerprint = sha256_hex(fp.str());
  spdlog::info("email job: run {} at {}, {} shard(s), {} campaign template(s), fingerprint {}",
               s.run_id, format_iso8601(s.now, 0), j.shards, ds.campaigns.size(),
               s.fingerprint.substr(0, 16));
}

EmailJob::~EmailJob() = default;

const std::string& EmailJob::fingerprint() const { return s_->fingerprint; }
UnixTime EmailJob::run_time() const { return s_->now; }
const std::string& EmailJob::run_id() const { return s_->run_id; }

void EmailJob::State::render_candidate(Candidate& c, const EmailCopyDraft& draft) const {
  const CustomerTable& ct = ds.customers;
  const CampaignTemplate& t = *c.tmpl;
  SlotValues sv;
  sv.first_name = sanitize_single_line(ct.first_name[c.row], &c.stats);
  const std::string to_name = sv.first_name;
  if (sv.first_name.empty()) sv.first_name = cfg.sender.first_name_fallback;
  if (!c.products.empty()) {
    sv.product = c.products[0].title;
    sv.category = c.products[0].category;
    sv.price = c.products[0].price;
  }
  sv.discount = sanitize_single_line(t.discount);
  sv.shop = cfg.sender.shop_name;

  std::string subject, body;
  const auto try_copy = [&](const std::string& subj, const std::string& text) {
    SlotFillResult s1 = fill_slots(subj, sv);
    if (s1.status != SlotFillStatus::kOk) return slot_reason(s1.status);
    SlotFillResult b1 = fill_slots(text, sv);
    if (b1.status != SlotFillStatus::kOk) return slot_reason(b1.status);
    subject = sanitize_single_line(s1.text, &c.stats);
    body = sanitize_multi_line(b1.text, &c.stats);
    if (subject.empty() || body.empty()) return SkipReason::kCopyEmpty;
    return SkipReason::kNone;
  };
  SkipReason r = SkipReason::kNone;
  if (!(std::isfinite(draft.spam_score) && draft.spam_score <= cfg.job.max_spam_score))
    r = SkipReason::kCopySpamScore;
  else
    r = try_copy(draft.subject, draft.body);
  if (r != SkipReason::kNone) {
    c.draft_rejected = r;
    if (cfg.job.copy_fallback) {
      r = try_copy(t.subject_fallback, t.body_fallback);
      c.fallback = r == SkipReason::kNone;
    }
  }
  if (r != SkipReason::kNone) {
    c.skip = r;
    return;
  }
  std::string preheader;
  if (!t.preheader.empty()) {
    SlotFillResult p = fill_slots(t.preheader, sv);
    if (p.status == SlotFillStatus::kOk)
      preheader = p.text;
    else
      c.preheader_dropped = true;
  }

  EmailContent content;
  content.tmpl = &t;
  content.customer_id = ct.external_id[c.row];
  content.to_address = std::string(eligibility->address(c.row));
  content.to_name = to_name;
  content.first_name = sv.first_name;
  content.subject = std::move(subject);
  content.body = std::move(body);
  content.preheader = std::move(preheader);
  content.products = c.products;
  content.send_at = c.schedule.send_at;
  content.tz_offset_min = c.schedule.tz_offset_min;
  c.message.reserve(8192);
  c.message_id = render_email(ctx, content, c.message, &c.stats);
}

std::string EmailJob::State::audit_record(const Candidate& c, const CampaignDecision& d,
                                          int32_t segment,
                                          const std::vector<RecommendedItem>& items,
                                          const EmailCopyDraft& dr) const {
  const CustomerTable& ct = ds.customers;
  const ProductTable& pt = ds.products;
  const int64_t row = c.row;
  const std::string& campaign = c.tmpl->campaign;
  Json a;
  a["message_id"] = c.message_id;
  a["customer_id"] = ct.external_id[row];
  a["campaign"] = campaign;
  a["template"] = {{"file", c.tmpl->file}, {"sha256", c.tmpl->sha256}};
  a["segment"] = segment;
  Json its = Json::array();
  for (const RecommendedItem& it : items) {
    const bool valid = it.product >= 0 && static_cast<size_t>(it.product) < pt.size();
    bool shown = false;
    for (const ShownProduct& sp : c.products)
      shown = shown || (valid && sp.product_id == pt.external_id[it.product]);
    its.push_back({{"product_id", valid ? Json(pt.external_id[it.product]) : Json(nullptr)},
                   {"score", it.score},
                   {"shown", shown}});
  }
  a["items"] = its;
  a["action"] = d.action;
  a["propensity"] = std::isfinite(d.propensity) ? Json(d.propensity) : Json(nullptr);
  a["q_values"] = d.q_values;
  a["consent_basis"] = {
      {"consent", "customers.consent=1"},
      {"unsubscribed", false},
      {"suppressed", false},
      {"suppression_list", has_suppression ? Json(suppression.file_sha256()) : Json(nullptr)},
      {"emails_in_cap_window", eligibility->emails_in_window(row)}};
  a["copy"] = {{"source", c.fallback ? "template_fallback" : "model"},
               {"draft_rejected", c.draft_rejected == SkipReason::kNone
                                      ? Json(nullptr)
                                      : Json(skip_reason_name(c.draft_rejected))},
               {"logprob", std::isfinite(dr.logprob) ? Json(dr.logprob) : Json(nullptr)},
               {"spam_score", std::isfinite(dr.spam_score) ? Json(dr.spam_score) : Json(nullptr)}};
  a["send_at_utc"] = format_iso8601(c.schedule.send_at, 0);
  a["deferred_quiet_hours"] = c.schedule.deferred;
  std::string line = a.dump();
  line.pop_back();  // the closing brace: the models' provenance (dumped once per run) goes last
  line += ",\"models\":";
  line += provenance_dump;
  line += "}\n";
  return line;
}

void EmailJob::State::process_batch(const std::vector<int64_t>& rows, ShardSummary& sum,
                                    HashedOutputFile& mbox, HashedOutputFile& manifest,
                                    HashedOutputFile& audit, HashedOutputFile& rejects,
                                    const std::string& mbox_name) {
  const CustomerTable& ct = ds.customers;
  const ProductTable& pt = ds.products;
  const auto skip = [&](int64_t row, SkipReason r) {
    ++sum.skipped[skip_reason_name(r)];
    Json j;
    if (r == SkipReason::kCustomerIdNotOpaque) {  // the id looks like an address: not written
      j["customer_row"] = row;
      j["customer_id_sha256"] = sha256_hex(ct.external_id[row]);
    } else {
      j["customer_id"] = ct.external_id[row];
    }
    j["reason"] = skip_reason_name(r);
    rejects.write(j.dump() + "\n");
  };

  // 1. Eligibility (the job's own checks, whatever the policy masks).
  CustomerBatch batch;
  batch.dataset = &ds;
  batch.now = now;
  batch.seed = cfg.job.seed;
  for (int64_t row : rows) {
    const SkipReason r = eligibility->check(row);
    if (r == SkipReason::kNone)
      batch.customers.push_back(row);
    else
      skip(row, r);
  }
  if (batch.customers.empty()) return;
  const size_t n = batch.customers.size();

  // 2. Models: segments, items, decisions.
  std::vector<int32_t> segments(n, -1);
  if (models.segments) {
    segments = models.segments->assign(batch);
    TAILOR_CHECK(segments.size() == n, "segment model returned " << segments.size()
                                                                 << " segments for " << n
                                                                 << " customers");
  }
  std::vector<std::vector<RecommendedItem>> items(n);
  if (models.items && max_items > 0) {
    items = models.items->recommend(batch, max_items);
    TAILOR_CHECK(items.size() == n,
                 "recommender returned " << items.size() << " lists for " << n << " customers");
  }
  const std::vector<CampaignDecision> decisions = models.decider->decide(batch);
  TAILOR_CHECK(decisions.size() == n,
               "policy returned " << decisions.size() << " decisions for " << n << " customers");

  // 3. Campaign, products and send time per customer; copy requests for the ones that go ahead.
  std::vector<Candidate> cands;
  std::vector<EmailCopyRequest> requests;
  std::vector<SkipReason> early(n, SkipReason::kNone);
  for (size_t i = 0; i < n; ++i) {
    const int64_t row = batch.customers[i];
    const CampaignDecision& d = decisions[i];
    TAILOR_CHECK(d.campaign >= -1 && d.campaign < static_cast<int>(ds.campaigns.size()),
                 "policy returned campaign " << d.campaign << " for customer "
                                             << ct.external_id[row] << "; the dataset has "
                                             << ds.campaigns.size() << " campaigns");
    TAILOR_CHECK(d.hour >= -1 && d.hour <= 23, "policy returned send hour " << int(d.hour)
                                                                            << " for customer "
                                                                            << ct.external_id[row]);
    if (d.campaign < 0) {
      early[i] = SkipReason::kPolicyNoEmail;
      continue;
    }
    Candidate c;
    c.row = row;
    c.batch_pos = i;
    c.tmpl = by_campaign[d.campaign];
    for (const RecommendedItem& it : items[i]) {
      if (static_cast<int>(c.products.size()) >= c.tmpl->max_products) break;
      const int32_t p = it.product;
      bool ok =
          p >= 0 && static_cast<size_t>(p) < pt.size() && (pt.available.empty() || pt.available[p]);
      ShownProduct sp;
      if (ok) {
        sp.product_id = pt.external_id[p];
        sp.title = sanitize_single_line(pt.title[p], &c.stats);
        sp.category = p < static_cast<int32_t>(pt.category.size())
                          ? sanitize_single_line(pt.category[p], &c.stats)
                          : std::string();
        sp.price = p < static_cast<int32_t>(pt.price.size()) ? format_price(pt.price[p], cfg.sender)
                                                             : std::string();
        sp.url = product_link(ctx, sp.product_id, c.tmpl->campaign);
        sp.score = it.score;
        ok = !sp.title.empty() && !sp.url.empty();
      }
      if (ok)
        c.products.push_back(std::move(sp));
      else
        ++sum.events["items_dropped"];
    }
    if (c.tmpl->requires_products && c.products.empty()) {
      early[i] = SkipReason::kNoProducts;
      continue;
    }
    c.schedule = eligibility->schedule(row, d.hour);
    if (!c.schedule.ok) {
      early[i] = SkipReason::kQuietHours;
      continue;
    }
    EmailCopyRequest q;
    q.campaign = c.tmpl->campaign;
    q.segment = segments[i];
    if (!c.products.empty()) {
      q.category = c.products[0].category;
      q.product_title = c.products[0].title;
    }
    q.customer = row;
    q.seed = customer_seed(cfg.job.seed, ct.external_id[row]);
    requests.push_back(std::move(q));
    cands.push_back(std::move(c));
  }

  // 4. Copy, then slot filling and rendering in parallel (output order stays the batch order).
  std::vector<EmailCopyDraft> drafts;
  if (!requests.empty()) {
    drafts = models.copy->write(requests);
    TAILOR_CHECK(drafts.size() == requests.size(), "copy model returned "
                                                       << drafts.size() << " drafts for "
                                                       << requests.size() << " requests");
  }
  const int threads = cfg.job.threads > 0 ? cfg.job.threads : omp_get_max_threads();
  std::vector<std::string> errors(cands.size());
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
  for (int64_t k = 0; k < static_cast<int64_t>(cands.size()); ++k) {
    try {
      Candidate& c = cands[k];
      render_candidate(c, drafts[k]);
      if (c.skip == SkipReason::kNone)
        c.audit_line = audit_record(c, decisions[c.batch_pos], segments[c.batch_pos],
                                    items[c.batch_pos], drafts[k]);
    } catch (const std::exception& e) {
      errors[k] = e.what();
    }
  }
  for (size_t k = 0; k < errors.size(); ++k)
    TAILOR_CHECK(errors[k].empty(), "rendering the email of customer "
                                        << ct.external_id[cands[k].row] << ": " << errors[k]);

  // 5. Write in batch order: skips and emails interleaved as the customers come.
  size_t next = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t row = batch.customers[i];
    if (early[i] != SkipReason::kNone) {
      skip(row, early[i]);
      continue;
    }
    Candidate& c = cands[next];
    TAILOR_CHECK(c.row == row, "internal: candidate order");
    ++next;
    SanitizeStats& st = c.stats;
    sum.events["sanitized_invalid_utf8"] += st.invalid_utf8;
    sum.events["sanitized_control_chars"] += st.control_chars;
    sum.events["sanitized_line_breaks"] += st.line_breaks;
    sum.events["sanitized_bidi_controls"] += st.bidi_controls;
    if (c.draft_rejected != SkipReason::kNone)
      ++sum.events[std::string("draft_rejected_") + skip_reason_name(c.draft_rejected)];
    if (c.skip != SkipReason::kNone) {
      skip(row, c.skip);
      continue;
    }
    if (c.fallback) ++sum.events["copy_fallback_used"];
    if (c.preheader_dropped) ++sum.events["preheader_dropped"];
    if (c.schedule.deferred) ++sum.events["deferred_quiet_hours"];
    // Defence in depth: nothing reaches the file for a customer who is not eligible.
    TAILOR_CHECK(eligibility->check(row) == SkipReason::kNone &&
                     is_valid_email_address(eligibility->address(row)),
                 "internal: an email for an ineligible customer " << ct.external_id[row]);

    const std::string from_line =
        "From " + cfg.sender.from_address + " " + format_mbox_date(c.schedule.send_at) + "\r\n";
    mbox.write(from_line);
    const uint64_t offset = mbox.bytes();
    mbox.write(c.message);
    mbox.write("\r\n");
    const std::string& campaign = c.tmpl->campaign;
    Json m;
    m["customer_id"] = ct.external_id[row];
    m["message_id"] = c.message_id;
    m["campaign"] = campaign;
    m["send_at_utc"] = format_iso8601(c.schedule.send_at, 0);
    m["send_at_local"] = format_iso8601(c.schedule.send_at, c.schedule.tz_offset_min, false);
    m["file"] = mbox_name;
    m["offset"] = offset;
    m["length"] = c.message.size();
    manifest.write(m.dump() + "\n");

    audit.write(c.audit_line);
    ++sum.emails;
    std::string().swap(c.message);
    std::string().swap(c.audit_line);
  }
}

ShardSummary EmailJob::State::run_shard(int index) {
  const int count = cfg.job.shards;
  TAILOR_CHECK(index >= 0 && index < count, "shard " << index << " is not in [0, " << count << ")");
  const std::string& dir = cfg.job.output_dir;
  fs::create_directories(dir);
  const ShardPaths paths = shard_paths(dir, index, count);
  ShardSummary sum;
  sum.index = index;

  ShardMarker old;
  if (read_shard_marker(paths.done, &old)) {
    TAILOR_CHECK(old.fingerprint == fingerprint && old.index == index && old.count == count,
                 paths.done << " belongs to a different run (fingerprint "
                            << old.fingerprint.substr(0, 16) << ", this run "
                            << fingerprint.substr(0, 16)
                            << "): use a new output_dir or remove the old one");
    std::string why;
    if (verify_shard_files(dir, old, cfg.job.verify_completed_shards, &why)) {
      spdlog::info("email job: {} already complete ({} emails), skipped", paths.stem, old.emails);
      sum.reused = true;
      sum.customers = old.customers;
      sum.emails = old.emails;
      sum.skipped = old.skipped;
      sum.events = old.events;
      return sum;
    }
    spdlog::warn("email job: {} has a completion marker but {}: writing the shard again",
                 paths.stem, why);
    fs::remove(paths.done);
  }
  remove_shard_temporaries(dir, paths.stem);

  if (shard_offsets.empty()) {
    // One pass over all customers (one hash each) serves every shard this job runs.
    const size_t n = ds.customers.size();
    std::vector<int32_t> shard(n, 0);
    shard_offsets.assign(count + 1, 0);
    for (size_t c = 0; c < n; ++c) {
      shard[c] = count == 1 ? 0 : shard_of_customer(ds.customers.external_id[c], count);
      ++shard_offsets[shard[c] + 1];
    }
    for (int i = 0; i < count; ++i) shard_offsets[i + 1] += shard_offsets[i];
    shard_rows.resize(n);
    std::vector<int64_t> fill(shard_offsets.begin(), shard_offsets.end() - 1);
    for (size_t c = 0; c < n; ++c) shard_rows[fill[shard[c]]++] = static_cast<int64_t>(c);
  }
  const std::vector<int64_t> rows(shard_rows.begin() + shard_offsets[index],
                                  shard_rows.begin() + shard_offsets[index + 1]);
  sum.customers = static_cast<int64_t>(rows.size());
  // Every reason appears in the summary, zero or not.
  for (int r = 1; r < static_cast<int>(SkipReason::kCount); ++r)
    sum.skipped[skip_reason_name(static_cast<SkipReason>(r))] = 0;
  {
    HashedOutputFile mbox(paths.mbox), manifest(paths.manifest), audit(paths.audit),
        rejects(paths.rejects);
    Progress progress("emails " + paths.stem, sum.customers, "customers");
    const size_t bs = static_cast<size_t>(cfg.job.batch_size);
    std::vector<int64_t> chunk;
    for (size_t b = 0; b < rows.size(); b += bs) {
      chunk.assign(rows.begin() + b, rows.begin() + std::min(rows.size(), b + bs));
      process_batch(chunk, sum, mbox, manifest, audit, rejects, base_name(paths.mbox));
      progress.advance(static_cast<int64_t>(chunk.size()));
    }
    progress.finish();
    int64_t skipped = 0;
    for (const auto& [r, k] : sum.skipped) skipped += k;
    TAILOR_CHECK(skipped + sum.emails == sum.customers,
                 "internal: " << sum.customers << " customers but " << sum.emails << " emails and "
                              << skipped << " skips");

    ShardMarker m;
    m.index = index;
    m.count = count;
    m.fingerprint = fingerprint;
    m.customers = sum.customers;
    m.emails = sum.emails;
    m.skipped = sum.skipped;
    m.events = sum.events;
    for (HashedOutputFile* f : {&mbox, &manifest, &audit, &rejects}) {
      const uint64_t bytes = f->bytes();
      m.files.push_back({base_name(f->path()), bytes, f->finish()});
    }
    for (HashedOutputFile* f : {&mbox, &manifest, &audit, &rejects}) f->commit();
    AtomicOutputFile done(paths.done, true);
    done.stream() << m.to_json();
    done.commit();
  }
  spdlog::info("email job: {} complete: {} emails for {} customers", paths.stem, sum.emails,
               sum.customers);
  return sum;
}

ShardSummary EmailJob::run_shard(int index) {
  ShardSummary s = s_->run_shard(index);
  if (on_shard_done) on_shard_done(s);
  return s;
}

EmailJobSummary EmailJob::run(const std::vector<int>& indices) {
  State& s = *s_;
  const int count = s.cfg.job.shards;
  std::vector<int> todo = indices;
  if (todo.empty())
    for (int i = 0; i < count; ++i) todo.push_back(i);
  EmailJobSummary out;
  out.shard_count = count;
  for (int i : todo) out.shards.push_back(run_shard(i));

  // summary.json once every shard of the run is complete (whichever process finishes last).
  const std::string& dir = s.cfg.job.output_dir;
  Json per_shard = Json::array();
  std::map<std::string, int64_t> skipped, events;
  int64_t customers = 0, emails = 0;
  for (int i = 0; i < count; ++i) {
    ShardMarker m;
    if (!read_shard_marker(shard_paths(dir, i, count).done, &m) || m.fingerprint != s.fingerprint)
      return out;
    customers += m.customers;
    emails += m.emails;
    for (const auto& [k, v] : m.skipped) skipped[k] += v;
    for (const auto& [k, v] : m.events) events[k] += v;
    per_shard.push_back(
        {{"shard", i}, {"customers", m.customers}, {"emails", m.emails}, {"skipped", m.skipped}});
  }
  Json j;
  j["format"] = "tailor-email-summary/1";
  j["fingerprint"] = s.fingerprint;
  j["run_id"] = s.run_id;
  j["now"] = format_iso8601(s.now, 0);
  j["shards"] = count;
  j["customers"] = customers;
  j["emails"] = emails;
  j["skipped"] = skipped;
  j["events"] = events;
  j["per_shard"] = per_shard;
  out.summary_path = (fs::path(dir) / "summary.json").string();
  AtomicOutputFile f(out.summary_path, true);
  f.stream() << j.dump(2) << "\n";
  f.commit();
  out.complete = true;
  spdlog::info("email job: all {} shard(s) complete: {} emails for {} customers ({})", count,
               emails, customers, out.summary_path);
  return out;
}

}  // namespace tailor
