// SegmentParams: ParamSet binding (section `segment`) and checks (see segment_model.h).
#include <set>

#include "core/common/error.h"
#include "core/config/param_set.h"
#include "core/segment/segment_model.h"

namespace tailor {

void add_segment_params(ParamSet& ps, SegmentParams& p) {
  ps.add("ks", &p.ks, "numbers of segments tried (all in one K-means batch); best silhouette wins");
  ps.add("k", &p.k, "> 0: fit only this number of segments (ks ignored); 0: choose among ks");
  ps.add("n_init", &p.n_init, "K-means runs per k; the lowest inertia wins");
  ps.add("max_iter", &p.max_iter, "maximum Lloyd iterations per run");
  ps.add("tol", &p.tol, "stop when the relative inertia decrease is <= tol (0: until no label changes)");
  ps.add("init", &p.init, "K-means seeding: kmeans++ or random");
  ps.add("seed", &p.seed, "seed of every random choice");
  ps.add("silhouette_sample", &p.silhouette_sample, "customers drawn for the silhouette of each k");
  ps.add("device", &p.device, "where the Lloyd iterations run: cpu or cuda");
  ps.add("scaler_clip", &p.scaler_clip, "scaled features are clipped to [-clip, clip]; 0 = no clipping");
}

void check_segment_params(const SegmentParams& p) {
  TAILOR_CHECK(p.k >= 0, "segment: k must be >= 0 (0 = choose among ks), got " << p.k);
  if (p.k == 0) {
    TAILOR_CHECK(!p.ks.empty(), "segment: ks is empty and k is 0; give the k values to try");
    std::set<int> seen;
    for (int k : p.ks) {
      TAILOR_CHECK(k >= 1, "segment: ks holds " << k << "; every k must be >= 1");
      TAILOR_CHECK(seen.insert(k).second, "segment: ks lists " << k << " twice");
    }
  }
  TAILOR_CHECK(p.n_init >= 1, "segment: n_init must be >= 1, got " << p.n_init);
  TAILOR_CHECK(p.max_iter >= 1, "segment: max_iter must be >= 1, got " << p.max_iter);
  TAILOR_CHECK(p.tol >= 0, "segment: tol must be >= 0, got " << p.tol);
  TAILOR_CHECK(p.init == "kmeans++" || p.init == "random",
               "segment: init must be kmeans++ or random, got '" << p.init << "'");
  TAILOR_CHECK(p.silhouette_sample >= 2, "segment: silhouette_sample must be >= 2, got "
                                             << p.silhouette_sample);
  TAILOR_CHECK(p.device == "cpu" || p.device == "cuda",
               "segment: device must be cpu or cuda, got '" << p.device << "'");
  TAILOR_CHECK(p.scaler_clip >= 0.0f, "segment: scaler_clip must be >= 0 (0 = no clipping), got "
                                          << p.scaler_clip);
}

}  // namespace tailor
