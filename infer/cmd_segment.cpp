// `tailor-infer segment`: puts every customer of a dataset into a trained segment (checkpoint of
// `tailor-train segment`) and writes customer id, segment and distance as CSV, plus the report.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/io/atomic_file.h"
#include "core/segment/segment_model.h"

namespace tailor {
namespace {

struct SegmentInferIo {
  std::string dataset, checkpoint, output, report_dir;
  /// Unix seconds the features are taken at; -1 = the last event time of the dataset.
  int64_t as_of_time = -1;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

// customer_id,segment,distance: external ids only (no e-mail addresses or names).
void write_assignments_csv(const Dataset& ds, const SegmentAssignment& a, const std::string& path) {
  AtomicOutputFile out(path);
  auto& s = out.stream();
  s << "customer_id,segment,distance\n";
  char buf[32];
  for (size_t i = 0; i < a.labels.size(); ++i) {
    std::snprintf(buf, sizeof(buf), "%.6g", static_cast<double>(a.distances[i]));
    s << csv_field(ds.customers.external_id[i]) << ',' << a.labels[i] << ',' << buf << '\n';
  }
  out.commit();
}

void run_segment_infer(const SegmentInferIo& io, const SegmentReportParams& report) {
  const auto t_all = std::chrono::steady_clock::now();
  auto t0 = t_all;
  const SegmentModel m = load_segment_model(io.checkpoint);
  spdlog::info("segment: model {} with k = {} over {} features (trained on {} customers)",
               io.checkpoint, m.k, m.d(), m.n_train_customers);
  const Dataset ds = read_dataset(io.dataset);
  spdlog::info("segment: read {} ({} customers) in {:.2f} s", io.dataset, ds.customers.size(),
               seconds_since(t0));

  t0 = std::chrono::steady_clock::now();
  const SegmentAssignment a = assign_segments(m, ds, io.as_of_time);
  spdlog::info("segment: {} customers assigned in {:.2f} s", a.labels.size(), seconds_since(t0));
  std::vector<int64_t> sizes(static_cast<size_t>(m.k), 0);
  for (int32_t l : a.labels) ++sizes[static_cast<size_t>(l)];
  for (int j = 0; j < m.k; ++j)
    std::printf("segment %d: %lld customers\n", j, static_cast<long long>(sizes[static_cast<size_t>(j)]));
  std::fflush(stdout);

  if (const auto parent = std::filesystem::path(io.output).parent_path(); !parent.empty())
    std::filesystem::create_directories(parent);
  write_assignments_csv(ds, a, io.output);
  spdlog::info("segment: assignments written to {}", io.output);
  if (!io.report_dir.empty()) {
    t0 = std::chrono::steady_clock::now();
    std::filesystem::create_directories(io.report_dir);
    SegmentReportParams rp = report;
    rp.output_prefix = (std::filesystem::path(io.report_dir) / rp.output_prefix).string();
    write_segment_report(a.features, m.scaler, a.labels, m.k, ds, rp);
    spdlog::info("segment: report in {:.2f} s", seconds_since(t0));
  }
  spdlog::info("segment: done in {:.2f} s", seconds_since(t_all));
}

const CommandRegistrar kRegistrar{CommandSpec{
    "segment",
    "assign every customer of a dataset to a trained segment (CSV: customer_id,segment,distance)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto io = std::make_shared<SegmentInferIo>();
      auto report = std::make_shared<SegmentReportParams>();
      sub->add_option("--dataset", io->dataset, "dataset file (.h5)")->required()->check(CLI::ExistingFile);
      sub->add_option("--checkpoint", io->checkpoint, "segments checkpoint of tailor-train segment")
          ->required()
          ->check(CLI::ExistingFile);
      sub->add_option("--output", io->output, "assignments CSV to write")->required();
      sub->add_option("--report-dir", io->report_dir,
                      "folder for the segment report (<prefix>.csv, .md, .png); empty = none");
      sub->add_option("--as-of-time", io->as_of_time,
                      "Unix seconds the features are taken at (-1: last event time of the dataset)")
          ->capture_default_str();
      params.push_back(std::make_unique<ParamSet>(sub, "segment_report"));
      add_segment_report_params(*params.back(), *report);
      return [io, report] { run_segment_infer(*io, *report); };
    }}};

}  // namespace
}  // namespace tailor
