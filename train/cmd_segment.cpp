// `tailor-train segment`: customer segments from a dataset file: trains (features, scaler, K-means
// over several k), prints the per-k table, writes the checkpoint and the training report.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/checkpoint/checkpoint.h"
#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/segment/segment_model.h"

namespace tailor {
namespace {

struct SegmentTrainIo {
  std::string dataset, output, report_dir;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The effective config of every section, as written to configs/segment.yaml.
std::string effective_config(const std::vector<ParamSet*>& sets) {
  YAML::Node root(YAML::NodeType::Map);
  for (const ParamSet* ps : sets) root[ps->section()] = ps->to_yaml();
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

void run_segment_train(const SegmentTrainIo& io, const SegmentParams& p, const std::string& config) {
  TAILOR_CHECK(!io.output.empty(), "segment: --output is required");
  check_segment_params(p);  // before the dataset is read
  const auto t_all = std::chrono::steady_clock::now();
  auto t0 = t_all;
  const Dataset ds = read_dataset(io.dataset);
  spdlog::info("segment: read {} ({} customers, {} transactions) in {:.2f} s", io.dataset,
               ds.customers.size(), ds.transactions.size(), seconds_since(t0));

  SegmentTraining t = train_segments(ds, p);
  if (const auto parent = std::filesystem::path(io.output).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  std::printf("%s", format_k_scores(t.model).c_str());
  std::printf("chosen k = %d (%s)\n", t.model.k,
              p.k > 0 ? "fixed by k" : "highest silhouette");
  std::fflush(stdout);

  t0 = std::chrono::steady_clock::now();
  write_checkpoint(segments_to_checkpoint(t.model, config), io.output);
  spdlog::info("segment: checkpoint {} written in {:.2f} s", io.output, seconds_since(t0));

  if (!io.report_dir.empty()) {
    t0 = std::chrono::steady_clock::now();
    std::filesystem::create_directories(io.report_dir);
    SegmentReportParams rp = p.report;
    rp.output_prefix = (std::filesystem::path(io.report_dir) / rp.output_prefix).string();
    write_segment_report(t.features, t.model.scaler, t.labels, t.model.k, ds, rp);
    spdlog::info("segment: training report in {:.2f} s", seconds_since(t0));
  } else {
    spdlog::info("segment: no --report-dir, no report written");
  }
  spdlog::info("segment: done in {:.2f} s (features {:.2f} s, scaler {:.2f} s, K-means {:.2f} s)",
               seconds_since(t_all), t.features_seconds, t.scaler_seconds, t.kmeans_seconds);
}

const CommandRegistrar kRegistrar{CommandSpec{
    "segment",
    "train customer segments (features, robust scaler, K-means over several k; docs/segments.md)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto io = std::make_shared<SegmentTrainIo>();
      auto p = std::make_shared<SegmentParams>();
      sub->add_option("--dataset", io->dataset, "dataset file (.h5)")->required()->check(CLI::ExistingFile);
      sub->add_option("--output", io->output, "checkpoint to write (.h5)")->required();
      sub->add_option("--report-dir", io->report_dir,
                      "folder for the training report (<prefix>.csv, .md, .png); empty = none");
      params.push_back(std::make_unique<ParamSet>(sub, "segment"));
      add_segment_params(*params.back(), *p);
      params.push_back(std::make_unique<ParamSet>(sub, "customer_features"));
      add_feature_params(*params.back(), p->features);
      params.push_back(std::make_unique<ParamSet>(sub, "segment_report"));
      add_segment_report_params(*params.back(), p->report);
      std::vector<ParamSet*> sets;
      for (auto& ps : params) sets.push_back(ps.get());
      return [io, p, sets] { run_segment_train(*io, *p, effective_config(sets)); };
    }}};

}  // namespace
}  // namespace tailor
