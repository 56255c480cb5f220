// Customer segments end to end: features -> robust scaler -> K-means over several k (one batch) ->
// the chosen model; its checkpoint (model type "segments") and nearest-centroid assignment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/checkpoint/checkpoint.h"
#include "core/data/dataset.h"
#include "core/segment/customer_features.h"
#include "core/segment/feature_scaler.h"
#include "core/segment/segment_report.h"

namespace tailor {

class ParamSet;

/// Parameters of train_segments (YAML section `segment`; configs/segment.yaml, docs/segments.md).
/// `features` and `report` have their own sections (`customer_features`, `segment_report`).
struct SegmentParams {
  /// Numbers of segments tried; every k x n_init run is fitted in one K-means batch. The chosen k
  /// is the one with the highest silhouette (ties: the smaller k).
  std::vector<int> ks = {4, 6, 8, 10, 12};
  /// > 0: fit only this k (ks is ignored) and use it; 0: choose among ks by silhouette.
  int k = 0;
  /// Independent K-means runs per k (different seeds); the lowest inertia wins.
  int n_init = 4;
  /// Maximum Lloyd iterations per run.
  int max_iter = 100;
  /// Stop a run when the relative inertia decrease is <= tol (0: until no label changes).
  double tol = 1e-4;
  /// K-means seeding: "kmeans++" or "random".
  std::string init = "kmeans++";
  /// Seed of every random choice (K-means seeding and restarts, silhouette sample).
  uint64_t seed = 42;
  /// Customers drawn (with `seed`) for the silhouette of each k; all when there are fewer.
  int64_t silhouette_sample = 2000;
  /// Where the Lloyd iterations run: "cpu" or "cuda".
  std::string device = "cpu";
  /// Scaled features are clipped to [-scaler_clip, scaler_clip]; 0 = no clipping.
  float scaler_clip = FeatureScaler::kDefaultClip;
  /// Customer features (section `customer_features`).
  FeatureParams features;
  /// Training report (section `segment_report`).
  SegmentReportParams report;
};

/// Registers the `segment` section fields of `p` (not `features` / `report`: bind those with
/// add_feature_params / add_segment_report_params in their own ParamSets).
void add_segment_params(ParamSet& ps, SegmentParams& p);

/// Checks SegmentParams (ks, k, n_init, ...); throws tailor::Error naming the field.
void check_segment_params(const SegmentParams& p);

/// Inertia and silhouette of one k tried at training.
struct SegmentKScore {
  int k = 0;
  double inertia = 0.0;     ///< of the best of n_init runs, in scaled feature space
  double silhouette = 0.0;  ///< mean silhouette of the seeded sample
  int n_iter = 0;           ///< Lloyd iterations of the best run
};

/// A trained segmentation: what inference needs to put any customer into a segment.
struct SegmentModel {
  FeatureScaler scaler;                     ///< fitted on the training customers
  int k = 0;                                ///< number of segments
  std::vector<std::string> feature_names;   ///< column order of the features (= scaler names)
  std::vector<float> centroids;             ///< (k, d) row-major, in scaled space
  std::vector<SegmentKScore> k_scores;      ///< every k tried, in ks order
  /// Feature parameters of training; inference recomputes the same columns with them
  /// (`categories` holds the training categories, so the columns match on any dataset).
  FeatureParams features;
  int64_t n_train_customers = 0;
  UnixTime train_as_of_time = -1;           ///< as-of time of the training features
  std::vector<int64_t> train_sizes;         ///< (k) training customers per segment

  int d() const { return static_cast<int>(feature_names.size()); }
};

/// The result of train_segments: the model and what the training report needs.
struct SegmentTraining {
  SegmentModel model;
  CustomerFeatures features;        ///< raw training features
  std::vector<int32_t> labels;      ///< segment of each training customer (K-means labels)
  /// Training customers whose K-means label differs from nearest_centroids (exact near-ties).
  int64_t label_mismatches = 0;
  double features_seconds = 0.0, scaler_seconds = 0.0, kmeans_seconds = 0.0;
};

/// Trains segments on every customer of `ds`: features -> scaler fit -> scaled matrix ->
/// kmeans_select_k over all ks x n_init as one batch -> the k with the best silhouette (or p.k).
SegmentTraining train_segments(const Dataset& ds, const SegmentParams& p);

/// Segment assignment of every customer of a dataset.
struct SegmentAssignment {
  CustomerFeatures features;     ///< raw features, same columns as training
  std::vector<int32_t> labels;   ///< nearest centroid (ties: lowest index)
  std::vector<float> distances;  ///< Euclidean distance to it, in scaled feature space
};

/// Assigns every customer of `ds` with exactly the training transform: the training feature
/// parameters (and categories) with features taken at `as_of_time` (-1: the last event time of
/// `ds`), the stored scaler (with its clip), nearest stored centroid.
SegmentAssignment assign_segments(const SegmentModel& model, const Dataset& ds,
                                  UnixTime as_of_time = -1);

/// Nearest centroid of each row of x (n x d): exact squared differences accumulated in double
/// (kmeans_assign_reference, run in parallel chunks). labels: n; dist: n Euclidean distances.
/// Stands in for a public "assign only" entry of kernels/kmeans.h.
void nearest_centroids(const float* x, int64_t n, int d, const float* centroids, int k,
                       int32_t* labels, float* dist);

/// Model type of the checkpoint.
inline constexpr char kSegmentModelType[] = "segments";

/// The checkpoint of `m`; `config_yaml` is the effective config of every parameter (stored as is).
Checkpoint segments_to_checkpoint(const SegmentModel& m, const std::string& config_yaml);
/// Rebuilds the model; checks model type, presence, dtypes and shapes of every entry and their
/// consistency, naming the checkpoint and the entry on error.
SegmentModel segments_from_checkpoint(const Checkpoint& ckpt);

/// read_checkpoint(path, "segments") + segments_from_checkpoint.
SegmentModel load_segment_model(const std::string& path);

/// The per-k table (k, inertia, silhouette, iterations; the chosen k marked) as text.
std::string format_k_scores(const SegmentModel& m);

}  // namespace tailor
