// `tailor-train import`: reads a CSV (plain, .gz, .xz) with a YAML mapping into the canonical
// dataset file, writes the rejected rows beside it and prints the import summary.
#include <cstdio>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/data/importer.h"

namespace tailor {
namespace {

struct ImportParams {
  /// YAML import mapping (configs/import/*.yaml or your own; see docs/import.md).
  std::string mapping = "";
  /// Input CSV; .gz and .xz are decompressed on the fly.
  std::string input = "";
  /// Output dataset file (HDF5).
  std::string output = "";
  /// Rejected rows as CSV (line,reason,field,detail,record); "" = <output>.rejects.csv.
  std::string rejects = "";
  /// Fail (write no dataset) when more than this fraction of rows is rejected for faults
  /// (duplicates not counted): a high rate usually means a wrong mapping.
  double max_reject_fraction = 0.5;
};

void bind(ParamSet& ps, ImportParams& p) {
  ps.add("mapping", &p.mapping, "YAML import mapping (see docs/import.md)");
  ps.add("input", &p.input, "input CSV (.csv, .csv.gz, .csv.xz)");
  ps.add("output", &p.output, "output dataset file (.h5)");
  ps.add("rejects", &p.rejects, "rejected rows CSV; empty = <output>.rejects.csv");
  ps.add("max_reject_fraction", &p.max_reject_fraction,
         "fail when more than this fraction of rows has faults (duplicates not counted)");
}

void run_import(const ImportParams& p) {
  TAILOR_CHECK(!p.mapping.empty(), "import: --mapping is required");
  TAILOR_CHECK(!p.input.empty(), "import: --input is required");
  TAILOR_CHECK(!p.output.empty(), "import: --output is required");
  TAILOR_CHECK(p.max_reject_fraction >= 0 && p.max_reject_fraction <= 1,
               "import: max_reject_fraction must be in [0, 1], got " << p.max_reject_fraction);
  const ImportMapping mapping = load_import_mapping(p.mapping);
  ImportResult r = import_csv(mapping, p.input);
  const ImportSummary& s = r.summary;
  std::fputs(s.to_table().c_str(), stdout);
  std::fflush(stdout);

  const std::string rejects_path = p.rejects.empty() ? p.output + ".rejects.csv" : p.rejects;
  write_rejects_csv(r.rejects, rejects_path);
  spdlog::info("{} rejected rows written to {}", r.rejects.size(), rejects_path);

  int64_t dup_rejected = 0;
  if (auto it = s.rejected_by_reason.find("duplicate"); it != s.rejected_by_reason.end())
    dup_rejected = it->second;
  const int64_t faults = s.rows_rejected - dup_rejected;
  TAILOR_CHECK(s.rows_read > 0, "import: '" << p.input << "' has no data rows");
  TAILOR_CHECK(static_cast<double>(faults) <= p.max_reject_fraction * static_cast<double>(s.rows_read),
               "import: " << faults << " of " << s.rows_read << " rows of '" << p.input
                          << "' were rejected (more than max_reject_fraction " << p.max_reject_fraction
                          << "); is the mapping right? See " << rejects_path);
  write_dataset(r.dataset, p.output);
  spdlog::info("dataset written to {}", p.output);
}

const CommandRegistrar kRegistrar{CommandSpec{
    "import",
    "import a CSV (plain/.gz/.xz) into a dataset file with a YAML mapping (docs/import.md)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto p = std::make_shared<ImportParams>();
      params.push_back(std::make_unique<ParamSet>(sub, "import"));
      bind(*params.back(), *p);
      return [p] { run_import(*p); };
    }}};

}  // namespace
}  // namespace tailor
