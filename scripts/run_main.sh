#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what tailor needs, builds it, generates the
# seeded synthetic shop and runs every stage that exists so far on it. Outputs land in ${OUT_DIR:-out}/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT_DIR=${OUT_DIR:-out}
CUSTOMERS=${CUSTOMERS:-20000}
PRODUCTS=${PRODUCTS:-2000}
SEED=${SEED:-42}

bash scripts/setup.sh
bash scripts/build.sh
BIN=${BUILD_DIR:-build}/bin
mkdir -p "$OUT_DIR"

echo "== 1. synthetic shop: $CUSTOMERS customers, $PRODUCTS products, seed $SEED"
"$BIN/tailor-train" synth --config configs/synth.yaml --customers "$CUSTOMERS" --products "$PRODUCTS" \
  --seed "$SEED" --output "$OUT_DIR/shop.h5"

echo "== 2. dataset summary"
"$BIN/tailor-infer" inspect "$OUT_DIR/shop.h5"

echo "== 3. customer segments: train on the shop, assign every customer (docs/segments.md)"
"$BIN/tailor-train" segment --config configs/segment.yaml --dataset "$OUT_DIR/shop.h5" \
  --output "$OUT_DIR/segments.h5" --report-dir "$OUT_DIR/segments/train"
"$BIN/tailor-infer" segment --config configs/segment.yaml --dataset "$OUT_DIR/shop.h5" \
  --checkpoint "$OUT_DIR/segments.h5" --output "$OUT_DIR/segments/assignments.csv" \
  --report-dir "$OUT_DIR/segments"

echo "== 4. product recommendations: train on the shop, top-k per customer (docs/quality.md)"
"$BIN/tailor-train" recommend --config configs/recommend.yaml --dataset "$OUT_DIR/shop.h5" \
  --output "$OUT_DIR/recommend.h5"
"$BIN/tailor-infer" recommend --config configs/recommend.yaml --dataset "$OUT_DIR/shop.h5" \
  --checkpoint "$OUT_DIR/recommend.h5" --output "$OUT_DIR/recommendations.jsonl"

echo
echo "Done. Dataset: $OUT_DIR/shop.h5 (layout: docs/dataset.md)."
echo "Segments: $OUT_DIR/segments.h5, $OUT_DIR/segments/assignments.csv, report $OUT_DIR/segments/segments.md"
echo "Recommendations: $OUT_DIR/recommend.h5, $OUT_DIR/recommendations.jsonl"
