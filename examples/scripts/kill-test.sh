#!/usr/bin/env bash
# Kill test: trains on the bundled sample, kills the JVM with SIGKILL (kill -9) at several random moments,
# resumes from the checkpoint each time, and checks that
#   - after every kill, no file a reader could see is half-written (every zip tests whole, every PNG ends with its
#     IEND chunk, every epochs.csv line has the header's number of fields, the checkpoint names its epoch);
#   - the final model equals the uninterrupted run's (every entry of checkpoint/*.zip byte for byte: parameters,
#     updater state, configuration with its iteration and epoch counts) and so does epochs.csv (timing columns aside);
#   - no temporary file is left once the resumed run has finished.
#
# usage: examples/scripts/kill-test.sh [kills] [train command and its options...]
#   default: 5 kills of 'train undercomplete-autoencoder --hidden 64,8 --batch 32 --epochs 6'
#   KILL_SEED=n     seed of the kill moments (printed; replays a run)
#   KILL_MAX=ms     latest kill moment, in milliseconds after training starts (the JVM printed its 'model' line);
#                   default: the uninterrupted run's training time (its epochs' seconds, plus a second an epoch)
#   KILL_WORK=dir   working folder (default: a new temporary folder, removed on success)
# Run from the repository root after 'mvn -q -DskipTests package'. Exit status 0 when every check holds.
set -euo pipefail

jar=examples/target/unsupervised-zoo-examples.jar
[ -f "$jar" ] || { echo "kill-test: $jar not found; run 'mvn -q -DskipTests package' first" >&2; exit 2; }
kills=${1:-5}
shift || true
if [ $# -gt 0 ]; then args=("$@"); else args=(train undercomplete-autoencoder --hidden 64,8 --batch 32 --epochs 6); fi
seed=${KILL_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
work=${KILL_WORK:-$(mktemp -d)}
mkdir -p "$work"
java=(java -Xmn16m -jar "$jar")
echo "kill-test: seed $seed, $kills kills, work $work: ${args[*]}"

fail() { echo "kill-test: FAILED: $*" >&2; exit 1; }

# Nothing a reader sees is half-written: temporaries (names starting with '.') are skipped, they are never read.
check_whole() {
    local dir=$1 f
    [ -d "$dir" ] || return 0
    while IFS= read -r -d '' f; do
        unzip -tq "$f" > /dev/null 2>&1 || fail "half-written zip $f"
    done < <(find "$dir" -name '*.zip' -not -path '*/.*' -print0)
    while IFS= read -r -d '' f; do
        tail -c 12 "$f" | grep -q IEND || fail "half-written picture $f"
    done < <(find "$dir" -name '*.png' -not -path '*/.*' -print0)
    while IFS= read -r -d '' f; do
        awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$f" || fail "ragged CSV $f"
    done < <(find "$dir" -name '*.csv' -not -path '*/.*' -print0)
    if [ -d "$dir/checkpoint" ]; then
        grep -q '^epoch=' "$dir/checkpoint/checkpoint.properties" || fail "checkpoint without its epoch"
    fi
}

"${java[@]}" "${args[@]}" --out "$work/whole" > "$work/whole.log" 2>&1 || fail "the uninterrupted run failed: $work/whole.log"
col=$(head -1 "$work/whole/epochs.csv" | tr ',' '\n' | grep -nx 'seconds' | cut -d: -f1)
max=${KILL_MAX:-$(awk -F, -v c="$col" 'NR > 1 { s += $c + 1 } END { printf "%d", s * 1000 + 1 }' "$work/whole/epochs.csv")}
total=$(( $(wc -l < "$work/whole/epochs.csv") - 1 ))
echo "kill-test: the uninterrupted run trained $total epochs in about ${max} ms; each kill falls within the epochs left"

killed=0
for i in $(seq 1 "$kills"); do
    resume=()
    if [ -d "$work/killed/checkpoint" ] || [ -d "$work/killed/.checkpoint.previous" ]; then
        resume=(--resume "$work/killed/checkpoint")
    fi
    "${java[@]}" "${args[@]}" --out "$work/killed" "${resume[@]}" > "$work/run-$i.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 1200); do # training starts when the JVM has loaded the data and built the model
        grep -q '^model ' "$work/run-$i.log" 2> /dev/null && break
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.1
    done
    done_epochs=0
    if [ ${#resume[@]} -gt 0 ] && [ -f "$work/killed/checkpoint/checkpoint.properties" ]; then
        done_epochs=$(sed -n 's/^epoch=//p' "$work/killed/checkpoint/checkpoint.properties")
    fi
    window=$(( max * (total - done_epochs) / total + 1000 )) # the epochs left, and the final writes
    ms=$(( (RANDOM * 32768 + RANDOM) % window ))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    if kill -9 "$pid" 2> /dev/null; then
        killed=$((killed + 1))
        wait "$pid" 2> /dev/null || true
        epochs=$(grep -c '^epoch ' "$work/run-$i.log" || true)
        echo "kill $i: SIGKILL ${ms} ms into training (${epochs} epoch lines printed)${resume:+, resumed run}"
    else
        wait "$pid" || fail "run $i ended with an error: $work/run-$i.log"
        echo "kill $i: the run had finished before ${ms} ms into training"
    fi
    check_whole "$work/killed"
done

resume=()
if [ -d "$work/killed/checkpoint" ] || [ -d "$work/killed/.checkpoint.previous" ]; then
    resume=(--resume "$work/killed/checkpoint")
fi
"${java[@]}" "${args[@]}" --out "$work/killed" "${resume[@]}" > "$work/final.log" 2>&1 \
    || fail "the final resumed run failed: $work/final.log"
check_whole "$work/killed"

# the final model equals the uninterrupted run's, entry by entry
for zip in "$work"/whole/checkpoint/*.zip; do
    name=$(basename "$zip")
    for entry in $(unzip -Z1 "$zip"); do
        cmp -s <(unzip -p "$zip" "$entry") <(unzip -p "$work/killed/checkpoint/$name" "$entry") \
            || fail "checkpoint/$name: $entry differs from the uninterrupted run's"
    done
done
untimed() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i !~ /second/) }
    { s = ""; for (i = 1; i <= NF; i++) if (keep[i]) s = s $i ","; print s }' "$1"; }
cmp -s <(untimed "$work/whole/epochs.csv") <(untimed "$work/killed/epochs.csv") \
    || fail "epochs.csv differs from the uninterrupted run's"
left=$(find "$work/killed" -name '.*')
[ -z "$left" ] || fail "temporary files left: $left"

echo "kill-test: OK: $killed kills survived; final model and epochs.csv equal the uninterrupted run's; no temporary file"
[ -n "${KILL_WORK:-}" ] || rm -rf "$work"
