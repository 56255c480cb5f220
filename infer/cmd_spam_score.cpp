// `tailor-infer spam-score`: scores the e-mails (subject + body documents) of a dataset's corpus
// with a trained spam-likeness scorer, writes one line per document and prints the share flagged
// per source and campaign (how spam-like, e.g., the synthetic shop's copy reads).
#include <cstdio>
#include <map>
#include <memory>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/corpus/corpus_document.h"
#include "core/corpus/spam_scorer.h"
#include "core/data/dataset_io.h"
#include "core/io/atomic_file.h"
#include "core/io/csv_reader.h"

namespace tailor {
namespace {

struct SpamScoreIo {
  std::string checkpoint;
  std::string dataset;
  std::string output;
};

void run_spam_score(const SpamScoreIo& io) {
  const SpamScorer scorer = SpamScorer::load(io.checkpoint);
  const Dataset ds = read_dataset(io.dataset);
  const TextCorpusTable& k = ds.corpus;
  // Documents with a subject or a body (product names and reference subjects are not e-mails).
  struct Doc {
    std::string subject, body, source, campaign;
    int split = 0;
  };
  std::map<int64_t, Doc> docs;
  for (size_t i = 0; i < k.size(); ++i) {
    const auto f = static_cast<TextField>(k.field[i]);
    if (f != TextField::kSubject && f != TextField::kBody) continue;
    Doc& d = docs[k.document[i]];
    (f == TextField::kSubject ? d.subject : d.body) = k.text[i];
    d.source = k.source[i];
    d.campaign = k.campaign[i];
    d.split = k.split[i];
  }
  TAILOR_CHECK(!docs.empty(),
               "spam-score: " << io.dataset << " has no e-mail documents (subject / body rows)");
  std::vector<std::string> subjects, bodies;
  std::vector<int64_t> ids;
  for (const auto& [id, d] : docs) {
    ids.push_back(id);
    subjects.push_back(d.subject);
    bodies.push_back(d.body);
  }
  const std::vector<double> scores = scorer.score_batch(subjects, bodies);
  AtomicOutputFile out(io.output);
  out.stream() << "document,source,campaign,split,spam_score,spammy\n";
  std::map<std::string, std::pair<int64_t, int64_t>> groups;  // "source campaign" -> (n, flagged)
  for (size_t i = 0; i < ids.size(); ++i) {
    const Doc& d = docs[ids[i]];
    const bool spammy = scores[i] >= scorer.threshold();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", scores[i]);
    out.stream() << ids[i] << ',' << csv_escape(d.source) << ',' << csv_escape(d.campaign) << ','
                 << corpus_split_name(d.split) << ',' << buf << ',' << (spammy ? 1 : 0) << '\n';
    auto& g = groups[d.source + (d.campaign.empty() ? "" : " / " + d.campaign)];
    ++g.first;
    g.second += spammy;
  }
  out.commit();
  std::printf("spam-likeness of %zu documents of %s (threshold %.4f) -> %s\n", ids.size(),
              io.dataset.c_str(), scorer.threshold(), io.output.c_str());
  for (const auto& [name, g] : groups)
    std::printf("  %-44s %7lld documents %6.1f%% flagged\n", name.c_str(),
                static_cast<long long>(g.first), 100.0 * double(g.second) / double(g.first));
}

const CommandRegistrar kRegistrar{CommandSpec{
    "spam-score",
    "score a dataset's e-mail copy with a spam-likeness scorer checkpoint (tailor-train "
    "spam-scorer)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>&) -> std::function<void()> {
      auto io = std::make_shared<SpamScoreIo>();
      sub->add_option("--checkpoint", io->checkpoint, "spam_scorer checkpoint (.h5)")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--dataset", io->dataset, "dataset whose corpus e-mails are scored (.h5)")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--output", io->output,
                      "CSV: document,source,campaign,split,spam_score,spammy")
          ->required();
      return [io] { run_spam_score(*io); };
    }}};

}  // namespace
}  // namespace tailor
