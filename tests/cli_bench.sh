#!/usr/bin/env bash
# `msksim bench`: the quick run prints every figure of docs/performance.md and every
# target as met or not, its TSV has one well-formed row per run, and bad usage is
# refused. No timing is asserted: the machine may be busy.
#
#   bash cli_bench.sh MSKSIM SOURCE_DIR
set -u
msksim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cd "$src" || exit 1

"$msksim" bench --quick --threads 1,2 --scratch "$tmp" --tsv "$tmp/bench.tsv" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && pass "bench --quick exits 0" || { fail "bench --quick exit $rc"; cat "$tmp/out" "$tmp/err"; }
for pattern in '^run +people +years +threads +person-years +sim s +py/s/core +py/cpu-s +events/s +output s +output MB +peak MB$' \
    '^reference +200 +1 +1 ' '^reference +200 +1 +2 ' '^size +100 ' '^horizon +100 +0.5 ' '^exact +100 +1 +1 ' \
    '^daily-step +100 +1 +1 ' '^machine \(start\): .*cores online, load average' \
    '^threads: 2 threads simulate the reference workload [0-9.]+x faster than 1' \
    '^size \(1 years, 2 threads\): .*100: [0-9]+, [0-9]+ \([0-9]+\); 200: ' \
    '^horizon \(100 people, 2 threads\): .*0.5 y: .*1 y: ' '^output: .* took [0-9.]+ s to write' \
    '^daily step \(100 people, 1 years, 1 thread\): the exact loop is [0-9.]+x faster' \
    '^  leg_lean_mass +none ' '^  fractures /1000 py +high-load ' '^targets:$' \
    '^  \[(met|not met)\] +>= 250000 person-years/s/core on the reference workload: [0-9]+ ' \
    '^  \[(met|not met)\] +2 threads >= 1.8x one thread: [0-9.]+x \(wall clock; [0-9.]+ cores were free\)$' \
    '^  \[(met|not met)\] +peak memory <= 300 MB at 10\^6 people: [0-9]+ MB \(extrapolated' \
    '^  \[(met|not met)\] +>= 10x faster than the daily step: [0-9.]+x$' \
    '^  \[(met|not met)\] +key outcomes within 0.5% of the daily step: largest difference [0-9.]+%$' \
    '^draws \(100 people, 1 years, 2 threads, [0-9]+ drawn parameters\): [0-9.]+ s per parameter draw, [0-9.]+x a plain run'; do
    grep -Eq "$pattern" "$tmp/out" && pass "prints /$pattern/" || fail "no line matches /$pattern/"
done
[ "$(grep -c '^  \[' "$tmp/out")" -eq 5 ] && pass "five targets" || fail "not five target lines"
[ -z "$(ls "$tmp" | grep -v '^bench.tsv$\|^out$\|^err$')" ] && pass "result files removed from the scratch directory" ||
    fail "left in the scratch directory: $(ls "$tmp")"

/usr/bin/python3 - "$tmp/bench.tsv" <<'EOF' && pass "TSV: one row per run, numbers consistent" || fail "TSV content"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
runs = [r["run"] for r in rows]
assert runs == ["reference", "reference", "size", "horizon", "exact", "daily-step"], runs
for r in rows:
    py, sim, peak = float(r["person_years"]), float(r["sim_seconds"]), float(r["peak_mb"])
    assert py > 0 and sim > 0 and peak > 1, r
    # Person-years: at most people x arms x years (5 arms), most of it lived.
    bound = int(r["people"]) * 5 * float(r["years"])
    assert 0.8 * bound < py <= bound * 1.001, (r["run"], py, bound)
    assert int(r["events"]) > 0, r
daily = rows[-1]
# One step per day alive.
assert float(daily["step_days"]) == 1 and abs(int(daily["steps"]) - 365.25 * float(daily["person_years"])) < 0.01 * int(daily["steps"]), daily
assert all(int(r["steps"]) == 0 for r in rows[:-1])
ref = rows[0]
assert float(ref["output_mb"]) > 0 and float(ref["output_seconds"]) > 0, ref
assert float(rows[4]["output_mb"]) == 0, rows[4]
EOF

# Bad usage: exit 2 with a message naming the option; an unreadable scenario: 66.
for args in "--threads 0" "--sizes 10,,20" "--daily-size 10,20" "--years x" "--frobnicate" "extra"; do
    "$msksim" bench $args >"$tmp/o" 2>"$tmp/e"
    rc=$?
    [ $rc -eq 2 ] && grep -q "msksim bench:" "$tmp/e" && pass "bench $args: usage error (2)" ||
        fail "bench $args: exit $rc; $(cat "$tmp/e")"
done
"$msksim" bench --quick --scenario "$tmp/missing.yaml" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc -eq 66 ] && grep -q "missing.yaml" "$tmp/e" && pass "unreadable scenario: 66" || fail "unreadable scenario: exit $rc"
"$msksim" help bench | grep -q "^Usage: msksim bench" && pass "help bench" || fail "help bench"

echo "$failures failure(s)"
[ $failures -eq 0 ]
