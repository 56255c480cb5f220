// `tailor-bench topk`: the sparse cosine top-k suite alone (tailor CPU/CUDA vs SciPy and
// scikit-learn, bench/bench_topk.cpp); prints its table.
#include "bench/bench_subcommand.h"
#include "bench/bench_topk.h"
#include "core/cli/command.h"

namespace tailor {
namespace {

const CommandRegistrar kRegistrar(
    {"topk", "Sparse cosine top-k time: tailor vs SciPy and scikit-learn (same synthetic data)",
     [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
       auto bp = std::make_shared<TopKBenchParams>();
       auto sp = std::make_shared<BenchSubcommandParams>();
       auto ps = std::make_unique<ParamSet>(sub, "bench_topk");
       bind_topk_bench_params(*ps, *bp);
       ps->add("min_time", &sp->min_time,
               "time short cases until their runs add up to this many seconds");
       ps->add("python", &sp->python, "python with numpy, scipy and scikit-learn");
       ps->add("json", &sp->json, "also write the report JSON (this path) to this file");
       params.push_back(std::move(ps));
       auto quick = std::make_shared<bool>(false);
       sub->add_flag("--quick", *quick,
                     "same as --scale quick (20k x 5k, vocabulary 4k; for tests)");
       return [bp, sp, quick] {
         TopKBenchParams p = *bp;
         if (*quick) p.scale = "quick";
         BenchSubcommandParams s = *sp;
         s.threads = p.threads;
         run_bench_subcommand("topk", {"topk"}, *quick ? BenchGrid::kQuick : BenchGrid::kFull, s,
                              [p](BenchContext& ctx) { run_topk_bench(p, ctx); });
       };
     }});

}  // namespace
}  // namespace tailor
