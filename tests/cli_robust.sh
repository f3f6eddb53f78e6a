#!/usr/bin/env bash
# cli_robust.sh — foreign, damaged and hostile result files given to plot and export.
#
#   bash cli_robust.sh MSKSIM SOURCE_DIR      (one line per check; exit status = failures)
#
# `msksim plot` and `msksim export` read files users hand them. Each of these must give
# its exit status (65 not an msksim result or damaged, 66 cannot open) with a message
# naming the file, never crash or hang, and create no output directory: a text file
# named .h5, an empty file, a result cut short at several points, another program's
# HDF5 file, one claiming to be msksim's, a directory, a missing file.
# A real result whose arm names were rewritten to carry gnuplot and shell syntax
# (backquotes, quotes, system(...)) must not run anything: plot writes names only as
# gnuplot single-quoted strings and starts gnuplot without a shell. The marker files
# those commands would create must not appear.
set -u
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_robust.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

cat >"$work/small.yaml" <<'EOF'
name: small
horizon_weeks: 8
observe_every_weeks: 4
population: {size: 30}
record: {sample_size: 3, event_log: all}
arms:
  - name: none
  - name: walk
    interventions: [{type: walking, duration_weeks: 6}]
EOF
if ! "$msk" run "$work/small.yaml" -q --threads 1 -o "$work/good.h5" 2>"$work/err"; then
    fail "could not make a result to damage: $(tail -2 "$work/err")"
    exit 1
fi
size=$(stat -c %s "$work/good.h5")

# refused NAME WANT FILE FRAGMENT: plot and export both refuse FILE.
refused() {
    local name=$1 want=$2 file=$3 frag=$4 cmd rc out
    for cmd in plot export; do
        out=$work/out-$cmd
        rm -rf "$out"
        timeout -k 5 60 "$msk" "$cmd" "$file" -q -o "$out" >/dev/null 2>"$work/err"
        rc=$?
        if [ "$rc" = "$want" ] && grep -qF -- "$frag" "$work/err" && grep -qF -- "$file" "$work/err" && [ ! -e "$out" ]; then
            pass "$cmd of $name: exit $rc, '$frag', nothing written"
        else
            fail "$cmd of $name: exit $rc (want $want), output $([ -e "$out" ] && echo written || echo absent)"
            sed 's/^/    /' "$work/err" | cut -c1-200 | head -4
        fi
    done
}

printf 'name: not a result\n' >"$work/text.h5"
refused "a text file" 65 "$work/text.h5" "not an HDF5 file"
: >"$work/empty.h5"
refused "an empty file" 65 "$work/empty.h5" "empty file"
for cut in 8 1024 8192 $((size / 2)) $((size - 100)); do
    head -c "$cut" "$work/good.h5" >"$work/cut-$cut.h5"
    refused "a result cut at $cut of $size bytes" 65 "$work/cut-$cut.h5" "error"
done
$py -c "
import h5py, sys
with h5py.File(sys.argv[1], 'w') as f:
    f['temperature'] = [1.0, 2.0]
" "$work/foreign.h5"
refused "another program's HDF5 file" 65 "$work/foreign.h5" "error"
$py -c "
import h5py, sys
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['source'] = 'msksim'
    f.attrs['Conventions'] = 'CF-1.8'
    f['time'] = [0.0, 1.0]
    f['arm'] = [b'a']
" "$work/impostor.h5"
refused "an HDF5 file claiming to be msksim's" 65 "$work/impostor.h5" "error"
mkdir "$work/dir.h5"
refused "a directory" 66 "$work/dir.h5" "error"
refused "a missing file" 66 "$work/missing.h5" "error"

# Hostile arm names in an otherwise real result.
cp "$work/good.h5" "$work/hostile.h5"
if $py - "$work/hostile.h5" "$work" <<'EOF'; then
import h5py, sys
path, work = sys.argv[1], sys.argv[2]
# No '/' (names holding one are refused as unsafe): the markers would appear in the
# directory gnuplot runs in, the figure directory, or the current one.
names = {
    "none": "a`touch pwned-backquote`",
    "walk": "b'; system('touch pwned-system'); print '",
}
with h5py.File(path, "r+") as f:
    labels = [x.decode() for x in f["arm"][:]]
    f["arm"][:] = [names.get(x, x).encode() for x in labels]
    cmp = [x.decode() for x in f["comparison/compared_arm"][:]]
    f["comparison/compared_arm"][:] = [names.get(x, x).encode() for x in cmp]
    for old, new in names.items():
        f.move("arms/" + old, "arms/" + new)
    if "reference_arm" in f.attrs:
        ref = f.attrs["reference_arm"]
        ref = ref.decode() if isinstance(ref, bytes) else str(ref)
        f.attrs["reference_arm"] = names.get(ref, ref)
EOF
    rm -rf "$work/hostile-figures"
    (cd "$work" && timeout -k 5 120 "$msk" plot hostile.h5 -q -o hostile-figures >/dev/null 2>"$work/err")
    rc=$?
    if [ -n "$(find "$work" -name 'pwned-*')" ]; then
        fail "plot of a result with hostile arm names ran a command: $(find "$work" -name 'pwned-*')"
    elif [ "$rc" = 0 ] && grep -q 'touch pwned-system' "$work"/hostile-figures/*.gp; then
        pass "plot of a result with backquotes and system() in its arm names: exit 0, the names are in the scripts as text, no command run"
    else
        fail "plot of a result with hostile arm names: exit $rc"
        sed 's/^/    /' "$work/err" | cut -c1-200 | head -4
    fi
    timeout -k 5 60 "$msk" export "$work/hostile.h5" -q -o "$work/hostile-tables" >/dev/null 2>"$work/err"
    rc=$?
    if [ "$rc" = 0 ] || [ "$rc" = 65 ]; then
        pass "export of the same file: exit $rc"
    else
        fail "export of a result with hostile arm names: exit $rc"
    fi
else
    fail "could not rewrite the arm names with h5py"
fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
