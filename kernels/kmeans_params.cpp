// ParamSet binding of KMeansParams; the help texts repeat the documented defaults' meaning.
#include "kernels/kmeans_params.h"

namespace tailor {

void add_kmeans_params(ParamSet& ps, KMeansParams& p) {
  ps.add("k", &p.k, "number of clusters");
  ps.add("max_iter", &p.max_iter, "maximum Lloyd iterations per run");
  ps.add("tol", &p.tol, "stop when the relative inertia decrease is <= tol (0: until no label changes)");
  ps.add("init", &p.init, "seeding: kmeans++ (greedy, 2+ln k trials) or random");
  ps.add("n_init", &p.n_init, "independent runs; the lowest inertia wins");
  ps.add("seed", &p.seed, "seed of every random choice");
  ps.add("device", &p.device, "cpu or cuda");
}

}  // namespace tailor
