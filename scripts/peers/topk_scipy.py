#!/usr/bin/env python3
"""Peer timing for `tailor-bench topk`: per-row top-k of Q · Pᵀ with SciPy (sparse product per chunk
of rows, densified, np.argpartition) or scikit-learn (cosine_similarity per chunk, argpartition).
Reads DIR/{q,p}_{indptr,indices,values}.bin (int64, int32, float32 CSR); WARMUP untimed runs, then
REPEATS timed ones (time.perf_counter), more while they add up to less than MIN_TIME seconds (at
most MAX_REPEATS); writes DIR/METHOD_scores.bin (float32 n_q x k, each row
descending) and prints JSON {samples, seconds (the fastest), rows}. Threads: set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS.
Usage: topk_scipy.py DIR METHOD n_q n_i d k CHUNK WARMUP REPEATS [MIN_TIME MAX_REPEATS]"""
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
    n_q, n_i, d, k, chunk, warmup, repeats = map(int, sys.argv[3:10])
    min_time, max_repeats = (float(sys.argv[10]), int(sys.argv[11])) if len(sys.argv) > 11 else (0.0, repeats)
    q = load(folder, "q", n_q, d)
    p = load(folder, "p", n_i, d)
    for _ in range(warmup):
        out = run(method, q, p, k, chunk)
    samples = []
    while len(samples) < repeats or (sum(samples) < min_time and len(samples) < max_repeats):
        start = time.perf_counter()
        out = run(method, q, p, k, chunk)
        samples.append(time.perf_counter() - start)
    out.astype(np.float32).tofile(f"{folder}/{method}_scores.bin")
    print(json.dumps({"samples": samples, "seconds": min(samples), "rows": n_q}))


if __name__ == "__main__":
    main()
