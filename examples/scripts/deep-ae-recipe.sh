#!/usr/bin/env bash
# Issue 19's recipe for the deep undercomplete autoencoder 784-128-64-32 (ReLU hidden layers, sigmoid output, BCE,
# Adam) on full MNIST, 20 epochs.
#   deep-ae-recipe.sh validate   batch size, rate, rate schedule and the code's activation compared on the last 10,000 training digits
#                                (20 epochs on the other 50,000; the test set is not read)
#   deep-ae-recipe.sh final      BATCH, LR, SCHEDULE and CODE (the validated choice) on all 60,000 digits, test BCE/pixel
# Needs full MNIST (datasets/scripts/fetch-mnist.sh). Output under ${OUT:-output/deep-ae-recipe}.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/deep-ae-recipe}
mkdir -p "$OUT"
ae() { # name, then options
  local name=$1 resume=(); shift
  [ -d "$OUT/$name/checkpoint" ] && resume=(--resume "$OUT/$name/checkpoint")   # a killed run continues
  OMP_NUM_THREADS=1 java -jar "$JAR" train undercomplete-autoencoder --data mnist --hidden 128,64,32 --epochs 20 \
      "$@" "${resume[@]}" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" >> "$OUT/$name.log"
  grep -E "^epoch +20/" "$OUT/$name.log" | sed "s|^|$name  |"
}
case "${1:-}" in
  validate)
    for setting in "256 0.001 none relu" "64 0.001 none relu" "64 0.003 exponential relu" \
        "32 0.002 exponential relu" "64 0.001 none identity" "32 0.001 none identity" \
        "64 0.001 exponential identity"; do
      set -- $setting
      ae "v-b$1-lr$2-$3-code-$4" --batch "$1" --lr "$2" --lr-schedule "$3" --code-activation "$4" \
          --validation 10000
    done ;;
  final)
    ae "final-b${BATCH:-32}-lr${LR:-0.001}-${SCHEDULE:-none}-code-${CODE:-identity}" --batch "${BATCH:-32}" \
        --lr "${LR:-0.001}" --lr-schedule "${SCHEDULE:-none}" --code-activation "${CODE:-identity}" ;;
  *) echo "usage: $0 validate|final" >&2; exit 2 ;;
esac
