#!/usr/bin/env python3
"""Peer of `tailor-bench kmeans`: scikit-learn on the same data and initial centroids as tailor.

Reads X_BIN (float32, n x d row-major); for each k of KS the initial centroids are the first k
points. For each k it times
  - "assign": KMeans.predict (scikit-learn's Lloyd assignment: chunked GEMM + argmin) with
    cluster_centers_ set to those centroids;
  - "fit": KMeans(algorithm="lloyd", n_init=1, init=<centroids>, tol=0, max_iter=ITERS).fit,
    reported per iteration (fit time / n_iter_).
WARMUP untimed runs, then REPEATS timed ones (time.perf_counter), and more while the timed runs add
up to less than MIN_TIME seconds (at most MAX_REPEATS), as tailor-bench times its own lines. Threads: OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS. Prints one JSON line:
{"cases": [{"k", "mode": "assign", "samples"}, {"k", "mode": "fit", "samples_per_iter", "n_iter",
"inertia"}, ...]}.
Usage: kmeans_sklearn.py X_BIN n d KS ITERS WARMUP REPEATS MIN_TIME MAX_REPEATS  (KS comma separated)
"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans


def timed(fn, warmup, repeats, min_time, max_repeats):
    for _ in range(warmup):
        fn()
    samples = []
    while len(samples) < repeats or (sum(samples) < min_time and len(samples) < max_repeats):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return samples, result


def main():
    x_bin, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    ks = [int(k) for k in sys.argv[4].split(",")]
    iters, warmup, repeats = map(int, sys.argv[5:8])
    min_time, max_repeats = float(sys.argv[8]), int(sys.argv[9])
    x = np.fromfile(x_bin, dtype=np.float32).reshape(n, d)
    cases = []
    for k in ks:
        init = np.ascontiguousarray(x[:k])
        model = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=1, tol=0).fit(x)
        model.cluster_centers_ = init.copy()
        samples, _ = timed(lambda: model.predict(x), warmup, repeats, min_time, max_repeats)
        cases.append({"k": k, "mode": "assign", "samples": samples})

        def fit():
            return KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=iters,
                          tol=0).fit(x)
        samples, km = timed(fit, warmup, repeats, min_time, max_repeats)
        n_iter = max(1, int(km.n_iter_))
        cases.append({"k": k, "mode": "fit", "samples_per_iter": [s / n_iter for s in samples],
                      "n_iter": int(km.n_iter_), "inertia": float(km.inertia_)})
    print(json.dumps({"cases": cases}))


if __name__ == "__main__":
    main()
