#!/usr/bin/env bash
# The cost of distribution, side by side: the same model, data and epochs trained by 'train' on one machine,
# by SparkTrain on Spark local[2] (averaging, sharing), on a local standalone cluster of two executor JVMs
# (local-cluster[2,1,MB]: averaging, sharing) and by ParallelWrapper. Run from the repository root after
#   mvn -o -q -DskipTests package
# Writes output/bench-spark/<run>/ and prints one summary line per run; RUNS picks a subset.
set -u
MODEL=${MODEL:-sparse}; EPOCHS=${EPOCHS:-3}; BATCH=${BATCH:-32}; DATA=${DATA:-sample}; EXTRA=${EXTRA:---hidden 64}
EXEC_MB=${EXEC_MB:-3072}; LIMIT=${LIMIT:-1200}
RUNS=${RUNS:-"local spark-local-avg spark-local-share parallel-wrapper spark-cluster-avg spark-cluster-share"}
OUT=output/bench-spark
S=examples/spark/target
FLAGS=$(java -cp "$S/unsupervised-zoo-spark.jar:$S/lib/*:$S/spark-lib/*" org.unsupervisedzoo.spark.SparkTrain --print-java-flags)
# local-cluster executors take their class path from $SPARK_HOME/jars: a folder of links to the dependency set
export SPARK_HOME=${SPARK_HOME:-/tmp/zoo-spark-home}
export SPARK_SCALA_VERSION=2.12   # else the launcher looks for a Spark build tree
mkdir -p "$SPARK_HOME/jars"
ln -sf "$PWD/$S"/unsupervised-zoo-spark.jar "$PWD/$S"/lib/*.jar "$PWD/$S"/spark-lib/*.jar "$SPARK_HOME/jars/"
export OMP_NUM_THREADS=1
mkdir -p "$OUT"
common="--data $DATA --epochs $EPOCHS $EXTRA"
spark() { # name, args...
  local name=$1; shift
  timeout "$LIMIT" java $FLAGS -Xmx4g -cp "$S/unsupervised-zoo-spark.jar:$S/lib/*:$S/spark-lib/*" \
    org.unsupervisedzoo.spark.SparkTrain --model "$MODEL" $common --batch-per-worker "$BATCH" \
    --out "$OUT/$name" "$@" > "$OUT/$name.log" 2>&1
  echo "$name exit $? $(grep -E '^epoch' "$OUT/$name.log" | tail -1)"
  grep -E '^epoch' "$OUT/$name.log"
}
for run in $RUNS; do
  case $run in
    local)
      timeout "$LIMIT" java -jar examples/target/unsupervised-zoo-examples.jar train "$MODEL" $common --batch "$BATCH" \
        --out "$OUT/local" > "$OUT/local.log" 2>&1
      echo "local exit $? $(grep -E '^epoch' "$OUT/local.log" | tail -1)"; grep -E '^epoch' "$OUT/local.log";;
    spark-local-avg) spark "$run" --mode averaging --master 'local[2]' --workers 2;;
    spark-local-share) spark "$run" --mode sharing --master 'local[2]' --workers 2;;
    parallel-wrapper) spark "$run" --mode parallel-wrapper --workers 2;;
    spark-cluster-avg) spark "$run" --mode averaging --master "local-cluster[2,1,$EXEC_MB]" --workers 2 \
        --conf spark.executor.memory=2g;;
    spark-cluster-share) spark "$run" --mode sharing --master "local-cluster[2,1,$EXEC_MB]" --workers 2 \
        --conf spark.executor.memory=2g;;
  esac
done
