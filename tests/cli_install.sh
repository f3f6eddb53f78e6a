#!/usr/bin/env bash
# cli_install.sh — msksim installed to a temporary prefix runs without the source tree
# (issue 14).
#
#   bash cli_install.sh MSKSIM SOURCE_DIR     (MSKSIM in the build tree to install from)
#
# `cmake --install` puts the program, its man page, the shipped scenarios (evidence,
# benchmark, sweeps, parameters) and the docs under the prefix. The installed program,
# run from a scratch directory with a clean environment (no MSKSIM_DATA_DIR) and, when
# the test runs as root, as the user nobody, runs a scenario, `evidence --quick` from the
# installed trials and `plot`. Its code holds no path into the source tree.
set -u
msksim=$1
src=$(cd "$2" && pwd)
build=$(cd "$(dirname "$msksim")" && pwd)
failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then
    pass "cmake --install to a temporary prefix"
else
    fail "cmake --install"; tail -5 "$tmp/install.log"
    echo "$failures failure(s)"; exit 1
fi
for f in bin/msksim share/man/man1/msksim.1 share/msksim/scenarios/parameters.yaml \
    share/msksim/scenarios/bench/reference.yaml share/msksim/scenarios/evidence/wall2014-leg-cast.yaml \
    share/msksim/scenarios/compare-interventions.yaml share/doc/msksim/README.md share/doc/msksim/model.md; do
    [ -s "$prefix/$f" ] || fail "installed: $f missing"
done
[ $failures -eq 0 ] && pass "installed: the program, its man page, the shipped scenarios and the docs"
grep -qi 'COMMAND: run' "$prefix/share/man/man1/msksim.1" && grep -q 'threads' "$prefix/share/man/man1/msksim.1" &&
    pass "the man page holds every command's help" || fail "the man page lacks the commands' help"

# No path into the source tree in the program's code (debug information aside, which
# names the files it was compiled from).
objcopy --strip-debug "$prefix/bin/msksim" "$tmp/stripped"
if grep -qaF "__asan_init" "$tmp/stripped" || grep -qaF "__ubsan_handle" "$tmp/stripped"; then
    # A sanitizer build (.ci/run asan) carries the source locations of its checks; the
    # release build of the test stage is the one checked.
    pass "sanitizer build: the source-path check is left to the release build"
elif grep -qF "$src" "$tmp/stripped"; then
    fail "the installed program holds the source path $src"
else
    pass "the installed program holds no path into the source tree"
fi

# The installed program as a user would run it: a scratch directory, a clean
# environment, and not root.
mkdir -p "$tmp/work"
chmod -R a+rX "$tmp"
chmod a+w "$tmp/work"
as_user=(env -i PATH=/usr/bin:/bin HOME="$tmp/work" OMP_NUM_THREADS=2)
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${as_user[@]}")
fi
run() { (cd "$tmp/work" && "${as_user[@]}" "$prefix/bin/msksim" "$@"); }
who=$(cd "$tmp/work" && "${as_user[@]}" id -un)

if run run "$prefix/share/msksim/scenarios/compare-interventions.yaml" --set population.size=200 -q -o out.h5 \
    >"$tmp/run.log" 2>&1 && [ -s "$tmp/work/out.h5" ]; then
    pass "installed msksim runs a shipped scenario as $who"
else
    fail "installed run as $who"; tail -5 "$tmp/run.log"
fi
run evidence --quick -q --tsv ev.tsv >"$tmp/ev.log" 2>&1
rc=$?
if [ $rc -le 1 ] && grep -q 'targets pass' "$tmp/ev.log" && grep -q "$prefix/share/msksim/scenarios/evidence/" "$tmp/work/ev.tsv"; then
    pass "evidence --quick runs the installed trials (exit $rc)"
else
    fail "evidence --quick from the install (exit $rc)"; tail -5 "$tmp/ev.log"
fi
if run plot out.h5 -o figs >"$tmp/plot.log" 2>&1 && [ -s "$tmp/work/figs/index.html" ]; then
    pass "installed msksim plots the result"
else
    fail "installed plot"; tail -5 "$tmp/plot.log"
fi
if (cd "$tmp/work" && env -i PATH=/usr/bin:/bin "$prefix/bin/msksim" bench --help >/dev/null 2>&1); then
    pass "bench --help runs from the install"
else
    fail "bench --help from the install"
fi
echo "$failures failure(s)"
exit $failures
