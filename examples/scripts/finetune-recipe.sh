#!/usr/bin/env bash
# Issue 19's recipe for the contractive and denoising autoencoders as pretraining, all labels: a 784-1000 encoder
# pretrained 20 epochs on the 60,000 training digits (no labels read), then fine-tuned under a softmax (dropout 0.5
# on the code) with Adam, batch 128, early stopping on the last 10,000 training digits (trained on the first
# 50,000), and the test error once, at the best validation epoch. The same network from scratch is the baseline.
#
#   finetune-recipe.sh pretrain            the CAE (lambda 1) and the DAE (25% masking noise), 784-1000, 20 epochs
#   finetune-recipe.sh grid NAME ARGS...   fine-tunes cae, dae and scratch under classify ARGS (one setting of the
#                                          grid, named NAME), e.g.  grid decay95 --lr-decay 0.95; ARGS may replace
#                                          the recipe's --dropout 0.5 and --lr 1e-3
#   finetune-recipe.sh final ARGS...       the chosen setting: cae, dae and scratch (the same as grid "final")
#
# The setting is chosen on the validation error (the last 10,000 training digits), never on the test error; every
# run prints both, and the summary line of each is appended to $OUT/results.txt. A pretraining that was killed
# continues from its checkpoint when started again, and so does a fine-tuning (from its last epoch). Needs full MNIST (datasets/scripts/fetch-mnist.sh).
# JAR= picks another build, OUT= the folder (default output/finetune-recipe), CORE= the core (default 0),
# ONLY="cae dae" limits the encoders of grid/final; MAX_EPOCHS (100) and PATIENCE (10) the early stopping;
# PRETRAIN_EPOCHS (20) the pretraining's epochs: other values pretrain and fine-tune cae-eN and dae-eN (continuing
# the 20-epoch runs' checkpoints where they exist; the resume is exact, so the same as a fresh N-epoch run).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/finetune-recipe}
mkdir -p "$OUT"
zoo() { ZOO_THREADS=1,1 taskset -c "${CORE:-0}" java -Xmx3g -Xmn16m -jar "$JAR" "$@" 2>&1 \
  | grep --line-buffered -v -E "WARN|INFO|^ +epoch "; }
EPOCHS=${PRETRAIN_EPOCHS:-20}
SUFFIX=$([ "$EPOCHS" = 20 ] || echo "-e$EPOCHS")   # the encoders of a longer pretraining: cae-e100, dae-e100
pretrain() { # name, then train options
  local name=$1 resume=(); shift
  if [ -f "$OUT/$name$SUFFIX/model.zip" ]; then return; fi
  if [ -d "$OUT/$name$SUFFIX/checkpoint" ]; then resume=(--resume "$OUT/$name$SUFFIX/checkpoint")
  elif [ -n "$SUFFIX" ] && [ -d "$OUT/$name/checkpoint" ]; then
    resume=(--resume "$OUT/$name/checkpoint")   # the 20-epoch run continued: the same as a fresh longer run
  fi
  zoo train "$@" --data mnist --hidden 1000 --epochs "$EPOCHS" --seed 12345 "${resume[@]}" --out "$OUT/$name$SUFFIX" \
    >> "$OUT/$name$SUFFIX.log"
}
finetune() { # setting name, then classify options
  local name=$1; shift
  for enc in ${ONLY:-cae dae scratch}; do
    local model=$enc$SUFFIX extra=()
    if [ "$enc" = scratch ]; then model=dae; extra=(--scratch true); fi
    local defaults=()   # the recipe's --dropout 0.5 and --lr 1e-3 unless the setting gives its own
    for d in "--dropout 0.5" "--lr 1e-3"; do
      case " $* " in *" ${d%% *} "*) ;; *) defaults+=($d) ;; esac
    done
    local resume=()   # a killed fine-tuning continues from its last epoch's checkpoint
    if [ -d "$OUT/$name-$enc/checkpoint" ]; then resume=(--resume true); fi
    zoo classify --encoder "$OUT/$model/model.zip" --labels 0 --frozen false "${defaults[@]}" \
      --max-epochs "${MAX_EPOCHS:-100}" --patience "${PATIENCE:-10}" --seed 12345 "${extra[@]}" "$@" "${resume[@]}" \
      --out "$OUT/$name-$enc" >> "$OUT/$name-$enc.log"
    local best
    best=$(grep -E "^best " "$OUT/$name-$enc.log" | tail -1)
    echo "$name $enc$([ "$enc" = scratch ] || echo "$SUFFIX") [$*]: $best  (issue 19's target: test error <= 1.3%)" | tee -a "$OUT/results.txt"
  done
}
case "${1:-}" in
  pretrain)
    pretrain cae contractive-autoencoder
    pretrain dae denoising-autoencoder --noise masking --level 0.25 ;;
  grid) shift; name=$1; shift; finetune "$name" "$@" ;;
  final) shift; finetune final "$@" ;;
  *) echo "usage: $0 pretrain | grid NAME [classify options] | final [classify options]" >&2; exit 2 ;;
esac
