#!/usr/bin/env python3
"""Peer timing for `tailor-bench kmeans`: scikit-learn's Lloyd K-means on the same data and initial
centroids. Reads DIR/x.bin (float32 n x d) and DIR/init.bin (float32 k x d); runs KMeans with
algorithm="lloyd", n_init=1, tol=0 and max_iter=ITERS after a 1-iteration warm-up; prints JSON
{total_s, n_iter, per_iter_ms, inertia}: per_iter_ms = total / n_iter of the fastest of REPEATS fits. Threads: set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS. Usage: kmeans_sklearn.py DIR n d k ITERS REPEATS"""
import json
import sys
import time

import numpy as np
from sklearn.cluster import KMeans


def main():
    folder, n, d, k, iters, repeats = sys.argv[1], *map(int, sys.argv[2:7])
    x = np.fromfile(f"{folder}/x.bin", dtype=np.float32).reshape(n, d)
    init = np.fromfile(f"{folder}/init.bin", dtype=np.float32).reshape(k, d)
    KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=1, tol=0).fit(x)  # warm-up
    total, km = float("inf"), None
    for _ in range(repeats):
        run = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=iters, tol=0)
        start = time.perf_counter()
        run.fit(x)
        elapsed = time.perf_counter() - start
        if elapsed < total:
            total, km = elapsed, run
    nn, inertia = int(km.n_iter_), float(km.inertia_)
    per_iter = total / max(1, nn)
    print(json.dumps({"total_s": total, "n_iter": nn, "per_iter_ms": 1e3 * per_iter, "inertia": inertia}))


if __name__ == "__main__":
    main()
