#!/usr/bin/env bash
# Rerun the shipped calibration and compare it with scenarios/parameters.yaml.
#
#   bash tests/reproduce_calibration.sh MSKSIM SOURCE_DIR
#
# The fit is deterministic (common random numbers, thread-count independent), so the
# fitted values must match the shipped file exactly. Takes a few minutes on 2 cores,
# which is why it is a CI stage (.ci/run) rather than part of ctest.
set -euo pipefail
msksim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
"$msksim" calibrate -q scenarios/calibration.yaml -o "$tmp/fit.yaml"
# Compare the values (the header comment names the output path and may differ).
strip() { grep -v '^#' "$1" | sed 's/ *#.*$//'; }
if diff <(strip scenarios/parameters.yaml) <(strip "$tmp/fit.yaml"); then
    echo "ok: msksim calibrate reproduces scenarios/parameters.yaml"
else
    echo "FAIL: the calibration no longer reproduces scenarios/parameters.yaml (diff above)"
    exit 1
fi
