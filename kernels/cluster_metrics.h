// Clustering quality metrics: adjusted Rand index (agreement of two labelings) and the silhouette
// (cohesion vs separation), exact or on a seeded sample of points.
#pragma once

#include <cstdint>
#include <vector>

namespace tailor {

/// Adjusted Rand index of two labelings of the same points (labels are arbitrary integers):
/// 1 = identical partitions up to renaming, ~0 = chance. Same definition as scikit-learn's
/// adjusted_rand_score (1.0 when both are a single cluster or all singletons).
double adjusted_rand_index(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b);

/// Mean silhouette (Euclidean distance) of the n points x (n x d) with their labels; a point alone
/// in its cluster scores 0. Returns 0 when fewer than 2 clusters are present. O(n^2 d).
double silhouette_score(const float* x, std::int64_t n, int d, const std::int32_t* labels);

/// Silhouette of a sample of min(sample, n) points drawn without replacement with `seed`
/// (distances within the sample, as scikit-learn's silhouette_score(sample_size=...)).
double silhouette_score_sampled(const float* x, std::int64_t n, int d, const std::int32_t* labels,
                                std::int64_t sample, std::uint64_t seed);

}  // namespace tailor
