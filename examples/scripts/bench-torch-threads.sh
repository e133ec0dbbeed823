#!/usr/bin/env bash
# Thread settings side by side on full MNIST: for N rounds, the DL4J side of bench-torch under each ZOO_THREADS
# setting (ND4J ops threads, BLAS threads; 'off' = ND4J's own default, 'omp1' = OMP_NUM_THREADS=1) and the PyTorch
# twin with 1 and 2 threads, one after the other; prints examples/s of every run.
# Build first: mvn -q -DskipTests package
# Usage: examples/scripts/bench-torch-threads.sh [models=autoencoder,conv] [steps=100] [rounds=2]
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
cd "$(dirname "$0")/../.."
models="${1:-autoencoder,conv}"; steps="${2:-100}"; rounds="${3:-2}"
jar=examples/target/unsupervised-zoo-examples.jar
data=~/.unsupervised-zoo/data/mnist
for ((r = 1; r <= rounds; r++)); do
  for setting in 1,2 1,1 2,2 off omp1; do
    if [[ $setting == omp1 ]]; then envs=(OMP_NUM_THREADS=1); else envs=(-u OMP_NUM_THREADS ZOO_THREADS=$setting); fi
    env "${envs[@]}" java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" bench-torch --side dl4j --data mnist --models "$models" --steps "$steps" \
        --warmup 10 2>/dev/null | sed -n 's/^RESULT //p' | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print("round %s dl4j  %-12s %-6s %8.0f ex/s  (%s)  test %.5f" % (sys.argv[1], d["model"], sys.argv[2],
          d["examples_per_second"], d["threads"], d["test_loss"]))' "$r" "$setting"
  done
  for t in 1 2; do
    for m in ${models//,/ }; do
      /usr/bin/python3 examples/scripts/torch_twins.py --model "$m" --steps "$steps" --warmup 10 --threads "$t" \
          --data-dir "$data" | sed -n 's/^RESULT //p' | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print("round %s torch %-12s %-6s %8.0f ex/s  test %.5f" % (sys.argv[1], d["model"], "t=" + sys.argv[2],
      d["examples_per_second"], d["test_loss"]))' "$r" "$t"
    done
  done
done
