#!/usr/bin/env bash
# Issue 20's semi-supervised table under the validation protocol (BENCHMARKS.md, headline section): six encoders
# pretrained without labels on the 60,000 MNIST training digits, then, per label budget and seeds 1-3, the frozen,
# fine-tuned, LP-FT and scratch classifiers, each setting chosen and each run stopped on the last 1,000 training
# digits (never the test set; src/site/markdown/semi-supervised.md), the pretrained encoders' ReLU layers balanced
# first (semi-supervised's default --balance-scales pretrained).
#
#   semi-supervised-recipe.sh pretrain [NAME...]      pretrains the encoders (default: all six, in this order)
#   semi-supervised-recipe.sh run BUDGET [NAME...]    the protocol at one budget (100, 600, 1000 or 3000)
#
# NAME: sparse (784-1024, KL beta 6, batch 64, 10 epochs: sparse-recipe.sh's validated choice), dae (784-1000,
# masking 25%, 20 epochs), cae (784-1000, lambda 1, decoder max-norm 1, 20 epochs), ae (784-128-64-32, 20 epochs
# of batch 32 as deep-ae-recipe.sh's, ReLU code), vae (784-400-20, batch 128, 10 epochs), rbm (500 units, PCD-1,
# batch 20, SGD 0.05, dynamic binarization, 5 epochs).
# Every step continues where a killed one stopped: a pretraining from its checkpoint, a protocol run from its
# runs.csv (--resume true). Needs full MNIST (datasets/scripts/fetch-mnist.sh) and a built jar (mvn -q -DskipTests
# package). JAR= picks another build, OUT= the folder (default output/semi-recipe), CORE= the core (default 0).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/semi-recipe}
mkdir -p "$OUT"
ALL="sparse dae cae ae vae rbm"
zoo() { ZOO_THREADS=1,1 taskset -c "${CORE:-0}" java -Xmx3g -Xmn16m -jar "$JAR" "$@" 2>&1 \
  | grep --line-buffered -v -E "WARN|INFO"; }
options() { # the train command and options of an encoder
  case "$1" in
    sparse) echo "sparse-autoencoder --hidden 1024 --rho 0.05 --beta 6 --batch 64 --epochs 10" ;;
    dae) echo "denoising-autoencoder --hidden 1000 --noise masking --level 0.25 --epochs 20" ;;
    cae) echo "contractive-autoencoder --hidden 1000 --lambda 1 --decoder-max-norm 1 --epochs 20" ;;
    ae) echo "undercomplete-autoencoder --epochs 20 --batch 32" ;;
    vae) echo "variational-autoencoder --batch 128 --epochs 10" ;;
    rbm) echo "rbm --hidden 500 --batch 20 --lr 0.05 --epochs 5 --binarize dynamic --ais-digits 0" ;;
    *) echo "unknown encoder '$1' (one of: $ALL)" >&2; exit 2 ;;
  esac
}
pretrain() {
  local name=$1 resume=()
  local opts
  opts=$(options "$name")
  if [ -f "$OUT/$name/model.zip" ]; then echo "$name: $OUT/$name/model.zip exists"; return; fi
  if [ -d "$OUT/$name/checkpoint" ]; then resume=(--resume "$OUT/$name/checkpoint"); fi
  # shellcheck disable=SC2086
  zoo train $opts --data mnist --seed 12345 "${resume[@]}" --out "$OUT/$name" >> "$OUT/$name.log"
  grep -E "^epoch" "$OUT/$name.log" | tail -1 | sed "s|^|$name  |"
}
run() { # budget, then encoder names
  local budget=$1 encoders=""; shift
  for name in "$@"; do
    options "$name" > /dev/null
    [ -f "$OUT/$name/model.zip" ] || { echo "$name: no $OUT/$name/model.zip (run pretrain first)" >&2; exit 2; }
    encoders="${encoders:+$encoders,}$OUT/$name/model.zip"
  done
  local dir resume=()
  dir="$OUT/labels-$budget-$(echo "$@" | tr ' ' '-')"
  if [ -f "$dir/runs.csv" ]; then resume=(--resume true); fi
  zoo semi-supervised --data mnist --budgets "$budget" --seeds 3 --modes frozen,fine-tuned,scratch,lp-ft \
    --encoders "$encoders" "${resume[@]}" --out "$dir" >> "$dir.log"
  cat "$dir/summary.md"
}
case "${1:-}" in
  pretrain) shift; for name in ${*:-$ALL}; do pretrain "$name"; done ;;
  run) shift; [ $# -ge 1 ] || { echo "usage: $0 run BUDGET [NAME...]" >&2; exit 2; }
    budget=$1; shift
    # shellcheck disable=SC2086
    run "$budget" ${*:-$ALL} ;;
  *) echo "usage: $0 pretrain [NAME...] | run BUDGET [NAME...]   (NAME: $ALL)" >&2; exit 2 ;;
esac
