// `tailor-train recommend`: trains the product recommender (popularity, TF-IDF, co-purchase, item
// CF) on a dataset's purchases and writes it as a checkpoint.
#include <cstdio>
#include <limits>
#include <string>

#include "core/checkpoint/checkpoint.h"
#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/common/log.h"
#include "core/data/dataset_io.h"
#include "core/recommend/evaluation.h"
#include "core/recommend/recommender.h"

namespace tailor {
namespace {

struct RecommendTrainArgs {
  std::string dataset, output;
  /// Train on purchases before this date (YYYY-MM-DD); "" = all purchases.
  std::string before;
};

void run(const RecommendTrainArgs& a, const RecommendParams& p) {
  TAILOR_CHECK(!a.dataset.empty(), "recommend: --dataset is required");
  TAILOR_CHECK(!a.output.empty(), "recommend: --output is required");
  check_recommend_params(p);
  const Dataset ds = read_dataset(a.dataset);
  const UnixTime before =
      a.before.empty() ? std::numeric_limits<UnixTime>::max() : parse_date_utc(a.before);
  const RecommendModel m = train_recommender(ds, p, before);
  int64_t candidates = 0;
  for (uint8_t c : m.candidate) candidates += c;
  std::printf("recommender -> %s\n", a.output.c_str());
  std::printf("  products           %zu (%lld candidates)\n", m.product_ids.size(),
              static_cast<long long>(candidates));
  std::printf("  tfidf vocabulary   %zu terms\n", m.tfidf.vocabulary.size());
  std::printf("  co-purchase pairs  %lld (%s)\n", static_cast<long long>(m.copurchase.nnz()),
              p.copurchase_score.c_str());
  std::printf("  item-CF pairs      %lld (half-life %g days, min customers %lld)\n",
              static_cast<long long>(m.item_cf.nnz()), p.item_cf_half_life_days,
              static_cast<long long>(p.item_cf_min_customers));
  std::printf("  blend weights      popularity %.2f, tfidf %.2f, copurchase %.2f, item_cf %.2f\n",
              p.weight_popularity, p.weight_tfidf, p.weight_copurchase, p.weight_item_cf);
  write_checkpoint(recommend_to_checkpoint(m), a.output);
  spdlog::info("checkpoint written to {}", a.output);
}

const CommandRegistrar kRegistrar{CommandSpec{
    "recommend",
    "train the product recommender (popularity + TF-IDF + co-purchase + item-CF blend) into a "
    "checkpoint",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto a = std::make_shared<RecommendTrainArgs>();
      auto p = std::make_shared<RecommendParams>();
      sub->add_option("--dataset", a->dataset, "dataset file (.h5)")->required();
      sub->add_option("--output,-o", a->output, "checkpoint to write (.h5)")->required();
      sub->add_option("--before", a->before, "train on purchases before this date (YYYY-MM-DD)");
      params.push_back(std::make_unique<ParamSet>(sub, "recommend"));
      bind_recommend_params(*params.back(), *p);
      return [a, p] { run(*a, *p); };
    }}};

}  // namespace
}  // namespace tailor
