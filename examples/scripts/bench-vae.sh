#!/usr/bin/env bash
# Full-MNIST figures of the VAE for BENCHMARKS.md. Build first (mvn -q -DskipTests package) and fetch MNIST.
# 1. 784-400-20 on grey-level digits, batch 128, 10 epochs (pytorch/examples' setting): test -ELBO per epoch.
# 2. The same architecture against DL4J's built-in VAE layer, side by side, 5 epochs each.
# 3. Dynamically binarized digits, 10 epochs, then the k-sample importance-weighted NLL of the test set
#    (binarized once, seeded): k = $1 (default 5000) on the first $2 test digits (default all 10,000).
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
cd "$(dirname "$0")/../.."
k="${1:-5000}"
digits="${2:-0}"
jar=examples/target/unsupervised-zoo-examples.jar
mkdir -p output/bench
export OMP_NUM_THREADS=1
java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train variational-autoencoder --data mnist --epochs 10 --batch 128 --out output/bench/vae 2>/dev/null \
  | grep --line-buffered -E '^(epoch|model|wrote)' | tee output/bench/vae.log
java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" bench-vae --data mnist --epochs 5 2>/dev/null \
  | grep --line-buffered -E '^(epoch|data|median)' | tee output/bench/bench-vae.log
java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train variational-autoencoder --data mnist --epochs 10 --batch 128 --binarize dynamic --iwae-k "$k" --iwae-digits "$digits" \
  --out output/bench/vae-binarized 2>/dev/null \
  | grep --line-buffered -E '^(epoch|model|wrote|iwae)' | tee output/bench/vae-binarized.log
