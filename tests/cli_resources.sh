#!/usr/bin/env bash
# cli_resources.sh — `check` and `run` estimate what a scenario needs and refuse, before
# any work, what cannot fit (docs/robustness.md, "Resource estimates").
#
#   bash cli_resources.sh MSKSIM SOURCE_DIR      (one line per check; exit status = failures)
#
# (a) The estimated result size is within a factor of two of the file written (the
#     tolerance the estimate states, sim/engine/estimate.c), for the shipped scenarios
#     and a large sampled one.
# (b) 3 million people with `event_log: all` (about 1.3 KB per person) under a 400 MiB
#     budget: check and run exit 71 at once, naming the event log and the setting to
#     change; nothing is written. Under `ulimit -v` (as a launcher may set) the same,
#     naming the limit: it used to end in an unexplained exit 71 or a kill.
# (c) 64 arms observed every 0.1 week for 70 years (accumulators of tens of GB; check
#     said ok): refused, naming the accumulators and observe_every_weeks.
# (d) A result that cannot fit `ulimit -f` is refused before the simulation.
# (e) --max-memory values that are not sizes are bad usage (2); a sufficient one runs.
set -u
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_res.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
out=$work/out err=$work/err

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
asan=no
ldd "$msk" 2>/dev/null | grep -q libasan && asan=yes

# ---- (a) the result size, estimated and written -----------------------------------
# bytes "1.5 MiB" -> 1572864
bytes() { /usr/bin/python3 -c "import sys; v,u=sys.argv[1],sys.argv[2]; print(int(float(v)*1024**['B','KiB','MiB','GiB','TiB'].index(u)))" "$1" "$2"; }
size_case() { # NAME FILE [SETS...]
    local name=$1 file=$2
    shift 2
    "$msk" check "$file" "$@" >"$out" 2>"$err" || { fail "$name: check exit $?: $(tail -1 "$err")"; return; }
    local est
    est=$(grep -o 'a result of about [0-9.]* [KMGT]*i*B' "$out" | awk '{print $5, $6}')
    [ -n "$est" ] || { fail "$name: check prints no result size: $(head -1 "$out")"; return; }
    "$msk" run "$file" "$@" -q -o "$work/size.h5" 2>"$err" || { fail "$name: run failed: $(tail -1 "$err")"; return; }
    local want got
    want=$(bytes $est)
    got=$(stat -c %s "$work/size.h5")
    if [ "$want" -le $((2 * got)) ] && [ "$got" -le $((2 * want)) ]; then
        pass "$name: result estimated at $est, written $got bytes (within a factor of two)"
    else
        fail "$name: result estimated at $est ($want bytes), written $got bytes"
    fi
    rm -f "$work/size.h5"
}
for s in compare-interventions immobilization vicious-cycle; do
    size_case "$s" "$src/scenarios/$s.yaml"
done
size_case "bench reference, 1000 people sampled over 2 years" "$src/scenarios/bench/reference.yaml" \
    --set population.size=1000 --set horizon_weeks=104 --threads 2

# ---- (b) an event log too large for the budget ------------------------------------
big=(--set population.size=3000000)
refused() { # NAME WANT_RC WANT_TEXT COMMAND...: exit WANT_RC in 60 s, WANT_TEXT on stderr, no file
    local name=$1 rc_want=$2 text=$3
    shift 3
    local t0=$SECONDS rc
    timeout 60 "$@" >"$out" 2>"$err"
    rc=$?
    if [ "$rc" = "$rc_want" ] && grep -q -- "$text" "$err" && [ -z "$(ls "$work" | grep -v '^out$\|^err$')" ] &&
        ! grep -q ': ok (' "$out"; then
        pass "$name: exit $rc after $((SECONDS - t0)) s, says '$text', nothing written"
    else
        fail "$name: exit $rc (want $rc_want), files: $(ls "$work" | tr '\n' ' '), $(tail -2 "$err" | tr '\n' ' ')"
    fi
}
scenario=$src/scenarios/compare-interventions.yaml
refused "check, 3M people, event_log all, --max-memory 400M" 71 "record.event_log: sample" \
    "$msk" check "$scenario" "${big[@]}" --max-memory 400M
refused "run, 3M people, event_log all, --max-memory 400M" 71 "record.event_log: sample" \
    "$msk" run "$scenario" "${big[@]}" --max-memory 400M -o "$work/big.h5"
if [ $asan = no ]; then # AddressSanitizer reserves terabytes of address space
    refused "run, 3M people, under ulimit -v 1000000" 71 "the address-space limit (ulimit -v)" \
        sh -c 'ulimit -v 1000000 && exec "$@"' sh "$msk" run "$scenario" "${big[@]}" -o "$work/big.h5"
fi
"$msk" check "$scenario" "${big[@]}" --set record.event_log=sample --max-memory 400M >"$out" 2>"$err" &&
    grep -q ': ok (' "$out" && pass "the same with event_log: sample fits 400 MiB: $(head -1 "$out" | cut -c1-60)..." ||
    fail "event_log: sample at 3M people under 400M: $(tail -1 "$err")"

# ---- (c) accumulators too large -----------------------------------------------------
many=$work/../msk_res_many.yaml
{
    echo "name: many-arms"
    echo "horizon_weeks: 3650"
    echo "observe_every_weeks: 0.1"
    echo "population: {size: 100, age_min: 60, age_max: 70}"
    echo "record: {sample_size: 0, event_log: none}"
    echo "arms:"
    for i in $(seq 1 64); do echo "  - name: arm$i"; done
} >"$many"
refused "check, 64 arms observed every 0.1 week for 70 years, --max-memory 16G" 71 "observe_every_weeks" \
    "$msk" check "$many" --max-memory 16G
grep -q "accumulators [0-9.]* GiB (64 arms x 36501 observation times)" "$err" &&
    pass "the message gives the accumulators' size and shape" || fail "no accumulator size: $(tail -1 "$err")"
refused "run, the same" 71 "observe_every_weeks" "$msk" run "$many" --max-memory 16G -o "$work/many.h5"
rm -f "$many"

# ---- (d) a result larger than the file-size limit -------------------------------------
refused "run under ulimit -f 100 (the result needs about 1 MiB)" 74 "file-size limit (ulimit -f)" \
    sh -c 'ulimit -f 100 && exec "$@"' sh "$msk" run "$scenario" -o "$work/f.h5"

# ---- (e) --max-memory ---------------------------------------------------------------
for v in abc 0 10 -5 1e400 4X; do
    for cmd in run check; do
        timeout 60 "$msk" $cmd "$scenario" --max-memory "$v" -o "$work/x.h5" >"$out" 2>"$err"
        rc=$?
        [ $cmd = check ] && { timeout 60 "$msk" check "$scenario" --max-memory "$v" >"$out" 2>"$err"; rc=$?; }
        if [ $rc = 2 ] && grep -q -- "--max-memory" "$err" && [ ! -e "$work/x.h5" ]; then
            pass "$cmd --max-memory '$v': exit 2"
        else
            fail "$cmd --max-memory '$v': exit $rc: $(tail -1 "$err")"
        fi
    done
done
"$msk" run "$scenario" --set population.size=300 --max-memory 64M -q -o "$work/ok.h5" 2>"$err" && [ -s "$work/ok.h5" ] &&
    pass "run with --max-memory 64M (it needs about 6 MiB) writes its result" ||
    fail "run --max-memory 64M: $(tail -1 "$err")"

echo "$failures failure(s)"
exit $failures
