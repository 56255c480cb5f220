// `tailor-infer recommend`: top-k product recommendations for every customer of a dataset from a
// recommender checkpoint, as JSON lines or CSV (customer and product external ids, scores only).
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/checkpoint/checkpoint.h"
#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/io/atomic_file.h"
#include "core/recommend/recommender.h"

namespace tailor {
namespace {

struct InferArgs {
  std::string dataset, checkpoint, output;
  int k = 0;  // 0 = the checkpoint's k
  bool with_history_only = false;
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void run(const InferArgs& a) {
  const bool csv = ends_with(a.output, ".csv");
  TAILOR_CHECK(csv || ends_with(a.output, ".jsonl"),
               "recommend: --output must end in .jsonl or .csv, got '" << a.output << "'");
  TAILOR_CHECK(a.k >= 0 && a.k <= 1000, "recommend: --k must be in [0, 1000], got " << a.k);
  RecommendModel m = recommend_from_checkpoint(read_checkpoint(a.checkpoint, "recommend"));
  if (a.k > 0) m.params.k = a.k;
  const Dataset ds = read_dataset(a.dataset);
  std::vector<int64_t> customers(ds.customers.size());
  for (size_t c = 0; c < customers.size(); ++c) customers[c] = static_cast<int64_t>(c);
  if (a.with_history_only) {
    const CustomerHistory h = customer_histories(m, ds, customers);
    std::vector<int64_t> kept;
    for (size_t c = 0; c < customers.size(); ++c)
      if (h.weights.indptr[c + 1] > h.weights.indptr[c]) kept.push_back(customers[c]);
    customers.swap(kept);
  }
  const TopKResult r = recommend(m, ds, customers);
  AtomicOutputFile out(a.output);
  if (csv) out.stream() << "customer_id,rank,product_id,score\n";
  int64_t lines = 0;
  for (size_t q = 0; q < customers.size(); ++q) {
    const std::string& cid = ds.customers.external_id[customers[q]];
    nlohmann::json items = nlohmann::json::array();
    for (int s = 0; s < r.k; ++s) {
      const int32_t j = r.items[q * r.k + s];
      if (j < 0) break;
      const float score = r.scores[q * r.k + s];
      if (csv) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6g", score);
        out.stream() << csv_field(cid) << ',' << s + 1 << ',' << csv_field(m.product_ids[j]) << ','
                     << buf << '\n';
        ++lines;
      } else {
        items.push_back({{"product_id", m.product_ids[j]}, {"score", score}});
      }
    }
    if (!csv) {
      out.stream() << nlohmann::json{{"customer_id", cid}, {"items", items}}.dump() << '\n';
      ++lines;
    }
  }
  out.commit();
  spdlog::info("recommendations for {} customers ({} lines) written to {}", customers.size(), lines,
               a.output);
}

const CommandRegistrar kRegistrar{CommandSpec{
    "recommend",
    "top-k product recommendations per customer from a recommender checkpoint (.jsonl or .csv)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>&) -> std::function<void()> {
      auto a = std::make_shared<InferArgs>();
      sub->add_option("--dataset", a->dataset, "dataset file (.h5): customers and their purchases")
          ->required();
      sub->add_option("--checkpoint", a->checkpoint, "recommender checkpoint (.h5)")->required();
      sub->add_option("--output,-o", a->output, "output .jsonl or .csv")->required();
      sub->add_option("--k", a->k, "recommendations per customer (0 = the checkpoint's k)")
          ->capture_default_str();
      sub->add_flag("--with-history-only", a->with_history_only,
                    "only customers with at least one purchase of a known product");
      return [a] { run(*a); };
    }}};

}  // namespace
}  // namespace tailor
