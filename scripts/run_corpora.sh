#!/usr/bin/env bash
# Imports the three public text corpora into one dataset and trains the spam-likeness scorer on
# it, then runs the scikit-learn reference on the same split: the figures of docs/corpus.md and
# docs/quality.md "Spam-likeness scorer". Needs a build (scripts/build.sh) and ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BUILD_DIR:-build}/bin
DATA=${DATA_DIR:-../shared/data}
OUT_DIR=${OUT_DIR:-out}
mkdir -p "$OUT_DIR"
C="$OUT_DIR/corpora.h5"

echo "== 1. SpamAssassin (new dataset $C)"
time "$BIN/tailor-train" import-corpus --config configs/corpus.yaml --format spamassassin \
  --input "$DATA/spamassassin/spamassassin_public_corpus.tar.xz" --output "$C" \
  --rejects "$OUT_DIR/spamassassin_rejects.csv"
echo "== 2. AESLC (appended)"
time "$BIN/tailor-train" import-corpus --config configs/corpus.yaml --format aeslc \
  --input "$DATA/aeslc/AESLC.tar.xz" --append-to "$C" --output "$C" --rejects "$OUT_DIR/aeslc_rejects.csv"
echo "== 3. fashion product names (appended)"
time "$BIN/tailor-train" import-corpus --config configs/corpus.yaml --format fashion \
  --input "$DATA/fashion_products/styles.csv.xz" --append-to "$C" --output "$C" \
  --rejects "$OUT_DIR/fashion_rejects.csv"
echo "== 4. spam-likeness scorer"
time "$BIN/tailor-train" spam-scorer --config configs/spam_scorer.yaml --dataset "$C" --output "$OUT_DIR/spam_scorer.h5"
echo "== 5. scikit-learn reference on the same split"
time /usr/bin/python3 scripts/spam_scorer_sklearn.py "$C"
