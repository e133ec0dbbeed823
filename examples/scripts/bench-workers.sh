#!/usr/bin/env bash
# Issue 23: throughput with one core against two, side by side. For each autoencoder runner, alternates
# --workers 1 and --workers 2 (synchronous data parallelism, fast.DataParallel; ZOO_THREADS=1,1, so one core per
# worker) for N pairs of EPOCHS epochs on full MNIST, and prints each run's last-epoch examples/s and test loss,
# the medians and their ratio. The two settings take the same steps (the same test loss for models without random
# draws in the graph; the same training in distribution for the others). Build first: mvn -q -DskipTests package.
# AVERAGE=k runs the two workers in averaging mode (--average-every k: local SGD, each worker whole minibatches,
# parameters averaged every k rounds; not the same steps, so compare the test losses too).
# Usage: examples/scripts/bench-workers.sh [pairs=3] [models...]   (EPOCHS=1, AVERAGE=0, JAR=, ZOO_JAVA_OPTS=)
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs="${1:-3}"; shift || true
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(undercomplete-autoencoder denoising-autoencoder contractive-autoencoder \
    variational-autoencoder convolutional-autoencoder)
jar=${JAR:-examples/target/unsupervised-zoo-examples.jar}
epochs=${EPOCHS:-1}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # model, workers -> "examples/s test_loss"
  ZOO_THREADS=1,1 java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train "$1" --data mnist --epochs "$epochs" \
      --workers "$2" --average-every "$([ "$2" = 1 ] && echo 0 || echo "${AVERAGE:-0}")" --out "$out/$1-$2" 2>/dev/null \
    | awk -v e="$epochs" '$1=="epoch" && $2 ~ "^"e"/" {for(i=1;i<=NF;i++){if($i=="examples/s") s=$(i+1); if($i=="test_loss") l=$(i+1)} print s, l}'
}
for m in "${models[@]}"; do
  one=(); two=()
  for ((i = 1; i <= pairs; i++)); do
    r1=$(run "$m" 1); r2=$(run "$m" 2)
    one+=("${r1%% *}"); two+=("${r2%% *}")
    echo "$m pair $i: workers 1 ${r1% *} ex/s (test_loss ${r1#* }), workers 2 ${r2% *} ex/s (test_loss ${r2#* })"
  done
  python3 - "$m" "${one[*]}" "${two[*]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[2].split()]
b = [float(x) for x in sys.argv[3].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"{sys.argv[1]}: median examples/s, workers 1 {ma:.0f}, workers 2 {mb:.0f}, ratio {mb / ma:.2f}")
PY
done
