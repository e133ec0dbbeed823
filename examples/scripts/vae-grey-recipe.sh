#!/usr/bin/env bash
# Issue 19's recipe for the VAE 784-400-20 on grey-level MNIST (pytorch/examples' setting: Bernoulli decoder on
# grey levels, Adam, 10 epochs, test -ELBO with one latent sample per digit).
#   vae-grey-recipe.sh validate   batch size and learning rate compared on the last 10,000 training digits
#                                 (10 epochs on the other 50,000; the test set is not read)
#   vae-grey-recipe.sh final      BATCH, LR and SCHEDULE (the validated choice) on all 60,000 digits, test -ELBO
# Needs full MNIST (datasets/scripts/fetch-mnist.sh). Output under ${OUT:-output/vae-grey-recipe}.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/vae-grey-recipe}
mkdir -p "$OUT"
vae() { # name, then options
  local name=$1 resume=(); shift
  [ -d "$OUT/$name/checkpoint" ] && resume=(--resume "$OUT/$name/checkpoint")   # a killed run continues
  OMP_NUM_THREADS=1 java -jar "$JAR" train variational-autoencoder --data mnist --hidden 400 --latent 20 \
      --epochs 10 "$@" "${resume[@]}" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" >> "$OUT/$name.log"
  grep -E "^epoch +10/" "$OUT/$name.log" | sed "s|^|$name  |"
}
case "${1:-}" in
  validate)
    for setting in "128 0.001 none" "64 0.001 none" "32 0.001 none" "128 0.003 none" "64 0.002 none" \
        "32 0.002 exponential" "16 0.001 none" "32 0.003 exponential" "32 0.005 exponential" \
        "64 0.006 exponential" "32 0.008 exponential"; do
      set -- $setting
      vae "v-b$1-lr$2-$3" --batch "$1" --lr "$2" --lr-schedule "$3" --validation 10000
    done ;;
  final)
    vae "final-b${BATCH:-32}-lr${LR:-0.001}-${SCHEDULE:-none}" --batch "${BATCH:-32}" --lr "${LR:-0.001}" \
        --lr-schedule "${SCHEDULE:-none}" ;;
  *) echo "usage: $0 validate|final" >&2; exit 2 ;;
esac
