#!/usr/bin/python3
"""scikit-learn reference for `tailor-train spam-scorer` on the same dataset and split.

Reads the labelled corpus rows of a tailor dataset (h5py), builds the same features
(TfidfVectorizer with the scorer's defaults, slots {name} -> slot_name), fits LogisticRegression
with the same objective (C = 1 / (l2 * n_train), unpenalised intercept, lbfgs), picks the
threshold that maximises F1 on dev as tailor does, and prints test metrics.
Usage: /usr/bin/python3 scripts/spam_scorer_sklearn.py DATASET.h5 [--l2 1e-4]
"""
import argparse
import re
from collections import OrderedDict

import h5py
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

SLOTS = ("first_name", "product", "category", "price", "discount", "shop")
SLOT_RE = re.compile(r"\{(" + "|".join(SLOTS) + r")\}")


def examples(path, split):
    f = h5py.File(path, "r")
    g = f["corpus"]
    docs = OrderedDict()
    text = g["text"][:]
    for i, (d, fld, sp, spam) in enumerate(zip(g["document"][:], g["field"][:], g["split"][:], g["spam"][:])):
        if spam < 0 or sp != split:
            continue
        e = docs.setdefault(int(d), {"subject": "", "body": "", "spam": int(spam)})
        t = text[i].decode("utf-8")
        if fld == 0:
            e["subject"] = t
        elif fld == 1:
            e["body"] = t
    docs = [docs[k] for k in sorted(docs)]
    x = [SLOT_RE.sub(lambda m: " slot_" + m.group(1) + " ", e["subject"] + "\n" + e["body"]) for e in docs]
    return x, np.array([e["spam"] for e in docs])


def best_threshold_f1(p, y):
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    best, best_thr, tp, fp, total = 0.0, 1.0 + 1e-9, 0, 0, ys.sum()
    i = 0
    while i < len(ps):
        j = i
        while j < len(ps) and ps[j] == ps[i]:
            tp += ys[j]
            fp += 1 - ys[j]
            j += 1
        f1 = 2 * tp / (2 * tp + fp + (total - tp))
        if f1 > best:
            best = f1
            best_thr = 0.5 * (ps[i] + (ps[j] if j < len(ps) else 0.0))
        i = j
    return best_thr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("--l2", type=float, default=1e-4)
    a = ap.parse_args()
    xtr, ytr = examples(a.dataset, 0)
    xdv, ydv = examples(a.dataset, 1)
    xte, yte = examples(a.dataset, 2)
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.95, sublinear_tf=True)
    Xtr = vec.fit_transform(xtr)
    clf = LogisticRegression(C=1.0 / (a.l2 * len(ytr)), solver="lbfgs", max_iter=5000, tol=1e-8)
    clf.fit(Xtr, ytr)
    thr = best_threshold_f1(clf.predict_proba(vec.transform(xdv))[:, 1], ydv)
    p = clf.predict_proba(vec.transform(xte))[:, 1]
    pred = (p >= thr).astype(int)
    print("sklearn reference: %d terms, threshold %.4f (max f1 on dev)" % (len(vec.vocabulary_), thr))
    print("  test n %d spam %d  accuracy %.4f  precision %.4f  recall %.4f  f1 %.4f  roc_auc %.4f" % (
        len(yte), yte.sum(), accuracy_score(yte, pred), precision_score(yte, pred, zero_division=0),
        recall_score(yte, pred), f1_score(yte, pred), roc_auc_score(yte, p)))


if __name__ == "__main__":
    main()
