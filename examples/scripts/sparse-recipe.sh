#!/usr/bin/env bash
# Issue 19's recipe for the sparse autoencoder 784-1024 (KL sparsity, rho 0.05) on full MNIST.
#   sparse-recipe.sh validate   the KL weight beta, the batch size and the epochs compared on the last 10,000
#                               training digits (mean code activation against rho, reconstruction BCE/pixel;
#                               the test set is not read)
#   sparse-recipe.sh validate2  the second grid: beta 6 and 10 at batch 64, with the rate dropped to a tenth for
#                               the last two epochs (--lr-schedule step) or constant
#   sparse-recipe.sh final      the validated choice (BETA 6, BATCH 64, EPOCHS 10, SCHEDULE none) on all 60,000
#                               digits, then the linear probe on its code (softmax on the frozen code, all labels,
#                               at the minimum of its objective), and one line with the three figures and targets
# The mean code is over every held-out digit (validation split or test set) since e10f110; the figures of the
# validate grids in BENCHMARKS.md were measured on the first 500 digits.
# Needs full MNIST (datasets/scripts/fetch-mnist.sh). Output under ${OUT:-output/sparse-recipe}.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/sparse-recipe}
mkdir -p "$OUT"
sparse() { # name, then options
  local name=$1 resume=(); shift
  [ -d "$OUT/$name/checkpoint" ] && resume=(--resume "$OUT/$name/checkpoint")   # a killed run continues
  ZOO_THREADS=1,1 taskset -c "${CORE:-0}" java -Xmx3g -Xmn16m -jar "$JAR" train sparse-autoencoder --data mnist --hidden 1024 --rho 0.05 \
      "$@" "${resume[@]}" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" >> "$OUT/$name.log"
  grep -E "^epoch" "$OUT/$name.log" | tail -1 | sed "s|^|$name  |"
}
case "${1:-}" in
  validate)
    for beta in 3 6 10; do
      sparse "v-beta$beta-b256-e10" --beta "$beta" --batch 256 --epochs 10 --validation 10000
    done
    sparse v-beta3-b256-e30 --beta 3 --batch 256 --epochs 30 --validation 10000
    sparse v-beta3-b64-e10 --beta 3 --batch 64 --epochs 10 --validation 10000
    sparse v-beta3-b64-e20 --beta 3 --batch 64 --epochs 20 --validation 10000
    sparse v-beta3-b64-e10-exp --beta 3 --batch 64 --epochs 10 --lr 0.003 --lr-schedule exponential --validation 10000
    sparse v-beta6-b64-e10 --beta 6 --batch 64 --epochs 10 --validation 10000
    sparse v-beta6-b64-e10-exp --beta 6 --batch 64 --epochs 10 --lr-schedule exponential --validation 10000 ;;
  validate2)
    sparse v-beta10-b64-e10 --beta 10 --batch 64 --epochs 10 --validation 10000
    sparse v-beta6-b64-e10-step --beta 6 --batch 64 --epochs 10 --lr-schedule step --validation 10000
    sparse v-beta10-b64-e10-step --beta 10 --batch 64 --epochs 10 --lr-schedule step --validation 10000 ;;
  final)
    name="final-beta${BETA:-6}-b${BATCH:-64}-e${EPOCHS:-10}"
    [ "${SCHEDULE:-none}" = none ] || name="$name-${SCHEDULE}"
    sparse "$name" --beta "${BETA:-6}" --batch "${BATCH:-64}" --epochs "${EPOCHS:-10}" --lr-schedule "${SCHEDULE:-none}"
    ZOO_THREADS=1,1 java -Xmn16m -jar "$JAR" classify --encoder "$OUT/$name/model.zip" --protocol fixed --epochs 1 \
        --probe true --out "$OUT/$name-probe" 2>&1 | grep --line-buffered -E "^epoch|linear_probe" \
        | tee "$OUT/$name-probe.log"
    last=$(grep -E "^epoch" "$OUT/$name.log" | tail -1)
    code=$(sed -E 's/.* mean_code ([0-9.]+) .*/\1/' <<< "$last")
    bce=$(sed -E 's/.* test_loss ([0-9.]+) .*/\1/' <<< "$last")
    probe=$(grep -E "^linear_probe" "$OUT/$name-probe.log" | sed -E 's/.* test_accuracy ([0-9.]+) .*/\1/')
    echo "sparse recipe: mean code $code on all test digits (target <= 0.055), test BCE/pixel $bce (target <= 0.0948)," \
      "linear probe $probe (target >= 0.97)" ;;
  *) echo "usage: $0 validate|validate2|final" >&2; exit 2 ;;
esac
