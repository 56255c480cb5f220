// `tailor-bench kmeans`: the K-means suite alone (assignment and full fit per Lloyd iteration,
// tailor CPU/CUDA vs FAISS and scikit-learn, bench/bench_kmeans.cpp); prints its tables.
#include "bench/bench_kmeans.h"
#include "bench/bench_subcommand.h"
#include "core/cli/command.h"
#include "core/common/error.h"

namespace tailor {
namespace {

const CommandRegistrar kRegistrar(
    {"kmeans",
     "K-means assignment and per-iteration fit time: tailor vs FAISS and scikit-learn (same data "
     "and init)",
     [](CLI::App* sub, std::vector<std::unique_ptr<ParamSet>>& params) {
       auto bp = std::make_shared<KMeansBenchParams>();
       auto sp = std::make_shared<BenchSubcommandParams>();
       auto grid = std::make_shared<std::string>("full");
       auto ps = std::make_unique<ParamSet>(sub, "bench_kmeans");
       ps->add(
           "grid", grid.get(),
           "full (the n/d/k lists) or quick (the quick grid's n, d, k, iters, repeats, max_work)");
       bind_kmeans_bench_params(*ps, *bp);
       ps->add("min_time", &sp->min_time,
               "time short cases until their runs add up to this many seconds");
       ps->add("python", &sp->python, "python with numpy and scikit-learn");
       ps->add("json", &sp->json, "also write the report JSON (these paths) to this file");
       params.push_back(std::move(ps));
       return [bp, sp, grid] {
         TAILOR_CHECK(*grid == "full" || *grid == "quick",
                      "tailor-bench kmeans: --grid must be full or quick, got '" << *grid << "'");
         KMeansBenchParams p = *bp;
         BenchSubcommandParams s = *sp;
         s.threads = p.threads;
         if (*grid == "quick") {
           const KMeansBenchParams q = kmeans_bench_params(BenchGrid::kQuick);
           p.n = q.n;
           p.d = q.d;
           p.k = q.k;
           p.iters = q.iters;
           p.repeats = q.repeats;
           p.max_work = q.max_work;
         }
         run_bench_subcommand("kmeans", {"kmeans.assign", "kmeans.fit"},
                              *grid == "quick" ? BenchGrid::kQuick : BenchGrid::kFull, s,
                              [p](BenchContext& ctx) { run_kmeans_bench(p, ctx); });
       };
     }});

}  // namespace
}  // namespace tailor
