#!/usr/bin/env python3
"""scikit-learn reference for tests/core/test_tfidf.cpp: fits TfidfVectorizer on DOCS (UTF-8, NUL
separated) and prints JSON {vocabulary, idf, indptr, indices, data} of fit_transform.
Usage: tfidf_sklearn.py DOCS NGRAM_MIN NGRAM_MAX MIN_DF MAX_DF MAX_FEATURES SUBLINEAR SMOOTH LOWER"""
import json
import sys

from sklearn.feature_extraction.text import TfidfVectorizer


def main():
    path = sys.argv[1]
    ngram_min, ngram_max = int(sys.argv[2]), int(sys.argv[3])
    min_df, max_df = float(sys.argv[4]), float(sys.argv[5])
    max_features = int(sys.argv[6])
    sublinear, smooth, lower = (sys.argv[i] == "1" for i in (7, 8, 9))
    with open(path, "rb") as f:
        docs = f.read().decode("utf-8").split("\0")
    vec = TfidfVectorizer(ngram_range=(ngram_min, ngram_max),
                          min_df=int(min_df) if min_df >= 1 else min_df,
                          max_df=max_df if max_df <= 1 else int(max_df),
                          max_features=max_features if max_features > 0 else None,
                          sublinear_tf=sublinear, smooth_idf=smooth, lowercase=lower)
    x = vec.fit_transform(docs).tocsr()
    x.sort_indices()
    vocab = vec.get_feature_names_out().tolist()
    print(json.dumps({"vocabulary": vocab, "idf": vec.idf_.tolist(), "indptr": x.indptr.tolist(),
                      "indices": x.indices.tolist(), "data": x.data.tolist()}))


if __name__ == "__main__":
    main()
