#!/usr/bin/env bash
# The semi-supervised table of BENCHMARKS.md: pretrain each encoder without labels on all 60,000 MNIST training
# digits, then train the same classifier (encoder + softmax) with 100 / 600 / 1000 / 3000 labels on the frozen
# encoder, fine-tuning it, and from scratch, 3 seeds each.
# Usage: examples/scripts/bench-semi-supervised.sh [pretraining epochs] [classifier steps] [protocol]
# protocol: validation (default: issue 20's protocol, settings chosen and training stopped on the last 1,000
# training digits; the steps argument is then unused) or fixed (the earlier table: [classifier steps] Adam steps at
# one setting). Extra semi-supervised options (e.g. "--grid-dropout 0"): SEMI_OPTS.
# Needs full MNIST (datasets/scripts/fetch-mnist.sh) and a built jar (mvn -q -DskipTests package).
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
epochs="${1:-10}"
steps="${2:-1000}"
protocol="${3:-validation}"
jar=examples/target/unsupervised-zoo-examples.jar
out=output/semi-supervised
mkdir -p "$out"
export OMP_NUM_THREADS=1
encoders=""
pretrain() { # $1 = train command, the rest = its options
  local name=$1; shift
  echo "== pretrain $name $*"
  java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train "$name" --data mnist --epochs "$epochs" --out "$out/pretrain/$name" "$@" 2>/dev/null \
    | grep --line-buffered -E '^(epoch|model|wrote)' | tee "$out/pretrain-$name.log"
  encoders="${encoders:+$encoders,}$out/pretrain/$name/model.zip"
}
pretrain undercomplete-autoencoder
pretrain denoising-autoencoder
pretrain sparse-autoencoder
pretrain contractive-autoencoder
pretrain variational-autoencoder --batch 128
java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" semi-supervised --encoders "$encoders" --budgets 100,600,1000,3000 --seeds 3 --steps "$steps" \
  --protocol "$protocol" ${SEMI_OPTS:-} \
  --out "$out" 2>/dev/null | grep --line-buffered -vE '^\[' | tee "$out/semi-supervised.log"
