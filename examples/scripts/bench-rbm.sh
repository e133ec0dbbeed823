#!/usr/bin/env bash
# Side by side on full MNIST: the zoo's RBM (rbm runner) and scikit-learn's BernoulliRBM (Debian python3-sklearn),
# same data (grey levels / 255), same hyper-parameters (scikit-learn's defaults: 256 hidden units, PCD-1, SGD 0.1,
# batch 10) and epochs, alternating DL4J and scikit-learn runs, $2 rounds (default 1), $1 epochs each (default 2).
# Both single-threaded (OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = 1). Build first: mvn -q -DskipTests package.
# Prints each run's per-epoch lines: time per epoch (training only) and scikit-learn's pseudo-likelihood.
# JVM options: ZOO_JAVA_OPTS (default -Xmn16m, as README's commands; README "Young generation").
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs="${1:-2}"
rounds="${2:-1}"
jar=examples/target/unsupervised-zoo-examples.jar
mkdir -p output/bench
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
for r in $(seq 1 "$rounds"); do
  echo "round $r: dl4j"
  java ${ZOO_JAVA_OPTS--Xmn16m} -jar "$jar" train rbm --data mnist --hidden 256 --batch 10 --lr 0.1 --chain pcd --k 1 --epochs "$epochs" \
    --ais-digits 0 --clf-epochs 0 --out "output/bench/rbm-side-by-side-$r" 2>/dev/null \
    | grep --line-buffered -E '^(epoch|model)'
  echo "round $r: sklearn"
  /usr/bin/python3 examples/scripts/sklearn_rbm.py --hidden 256 --batch 10 --lr 0.1 --epochs "$epochs"
done 2>&1 | tee output/bench/rbm-side-by-side.log
