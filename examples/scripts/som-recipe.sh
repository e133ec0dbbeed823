#!/usr/bin/env bash
# Issue 19's SOM recipe on full MNIST (fetch it first: datasets/scripts/fetch-mnist.sh).
#   som-recipe.sh validate   two rate schedules of a 30x30 map compared on the last 10,000 training digits (test set unread)
#   som-recipe.sh final      the chosen setting trained on all 60,000 training digits, measured on the test set,
#                            then MiniSom's rule (numpy, examples/scripts/minisom_reference.py) on the same map size
# Output under ${OUT:-output/som-recipe}; one log per run. JAR overrides the runner's jar.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/som-recipe}
MNIST=${MNIST:-$HOME/.unsupervised-zoo/data/mnist}
mkdir -p "$OUT"
som() { # name, then options
  local name=$1 resume=(); shift
  [ -d "$OUT/$name/checkpoint" ] && resume=(--resume "$OUT/$name/checkpoint")   # a killed run continues
  OMP_NUM_THREADS=1 java -jar "$JAR" train self-organizing-map --data mnist --init pca "$@" "${resume[@]}" \
      --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" >> "$OUT/$name.log"
  grep -H "som classifier" "$OUT/$name.log"
}
case "${1:-}" in
  validate)
    # the zoo's step is lr / B * sum_b h_bj (x_b - w_j): a unit that wins one digit of the batch moves lr / B of
    # the way, so a rate that decays to 0.01 (the default) at batch 128 barely moves units late in training
    som v-30x30-b128-default --rows 30 --cols 30 --batch 128 --lr 0.5 --lr-final 0.01 --sigma 15 --sigma-final 0.5 \
        --epochs 10 --validation 10000
    som v-30x30-b64-lr1.5 --rows 30 --cols 30 --batch 64 --lr 1.5 --lr-final 1.0 --sigma 15 --sigma-final 0.5 \
        --epochs 10 --validation 10000 ;;
  final)
    ROWS=${ROWS:-30} SIGMA=${SIGMA:-15} SIGMA_FINAL=${SIGMA_FINAL:-0.5}
    som final --rows "$ROWS" --cols "$ROWS" --batch 64 --lr 1.5 --lr-final 1.0 --sigma "$SIGMA" \
        --sigma-final "$SIGMA_FINAL" --epochs 10
    OPENBLAS_NUM_THREADS=1 python3 examples/scripts/minisom_reference.py "$MNIST" --rows "$ROWS" --cols "$ROWS" \
        --epochs "${MINISOM_EPOCHS:-2}" --sigma "${MINISOM_SIGMA:-3}" --lr 0.5 | tee "$OUT/minisom.log" ;;
  *) echo "usage: $0 validate|final" >&2; exit 2 ;;
esac
