#!/usr/bin/env bash
# Issue 19's recipe for stacked, greedy layer-wise pretraining on full MNIST: three 1000-unit layers (SdA-3 of
# Vincent et al. 2010), each pretrained LAYER_EPOCHS epochs (default 15) on the codes of the trained layers below
# (all 60,000 training digits, no labels), then the whole 784-1000-1000-1000-10 network fine-tuned with Adam 1e-3,
# dropout 0.5 on the code, early stopping (patience 8, at most 60 epochs) on the last 10,000 training digits, and
# the test error once, at the chosen epoch. The same network from scratch is the baseline.
#
#   stacked-recipe.sh denoising     masking noise 0.25 in each layer (the single-layer DAE's setting)
#   stacked-recipe.sh contractive   lambda 1 in each layer (the single-layer CAE's setting)
#   stacked-recipe.sh scratch       no pretraining, the same protocol
#   stacked-recipe.sh all           the three in turn
#
# None of the settings is chosen on the test set (they are the single-layer runs' and the papers'). A killed run
# continues after its last pretrained layer, or from the fine-tuning's last epoch, when started again with the same
# arguments. Needs full MNIST
# (datasets/scripts/fetch-mnist.sh). JAR= picks another build, OUT= the folder, CORE= the core (default 0).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/stacked-recipe}
LAYER_EPOCHS=${LAYER_EPOCHS:-15}
mkdir -p "$OUT"
run() { # name, then options
  local name=$1 resume=(); shift
  if [ -f "$OUT/$name/pretraining.txt" ] || [ -d "$OUT/$name/finetune-checkpoint" ]; then resume=(--resume true); fi
  ZOO_THREADS=1,1 taskset -c "${CORE:-0}" java -Xmx3g -Xmn16m -jar "$JAR" stacked --data mnist \
      --hidden 1000,1000,1000 --layer-epochs "$LAYER_EPOCHS" --dropout 0.5 --lr 1e-3 --max-epochs 60 --patience 8 \
      --seed 12345 "$@" "${resume[@]}" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" \
      >> "$OUT/$name.log"
  echo "$(grep -E "^stacked .*test_error" "$OUT/$name.log" | tail -1)  (issue 19's target: <= 1.3%)"
}
denoising() { run denoising --layer denoising --noise masking --level 0.25; }
contractive() { run contractive --layer contractive --lambda 1; }
scratch() { run scratch --layer denoising --scratch true; }
case "${1:-}" in
  denoising) denoising ;;
  contractive) contractive ;;
  scratch) scratch ;;
  all) denoising; contractive; scratch ;;
  *) echo "usage: $0 denoising|contractive|scratch|all" >&2; exit 2 ;;
esac
