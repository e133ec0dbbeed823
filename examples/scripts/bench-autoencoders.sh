#!/usr/bin/env bash
# Full-MNIST figures of the autoencoder family for BENCHMARKS.md: 10 epochs of each example with its defaults
# (contractive twice: lambda 1 and lambda 0). Writes each run's log and outputs under output/bench/.
# Build first (mvn -q -DskipTests package) and fetch MNIST (datasets/scripts/fetch-mnist.sh).
# Usage: examples/scripts/bench-autoencoders.sh [epochs=10]
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-10}"
jar=examples/target/unsupervised-zoo-examples.jar
mkdir -p output/bench
run() { # $1 = run name, the rest = example and its options
  local tag=$1; shift
  echo "== $tag: $*"
  OMP_NUM_THREADS=1 java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train "$@" --data mnist --epochs "$epochs" --out "output/bench/$tag" \
    2>/dev/null | grep --line-buffered -E '^(epoch|model|wrote)' | tee "output/bench/$tag.log"
}
run denoising denoising
run sparse-kl sparse
run contractive contractive
run contractive-lambda0 contractive --lambda 0
run conv conv
