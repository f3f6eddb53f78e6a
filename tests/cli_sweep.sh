#!/usr/bin/env bash
# cli_sweep.sh — `msksim sweep` end to end, as an analyst and a cluster use it.
#
#   bash cli_sweep.sh MSKSIM SOURCE_DIR                 run the checks (cwd: the build dir)
#   bash cli_sweep.sh MSKSIM SOURCE_DIR --update-doc    rewrite the generated part of
#                                                       docs/sweep-format.md, then check
#
# (a) docs/sweep-format.md holds `msksim sweep --format`; `check` validates sweep files
#     and refuses bad ones at FILE:LINE:COL of the sweep file.
# (b) The example scenarios/sweeps/bfr-dose.yaml runs serially; its file opens in
#     xarray; its sensitivity indices say what the model says (cuff pressure drives
#     adverse events); a second run has nothing to do.
# (c) Under mpirun --oversubscribe with 1, 2 and 3 ranks the datasets are identical to
#     the serial ones; `mpirun -n 3 msksim run` gives the data of a one-rank run.
# (d) Nothing lost: SIGKILL mid-run (plus a cut-off journal line), SIGTERM (exit 75),
#     SIGUSR1 to mpirun (exit 75), job-array shards: each resumed or assembled result is
#     identical to the uninterrupted one. A journal of another sweep is refused.
# (e) grid and morris designs.
# One line per check; the exit status is the number of failures.
set -u
if [ $# -lt 2 ]; then
  echo "usage: bash cli_sweep.sh MSKSIM SOURCE_DIR [--update-doc]" >&2
  exit 2
fi
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
update=${3:-}
py=/usr/bin/python3
tools="$py $src/tests/h5tools.py"
shipped=$src/scenarios/sweeps/bfr-dose.yaml
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_cli_sweep.XXXXXX") || exit 1
# The runs below use the example at 8 base samples (48 runs, seconds); the shipped
# 128 (768 runs) is checked by `check` only.
mkdir -p "$work/example"
cp "$src/scenarios/sweeps/bfr-base.yaml" "$work/example/"
sed 's/^  samples: 128$/  samples: 8/' "$shipped" >"$work/example/bfr-dose.yaml"
example=$work/example/bfr-dose.yaml
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
journal_tasks() { # journal_tasks FILE: finished runs recorded in it
  local n
  n=$(grep -c '^task ' "$1" 2>/dev/null)
  echo "${n:-0}"
}
wait_tasks() { # wait_tasks FILE N PID: until FILE records N runs (or PID is gone)
  local i
  for i in $(seq 1500); do
    [ "$(journal_tasks "$1")" -ge "$2" ] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# ---- (a) format reference, check ----------------------------------------------------
doc=$src/docs/sweep-format.md
begin='<!-- BEGIN GENERATED -->'
end='<!-- END GENERATED -->'
"$msk" sweep --format >"$work/gen.md"
if [ "$update" = "--update-doc" ]; then
  awk -v b="$begin" -v e="$end" -v gen="$work/gen.md" '
      $0 == b { print; while ((getline line < gen) > 0) print line; skip = 1; next }
      $0 == e { skip = 0 }
      !skip { print }' "$doc" >"$work/doc.new" && cat "$work/doc.new" >"$doc"
  echo "updated the generated part of $doc"
fi
awk -v b="$begin" -v e="$end" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' "$doc" >"$work/doc.md"
check "docs/sweep-format.md matches 'msksim sweep --format' (regenerate: bash tests/cli_sweep.sh MSKSIM SRC --update-doc)" \
  diff -u "$work/doc.md" "$work/gen.md"

check "help sweep shows --shard" bash -c "'$msk' help sweep | grep -q -- '--shard I/M'"
check "check accepts the shipped example sweep and counts its points" bash -c \
  "'$msk' check '$shipped' | grep -q 'saltelli design, 4 parameters, 768 points x 1 replicate = 768 runs'"
check "the test copy of the example has 8 base samples" bash -c \
  "'$msk' check '$example' | grep -q 'saltelli design, 4 parameters, 48 points x 1 replicate = 48 runs'"
check "check reports cuff pressures above the advised range once, with the count of points" bash -c \
  "'$msk' check '$example' 2>&1 | grep -E 'bfr-dose.yaml:[0-9]+:[0-9]+: warning: .*above the advised 60% AOP.*\[at [0-9]+ of the 48 points checked\]'"

# Bad sweep files: refused with 65 and a FILE:LINE:COL in the sweep file.
bad() { # bad NAME EXPECTED-FRAGMENT: the file $work/NAME.yaml must be refused so
  local name=$1 want=$2
  "$msk" check "$work/$name.yaml" >"$work/bad.out" 2>&1
  local got=$?
  [ "$got" -eq 65 ] || { echo "exit $got, expected 65"; cat "$work/bad.out"; return 1; }
  grep -E "^$work/$name.yaml:[0-9]+:[0-9]+: error: .*$want" "$work/bad.out" || { cat "$work/bad.out"; return 1; }
}
head_yaml="sweep: bad
base: $src/scenarios/sweeps/bfr-base.yaml
set: {population.size: 64}"
printf '%s\nparameters:\n  - {name: cuff, path: arms.bfr-walking.interventions.0.cuff_pct_aop, range: [30, 95]}\ndesign: {method: lhs, samples: 6}\noutcomes: [{arm: bfr-walking, variable: falls_per_1000py}]\n' "$head_yaml" >"$work/range.yaml"
check "a parameter value the scenario refuses is reported at the parameter's path in the sweep file" \
  bad range "parameters\[0\]\.path: point [0-9]+ \(cuff = [0-9.]+\): arms\[1\]\.interventions\[0\]\.cuff_pct_aop: .*cuff"
printf '%s\nparameters:\n  - {name: cuff, path: arms.bfr-runing.interventions.0.cuff_pct_aop, range: [30, 60]}\ndesign: {method: lhs, samples: 6}\noutcomes: [{arm: bfr-walking, variable: falls_per_1000py}]\n' "$head_yaml" >"$work/arm.yaml"
check "an unknown arm name in a path lists the arms" bad arm "no arm named 'bfr-runing'; its arms are: usual-care, bfr-walking, bfr-resistance"
printf '%s\nparameters:\n  - {name: cuff, path: population.age_mean, range: [70, 66]}\ndesign: {method: sobol}\noutcomes: [{arm: bfr-walking, variable: knee_strength}]\nreplicate: 2\n' "$head_yaml" >"$work/many.yaml"
check "several mistakes are reported together: reversed range" bad many "range: the lower bound must be below the upper bound"
check "... unknown design method" bad many "'sobol' is not a valid method; choose one of: grid, lhs, saltelli, morris"
check "... unknown outcome variable" bad many "unknown outcome variable 'knee_strength'"
check "... unknown key" bad many "unknown key 'replicate' at the top level"
printf '%s\nparameters:\n  - {name: cuff, path: population.age_mean, range: [70, 75]}\ndesign: {method: lhs}\noutcomes: [{arm: usual-care, variable: falls_per_1000py_difference}]\n' "$head_yaml" >"$work/ref.yaml"
check "a difference of the reference arm against itself is refused" bad ref "'usual-care' is the reference arm"
check "--set on a sweep file goes through the same checks" bash -c \
  "'$msk' check '$example' --set design.samples=0 > set.log 2>&1; grep -q '^<command line>:1:1: error: design.samples: value 0 is out of range' set.log"

check "a scenario given to sweep is refused (65) with a hint" bash -c \
  "'$msk' sweep '$src/scenarios/compare-interventions.yaml' 2>&1 >/dev/null | grep -q 'not a sweep file'; [ \${PIPESTATUS[0]} -eq 65 ]"
check "an output directory that does not exist: exit 74, nothing run or written" bash -c \
  "'$msk' sweep '$example' -o '$work/no/such/dir/x.h5' >/dev/null 2>&1; [ \$? -eq 74 ] && test ! -e '$work/no'"

# ---- (b) serial run ---------------------------------------------------------------
check "the example sweep runs serially (2 threads) and prints the indices" bash -c \
  "'$msk' sweep '$example' -o serial.h5 --threads 2 > serial.txt 2> serial.err && grep -q 'first order S1' serial.txt && test ! -e serial.h5.journal"
check "the sweep file opens in xarray (h5netcdf), units and long_name everywhere" $tools open serial.h5
check "/sensitivity opened alone selects an outcome by name (docs/cluster.md's snippet)" $tools sel serial.h5 sensitivity total_order outcome "$(/usr/bin/python3 -c "import h5py; print(h5py.File('serial.h5','r')['outcome'][0].decode())")"
check "ncdump reads it; parameters are coordinates of the outcomes" bash -c \
  "ncdump -h serial.h5 | grep -q 'walk_knee:coordinates = \"cuff adherence protein age\"'"
# The indices are checked at 64 base samples: the example's 8 cannot rank parameters
# (its own run warns so, above), and a check of their values would test the noise.
check "the example at 64 base samples (--set design.samples=64)" "$msk" sweep "$example" --set design.samples=64 -o precise.h5 -q
check "the sweep file holds the design and the BFR indices the test expects" $py - serial.h5 precise.h5 <<'EOF'
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
cuff, adh = f["cuff"][()], f["adherence"][()]
assert cuff.shape == (48,) and 30 <= cuff.min() and cuff.max() <= 80, cuff
assert 0.5 <= adh.min() and adh.max() <= 1, adh
# Saltelli structure in the file: AB_i takes column i from B.
role, col = f["design_role"][()], f["design_column"][()]
assert list(role[:6]) == [0, 1, 2, 2, 2, 2] and list(col[:6]) == [-1, -1, 0, 1, 2, 3], (role[:6], col[:6])
pv = f["parameter_value"][()]
assert pv[2, 0] == pv[1, 0] and pv[2, 1] == pv[0, 1], "AB_1 = A with cuff from B"
names = [n.decode() if isinstance(n, bytes) else n for n in f["outcome"][()]]
assert names == ["walk_knee", "resist_knee", "resist_lean", "resist_minor_ae"], names
f = h5py.File(sys.argv[2], "r")  # 64 base samples
s1, st = f["sensitivity/first_order"][()], f["sensitivity/total_order"][()]
lo, hi = f["sensitivity/total_order_lower"][()], f["sensitivity/total_order_upper"][()]
assert s1.shape == (4, 4) and np.isfinite(s1).all() and np.isfinite(st).all(), (s1, st)
assert (lo <= st + 1e-12).all() and (st <= hi + 1e-12).all(), "ST inside its bootstrap interval"
ae = names.index("resist_minor_ae")
print("ST of minor adverse events (cuff, adherence, protein, age):", st[ae])
# Adverse events of BFR training rise with cuff pressure (model.safety.bfr_ae_doubling)
# and do not depend on protein intake: cuff pressure must dominate.
assert st[ae, 0] > 0.5 and st[ae, 0] > 3 * st[ae, 1:].max(), st[ae]
# Knee-strength gains depend on how many sessions are done: adherence matters.
knee = names.index("resist_knee")
assert st[knee, 1] > 0.2, st[knee]
EOF
check "a second run of the same command has nothing to do (exit 0) and leaves the file alone" bash -c \
  "cp -p serial.h5 before.h5 && '$msk' sweep '$example' -o serial.h5 -q > again.log 2>&1 && grep -q 'is up to date' again.log && cmp -s serial.h5 before.h5"

# ---- (c) MPI ------------------------------------------------------------------------
mpi=()
if command -v mpirun >/dev/null 2>&1 && "$msk" sweep --help | grep -q 'built with MPI'; then
  mpi=(mpirun --oversubscribe)
  [ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
  for n in 1 2 3; do
    check "mpirun -n $n msksim sweep" "${mpi[@]}" -n $n "$msk" sweep "$example" -o mpi$n.h5 --threads 1 -q
    check "mpirun -n $n gives datasets identical to the serial run" $tools same serial.h5 mpi$n.h5
  done
  runargs=(--set population.size=300 --set record.sample_size=100 --set record.event_log=all --set horizon_weeks=26 -q)
  check "msksim run, one process" "$msk" run "$src/scenarios/compare-interventions.yaml" "${runargs[@]}" --threads 2 -o run1.h5
  check "mpirun -n 3 msksim run splits the population over the ranks" bash -c \
    "${mpi[*]} -n 3 '$msk' run '$src/scenarios/compare-interventions.yaml' ${runargs[*]} --threads 1 -o run3.h5 > run3.log 2>&1 && grep -q 'x 3 ranks' run3.log"
  check "... and writes the data of the one-process run (accumulators, event log, sample)" $tools same run1.h5 run3.h5
else
  echo "SKIP: mpirun or MPI support missing: the MPI checks did not run (CI installs openmpi-bin and libopenmpi-dev)"
fi

# ---- plot understands sweep results ---------------------------------------------------
check "msksim plot draws a sweep result (indices and outcome-vs-parameter figures)" bash -c \
  "'$msk' plot serial.h5 -o sweep-figs -q && test -s sweep-figs/sweep-indices.png && test -s sweep-figs/sweep-indices.tsv && test -s sweep-figs/sweep-outcome-1.png"
check "the sweep's figures come with index.html: each figure embedded, the indices with their intervals" bash -c \
  "test \$(grep -o 'data:image/png;base64' sweep-figs/index.html | wc -l) -eq \$(ls sweep-figs/*.png | wc -l) && grep -q 'Indices and their precision' sweep-figs/index.html"
check "the tornado chart keeps every index in view (negative first-order bars are not cut off)" $py - serial.h5 sweep-figs/sweep-indices.gp <<'EOF'
import re, sys
import h5py
f = h5py.File(sys.argv[1], "r")
s1, st = f["sensitivity/first_order"][()], f["sensitivity/total_order"][()]
ranges = [tuple(map(float, m)) for m in re.findall(r"set xrange \[([-0-9.e]+):([-0-9.e]+)\]", open(sys.argv[2]).read())]
assert len(ranges) == s1.shape[0], ranges
for o, (lo, hi) in enumerate(ranges):
    assert lo <= min(s1[o].min(), st[o].min()) and hi >= max(s1[o].max(), st[o].max()), (o, lo, hi, s1[o], st[o])
print("xranges", ranges, "hold S1 down to", s1.min())
EOF
check "the example's 8 base samples cannot rank the knee outcomes: the page and the printed table say so" bash -c \
  "grep -q 'this sweep.s sample cannot rank them' sweep-figs/index.html && grep -q 'warning: the intervals of .* overlap: this sample cannot rank them' serial.txt"

check "units as people read them: paired % differences in percentage points, rates per 1000 person-years (table and figures)" bash -c \
  "grep -q '^walk_knee \[percentage points\]' serial.txt && grep -q '^resist_minor_ae \[per 1000 person-years\]' serial.txt && grep -q \"ylabel 'percentage points'\" sweep-figs/sweep-outcome-1.gp && ! grep -q '(1000 year)-1' sweep-figs/*.gp serial.txt"

# ---- (d) nothing lost ---------------------------------------------------------------
"$msk" sweep "$example" -o kill.h5 --threads 1 -q >/dev/null 2>&1 &
bgpid=$!
if wait_tasks kill.h5.journal 3 $bgpid; then
  kill -9 $bgpid
  wait $bgpid 2>/dev/null
  bgpid=
  check "SIGKILL mid-run leaves the finished runs in the journal and no result" bash -c \
    "[ \$(grep -c '^task ' kill.h5.journal) -ge 3 ] && [ \$(grep -c '^task ' kill.h5.journal) -lt 48 ] && test ! -e kill.h5"
  printf 'task 47 3ff0000000' >>kill.h5.journal # a line cut short by the crash
  check "the same command resumes (skipping the journal's runs) and completes" bash -c \
    "'$msk' sweep '$example' -o kill.h5 --threads 2 -q > kill.log 2>&1 && grep -E 'resuming: [0-9]+ of 48 runs found' kill.log"
  check "... with a result identical to the uninterrupted run" $tools same serial.h5 kill.h5
  check "... and removes the journal" test ! -e kill.h5.journal
else
  echo "FAIL: the sweep to be killed did not journal 3 runs (or ended first)"
  fail=$((fail + 1))
fi

"$msk" sweep "$example" -o term.h5 --threads 1 -q >/dev/null 2>term.err &
bgpid=$!
if wait_tasks term.h5.journal 3 $bgpid; then
  kill -TERM $bgpid
  wait $bgpid
  status=$?
  bgpid=
  check "SIGTERM: exit status 75 and a message on how to resume" bash -c \
    "[ $status -eq 75 ] && grep -q 'interrupted; [0-9]* of 48 runs are done and saved in term.h5.journal; run the same command again' term.err"
  check "the same command then completes it identically" bash -c \
    "'$msk' sweep '$example' -o term.h5 -q 2>/dev/null && $tools same serial.h5 term.h5"
else
  echo "FAIL: the sweep to be stopped did not journal 3 runs"
  fail=$((fail + 1))
fi

if [ ${#mpi[@]} -gt 0 ]; then
  "${mpi[@]}" -n 3 "$msk" sweep "$example" -o usr1.h5 --threads 1 -q >/dev/null 2>usr1.err &
  bgpid=$!
  if wait_tasks usr1.h5.journal 3 $bgpid; then
    kill -USR1 $bgpid
    wait $bgpid
    status=$?
    bgpid=
    check "SIGUSR1 to mpirun (Slurm's --signal): the ranks finish their runs, exit 75" bash -c \
      "[ $status -eq 75 ] && grep -q 'interrupted' usr1.err && test -e usr1.h5.journal && test ! -e usr1.h5"
    check "resumed under mpirun -n 2: identical to the serial run" bash -c \
      "${mpi[*]} -n 2 '$msk' sweep '$example' -o usr1.h5 --threads 1 -q 2>/dev/null && $tools same serial.h5 usr1.h5"
  else
    echo "FAIL: the MPI sweep to be drained did not journal 3 runs"
    fail=$((fail + 1))
  fi
fi

# Job-array shards; the plain command assembles (and runs what a shard left undone).
check "shard 0/3 runs its third and writes no result" bash -c \
  "'$msk' sweep '$example' -o shard.h5 --shard 0/3 -q > shard0.log 2>&1 && grep -q 'shard 0 of 3 done' shard0.log && test -e shard.h5.journal.shard-0-of-3 && test ! -e shard.h5"
check "shard 1/3" "$msk" sweep "$example" -o shard.h5 --shard 1/3 -q
check "the plain command finds 32 runs in the shard journals, runs the other 16 and assembles" bash -c \
  "'$msk' sweep '$example' -o shard.h5 -q > shard.log 2>&1 && grep -q 'resuming: 32 of 48 runs found in the journal' shard.log"
check "... identical to the serial run, every journal removed" bash -c \
  "$tools same serial.h5 shard.h5 && ! ls shard.h5.journal* 2>/dev/null"
check "the last shard to finish, finding the others done, writes the result itself" bash -c \
  "'$msk' sweep '$example' -o last.h5 --shard 1/2 -q 2>/dev/null && test ! -e last.h5 && '$msk' sweep '$example' -o last.h5 --shard 0/2 -q 2>/dev/null && $tools same serial.h5 last.h5"
check "--shard 2/2 is a usage error" expect_status 2 "$msk" sweep "$example" --shard 2/2

# A journal of another sweep (here: another population size) is never mixed in.
"$msk" sweep "$example" -o other.h5 --shard 0/3 -q --set set.population.size=301 >/dev/null 2>&1
mv other.h5.journal.shard-0-of-3 other.h5.journal
check "a journal of another sweep is refused (65) and kept" bash -c \
  "'$msk' sweep '$example' -o other.h5 -q > other.out 2>&1; [ \$? -eq 65 ] && grep -q 'belongs to another sweep' other.out && test -e other.h5.journal"

# ---- (e) other designs ----------------------------------------------------------------
cat >"$work/grid.yaml" <<EOF
sweep: cuff-grid
base: $src/scenarios/sweeps/bfr-base.yaml
set: {population: {size: 400}}
parameters:
  - name: cuff
    path: [arms.bfr-walking.interventions.0.cuff_pct_aop, arms.bfr-resistance.interventions.0.cuff_pct_aop]
    levels: [40, 60, 80]
  - name: sessions
    path: arms.bfr-resistance.interventions.0.sessions_per_week
    range: [2, 4]
    steps: 2
design: {method: grid}
outcomes:
  - {arm: bfr-resistance, variable: adverse_events_minor_per_1000py, name: ae}
EOF
check "a grid sweep runs (3 x 2 points)" "$msk" sweep "$work/grid.yaml" -o grid.h5 -q
check "grid points are the exact levels, first parameter slowest; adverse events rise with cuff pressure" $py - grid.h5 <<'EOF'
import sys
import h5py
f = h5py.File(sys.argv[1], "r")
assert list(f["cuff"][()]) == [40, 40, 60, 60, 80, 80], f["cuff"][()]
assert list(f["sessions"][()]) == [2, 4, 2, 4, 2, 4], f["sessions"][()]
ae = f["ae"][()]
print("minor adverse events per 1000 py:", ae)
assert ae[0] < ae[2] < ae[4] and ae[1] < ae[3] < ae[5], ae
assert "sensitivity" not in f
EOF
cat >"$work/morris.yaml" <<EOF
sweep: screen
base: $src/scenarios/sweeps/bfr-base.yaml
set: {population.size: 100}
replicates: 2
parameters:
  - {name: cuff, path: arms.bfr-resistance.interventions.0.cuff_pct_aop, range: [40, 80]}
  - {name: load, path: arms.bfr-resistance.interventions.0.load_pct_1rm, range: [20, 40]}
  - {name: size, path: population.size, range: [64, 128], integer: true}
design: {method: morris, trajectories: 4, levels: 4, bootstrap: 100}
outcomes:
  - {arm: bfr-resistance, variable: adverse_events_minor_per_1000py, name: ae}
  - {arm: bfr-resistance, variable: knee_extension_strength_change_pct, name: knee}
EOF
check "a morris sweep with 2 replicates and a whole-number parameter runs" "$msk" sweep "$work/morris.yaml" -o morris.h5 -q
check "morris: mu* per parameter, replicates kept, whole numbers stay whole" $py - morris.h5 <<'EOF'
import sys
import h5py
import numpy as np
f = h5py.File(sys.argv[1], "r")
assert f["outcome_replicates"].shape == (16, 2, 2), f["outcome_replicates"].shape
size = f["size"][()]
assert (size == np.round(size)).all() and size.min() >= 64 and size.max() <= 128, size
seeds = f["task_seed"][()]
assert (seeds[:, 0] == seeds[0, 0]).all() and (seeds[:, 1] == seeds[0, 1]).all() and seeds[0, 0] != seeds[0, 1], seeds
mu = f["sensitivity/mu_star"][()]
assert mu.shape == (2, 3) and np.isfinite(mu).all(), mu
ae = 0
# Adverse events: cuff pressure matters more than the load (cuff drives the AE model).
assert mu[ae, 0] > mu[ae, 1], mu
EOF

echo "$fail failure(s)"
exit $fail
