#!/usr/bin/env bash
# End-to-end checks of `msksim run` as a user runs it.
# Usage: cli_run.sh MSKSIM SOURCE_DIR   (one line per check; exit status = failures)
set -u
msksim=$1
src=$2
tools="/usr/bin/python3 $src/tests/h5tools.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/    /' "$work/out" | tail -20; fail=$((fail + 1)); fi
}
expect_status() { # expect_status N COMMAND...
  local want=$1; shift
  "$@"; local got=$?
  [ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
}

small="--set population.size=300 --set record.sample_size=5"

check "--version names the git revision" bash -c "'$msksim' --version | grep -E 'msksim [0-9.]+ \(git [0-9a-f]'"
check "--help exits 0 and lists commands" bash -c "'$msksim' --help | grep -q 'check FILE'"
check "help run shows the run options" bash -c "'$msksim' help run | grep -q -- '--threads'"
check "unknown command is a usage error (2)" expect_status 2 "$msksim" frobnicate
check "run without FILE is a usage error (2)" expect_status 2 "$msksim" run
check "bad --threads is a usage error (2)" expect_status 2 "$msksim" run "$src/scenarios/compare-interventions.yaml" --threads zero

for f in "$src"/scenarios/*.yaml; do
  case $(basename "$f") in calibration.yaml | parameters.yaml) continue ;; esac  # not scenarios
  check "check accepts $(basename "$f")" "$msksim" check "$f"
done

# Default output location: output/<scenario name>.h5 under the current directory.
mkdir -p "$work/cwd"
check "run writes output/<name>.h5 by default and prints the table" \
  bash -c "cd '$work/cwd' && '$msksim' run '$src/scenarios/compare-interventions.yaml' $small --threads 2 > table.txt && test -s output/compare-interventions.h5 && grep -q 'bfr-walking' table.txt && grep -q 'paired difference' table.txt"

# The table (issue 14): at most 100 columns, units per panel, deaths, and no interval
# printed with fewer digits than tell its bounds from the mean ("-0.7 [-0.7, -0.7]").
check "the table fits 100 columns" bash -c "awk 'length(\$0) > 100 { exit 1 }' '$work/cwd/table.txt'"
check "the table names its units and counts deaths" bash -c "grep -q '^change, %' '$work/cwd/table.txt' && grep -q '^percentage points' '$work/cwd/table.txt' && grep -q '^per 1000 person-years.*deaths' '$work/cwd/table.txt'"
check "no interval reads as a point (mean equal to both printed bounds)" bash -c "! grep -E '(^| )(-?[0-9.]+) \[\2, \2\]' '$work/cwd/table.txt'"

# Bit-identical datasets for 1 and 2 threads.
check "run with --threads 1" "$msksim" run "$src/scenarios/compare-interventions.yaml" $small --threads 1 -q -o "$work/t1.h5"
check "run with --threads 2" "$msksim" run "$src/scenarios/compare-interventions.yaml" $small --threads 2 -q -o "$work/t2.h5"
check "1 and 2 threads give bit-identical datasets" $tools same "$work/t1.h5" "$work/t2.h5"
check "xarray (h5netcdf) opens every group; units and long_name everywhere" $tools open "$work/t1.h5"
check "the root opens as one labelled dataset: sel(arm=...) on a time series, time decoded (issue 14)" $tools tidy "$work/t1.h5" knee_extension_strength_mean high-load
check "docs/output-format.md lists every observed variable of the file" /usr/bin/python3 -c "
import h5py, re, sys
names = sorted(k[:-5] for k in h5py.File(sys.argv[1], 'r') if k.endswith('_mean'))
doc = open(sys.argv[2], encoding='utf-8').read()
missing = [n for n in names if not re.search(r'^\\| \`' + n + r'\` \\|', doc, re.M)]
assert names and not missing, missing
" "$work/t1.h5" "$src/docs/output-format.md"
check "quantiles and paired differences select by arm too" bash -c "$tools tidy '$work/t1.h5' fn_bmd_quantiles bfr-walking && $tools tidy '$work/t1.h5' grip_strength_difference protein"
check "/summary opened alone selects an arm by name (issue 14)" $tools sel "$work/t1.h5" summary knee_extension_strength_change_pct arm high-load
check "ncdump -h reads the file" bash -c "ncdump -h '$work/t1.h5' | grep -q 'leg_lean_mass_mean'"
check "the immobilization scenario's result opens in xarray" bash -c \
  "'$msksim' run '$src/scenarios/immobilization.yaml' --set population.size=100 -q -o '$work/imm.h5' && $tools open '$work/imm.h5'"
"$msksim" run "$src/scenarios/vicious-cycle.yaml" --set population.size=200 -q -o "$work/vcs0.h5"
check "the vicious-cycle scenario runs and its result opens in xarray" bash -c \
  "'$msksim' run '$src/scenarios/vicious-cycle.yaml' --set population.size=400 --set record.event_log=all --set record.strata= -q -o '$work/vc.h5' && $tools open '$work/vc.h5'"
check "survival and the cumulative incidence of hip fracture match the event log (issue 14)" $tools survival "$work/vc.h5"
check "the person table: everyone, the sampled rows, week-0 prevalences and the event log agree (issue 14)" $tools persons "$work/vc.h5"
check "the shipped vicious-cycle's strata by sex and age open in xarray" $tools open "$work/vcs0.h5"
check "strata by sex, age and WHO class: enrolment, survival and hip fractures match /persons joined to the event log, and the root is unchanged (issue 14)" bash -c \
  "'$msksim' run '$src/scenarios/vicious-cycle.yaml' --set population.size=400 --set record.event_log=all --set 'record.strata=sex age who_class' --set 'record.age_bands=75' -q -o '$work/vcs.h5' && $tools strata '$work/vcs.h5' '$work/vc.h5'"
check "export writes strata_summary: a row per arm and stratum, enrolment as in the file; a later export without strata removes it" bash -c \
  "'$msksim' export '$work/vcs.h5' -q -o '$work/vcs-tables' && /usr/bin/python3 -c \"
import csv, h5py, sys
rows = list(csv.DictReader(open(sys.argv[1])))
s = h5py.File(sys.argv[2])['strata']
n = s['n_enrolled'][()]
assert len(rows) == n.size, (len(rows), n.shape)
labels = [x.decode() if isinstance(x, bytes) else x for x in s['stratum'][()]]
for i, r in enumerate(rows):
    a, k = divmod(i, n.shape[1])
    assert r['stratum'] == labels[k] and int(r['n_enrolled']) == n[a, k], r
\" '$work/vcs-tables/strata_summary.csv' '$work/vcs.h5' && '$msksim' export '$work/vc.h5' -q -o '$work/vcs-tables' && test ! -e '$work/vcs-tables/strata_summary.csv'"
check "export writes strata_timeseries_long: survival and grip (mean and quantiles) of every arm, stratum and week as in the file" \
  /usr/bin/python3 - "$work/vcs.h5" "$msksim" "$work/vcs-long" <<'EOF'
import csv, subprocess, sys
import h5py, numpy as np
h5, msksim, out = sys.argv[1:4]
subprocess.run([msksim, "export", h5, "-q", "-o", out], check=True)
f = h5py.File(h5)
s = f["strata"]
arms = [x.decode() if isinstance(x, bytes) else x for x in s["arm"][()]]
labels = [x.decode() if isinstance(x, bytes) else x for x in s["stratum"][()]]
weeks, qs = s["week"][()], s["quantile"][()]
got = {}
for r in csv.DictReader(open(out + "/strata_timeseries_long.csv")):
    if r["variable"] in ("survival", "grip_strength"):
        got[(r["arm"], r["stratum"], float(r["week"]), r["variable"], r["statistic"], r["quantile"])] = r["value"]
n = 0
for a, arm in enumerate(arms):
    for k, lab in enumerate(labels):
        for t, w in enumerate(weeks):
            want = [("survival", "value", "NA", s["survival"][a, k, t]), ("grip_strength", "mean", "NA", s["grip_strength_mean"][a, k, t])]
            want += [("grip_strength", "quantile", "%g" % q, s["grip_strength_quantiles"][a, k, t, j]) for j, q in enumerate(qs)]
            for var, stat, q, v in want:
                g = got[(arm, lab, float(w), var, stat, q)]
                assert (g == "NA" and np.isnan(v)) or abs(float(g) - v) <= 1e-9 * max(1, abs(v)), (arm, lab, w, var, stat, q, g, v)
                n += 1
assert n > 1000, n
print(f"{n} values match")
EOF
check "--set changes the population size" bash -c "$tools value '$work/t1.h5' / population_size 2>/dev/null || /usr/bin/python3 -c \"import h5py,sys; sys.exit(0 if h5py.File('$work/t1.h5')['/'].attrs['population_size']==300 else 1)\""
check "provenance holds the scenario text and the overrides" /usr/bin/python3 -c "
import h5py
f = h5py.File('$work/t1.h5')
text = f['provenance/scenario_text'][0]
text = text.decode() if isinstance(text, bytes) else text
assert 'compare-interventions' in text
overrides = f['provenance'].attrs['overrides']
overrides = overrides.decode() if isinstance(overrides, bytes) else str(overrides)
assert 'population.size=300' in overrides, overrides
assert len(f['provenance/parameter']) > 100
"

# A failed run writes nothing and leaves an existing file untouched.
printf 'precious' > "$work/keep.h5"
printf 'name: bad\nhorizon_weeks: -3\npopulation: {size: 10}\narms: [{name: none}]\n' > "$work/bad.yaml"
check "a bad scenario exits 65" expect_status 65 "$msksim" run "$work/bad.yaml" -o "$work/keep.h5"
check "an existing file survives a failed run" bash -c "[ \"\$(cat '$work/keep.h5')\" = precious ]"
check "a failed run leaves no temporary file" bash -c "! ls '$work' | grep -q '\.tmp'"
check "an unwritable output directory exits 74 and writes nothing" expect_status 74 "$msksim" run \
  "$src/scenarios/immobilization.yaml" --set population.size=20 -q -o "$work/no/such/dir/x.h5"

echo "$fail failure(s)"
exit $fail
