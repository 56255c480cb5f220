#!/usr/bin/env python3
"""Independent NumPy/SciPy/scikit-learn reference of the Online Retail recommendation protocol
(docs/quality.md "Recommendations"), read straight from the raw CSV (not from tailor's importer).

Purchases = lines with a CustomerID, exact duplicate lines removed, no cancellation invoices
(InvoiceNo starting with C), Quantity > 0, UnitPrice > 0, none of the non-product stock codes.
Split at CUTOFF: test customers have purchases on both sides and bought at least one product from
CUTOFF on that they had not bought before; those products are the targets. Candidates = products
bought before the cutoff; a customer's past purchases are never recommended. Metrics: HitRate@k,
Recall@k, NDCG@k (binary relevance, ideal DCG over min(|targets|, k)), coverage@k.

Methods computed here the way tailor's recommender defines them (core/recommend/recommender.h):
popularity (customers who bought the product, 2^(-age/half-life) of their last purchase), tfidf
(TfidfVectorizer of the titles, decayed profile, cosine), copurchase (invoice baskets, cosine pair
score, decayed sum), item_cf (cosine of decayed, customer-normalised product vectors over
customers, pairs with >= MIN_CUSTOMERS common customers, decayed sum) and the max-normalised blend
with given weights (popularity, tfidf, copurchase, item_cf).

Usage: recommend_protocol_reference.py CSV[.xz] [--cutoff 2011-09-01] [--end DATE]
           [--weights 0.25,0.25,0,0.5] [--item-cf-half-life 30] [--item-cf-min-customers 4]
           [--popularity-half-life 7] [--profile-half-life 90] [--expect-customers N] [--json OUT]
Prints one line per method (to stderr when OUT is "-", the JSON report then going to stdout);
exits 1 if the test customer count is not --expect-customers."""
import argparse
import calendar
import csv
import functools
import io
import json
import lzma
import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

NON_PRODUCTS = {"POST", "DOT", "M", "m", "BANK CHARGES", "AMAZONFEE", "D", "CRUK", "C2", "C3",
                "PADS", "S", "B", "ADJUST", "ADJUST2", "TEST001", "TEST002", "GIFT"}
NON_PRODUCT_PREFIXES = ("gift_",)
DAY = 86400.0


@functools.lru_cache(maxsize=None)  # the lines of an invoice share their time
def utc(text):
    return calendar.timegm(time.strptime(text, "%Y-%m-%d %H:%M:%S"))


def is_product(code):
    return code not in NON_PRODUCTS and not code.startswith(NON_PRODUCT_PREFIXES)


class Retail:
    """Purchase lines as arrays; products indexed in order of first appearance in the file."""

    def __init__(self, path):
        opener = lzma.open if path.endswith(".xz") else open
        with opener(path, "rt", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            col = {name: i for i, name in enumerate(header)}
            seen = set()
            product_index, titles = {}, []
            customer_index = {}
            invoice_index = {}
            cust, prod, inv, ts = [], [], [], []
            self.duplicates = 0
            for row in reader:
                key = tuple(row)
                if key in seen:
                    self.duplicates += 1
                    continue
                seen.add(key)
                code = row[col["StockCode"]].strip()
                p = product_index.setdefault(code, len(product_index))
                if p == len(titles):
                    titles.append({})
                desc = row[col["Description"]].strip()
                if desc:
                    titles[p][desc] = titles[p].get(desc, 0) + 1  # dicts keep first-seen order
                cid = row[col["CustomerID"]].strip()
                invoice = row[col["InvoiceNo"]].strip()
                if not cid or invoice.startswith("C"):
                    continue
                if int(row[col["Quantity"]]) <= 0 or float(row[col["UnitPrice"]]) <= 0:
                    continue
                if not is_product(code):
                    continue
                cust.append(customer_index.setdefault(cid, len(customer_index)))
                prod.append(p)
                inv.append(invoice_index.setdefault(invoice, len(invoice_index)))
                ts.append(utc(row[col["InvoiceDate"]].strip()))
        self.customer = np.asarray(cust, dtype=np.int64)
        self.product = np.asarray(prod, dtype=np.int64)
        self.invoice = np.asarray(inv, dtype=np.int64)
        self.time = np.asarray(ts, dtype=np.int64)
        self.n_products = len(product_index)
        self.n_customers = len(customer_index)
        self.n_invoices = len(invoice_index)
        # Title = most frequent non-empty description; ties go to the one seen first.
        self.titles = [max(t.items(), key=lambda e: e[1])[0] if t else "" for t in titles]


def split(d, cutoff, end):
    before = d.time < cutoff
    after = (d.time >= cutoff) & (d.time < end)
    bought = [set() for _ in range(d.n_customers)]
    later = [set() for _ in range(d.n_customers)]
    for c, p in zip(d.customer[before], d.product[before]):
        bought[c].add(p)
    for c, p in zip(d.customer[after], d.product[after]):
        later[c].add(p)
    customers, targets, both = [], [], 0
    for c in range(d.n_customers):
        if not bought[c] or not later[c]:
            continue
        both += 1
        fresh = later[c] - bought[c]
        if fresh:
            customers.append(c)
            targets.append(sorted(fresh))
    return customers, targets, both


class Model:
    """The three sources trained on purchases before `cutoff`, and the histories of `customers`."""

    def __init__(self, d, cutoff, customers, half_life=90.0, pop_half_life=90.0,
                 cf_half_life=30.0, cf_min_customers=4):
        m = d.time < cutoff
        c, p, b, t = d.customer[m], d.product[m], d.invoice[m], d.time[m]
        n = d.n_products
        self.candidate = np.zeros(n, dtype=bool)
        self.candidate[p] = True
        ref = t.max()
        # Last purchase per (customer, product).
        key = c * n + p
        order = np.lexsort((t, key))
        key_s, t_s = key[order], t[order]
        last_idx = np.r_[np.nonzero(key_s[1:] != key_s[:-1])[0], len(key_s) - 1]
        last_key, last_t = key_s[last_idx], t_s[last_idx]
        dec = np.exp2(-((ref - last_t) / DAY) / pop_half_life) if pop_half_life > 0 else \
            np.ones(len(last_t))
        self.popularity = np.bincount(last_key % n, weights=dec, minlength=n).astype(np.float32)

        # Histories: weight 2^(-age / half_life), age from the customer's own last purchase.
        rows = {cu: r for r, cu in enumerate(customers)}
        hc, hp, hw = [], [], []
        newest = {}
        for k, tt in zip(last_key, last_t):
            cu = int(k // n)
            if cu in rows:
                newest[cu] = max(newest.get(cu, -1), tt)
        for k, tt in zip(last_key, last_t):
            cu = int(k // n)
            if cu in rows:
                hc.append(rows[cu])
                hp.append(int(k % n))
                w = np.exp2(-((newest[cu] - tt) / DAY) / half_life) if half_life > 0 else 1.0
                hw.append(np.float32(w))
        self.history = sp.csr_matrix((np.asarray(hw, dtype=np.float64), (hc, hp)),
                                     shape=(len(customers), n))
        self.bought = self.history.copy()
        self.bought.data[:] = 1

        # TF-IDF fitted on the candidate products' titles, applied to every title.
        vec = TfidfVectorizer(ngram_range=(1, 2), dtype=np.float64)
        vec.fit([d.titles[i] for i in range(n) if self.candidate[i]])
        self.vectors = vec.transform(d.titles).tocsr()

        # Co-purchase: invoices x products 0/1, support = XᵀX off the diagonal, cosine score.
        x = sp.csr_matrix((np.ones(len(b)), (b, p)), shape=(d.n_invoices, n))
        x.data[:] = 1.0  # duplicates collapse
        s = (x.T @ x).tocoo()
        off = s.row != s.col
        row, col = s.row[off], s.col[off]
        nb = np.asarray(x.sum(axis=0)).ravel()
        cos = s.data[off] / np.sqrt(nb[row] * nb[col])
        self.copurchase = sp.csr_matrix((cos.astype(np.float32).astype(np.float64), (row, col)),
                                        shape=(n, n))

        # Item CF: r(u, i) = 2^(-age of u's last purchase of i / cf_half_life) / sqrt(n_u), product
        # vectors over customers l2-normalised, cosine off the diagonal, >= cf_min_customers.
        u, i = last_key // n, last_key % n
        n_u = np.bincount(u, minlength=d.n_customers)
        r = np.exp2(-((ref - last_t) / DAY) / cf_half_life) if cf_half_life > 0 else \
            np.ones(len(last_t))
        r = r / np.sqrt(n_u[u])
        v = sp.csr_matrix((r, (i, u)), shape=(n, d.n_customers))
        norm = np.sqrt(np.asarray(v.multiply(v).sum(axis=1)).ravel())
        norm[norm == 0] = 1
        v = sp.diags(1 / norm) @ v
        sim = (v @ v.T).tocoo()
        ones = v.copy()
        ones.data[:] = 1
        common = (ones @ ones.T).tocoo()
        assert (sim.row == common.row).all() and (sim.col == common.col).all()
        keep = (sim.row != sim.col) & (common.data >= cf_min_customers)
        self.item_cf = sp.csr_matrix((sim.data[keep].astype(np.float32).astype(np.float64),
                                      (sim.row[keep], sim.col[keep])), shape=(n, n))

    def source_scores(self):
        """Dense customers x products scores of popularity, tfidf, copurchase, item_cf, and the
        mask of products that may be recommended to each customer."""
        nc = self.history.shape[0]
        pop = np.tile(self.popularity.astype(np.float64), (nc, 1))
        prof = self.history @ self.vectors
        norms = np.sqrt(np.asarray(prof.multiply(prof).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        prof = sp.diags(1 / norms) @ prof
        tfidf = (prof @ self.vectors.T).toarray()
        cop = (self.history @ self.copurchase).toarray()
        icf = (self.history @ self.item_cf).toarray()
        allowed = np.tile(self.candidate, (nc, 1)) & (self.bought.toarray() == 0)
        return [pop, tfidf, cop, icf], allowed


def top_k(score, allowed, k):
    """Per row, the k best allowed items with score > 0 (ties by lower item); -1 pads."""
    s = np.where(allowed & (score > 0), score, -np.inf)
    k = min(k, s.shape[1])
    # Every item scoring at least the row's k-th best score (ties included), then an exact sort.
    kth = -np.partition(-s, k - 1, axis=1)[:, k - 1]
    out = np.full((s.shape[0], k), -1, dtype=np.int64)
    for r in range(s.shape[0]):
        idx = np.nonzero(s[r] >= kth[r])[0]
        order = idx[np.lexsort((idx, -s[r, idx]))][:k]
        order = order[np.isfinite(s[r, order])]
        out[r, :len(order)] = order
    return out


def candidate_union(scores, allowed, depth=100):
    """Per customer, the union of each source's top `depth`."""
    nc, n = allowed.shape
    cand = np.zeros((nc, n), dtype=bool)
    for s in scores:
        t = top_k(s, allowed, depth)
        for r in range(nc):
            cand[r, t[r][t[r] >= 0]] = True
    return cand


def blend_lists(scores, cand, weights, k):
    """Per-customer max normalisation over the candidates, weighted sum, top k."""
    nc, n = cand.shape
    total = np.zeros((nc, n))
    for s, w in zip(scores, weights):
        sc = np.where(cand, s, 0.0).astype(np.float32)
        mx = sc.max(axis=1, keepdims=True)
        mx[mx == 0] = 1
        total += w * (sc / mx).astype(np.float64)
    return top_k(total.astype(np.float32).astype(np.float64), cand, k)


def metrics(lists, targets, k, n_candidates):
    hit = rec = ndcg = 0.0
    covered = set()
    disc = 1 / np.log2(np.arange(2, k + 2))
    for row, tg in zip(lists, targets):
        want = set(tg)
        got = [i for i in row[:k] if i >= 0]
        covered.update(got)
        rel = np.array([1.0 if (s < len(got) and got[s] in want) else 0.0 for s in range(k)])
        h = rel.sum()
        hit += h > 0
        rec += h / len(want)
        ndcg += (rel * disc).sum() / disc[:min(len(want), k)].sum()
    n = len(targets)
    return {"hit_rate": hit / n, "recall": rec / n, "ndcg": ndcg / n,
            "coverage": len(covered) / n_candidates}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--cutoff", default="2011-09-01")
    ap.add_argument("--end", default="")
    ap.add_argument("--weights", default="0.25,0.25,0,0.5")
    ap.add_argument("--item-cf-half-life", type=float, default=30.0)
    ap.add_argument("--item-cf-min-customers", type=int, default=4)
    ap.add_argument("--popularity-half-life", type=float, default=7.0)
    ap.add_argument("--profile-half-life", type=float, default=90.0)
    ap.add_argument("--expect-customers", type=int, default=-1)
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    log = sys.stderr if a.json == "-" else sys.stdout
    t0 = time.time()
    d = Retail(a.csv)
    cutoff = utc(a.cutoff + " 00:00:00")
    end = utc(a.end + " 00:00:00") if a.end else np.iinfo(np.int64).max
    customers, targets, both = split(d, cutoff, end)
    model = Model(d, cutoff, customers, half_life=a.profile_half_life,
                  pop_half_life=a.popularity_half_life, cf_half_life=a.item_cf_half_life,
                  cf_min_customers=a.item_cf_min_customers)
    scores, allowed = model.source_scores()
    n_cand = int(model.candidate.sum())
    w = [float(v) for v in a.weights.split(",")]
    assert len(w) == 4, "--weights: popularity,tfidf,copurchase,item_cf"
    methods = {"popularity": [1, 0, 0, 0], "tfidf": [0, 1, 0, 0], "copurchase": [0, 0, 1, 0],
               "item_cf": [0, 0, 0, 1], "blend": w}
    report = {"cutoff": a.cutoff, "test_customers": len(customers), "customers_both_sides": both,
              "candidates": n_cand, "duplicates_removed": d.duplicates, "methods": {}}
    print(f"{len(customers)} test customers ({both} on both sides), {n_cand} candidates, "
          f"{d.duplicates} duplicate lines removed", file=log)
    cand = candidate_union(scores, allowed)
    for name, wt in methods.items():
        lists = blend_lists(scores, cand, wt, 20)
        m10, m20 = metrics(lists, targets, 10, n_cand), metrics(lists, targets, 20, n_cand)
        report["methods"][name] = {"weights": wt, "hit_rate_10": m10["hit_rate"],
                                   "recall_10": m10["recall"], "ndcg_10": m10["ndcg"],
                                   "ndcg_20": m20["ndcg"], "coverage_10": m10["coverage"]}
        print(f"{name:11s} HitRate@10 {m10['hit_rate']:.4f} Recall@10 {m10['recall']:.4f} "
              f"NDCG@10 {m10['ndcg']:.6f} NDCG@20 {m20['ndcg']:.6f} "
              f"Coverage@10 {m10['coverage']:.4f}", file=log)
    print(f"reference protocol in {time.time() - t0:.1f} s", file=log)
    if a.json == "-":
        json.dump(report, sys.stdout, indent=2)
    elif a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=2)
    if a.expect_customers >= 0 and len(customers) != a.expect_customers:
        print(f"expected {a.expect_customers} test customers", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
