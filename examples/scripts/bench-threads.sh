#!/usr/bin/env bash
# Side-by-side thread settings for the deep autoencoder on full MNIST: alternates OMP_NUM_THREADS=1 with
# the default (unset) for N pairs, 2 epochs each, and prints the second epoch's examples/s of every run,
# the medians and their ratio. Build first: mvn -q -DskipTests package
# Usage: examples/scripts/bench-threads.sh [pairs=3]
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs="${1:-3}"
jar=examples/target/unsupervised-zoo-examples.jar
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { # $1 = label; the rest = env assignments
  local label=$1; shift
  env "$@" java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train undercomplete-autoencoder --data mnist --epochs 2 --out "$out/$label" 2>/dev/null \
    | awk '/^epoch +2\//{for(i=1;i<=NF;i++) if($i=="examples/s") print $(i+1)}'
}
one=(); def=()
for ((i = 1; i <= pairs; i++)); do
  one+=("$(run omp1 OMP_NUM_THREADS=1)")
  def+=("$(run default -u OMP_NUM_THREADS)")
  echo "pair $i: OMP_NUM_THREADS=1 ${one[-1]} ex/s, unset ${def[-1]} ex/s"
done
python3 - "${one[*]}" "${def[*]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"median examples/s: OMP_NUM_THREADS=1 {ma:.0f}, unset {mb:.0f}, ratio {ma / mb:.2f}")
PY
