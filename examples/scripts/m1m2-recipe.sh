#!/usr/bin/env bash
# Issue 20's M1+M2 recipe (Kingma et al. 2014): M2 trained on the latent codes of a VAE (M1) trained without labels.
#
#   m1m2-recipe.sh m1                       M1: the likelihood recipe's VAE, 784-200-200-50, 1,000 epochs
#                                           (vae-iwae-recipe.sh elbo 1000; about 75-130 min of one core)
#   m1m2-recipe.sh run LABELS SEED [EPOCHS] M2 on M1's codes: LABELS balanced labels drawn by SEED, the last 10,000
#                                           training digits for validation, EPOCHS (default 300) epochs
#   m1m2-recipe.sh extend LABELS SEED FROM TO
#                                           continue a finished FROM-epoch run to TO epochs: its folder copied to
#                                           the TO name (the FROM run kept as it is), then 'run LABELS SEED TO'
#                                           resumes at epoch FROM+1 (--epochs is not part of a checkpoint's settings)
#   m1m2-recipe.sh summary [LABELS]         each finished run's test error at its best epoch by validation, and the
#                                           mean and standard deviation over the seeds of each label budget and
#                                           number of epochs
#
# M2's settings are its defaults (the paper's and its authors' code's: 500-unit classifier, encoder and decoder, 50
# latent units, alpha 0.1, Adam 3e-4, 100 + 100 digits a step); the epoch reported is chosen on the validation
# error, never on the test error. A run that was killed continues from its checkpoint when started again with the
# same arguments, exactly. The speed layer's SIMD softplus is on (JDK_JAVA_OPTIONS below; the same results, about
# 1.4x faster). Needs full MNIST (datasets/scripts/fetch-mnist.sh). JAR= picks another build, OUT= the folder
# (default output/m1m2-recipe), CORE= the core (default 0), LR= another Adam rate for M2 (run names then end in
# -lrLR; choose it on the validation error), EMA= the decay of a moving average of M2's weights that gives the
# errors (--ema-decay; names end in -emaEMA; 'extend' then continues the run without it, the average starting there).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/m1m2-recipe}
M1=$OUT/vae/elbo-1000/model.zip
export JDK_JAVA_OPTIONS="${JDK_JAVA_OPTIONS:+$JDK_JAVA_OPTIONS }--add-modules=jdk.incubator.vector"
mode=${1:-}
case "$mode" in
  m1)
    JAR="$JAR" OUT="$OUT/vae" CORE="${CORE:-0}" examples/scripts/vae-iwae-recipe.sh elbo 1000 ;;
  run)
    labels=${2:?labels}; seed=${3:?seed}; epochs=${4:-300}
    [ -f "$M1" ] || { echo "m1m2-recipe: no M1 at $M1; run '$0 m1' first" >&2; exit 1; }
    name="labels$labels-seed$seed-e$epochs${LR:+-lr$LR}${EMA:+-ema$EMA}"
    resume=()
    if [ -d "$OUT/$name/checkpoint" ]; then resume=(--resume "$OUT/$name/checkpoint"); fi
    ZOO_THREADS=1,1 taskset -c "${CORE:-0}" java -Xmx3g -Xmn16m -jar "$JAR" train semi-supervised-vae --data mnist \
        --labels "$labels" --validation 10000 --m1 "$M1" --epochs "$epochs" --seed "$seed" ${LR:+--lr "$LR"} ${EMA:+--ema-decay "$EMA"} "${resume[@]}" \
        --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO|^ +epoch |Picked up JDK_JAVA_OPTIONS" >> "$OUT/$name.log"
    echo "$name  $(grep -E '^best epoch' "$OUT/$name.log" | tail -1)" ;;
  extend)
    labels=${2:?labels}; seed=${3:?seed}; from=${4:?from epochs}; to=${5:?to epochs}
    src="$OUT/labels$labels-seed$seed-e$from${LR:+-lr$LR}"; dst="$OUT/labels$labels-seed$seed-e$to${LR:+-lr$LR}${EMA:+-ema$EMA}"
    [ -z "${EMA:-}" ] || [ ! -d "$src-ema$EMA" ] || src="$src-ema$EMA"
    [ -d "$src/checkpoint" ] || { echo "m1m2-recipe: no checkpoint at $src; run '$0 run $labels $seed $from' first" >&2; exit 1; }
    if [ ! -d "$dst" ]; then
      cp -r "$src" "$dst"; rm -f "$dst/model.zip"
      grep -v -E '^best epoch' "$src.log" > "$dst.log" || true
    fi
    "$self" run "$labels" "$seed" "$to" ;;
  summary)
    for log in "$OUT"/labels${2:-*}-seed*-e*${LR:+-lr$LR}${EMA:+-ema$EMA}.log; do
      [ -n "${LR:-}" ] || [[ "$log" != *-lr* ]] || continue
      [ -n "${EMA:-}" ] || [[ "$log" != *-ema* ]] || continue
      [ -f "$log" ] || continue
      best=$(grep -E '^best epoch' "$log" | tail -1) || true
      [ -n "$best" ] || { echo "$(basename "$log" .log)  (not finished)"; continue; }
      echo "$(basename "$log" .log)  $best"
    done | tee /dev/stderr | awk '/test_error/ { split($1, a, "-"); k = a[1] "-" a[3]; e = $NF; sub(/%/, "", e); n[k]++; s[k] += e;
        q[k] += e * e } END { for (k in n) { m = s[k] / n[k]; sd = n[k] > 1 ? sqrt((q[k] - n[k] * m * m) / (n[k] - 1)) : 0;
        printf "%s  seeds %d  test error %.2f%% +- %.2f\n", k, n[k], m, sd } }' ;;
  *) echo "usage: $0 m1 | run LABELS SEED [EPOCHS] | extend LABELS SEED FROM TO | summary [LABELS]" >&2; exit 2 ;;
esac
