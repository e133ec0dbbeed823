#!/usr/bin/env bash
# Issue 19's RBM recipe: 500 hidden units, PCD-1 on dynamically binarized MNIST, Nesterov momentum (0.5 for 5
# epochs, then 0.9), L2 weight cost 1e-4 on W, learning rate decaying linearly to 0 (Tieleman 2008; Hinton's
# practical guide), batch 100.
#
#   examples/scripts/rbm-recipe.sh validate [EPOCHS]   settings compared on the last 10,000 training digits
#                                                      (trained on the first 50,000; the test set is not read):
#                                                      rates LRS (default "0.05 0.02 0.01") with the recipe, and
#                                                      a control without momentum (SGD 0.05, batch 20)
#   examples/scripts/rbm-recipe.sh final [EPOCHS] [LR] the chosen setting (LR 0.02) on all 60,000, then AIS (100 chains x
#                                                      14,500 betas, 3 seeds) on the 10,000 test digits and a
#                                                      softmax on the hidden probabilities
#   examples/scripts/rbm-recipe.sh centered validate [EPOCHS] [ARGS...]
#                                                      a centered RBM (--centering 0.01, Melchior et al. 2016) with
#                                                      PyDeep's RBM_MNIST_big settings: PCD-1 with 100 chains, batch
#                                                      100, constant rate 0.01 (LRS to try others), no momentum, no
#                                                      weight decay, offsets started at the data mean and 0.5; on the
#                                                      last 10,000 training digits; ARGS go to the runner (e.g.
#                                                      --momentum 0.5 to try what PyDeep leaves out)
#   examples/scripts/rbm-recipe.sh centered final [EPOCHS] [LR] [ARGS...]
#                                                      the same on all 60,000 for 200 epochs (PyDeep's), then the
#                                                      final run's AIS and softmax
# PyDeep trains on digits binarized at 0.5 once; here, as in the other modes, on dynamically binarized digits (the
# AIS digits are stochastically binarized test digits). RATE= sets the offsets' rate (0.01); K= the Gibbs steps
# per update of the persistent chains (1; a run with K=5 writes to ...-k5). Issue 19's likelihood figure (-89.31
# nats, chosen on validation against PCD-1): K=5 examples/scripts/rbm-recipe.sh centered final 200 0.01
#
#   examples/scripts/rbm-recipe.sh features validate [EPOCHS] [ARGS...]
#                                                      issue 19's feature target (softmax or logistic regression on
#                                                      the hidden probabilities <= 1.8% error): wider RBMs (HIDDENS,
#                                                      default "1024 2048 4096") with the validation's best feature
#                                                      setting (no momentum, SGD 0.05, batch 20, PCD-1, weight cost
#                                                      1e-4, rate decaying linearly to 0), on the last 10,000
#                                                      training digits, no AIS; the softmax (Adam 1e-3, 30 epochs)
#                                                      and linear probes at the L2 costs PROBE_L2S
#   examples/scripts/rbm-recipe.sh features final [EPOCHS] [HIDDEN] [ARGS...]
#                                                      the chosen width on all 60,000, then the test figures
#                                                      (the probe at PROBE_L2, default 3e-3: chosen on validation)
# A killed run continues from its last epoch's checkpoint when the same command is started again (a finished one is
# evaluated again). Needs full MNIST (datasets/scripts/fetch-mnist.sh). JAR= picks another build of the examples jar;
# OUT= the folder.
set -euo pipefail
mode=${1:-final}
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/rbm-recipe}
# a killed run continues: where --out's folder holds a checkpoint, RESUME is --resume <out>/checkpoint
with_resume() { RESUME=(); local prev="" a; for a in "$@"; do
  if [ "$prev" = --out ] && [ -d "$a/checkpoint" ]; then RESUME=(--resume "$a/checkpoint"); fi; prev=$a; done; }
common() { with_resume "$@"; java -Xmn16m -jar "$JAR" train rbm --data mnist --hidden "${h:-500}" --k 1 --chain pcd \
  --binarize dynamic --weight-decay 1e-4 --lr-schedule linear --seed 12345 "$@" "${RESUME[@]}"; }
run() { common --batch 100 --momentum 0.9 --momentum-warmup 5 "$@"; }
case "$mode" in
  validate)
    epochs=${2:-30}
    for lr in ${LRS:-0.05 0.02 0.01}; do
      run --epochs "$epochs" --lr "$lr" --validation 10000 --ais-digits 1000 --ais-seeds 1 --clf-epochs 10 \
        --out "$OUT/validate-lr$lr-$epochs"
    done
    [ -n "${LRS:-}" ] || common --epochs "$epochs" --batch 20 --lr 0.05 --validation 10000 \
      --ais-digits 1000 --ais-seeds 1 --clf-epochs 10 --out "$OUT/validate-sgd-b20-lr0.05-$epochs" ;;
  final)
    epochs=${2:-100}
    lr=${3:-0.02}
    run --epochs "$epochs" --lr "$lr" --ais-digits 10000 --ais-runs 100 --ais-betas 14500 --ais-seeds 3 \
      --clf-epochs 30 --out "$OUT/final-lr$lr-$epochs" ;;
  centered)
    variant=${2:-validate}
    k=${K:-1}
    suffix=$([ "$k" = 1 ] || echo "-k$k")
    centered() { with_resume "$@"; java -Xmn16m -jar "$JAR" train rbm --data mnist --hidden 500 --k "$k" --chain pcd \
      --binarize dynamic --batch 100 --centering "${RATE:-0.01}" --seed 12345 "$@" "${RESUME[@]}"; }
    case "$variant" in
      validate)
        epochs=${3:-30}
        for lr in ${LRS:-0.01}; do
          centered --epochs "$epochs" --lr "$lr" --validation 10000 --ais-digits 1000 --ais-seeds 1 --clf-epochs 10 \
            --out "$OUT/validate-centered-lr$lr-$epochs$suffix" "${@:4}"
        done ;;
      final)
        epochs=${3:-200}
        lr=${4:-0.01}
        centered --epochs "$epochs" --lr "$lr" --ais-digits 10000 --ais-runs 100 --ais-betas 14500 --ais-seeds 3 \
          --clf-epochs 30 --out "$OUT/final-centered-lr$lr-$epochs$suffix" "${@:5}" ;;
      *) echo "usage: $0 centered validate [EPOCHS] [ARGS...] | centered final [EPOCHS] [LR] [ARGS...]" >&2; exit 2 ;;
    esac ;;
  features)
    variant=${2:-validate}
    feature() { common --batch 20 --lr 0.05 --ais-digits 0 "$@"; }
    case "$variant" in
      validate)
        epochs=${3:-20}
        for h in ${HIDDENS:-1024 2048 4096}; do
          feature --epochs "$epochs" --validation 10000 --clf-epochs 30 --probe-l2 "${PROBE_L2S:-1e-4,1e-3,3e-3,1e-2,3e-2}" \
            --out "$OUT/validate-features-h$h-$epochs" "${@:4}"
        done ;;
      final)
        epochs=${3:-20}
        h=${4:-2048}
        feature --epochs "$epochs" --clf-epochs 30 --probe-l2 "${PROBE_L2:-3e-3}" --out "$OUT/final-features-h$h-$epochs" \
          "${@:5}" ;;
      *) echo "usage: $0 features validate [EPOCHS] [ARGS...] | features final [EPOCHS] [HIDDEN] [ARGS...]" >&2
        exit 2 ;;
    esac ;;
  *) echo "usage: $0 validate [EPOCHS] | final [EPOCHS] [LR] | centered validate|final ... | features ..." >&2; exit 2 ;;
esac
