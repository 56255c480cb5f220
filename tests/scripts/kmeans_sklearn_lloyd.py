#!/usr/bin/env python3
"""Reference for tests/kernels/test_kmeans_sklearn.cpp: scikit-learn's Lloyd K-means from given
initial centroids. Reads DIR/x.bin (float32 n x d) and DIR/init.bin (float32 k x d), writes
DIR/labels.bin (int32 n) and DIR/centroids.bin (float32 k x d), prints JSON {inertia, n_iter}.
Usage: kmeans_sklearn_lloyd.py DIR n d k max_iter tol"""
import json
import sys

import numpy as np
from sklearn.cluster import KMeans


def main():
    folder, n, d, k, max_iter, tol = sys.argv[1], *map(int, sys.argv[2:6]), float(sys.argv[6])
    x = np.fromfile(f"{folder}/x.bin", dtype=np.float32).reshape(n, d)
    init = np.fromfile(f"{folder}/init.bin", dtype=np.float32).reshape(k, d)
    km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=tol)
    km.fit(x)
    km.labels_.astype(np.int32).tofile(f"{folder}/labels.bin")
    km.cluster_centers_.astype(np.float32).tofile(f"{folder}/centroids.bin")
    print(json.dumps({"inertia": float(km.inertia_), "n_iter": int(km.n_iter_)}))


if __name__ == "__main__":
    main()
