#!/usr/bin/env bash
# The worked examples of analysis/examples/ run on a fresh result and print what the
# file holds (issue 14: CI runs them, so they cannot rot). Python needs xarray, pandas
# and matplotlib; R needs ncdf4 (`.ci/install-deps test` installs them).
# Usage: cli_examples.sh MSKSIM SOURCE_DIR   (one line per check; exit status = failures)
set -u
msksim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/    /' "$work/out" | tail -20; fail=$((fail + 1)); fi
}

"$msksim" run "$src/scenarios/compare-interventions.yaml" --set population.size=300 -q -o "$work/r.h5" || exit 1

# A PNG of a real figure (signature and size) and the summary row of the arm as printed
# equal to the file's values at two decimals.
png_ok() { head -c 8 "$1" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" && [ "$(stat -c %s "$1")" -gt 10000 ]; }
summary_matches() { # summary_matches OUTPUT ARM
  /usr/bin/python3 - "$work/r.h5" "$1" "$2" <<'PY'
import sys, h5py
path, out, arm = sys.argv[1:]
with h5py.File(path, "r") as f:
    arms = [a.decode() if isinstance(a, bytes) else a for a in f["summary/arm"][()]]
    want = [round(float(f["summary/" + v][arms.index(arm)]), 2)
            for v in ("knee_extension_strength_change_pct", "fn_bmd_change_pct")]
rows = [l.split() for l in open(out) if l.split()[:1] == [arm]]
got = [float(x) for x in rows[0][1:3]] if rows else None
sys.exit(0 if got == want else f"printed {got}, file {want}")
PY
}

check "the Python example (xarray, pandas, matplotlib) draws the comparison" \
  /usr/bin/python3 "$src/analysis/examples/compare_arms.py" "$work/r.h5" high-load "$work/py.png"
cp "$work/out" "$work/py.txt"
check "the Python example's figure is a PNG" png_ok "$work/py.png"
check "the Python example prints the file's end-of-study values" summary_matches "$work/py.txt" high-load

check "the R example (ncdf4) draws the comparison" \
  Rscript "$src/analysis/examples/compare_arms.R" "$work/r.h5" high-load "$work/r.png"
cp "$work/out" "$work/r.txt"
check "the R example's figure is a PNG" png_ok "$work/r.png"
check "the R example prints the file's end-of-study values" summary_matches "$work/r.txt" high-load
check "the R example refuses an arm that is not in the file, and says which arms are" bash -c \
  "! Rscript '$src/analysis/examples/compare_arms.R' '$work/r.h5' nonsense '$work/x.png' >'$work/bad' 2>&1 && grep -q \"no arm 'nonsense'.*high-load\" '$work/bad' && ! test -e '$work/x.png'"

echo "$fail failure(s)"
exit "$fail"
