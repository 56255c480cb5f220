// `tailor-train recommend-eval`: the offline quality protocol of docs/quality.md (validation-tuned
// blend vs popularity, TF-IDF and co-purchase on a time split); prints the table, writes JSON.
#include <cstdio>
#include <string>

#include "core/cli/command.h"
#include "core/common/error.h"
#include "core/data/dataset_io.h"
#include "core/io/atomic_file.h"
#include "core/recommend/evaluation.h"

namespace tailor {
namespace {

struct EvalArgs {
  std::string dataset;
  std::string cutoff = "2011-09-01";
  int validation_days = 90;
  double weight_step = 0.05;
  std::string json;
  int64_t expect_customers = -1;
  std::vector<std::string> sweep;
};

const CommandRegistrar kRegistrar{CommandSpec{
    "recommend-eval",
    "evaluate the recommender on a time split (HitRate, Recall, NDCG, coverage; docs/quality.md)",
    [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) -> std::function<void()> {
      auto a = std::make_shared<EvalArgs>();
      auto p = std::make_shared<RecommendParams>();
      sub->add_option("--dataset", a->dataset, "dataset file (.h5)")->required();
      sub->add_option("--cutoff", a->cutoff, "test period starts at this date (YYYY-MM-DD)")
          ->capture_default_str();
      sub->add_option("--validation-days", a->validation_days,
                      "validation cut = cutoff minus this many days")
          ->capture_default_str();
      sub->add_option("--weight-step", a->weight_step, "grid step of the blend weights")
          ->capture_default_str();
      sub->add_option("--sweep", a->sweep,
                      "KEY=V1,V2,...: also try these values of a recommender parameter on the "
                      "validation cut, jointly with the weights (repeatable: all combinations), "
                      "e.g. --sweep item_cf_half_life_days=15,30,60")
          ->allow_extra_args(false);
      sub->add_option("--json", a->json, "JSON report; empty = <dataset>.recommend_eval.json");
      sub->add_option("--expect-customers", a->expect_customers,
                      "fail unless the test has exactly this many customers (-1: no check)");
      params.push_back(std::make_unique<ParamSet>(sub, "recommend"));
      bind_recommend_params(*params.back(), *p);
      return [a, p] {
        check_recommend_params(*p);
        std::vector<RecommendSweepAxis> sweep;
        for (const auto& text : a->sweep) sweep.push_back(parse_sweep_axis(text));
        const Dataset ds = read_dataset(a->dataset);
        const RecommendEvalReport rep = evaluate_recommender(
            ds, *p, parse_date_utc(a->cutoff), a->validation_days, a->weight_step, sweep);
        std::fputs(rep.to_table().c_str(), stdout);
        const std::string json = a->json.empty() ? a->dataset + ".recommend_eval.json" : a->json;
        AtomicOutputFile out(json);
        out.stream() << rep.to_json();
        out.commit();
        std::printf("report written to %s\n", json.c_str());
        TAILOR_CHECK(a->expect_customers < 0 || rep.test_customers == a->expect_customers,
                     "recommend-eval: " << rep.test_customers << " test customers, expected "
                                        << a->expect_customers);
      };
    }}};

}  // namespace
}  // namespace tailor
