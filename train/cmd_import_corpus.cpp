// `tailor-train import-corpus`: imports a text corpus (SpamAssassin, AESLC, the fashion catalogue
// or a retailer's CSV) into a dataset file, alone or appended to an existing dataset, with the
// cleaning report printed and stored and every removed item in a rejects CSV (docs/corpus.md).
#include <cstdio>
#include <memory>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/corpus/corpus_import.h"
#include "core/corpus/corpus_mapping.h"
#include "core/data/dataset_io.h"

namespace tailor {
namespace {

struct ImportCorpusParams {
  /// Input format: spamassassin, aeslc, fashion or csv.
  std::string format = "";
  /// Input file: the corpus archive (.tar, .tar.gz, .tar.xz) or CSV (.csv, .csv.gz, .csv.xz).
  std::string input = "";
  /// Corpus mapping (YAML) for --format csv (configs/import/corpus_csv.yaml is an example).
  std::string mapping = "";
  /// Output dataset file (HDF5), written atomically. May equal --append-to.
  std::string output = "";
  /// Existing dataset to add the corpus rows to (everything in it is kept); "" = a new dataset
  /// holding only the corpus.
  std::string append_to = "";
  /// Rejects CSV (source,member,line,scope,field,reason,detail); "" = <output>.corpus_rejects.csv.
  std::string rejects = "";
};

void bind(ParamSet& ps, ImportCorpusParams& p) {
  ps.add("format", &p.format, "input format: spamassassin, aeslc, fashion or csv");
  ps.add("input", &p.input, "corpus archive (.tar/.tar.gz/.tar.xz) or CSV (.csv/.csv.gz/.csv.xz)");
  ps.add("mapping", &p.mapping,
         "corpus mapping YAML for --format csv (configs/import/corpus_csv.yaml)");
  ps.add("output", &p.output,
         "output dataset file (.h5), written atomically; may equal --append-to");
  ps.add("append_to", &p.append_to,
         "existing dataset to add the corpus to (all its tables are kept); empty = new dataset");
  ps.add("rejects", &p.rejects, "rejects CSV; empty = <output>.corpus_rejects.csv");
}

void run_import_corpus(const ImportCorpusParams& io, const CorpusCleanParams& clean) {
  TAILOR_CHECK(!io.format.empty(),
               "import-corpus: --format is required (spamassassin, aeslc, fashion, csv)");
  TAILOR_CHECK(!io.input.empty(), "import-corpus: --input is required");
  TAILOR_CHECK(!io.output.empty(), "import-corpus: --output is required");
  const CorpusFormat format = parse_corpus_format(io.format);
  TAILOR_CHECK(format == CorpusFormat::kCsv || io.mapping.empty(),
               "import-corpus: --mapping applies only to --format csv");
  validate_corpus_clean_params(clean);

  Dataset ds;
  if (!io.append_to.empty()) {
    ds = read_dataset(io.append_to);
    spdlog::info("appending to {} ({} corpus rows already)", io.append_to, ds.corpus.size());
  }
  CorpusImportResult r;
  switch (format) {
    case CorpusFormat::kAeslc:
      r = import_aeslc(io.input, clean, &ds.corpus);
      break;
    case CorpusFormat::kSpamAssassin:
      r = import_spamassassin(io.input, clean, &ds.corpus);
      break;
    case CorpusFormat::kFashion:
      r = import_fashion(io.input, clean, &ds.corpus);
      break;
    case CorpusFormat::kCsv: {
      TAILOR_CHECK(!io.mapping.empty(),
                   "import-corpus: --format csv needs --mapping (see "
                   "configs/import/corpus_csv.yaml)");
      const CorpusMapping mapping = load_corpus_mapping(io.mapping);
      r = import_corpus_csv(io.input, mapping, clean, &ds.corpus);
      break;
    }
  }
  std::fputs(r.report.to_table().c_str(), stdout);
  std::fflush(stdout);
  const std::string rejects_path =
      io.rejects.empty() ? io.output + ".corpus_rejects.csv" : io.rejects;
  write_corpus_rejects_csv(r.rejects, rejects_path);
  spdlog::info("{} rejects written to {}", r.rejects.size(), rejects_path);
  TAILOR_CHECK(r.report.documents_kept > 0,
               "import-corpus: no document of '"
                   << io.input << "' was kept (" << r.report.documents_read
                   << " read); is --format right? See " << rejects_path);

  TextCorpusTable& k = ds.corpus;
  TextCorpusTable& add = r.rows;
  auto append = [](auto& dst, auto& src) {
    dst.insert(dst.end(), std::make_move_iterator(src.begin()), std::make_move_iterator(src.end()));
  };
  append(k.document, add.document);
  append(k.source, add.source);
  append(k.field, add.field);
  append(k.split, add.split);
  append(k.text, add.text);
  append(k.campaign, add.campaign);
  append(k.category, add.category);
  append(k.customer, add.customer);
  append(k.product, add.product);
  append(k.spam, add.spam);
  append(k.open_rate, add.open_rate);
  append(k.click_rate, add.click_rate);
  if (io.append_to.empty())
    ds.metadata["source"] = std::string("corpus:") + corpus_format_name(format);
  append_corpus_report(ds.metadata, r.report.to_json());
  write_dataset(ds, io.output);
  std::printf("  written                            %s (%zu corpus rows)\n", io.output.c_str(),
              ds.corpus.size());
}

const CommandRegistrar kRegistrar{CommandSpec{
    "import-corpus",
    "import a text corpus (spamassassin, aeslc, fashion, csv) into a dataset file, cleaned, with "
    "a report and a rejects CSV (docs/corpus.md)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto io = std::make_shared<ImportCorpusParams>();
      auto clean = std::make_shared<CorpusCleanParams>();
      params.push_back(std::make_unique<ParamSet>(sub, "import_corpus"));
      bind(*params.back(), *io);
      params.push_back(std::make_unique<ParamSet>(sub, "corpus"));
      add_corpus_clean_params(*params.back(), *clean);
      return [io, clean] { run_import_corpus(*io, *clean); };
    }}};

}  // namespace
}  // namespace tailor
