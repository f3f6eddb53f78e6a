#!/usr/bin/env bash
# cli_draws.sh — `msksim run --draws N`: parameter uncertainty end to end.
#
#   bash cli_draws.sh MSKSIM SOURCE_DIR      (cwd: the build dir)
#
# (a) Usage and input: --draws and --shard in the help; draws: 1, a bad --draws, a
#     distribution file without `uncertainty:` and --shard without draws are refused.
# (b) The machinery: draw 0 of the file is reproduced, bit for bit, by a plain run
#     with --set of its parameter values; with every SD 0 each draw is the central run
#     and the uncertainty interval collapses onto it (the Monte Carlo interval is then
#     all that is left); with one drawn parameter and an outcome that rises with it, the
#     2.5% and 97.5% limits across 400 draws lie between the outcome at the analytic
#     quantiles of the parameter's distribution moved by 3 binomial SDs of the
#     empirical quantile (its Monte Carlo error).
# (c) The same draws for 1 or 2 threads, 1 or 3 MPI ranks, after SIGTERM and resume,
#     and from two job-array shards.
# One line per check; the exit status is the number of failures.
set -u
if [ $# -lt 2 ]; then
  echo "usage: bash cli_draws.sh MSKSIM SOURCE_DIR" >&2
  exit 2
fi
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
py=/usr/bin/python3
tools="$py $src/tests/h5tools.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_cli_draws.XXXXXX") || exit 1
bgpid=
cleanup() {
  [ -n "$bgpid" ] && kill -9 "$bgpid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 1

fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    sed 's/^/    /' "$work/out" | tail -25
    fail=$((fail + 1))
  fi
}
expect_status() { # expect_status N COMMAND...
  local want=$1
  shift
  "$@"
  local got=$?
  [ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
}
export -f expect_status

# A small study: three arms, 300 people, half a year (a run takes a few hundredths of
# a second, so 40 draws take about a second).
cat >study.yaml <<EOF
name: draws-study
seed: 4242
horizon_weeks: 26
observe_every_weeks: 4
population: {size: 300, age_min: 65, age_max: 80}
record: {sample_size: 0, event_log: none}
arms:
  - name: none
  - name: bfr-resistance
    interventions:
      - {type: bfr_resistance, sessions_per_week: 3, duration_weeks: 26, load_pct_1rm: 30, cuff_pct_aop: 50}
  - name: high-load
    interventions:
      - {type: resistance, sessions_per_week: 3, duration_weeks: 26, load_pct_1rm: 75}
EOF
shipped=$src/scenarios/parameters.yaml

# ---- (a) usage and input -------------------------------------------------------------
check "help run shows --draws and --shard" bash -c "'$msk' help run | grep -q -- '--draws N' && '$msk' help run | grep -q -- '--shard I/M'"
check "draws: 1 is refused at its place (65), nothing written" bash -c \
  "expect_status 65 '$msk' run study.yaml --set draws=1 -o one.h5 2>err; grep -q '<command line>:1:1: error: draws: 1 gives no interval' err && [ ! -e one.h5 ]"
check "--draws needs a whole number (exit 2)" expect_status 2 "$msk" run study.yaml --draws x
check "--shard without draws is refused (exit 2)" expect_status 2 "$msk" run study.yaml --shard 0/2
check "check echoes the draws and where they come from" bash -c \
  "'$msk' check study.yaml --set draws=25 | grep -q '^  draws: 25 parameter draws from the calibration in .*scenarios/parameters.yaml and from the published ranges of models/params_dist.def: 26 runs of the population'"
check "draws that do not fit the memory budget are refused before any work (71), naming the draws" bash -c \
  "expect_status 71 '$msk' run study.yaml --draws 100000 --max-memory 64M -o big.h5 2>err; grep -q 'error: draws: the 100000 parameter draws keep .* of outcomes in memory' err && [ ! -e big.h5 ] && [ ! -e big.h5.journal ]"
cp "$src/scenarios/calibration.yaml" notcal.yaml
check "a draws_from file that is not a calibration's output is refused, at both places" bash -c \
  "expect_status 65 '$msk' check study.yaml --set draws=5 --set draws_from=notcal.yaml 2>err; grep -q 'notcal.yaml:1:1: error: uncertainty: holds no .uncertainty:. mapping' err && grep -q '<command line>:2:1: error: draws_from: the parameter draws need' err"

# ---- (b) the machinery ---------------------------------------------------------------
check "40 draws run on 2 threads and print the uncertainty table" bash -c \
  "'$msk' run study.yaml --draws 40 -t 2 -o t2.h5 >table 2>err && grep -q '40 parameter draws' table && grep -q 'P(better)' table && grep -q 'what drives the uncertainty' table"
check "draw 0 is reproduced bit for bit by a plain run with --set of its parameter values" $py - "$msk" <<'EOF'
import subprocess, sys, h5py, numpy as np
msk = sys.argv[1]
with h5py.File("t2.h5", "r") as f:
    g = f["draws"]
    names = [n.decode() for n in g["parameter"][:]]
    vals = g["parameter_value"][0, :]
    want = g["leg_lean_mass_change_pct_difference"][0, :]
    rate = g["falls_per_1000py"][0, :]
sets = [a for n, v in zip(names, vals) for a in ("--set", f"model.{n}={float(v)!r}")]
subprocess.run([msk, "run", "study.yaml", "-q", "-o", "d0.h5", *sets], check=True)
with h5py.File("d0.h5", "r") as f:
    got = f["comparison/leg_lean_mass_change_pct_difference"][:]
    got_rate = f["summary/falls_per_1000py"][:]
assert np.isnan(want[0]), "the reference arm's difference is NaN"
assert want[1:].tobytes() == got.tobytes(), (want, got)
assert rate.tobytes() == got_rate.tobytes(), (rate, got_rate)
print("draw 0 =", want[1:], "falls", rate)
EOF
check "the root of a run with draws is the run without them, bit for bit" bash -c \
  "'$msk' run study.yaml -q -o plain.h5 && $py -c \"
import h5py, numpy as np
a, b = h5py.File('t2.h5'), h5py.File('plain.h5')
for n in ('leg_lean_mass_mean', 'comparison/fractures_per_1000py_difference', 'summary/falls_per_1000py'):
    assert a[n][()].tobytes() == b[n][()].tobytes(), n
\""
check "the drawn parameters are the calibration's and those with a published range (falls.hip_rr_per_sd), each with its source; draws_sources=false leaves the latter out" bash -c \
  "$py -c \"
import h5py
g = h5py.File('t2.h5')['draws']
names = [n.decode() for n in g['parameter'][:]]
src = dict(zip(names, (s.decode() for s in g['parameter_source'][:])))
assert 'falls.rate_at80' in names and src['falls.rate_at80'].startswith('calibration'), src
assert 'falls.hip_rr_per_sd' in names and 'Marshall 1996' in src['falls.hip_rr_per_sd'], src
assert 'criteria.osteoporosis_tscore' not in names
v = g['parameter_value'][:, names.index('falls.hip_rr_per_sd')]
assert (v >= 1).all() and (v <= 6).all() and v.std() > 0
\" && '$msk' run study.yaml --draws 4 --set draws_sources=false -q -o cal.h5 && $py -c \"
import h5py
assert 'falls.hip_rr_per_sd' not in [n.decode() for n in h5py.File('cal.h5')['draws/parameter'][:]]
\""
check "params --uncertainty lists the sources' distributions, the fixed parameters with why, and those with none yet" bash -c \
  "'$msk' params --uncertainty >unc && grep -q '^falls.hip_rr_per_sd .*log-normal  \[2, 3.5\]' unc && grep -q '^criteria.osteoporosis_tscore: a definition' unc && grep -q '^# No distribution yet ([0-9]*)' unc"
check "the uncertainty interval is wider than the Monte Carlo one for the training arms' lean mass" $py - <<'EOF'
import h5py, numpy as np
g = h5py.File("t2.h5", "r")["draws"]
v = "leg_lean_mass_change_pct_difference"
ui = g[v + "_ui_high"][1:] - g[v + "_ui_low"][1:]
mc = g[v + "_mc_high"][1:] - g[v + "_mc_low"][1:]
assert (ui > mc).all(), (ui, mc)
p = g[v + "_p_better"][1:]
assert ((p >= 0) & (p <= 1)).all() and g[v + "_importance"].shape == (3, g["parameter"].shape[0])
print("ui", ui, "mc", mc, "P(better)", p)
EOF

check "figure 3 and the report show the uncertainty interval and explain both kinds" bash -c \
  "'$msk' plot t2.h5 -o figs >/dev/null 2>&1 && grep -q '95% uncertainty interval, 40 parameter draws' figs/fig3-end-of-study.tsv && grep -q '/draws/VAR_\*_mean' figs/fig3-end-of-study.tsv && grep -q 'What the model does not know' figs/index.html && grep -q 'Monte Carlo precision' figs/index.html"
check "every plotted number of a run with draws matches the file (figure 3 from /draws, figure 9 made)" bash -c \
  "$py $src/tests/plotcheck.py figures t2.h5 figs | tee /dev/stderr | grep -q 'ok: fig9' && ! $py $src/tests/plotcheck.py figures t2.h5 figs | grep -q FAIL"

check "export writes draws_summary: one row per arm, the file's summaries across draws; a later export without draws removes it" bash -c \
  "'$msk' export t2.h5 -o tables >/dev/null && $py -c \"
import csv, h5py, math
g = h5py.File('t2.h5')['draws']
rows = list(csv.DictReader(open('tables/draws_summary.csv')))
assert [r['arm'] for r in rows] == [a.decode() for a in g['arm'][()]]
for a, r in enumerate(rows):
    for col in ('leg_lean_mass_change_pct_difference_ui_low', 'falls_per_1000py_mean', 'fractures_per_1000py_difference_p_better'):
        x, y = float('nan') if r[col] == 'NA' else float(r[col]), g[col][a]
        assert (math.isnan(x) and math.isnan(y)) or abs(x - y) <= 1e-9 * max(1, abs(y)), (col, x, y)
\" && '$msk' export plain.h5 -o tables -q && test ! -e tables/draws_summary.csv"

check "the table says where the population, not the parameters, limits the answer (fractures in 2000 people), and checks it against /draws" bash -c \
  "'$msk' run '$src/scenarios/compare-interventions.yaml' --draws 10 -t 2 -o ci.h5 >ci.table 2>/dev/null && grep -q '^note: where the population, not the parameters, limits the answer' ci.table && $py -c \"
import h5py, re
g = h5py.File('ci.h5')['draws']
arms = [a.decode() for a in g['arm'][()]]
m = re.search(r'fractures /1000py difference: in (\\S+) the Monte Carlo interval spans (\\S+), the uncertainty interval (\\S+)', open('ci.table').read())
a = arms.index(m.group(1)); v = 'fractures_per_1000py_difference'
mc, ui = g[v + '_mc_high'][a] - g[v + '_mc_low'][a], g[v + '_ui_high'][a] - g[v + '_ui_low'][a]
assert abs(mc - float(m.group(2))) < 0.01 * mc and abs(ui - float(m.group(3))) < 0.01 * ui and mc >= ui, (mc, ui)
\""

# Every SD 0: nothing is drawn, each draw is the central run.
sed -E 's/logit_sd: [0-9.e+-]+/logit_sd: 0/' "$shipped" >zero.yaml
check "with every SD 0 the draws are the central run and the interval collapses onto it" bash -c \
  "'$msk' run study.yaml --draws 5 --set draws_from=$work/zero.yaml --set draws_sources=false -q -o zero.h5 && $py -c \"
import h5py, numpy as np
f = h5py.File('zero.h5'); g = f['draws']
assert 'parameter' not in g and 'SD 0' in g.attrs['parameters_held'].decode()
for v in ('leg_lean_mass_change_pct_difference', 'fractures_per_1000py', 'fn_bmd_change_pct'):
    x, c = g[v][()], g[v + '_central'][()]
    for row in x:
        assert np.array_equal(row, c, equal_nan=True), v
    assert np.array_equal(g[v + '_ui_low'][()], c, equal_nan=True) and np.array_equal(g[v + '_ui_high'][()], c, equal_nan=True)
for v in ('leg_lean_mass_mean', 'fn_bmd_mean', 'cumulative_incidence_fractures'):
    assert np.array_equal(g[v + '_ui_low'][()], f[v][()], equal_nan=True) and np.array_equal(g[v + '_ui_high'][()], f[v][()], equal_nan=True), v
c = f['comparison/leg_lean_mass_change_pct_difference_ci_low'][()]
assert np.array_equal(g['leg_lean_mass_change_pct_difference_mc_low'][()][1:], c)
\""

# One drawn parameter (falls.rate_at80, logit SD 0.3), the others held: the falls rate
# rises with it, so its quantiles across draws are the outcome at the parameter's
# quantiles. The empirical 2.5% quantile of 400 draws is the k-th draw, k ~ Bin(400,
# 0.025) (SD 3.1); 3 SDs either side bracket it.
$py - "$shipped" <<'EOF' >one.yaml
import re, sys
text = open(sys.argv[1]).read()
out = []
for line in text.splitlines():
    if "logit_sd:" in line and "falls.rate_at80" not in line:
        line = re.sub(r"logit_sd: [0-9.e+-]+", "logit_sd: 0", line)
    elif "falls.rate_at80" in line:
        line = re.sub(r"logit_sd: [0-9.e+-]+", "logit_sd: 0.3", line)
    out.append(line)
print("\n".join(out))
EOF
check "one drawn parameter: the interval across 400 draws matches the analytic one within its Monte Carlo error" $py - "$msk" "$work/one.yaml" <<'EOF'
import subprocess, sys, math, h5py, numpy as np
from statistics import NormalDist
msk, dist = sys.argv[1], sys.argv[2]
run = lambda *a: subprocess.run([msk, "run", "study.yaml", "-q", "-t", "2", *a], check=True)
run("--draws", "400", "--set", f"draws_from={dist}", "--set", "draws_sources=false", "-o", "one.h5")
g = h5py.File("one.h5", "r")["draws"]
assert [n.decode() for n in g["parameter"][:]] == ["falls.rate_at80"]
lo, hi = g["falls_per_1000py_ui_low"][0], g["falls_per_1000py_ui_high"][0]
mean, sd = -1.0461699929072525, 0.3  # the shipped logit mean of falls.rate_at80
value = lambda p: 0.1 + 1.4 / (1 + math.exp(-(mean + sd * NormalDist().inv_cdf(p))))
def falls(p):
    run("--set", f"model.falls.rate_at80={value(p)!r}", "-o", "at.h5")
    return h5py.File("at.h5", "r")["summary/falls_per_1000py"][0]
half = 3 * math.sqrt(400 * 0.025 * 0.975) / 400
bounds = {q: (falls(max(q - half, 1e-4)), falls(min(q + half, 1 - 1e-4))) for q in (0.025, 0.975)}
print("ui", lo, hi, "analytic brackets", bounds)
assert bounds[0.025][0] <= lo <= bounds[0.025][1], "lower limit"
assert bounds[0.975][0] <= hi <= bounds[0.975][1], "upper limit"
assert bounds[0.975][0] > bounds[0.025][1], "the brackets separate: the test can fail"
EOF

# ---- (c) the same draws for any layout -----------------------------------------------
check "1 thread gives the same file as 2" bash -c "'$msk' run study.yaml --draws 40 -t 1 -q -o t1.h5 && $tools same t1.h5 t2.h5"
if command -v mpirun >/dev/null 2>&1 && "$msk" sweep --help | grep -q 'built with MPI'; then
  mpi="mpirun --oversubscribe"
  [ "$(id -u)" -eq 0 ] && mpi="$mpi --allow-run-as-root"
  check "3 MPI ranks give the same file as 1 process" bash -c \
    "$mpi -n 3 '$msk' run study.yaml --draws 40 -t 1 -q -o r3.h5 && $tools same r3.h5 t2.h5"
else
  echo "skip: MPI checks (msksim built without MPI)"
fi
"$msk" run study.yaml --draws 40 -t 1 -q -o killed.h5 2>killed.err &
bgpid=$!
for _ in $(seq 1500); do
  [ "$(grep -c '^task ' killed.h5.journal 2>/dev/null)" -ge 5 ] 2>/dev/null && break
  kill -0 $bgpid 2>/dev/null || break
  sleep 0.02
done
kill -TERM $bgpid 2>/dev/null
wait $bgpid
status=$?
bgpid=
check "SIGTERM: exit 75, no result file, the finished draws kept in the journal" bash -c \
  "[ $status -eq 75 ] && [ ! -e killed.h5 ] && [ -s killed.h5.journal ] || { cat killed.err; echo status $status; exit 1; }"
check "the same command resumes and writes the same file" bash -c \
  "'$msk' run study.yaml --draws 40 -t 1 -q -o killed.h5 2>err && grep -q 'resuming' err && [ ! -e killed.h5.journal ] && $tools same killed.h5 t2.h5"
check "two job-array shards, then the plain command, give the same file" bash -c \
  "'$msk' run study.yaml --draws 40 -q --shard 0/2 -o sh.h5 2>/dev/null && [ ! -e sh.h5 ] && '$msk' run study.yaml --draws 40 -q --shard 1/2 -o sh.h5 2>/dev/null && '$msk' run study.yaml --draws 40 -q -o sh.h5 && $tools same sh.h5 t2.h5"

exit $fail
