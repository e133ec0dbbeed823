#!/usr/bin/env bash
# Issue 19's likelihood recipe: Burda et al. 2016's one-stochastic-layer model, 784-200-200-50 (two deterministic
# layers per side, 50 latent units), dynamically binarized MNIST, trained with the VAE bound (ELBO) and with the IWAE
# bound (k = 5) at equal epochs, then the k = 5000 importance-weighted NLL on all 10,000 test digits.
#
#   vae-iwae-recipe.sh elbo [EPOCHS]    the VAE (default 250 epochs)
#   vae-iwae-recipe.sh iwae [EPOCHS]    the IWAE, k = 5 (about 3x the ELBO's time per epoch)
#   vae-iwae-recipe.sh both [EPOCHS]    the two side by side, one core each
#   CORE=1 vae-iwae-recipe.sh elbo ...  a single run on another core (default core 0)
#
# Settings are the paper's (batch 100 here for speed; Adam 1e-3, falling exponentially to 1e-5 over the run, in
# place of the paper's stepwise 10^(-i/7) schedule over 3,280 epochs); none is chosen on the test set. A killed run
# continues from its checkpoint when started again with the same arguments. Needs full MNIST
# (datasets/scripts/fetch-mnist.sh). JAR= picks another build, OUT= the folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=${JAR:-examples/target/unsupervised-zoo-examples.jar}
OUT=${OUT:-output/vae-iwae-recipe}
mode=${1:-both}
epochs=${2:-250}
mkdir -p "$OUT"
run() { # objective, core
  local name="$1-$epochs" resume=()
  if [ -d "$OUT/$name/checkpoint" ]; then resume=(--resume "$OUT/$name/checkpoint"); fi
  local samples=1; [ "$1" = iwae ] && samples=5
  ZOO_THREADS=1,1 taskset -c "$2" java -Xmx3g -Xmn16m -jar "$JAR" train variational-autoencoder --data mnist \
      --hidden 200,200 --latent 50 --binarize dynamic --batch 100 --lr 1e-3 --lr-schedule exponential \
      --objective "$1" --samples "$samples" --epochs "$epochs" --seed 12345 --iwae-k 5000 --iwae-digits 0 \
      "${resume[@]}" --out "$OUT/$name" 2>&1 | grep --line-buffered -v -E "WARN|INFO" >> "$OUT/$name.log"
  echo "$name  $(grep -E "^iwae" "$OUT/$name.log" | tail -1)  (issue 19's target: test NLL <= 88 nats)"
}
case "$mode" in
  elbo) run elbo "${CORE:-0}" ;;
  iwae) run iwae "${CORE:-0}" ;;
  both) run elbo 0 & run iwae 1; wait ;;
  *) echo "usage: $0 elbo|iwae|both [EPOCHS]" >&2; exit 2 ;;
esac
