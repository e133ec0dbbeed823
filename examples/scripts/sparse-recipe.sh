#!/usr/bin/env bash
# Issue 19's recipe for the sparse autoencoder 784-1024 (KL sparsity, rho 0.05) on full MNIST, 10 epochs.
#   sparse-recipe.sh validate   the KL weight beta compared on the last 10,000 training digits (mean code
#                               activation against rho, reconstruction; the test set is not read)
#   sparse-recipe.sh final      BETA (the validated choice) on all 60,000 digits, then the linear probe on its code
# Needs full MNIST (datasets/scripts/fetch-mnist.sh). Output under ${OUT:-output/sparse-recipe}.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/sparse-recipe}
mkdir -p "$OUT"
sparse() { # name, then options
  local name=$1; shift
  OMP_NUM_THREADS=1 java -jar "$JAR" train sparse-autoencoder --data mnist --hidden 1024 --rho 0.05 --epochs 10 \
      "$@" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" > "$OUT/$name.log"
  grep -E "^epoch +10/" "$OUT/$name.log" | sed "s|^|$name  |"
}
case "${1:-}" in
  validate)
    for beta in 3 6 10; do
      sparse "v-beta$beta" --beta "$beta" --validation 10000
    done ;;
  final)
    sparse "final-beta${BETA:-6}" --beta "${BETA:-6}"
    OMP_NUM_THREADS=1 java -jar "$JAR" classify --encoder "$OUT/final-beta${BETA:-6}/model.zip" --protocol fixed --epochs 1 \
        --probe true --out "$OUT/final-beta${BETA:-6}-probe" 2>&1 | grep --line-buffered -E "^epoch|linear_probe" \
        | tee "$OUT/final-beta${BETA:-6}-probe.log" ;;
  *) echo "usage: $0 validate|final" >&2; exit 2 ;;
esac
