#!/usr/bin/env bash
# cli_layers.sh — the layer check (tests/layers.cmake) refuses each kind of violation.
#
#   bash tests/cli_layers.sh MSKSIM SOURCE_DIR    (MSKSIM is unused; ctest passes it)
#
# Copies the layer folders to a scratch tree, plants one violation at a time, and checks
# that the check fails naming it; the untouched copy must pass.
set -u
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "ok: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

fresh() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    cp -r "$src/models" "$src/sim" "$src/analysis" "$tmp/tree/"
}
check() { cmake -DROOT="$tmp/tree" -P "$src/tests/layers.cmake" >"$tmp/out" 2>&1; }

fresh
check && pass "the shipped tree passes" || { fail "the shipped tree fails:"; cat "$tmp/out"; }

planted() { # NAME FILE LINE EXPECTED-TEXT
    fresh
    sed -i "0,/^#include/s||$3\n#include|" "$tmp/tree/$2"
    if check; then
        fail "$1: not refused"
    elif grep -qF "$4" "$tmp/out"; then
        pass "$1: refused ($4)"
    else
        fail "$1: refused, but the message lacks '$4':"
        cat "$tmp/out"
    fi
}
planted "engine includes a plot header (up a layer)" sim/engine/evq.c '#include "plot.h"' 'reaches analysis/plot/'
planted "plot includes the engine (sideways past the reader)" analysis/plot/gnuplot.c '#include "engine.h"' 'reaches sim/engine/'
planted "models include a sim header" models/dose.c '#include "status.h"' 'reaches sim/core/'
planted "relative path" sim/io/h5out.c '#include "../core/status.h"' 'name the file alone'
planted "include cycle within a layer" sim/engine/observe.h '#include "engine.h"' 'include cycle'

fresh
sed -i '1s|.*|/* no name here */|' "$tmp/tree/sim/core/stats.c"
if check; then fail "a file without its first comment: not refused"
elif grep -q 'stats.c:1: the first line' "$tmp/out"; then pass "a file without its first comment: refused"
else fail "first-comment rule: wrong message"; cat "$tmp/out"; fi

echo "$((7 - fails)) passed, $fails failed"
exit $((fails > 0))
