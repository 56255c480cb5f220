#!/usr/bin/env python3
"""Peer timing for `tailor-bench topk`: per-row top-k of Q · Pᵀ with SciPy (sparse product per chunk
of rows, densified, np.argpartition) or scikit-learn (cosine_similarity per chunk, argpartition).
Reads DIR/{q,p}_{indptr,indices,values}.bin (int64, int32, float32 CSR); writes DIR/METHOD_scores.bin
(float32 n_q x k, each row descending) and prints JSON {seconds, rows}. Threads: set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS. Usage: topk_scipy.py DIR METHOD n_q n_i d k CHUNK REPEATS"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp


def load(folder, name, rows, cols):
    indptr = np.fromfile(f"{folder}/{name}_indptr.bin", dtype=np.int64)
    indices = np.fromfile(f"{folder}/{name}_indices.bin", dtype=np.int32)
    values = np.fromfile(f"{folder}/{name}_values.bin", dtype=np.float32)
    return sp.csr_matrix((values, indices, indptr), shape=(rows, cols))


def top_k(dense, k):
    part = np.argpartition(-dense, k - 1, axis=1)[:, :k]
    scores = np.take_along_axis(dense, part, axis=1)
    return -np.sort(-scores, axis=1)


def run(method, q, p, k, chunk):
    out = np.empty((q.shape[0], k), dtype=np.float32)
    if method == "scipy":
        pt = p.T.tocsr()
        for start in range(0, q.shape[0], chunk):
            block = (q[start:start + chunk] @ pt).toarray()
            out[start:start + chunk] = top_k(block, k)
    else:
        from sklearn.metrics.pairwise import cosine_similarity
        for start in range(0, q.shape[0], chunk):
            block = cosine_similarity(q[start:start + chunk], p, dense_output=True)
            out[start:start + chunk] = top_k(block, k)
    return out


def main():
    folder, method = sys.argv[1], sys.argv[2]
    n_q, n_i, d, k, chunk, repeats = map(int, sys.argv[3:9])
    q = load(folder, "q", n_q, d)
    p = load(folder, "p", n_i, d)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        out = run(method, q, p, k, chunk)
        best = min(best, time.perf_counter() - start)
    out.astype(np.float32).tofile(f"{folder}/{method}_scores.bin")
    print(json.dumps({"seconds": best, "rows": n_q}))


if __name__ == "__main__":
    main()
