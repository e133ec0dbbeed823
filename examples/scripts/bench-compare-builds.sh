#!/usr/bin/env bash
# The DL4J side of bench-torch for two builds of the examples jar, alternated, on full MNIST: what a change did.
# Usage: examples/scripts/bench-compare-builds.sh BEFORE_JAR AFTER_JAR [models] [rounds] [steps] [warmup]
#   BEFORE_JAR, AFTER_JAR: unsupervised-zoo-examples.jar files, each with its lib/ folder beside it
#   (e.g. a copy of examples/target from an earlier commit). Prints one line per run and the medians.
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
before=$1
after=$2
models=${3:-autoencoder,denoising,sparse,contractive,conv,vae}
rounds=${4:-2}
steps=${5:-150}
warmup=${6:-50}
results=$(mktemp)
for m in ${models//,/ }; do
  for r in $(seq 1 "$rounds"); do
    if (( r % 2 == 1 )); then order="before after"; else order="after before"; fi
    for side in $order; do
      if [[ $side == before ]]; then jar=$before; else jar=$after; fi
      line=$(java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" bench-torch --side dl4j --data mnist --models "$m" --steps "$steps" --warmup "$warmup" 2>&1 \
        | grep '^RESULT' | sed 's/^RESULT //')
      eps=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print("%.0f %.6f %.0f" % (d["examples_per_second"], d["test_loss"], d["peak_rss_mb"]))' "$line")
      echo "$m $side round $r: ex/s test_loss rss_mb = $eps"
      echo "$m $side $eps" >> "$results"
    done
  done
done
python3 - "$results" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m, side, eps, loss, rss = line.split()
    runs[(m, side)].append((float(eps), float(loss)))
models = list(dict.fromkeys(m for m, _ in runs))
print("model         before ex/s  after ex/s  speed-up  test loss before / after")
for m in models:
    b = statistics.median(e for e, _ in runs[(m, "before")])
    a = statistics.median(e for e, _ in runs[(m, "after")])
    print("%-12s %11.0f %11.0f %8.2fx  %.4f / %.4f" % (m, b, a, a / b, runs[(m, "before")][0][1], runs[(m, "after")][0][1]))
PY
rm -f "$results"
