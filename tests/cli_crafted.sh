#!/usr/bin/env bash
# Inputs valid one value at a time but extreme or degenerate. Crafted result files whose
# values are valid one by one but imply sizes past the
# readers' ceilings (docs/robustness.md, "Ceilings of the readers"): `plot` and `export`
# must refuse them (65) or draw them within bounds, never crash, write past a buffer or
# write gigabytes; and degenerate but valid results (everyone dead, one person) are
# plotted, not called an internal error.
# Usage: cli_crafted.sh MSKSIM SOURCE_DIR   (one line per check; exit status = failures)
set -u
msksim=$1
src=$2
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/    /' "$work/out" | tail -25; fail=$((fail + 1)); fi
}
# status_in "LIST" COMMAND...: the command's exit status is one of LIST.
status_in() {
  local want=$1; shift
  "$@"; local got=$?
  case " $want " in *" $got "*) return 0 ;; esac
  echo "exit status $got, expected one of: $want"; return 1
}

# A result whose sampled people break bones (legs cast, hospital stays), no schedule.
"$msksim" run "$src/scenarios/vicious-cycle.yaml" --set population.size=300 -q -o "$work/base.h5" 2>/dev/null || { echo "FAIL: base run"; exit 1; }

# Time spacing so fine that the immobilization figure's bin count times the arms wraps
# size_t (before the fix: a heap overflow, SIGSEGV), values all finite and increasing.
$py - "$work/base.h5" "$work/spacing.h5" <<'PY'
import shutil, sys, math
import h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    arms = len(f["arm"])
    nbins = (2**64 + 3 * arms * 10**6) // (3 * arms)  # the product wraps to about 3e6
    dt = 26.0 / (nbins - 3)  # weeks
    n = len(f["time"])
    f["time"][:] = np.arange(n) * dt * 7.0  # the file's time is in days
PY
check "plot: extreme time spacing (events outside follow-up) is refused (65), no crash" bash -c \
  "'$msksim' plot '$work/spacing.h5' -o '$work/spacing' -q --format svg 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 65 ] && grep -q 'outside follow-up' '$work/msg'"

# The same, with every event moved along with the observations: the bins are capped.
$py - "$work/spacing.h5" "$work/spacing2.h5" <<'PY'
import shutil, sys
import h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    t = f["time"][()]
    for a in f["arm"][()]:
        e = f["arms/" + (a.decode() if isinstance(a, bytes) else a) + "/events/event_time"]
        e[:] = e[()] * (t[1] / 28.0)  # vicious-cycle observes every 4 weeks (28 days)
PY
check "plot: extreme time spacing with events inside follow-up: no crash, no internal error" bash -c \
  "'$msksim' plot '$work/spacing2.h5' -o '$work/spacing2' -q --format svg 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 0 ] || [ \$rc -eq 65 ]"

# Observation times past the ceiling of +-1e5 weeks.
$py - "$work/base.h5" "$work/far.h5" <<'PY'
import shutil, sys
import h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    n = len(f["time"])
    f["time"][:] = np.arange(n) * 1e12
PY
for cmd in plot export; do
  check "$cmd: observation times past 1e5 weeks are refused (65) with the ceiling" bash -c \
    "'$msksim' $cmd '$work/far.h5' -o '$work/far-$cmd' -q 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 65 ] && grep -q 'within' '$work/msg' && ! test -e '$work/far-$cmd'"
done

# One sampled person with 12000 falls in the reference arm: a small (compressed) file
# that once made `plot` write one gnuplot line per fall per panel (gigabytes for more).
$py - "$work/base.h5" "$work/events.h5" <<'PY'
import shutil, sys
import h5py, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
N = 12000
with h5py.File(sys.argv[2], "r+") as f:
    ref = f.attrs["reference_arm"]
    ref = ref.decode() if isinstance(ref, bytes) else ref
    g = f["arms/" + ref + "/events"]
    kinds = g["kind"].attrs["flag_meanings"]
    kinds = (kinds.decode() if isinstance(kinds, bytes) else str(kinds)).split()
    fall = g["kind"].attrs["flag_values"][kinds.index("fall")]
    for name in list(g.keys()):
        old = g[name]
        data, attrs = old[()], dict(old.attrs)
        if name == "kind":
            row = fall
        elif name in ("event_time",):
            row = None
        else:
            row = 0
        extra = np.full(N, row if row is not None else 0, dtype=data.dtype)
        if name == "event_time":
            extra = np.linspace(0.5, 50, N).astype(data.dtype)
        new = np.concatenate([extra, data])
        del g[name]
        d = g.create_dataset(name, data=new, compression="gzip", chunks=True)
        for k, v in attrs.items():
            if k not in ("DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME", "_Netcdf4Dimid"):
                d.attrs[k] = v
PY
check "plot: a sampled person with 12000 events (past 10000) is refused (65), nothing written" bash -c \
  "'$msksim' plot '$work/events.h5' -o '$work/events' -q 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 65 ] && grep -q '10000 events' '$work/msg' && ! test -e '$work/events'"

# Degenerate but valid results are plotted: what applies is drawn, the rest skipped with
# a reason on the page; never "internal error".
"$msksim" run "$src/scenarios/compare-interventions.yaml" --set population.size=1 -q -o "$work/one.h5" 2>/dev/null
check "plot: a run of one person: exit 0, nothing on stderr, end-of-study figure drawn" bash -c \
  "'$msksim' plot '$work/one.h5' -o '$work/one' -q --format svg 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 0 ] && ! [ -s '$work/msg' ] && test -s '$work/one/fig3-end-of-study.svg'"
"$msksim" run "$src/scenarios/vicious-cycle.yaml" --set population.size=20 --set population.age_min=109 \
  --set population.age_max=110 -q -o "$work/dead.h5" 2>/dev/null
check "plot: a run where everyone has died: exit 0, nothing on stderr, the skipped figures say why" bash -c \
  "'$msksim' plot '$work/dead.h5' -o '$work/dead' -q --format svg 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 0 ] && ! [ -s '$work/msg' ] && test -s '$work/dead/fig1-trajectories.svg' && grep -q 'Nobody was alive at the end' '$work/dead/index.html'"

# A sweep outcome that is the same at every point (no hip fracture in 8 weeks among 10
# people): its indices are undefined, said in words, and the sweep plot is drawn.
cp "$src/tests/bad/sweeps/base/base.yaml" "$work/base.yaml"
cat >"$work/const.yaml" <<'YAML'
sweep: const
base: base.yaml
parameters:
  - {name: cuff, path: arms.bfr.interventions.0.cuff_pct_aop, range: [30, 60]}
  - {name: adh, path: arms.bfr.interventions.0.adherence, range: [0.5, 0.9]}
design: {method: saltelli, samples: 8}
outcomes:
  - {arm: bfr, variable: hip_fractures_per_1000py_difference}
  - {arm: bfr, variable: knee_extension_strength_change_pct_difference}
YAML
check "sweep: an outcome that never varies is reported 'undefined: outcome does not vary', no nan" bash -c \
  "cd '$work' && '$msksim' sweep const.yaml -o const.h5 >'$work/msg' 2>&1; rc=\$?; cat '$work/msg'; [ \$rc -eq 0 ] && grep -q 'undefined: outcome does not vary' '$work/msg' && ! grep -qi 'nan' '$work/msg'"
check "plot: the sweep with an outcome that never varies is drawn (exit 0, nothing on stderr)" bash -c \
  "'$msksim' plot '$work/const.h5' -o '$work/const' -q --format svg 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 0 ] && ! [ -s '$work/msg' ] && test -s '$work/const/sweep-indices.svg'"

# A sweep result whose dimensions imply more values than a sweep plot reads (9 million
# points x 6 columns, past MAX_VALUES = 50 000 000, 400 MB): refused with the ceiling
# before anything is allocated. The dataset is declared, not written, so the file stays
# small; a 3rd parameter and outcome make 6 columns (10^7 points x 4 cannot pass it).
check "plot: a sweep result of 9e6 points x 6 values (past 5e7) is refused (65) naming MAX_VALUES" bash -c \
  "/usr/bin/python3 - '$work/const.h5' '$work/huge.h5' <<'PY' && '$msksim' plot '$work/huge.h5' -o '$work/huge' -q 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 65 ] && grep -q 'MAX_VALUES' '$work/msg' && ! test -e '$work/huge'
import h5py, shutil, sys
shutil.copy(sys.argv[1], sys.argv[2])
f = h5py.File(sys.argv[2], 'r+')
dt = f['point'].dtype
del f['point']
f.create_dataset('point', shape=(9000000,), dtype=dt, chunks=(1 << 20,), compression='gzip')
for k, v in [('parameter', ['a', 'b', 'c']), ('parameter_unit', ['1'] * 3), ('outcome', ['x', 'y', 'z']), ('outcome_unit', ['1'] * 3), ('outcome_display_unit', ['1'] * 3)]:
    del f[k]
    f.create_dataset(k, data=v, dtype=h5py.string_dtype())
f.close()
PY"

# A calibration prior far narrower than its parameter's range made the prior's residual
# infinite: the fit printed "inf -> inf" and exited 0. Refused at load now.
# The first parameter line, whichever it is (the parameter list changes with the model).
sed '0,/^  - {name: .*}$/s/^\(  - {name: .*\)}$/\1, prior_sd: 1e-300}/' \
  "$src/scenarios/calibration.yaml" >"$work/calibration.yaml"
ln -s "$src/scenarios/evidence" "$work/evidence"
check "calibrate: prior_sd 1e-300 is refused at load (65) with the range it must lie in" bash -c \
  "grep -q 'prior_sd: 1e-300' '$work/calibration.yaml' && '$msksim' calibrate '$work/calibration.yaml' -o '$work/fit.yaml' 2>'$work/msg'; rc=\$?; cat '$work/msg'; [ \$rc -eq 65 ] && grep -q 'prior_sd (1e-300) must be at least' '$work/msg' && ! test -e '$work/fit.yaml'"

echo "$fail failure(s)"
exit $fail
