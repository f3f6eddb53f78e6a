#!/usr/bin/env bash
# cli_outpaths.sh — no output path destroys what it names (docs/robustness.md, "Output
# paths"; sim/core/outpath.h, outdir.h, journal.h).
#
#   bash cli_outpaths.sh MSKSIM SOURCE_DIR      (one line per check; exit status = failures)
#
# (a) Every command that writes a file (run, sweep, calibrate, evidence --tsv and
#     --markdown) against every hostile output path: each of its own inputs (also through
#     a hard link), a FIFO, a device node, a directory, a symbolic link, a read-only
#     place, a missing directory, a 255-byte name, ''. Each must be refused before any
#     work (under a time limit that the work itself would exceed) with exit status 74
#     (2 for ''), a message naming the reason, and every watched path (device, inode,
#     size, checksum) unchanged, with no temporary file left.
# (b) plot and export (directories of outputs): the same hostile places, a directory
#     holding another's files of the names they write (refused, nothing changed) or of
#     names they would remove as stale (kept), a 255-byte directory name (written), a
#     second run into their own directory (replaced).
# (c) Sweep journals: a file at OUT.h5.journal that is not a journal, a symbolic link
#     there, a FIFO there, a journal-like name of another's; a sweep started with stderr
#     closed keeps its journal off descriptor 2 and resumes from it.
# (d) A file-size limit (ulimit -f, SIGXFSZ left at its default): run (also with the
#     sampled trajectories in a temporary file), plot and export finish when their
#     outputs fit and fail with exit status 74 and nothing left behind when they do not.
# Device nodes and the read-only place need root (mknod; a read-only bind mount in a
# private mount namespace); without it the FIFO stands in for the device and a
# directory without write permission for the read-only place, and the test says so.
set -u
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_outpaths.XXXXXX") || exit 1
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

in=$work/in
mkdir -p "$in" "$work/out"
# ---- Fixtures: inputs of every command ------------------------------------------------
"$msk" params --yaml >"$in/p.yaml" || { fail "msksim params --yaml"; exit 1; }
{ cat "$src/scenarios/compare-interventions.yaml"; echo "parameters: p.yaml"; } >"$in/sc.yaml"
ln "$in/sc.yaml" "$in/hardlink.yaml"
cat >"$in/one.yaml" <<'EOF'
name: one-arm
seed: 7
horizon_weeks: 26
observe_every_weeks: 2
population:
  size: 100
record:
  sample_size: 5
arms:
  - name: usual-care
EOF
cp "$src/scenarios/sweeps/bfr-base.yaml" "$in/"
sed 's/^base: .*/base: bfr-base.yaml/' "$src/scenarios/sweeps/bfr-dose.yaml" >"$in/sw.yaml"
cp -r "$src/scenarios/evidence" "$in/evidence"
sed 's/^evidence: .*/evidence: evidence/' "$src/scenarios/calibration.yaml" >"$in/cal.yaml"
trial=$in/evidence/abe2010-bfr-walking.yaml
small="--set population.size=200 --set record.sample_size=5 --threads 2 -q"
sweep_args="--set design.samples=2 --set set.population.size=50 -q"
"$msk" run "$in/sc.yaml" $small -o "$in/r.h5" 2>"$work/err" &&
    "$msk" run "$in/one.yaml" -q -o "$in/one.h5" 2>>"$work/err" ||
    { fail "fixture runs: $(tail -3 "$work/err")"; exit 1; }

# ---- Hostile places ----------------------------------------------------------------------
h=$work/hostile
mkdir -p "$h/dir" "$h/ro" "$h/fig"
mkfifo "$h/fifo"
echo "precious" >"$h/precious.txt"
ln -s precious.txt "$h/link"
long=$h/$(printf 'x%.0s' $(seq 255))
device=""
if [ "$(id -u)" = 0 ] && mknod "$h/null" c 1 3 2>/dev/null; then
    device=$h/null
    echo "note: device node made with mknod ($device, like /dev/null)"
else
    echo "note: cannot mknod here (not root): the FIFO stands in for the device node"
fi
# A read-only place: a read-only bind mount in a private mount namespace (root), else a
# directory without write permission (which root would ignore).
ro_mode=""
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    ro_mode=mount
    echo "note: read-only place: $h/ro bind-mounted read-only in a private mount namespace"
elif [ "$(id -u)" != 0 ]; then
    chmod 555 "$h/ro"
    ro_mode=perm
    echo "note: read-only place: $h/ro without write permission"
else
    echo "note: SKIP read-only place: root without unshare -m"
fi
# in_ro CMD...: run CMD (a command or an exported function) with $h/ro read-only.
in_ro() {
    if [ "$ro_mode" = mount ]; then
        unshare -m -- bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && "$@"' \
            _ "$h/ro" "$@"
    else
        "$@"
    fi
}

# snap PATH...: what must not change (type, device, inode, size, checksum of a file).
snap() {
    local p
    for p in "$@"; do
        if [ -L "$p" ] || [ -e "$p" ]; then
            printf '%s %s' "$p" "$(stat -c '%F:%d:%i:%s:%h' -- "$p")"
            if [ -f "$p" ] && [ ! -p "$p" ]; then printf ' %s' "$(sha256sum <"$p" | cut -c1-16)"; fi
            echo
        else
            echo "$p absent"
        fi
    done
}
watched() { snap "$in"/*.yaml "$in"/*.h5 "$trial" "$h/fifo" "$h/precious.txt" "$h/link" ${device:+"$device"}; }
leftovers() { find "$work" \( -name '*.tmp.*' -o -name '.msksim-*' \) -print | head -3; }

# refused WHAT RC FRAGMENT CMD...: CMD exits with RC within $limit s (the work would
# take minutes: refused before it), says FRAGMENT, changes nothing watched, leaves
# nothing. MSK_OUTPATHS_TIMEOUT shortens the limit (to try the test on an old msksim).
limit=${MSK_OUTPATHS_TIMEOUT:-60}
refused() {
    local what=$1 rc=$2 frag=$3
    shift 3
    local before after got left
    before=$(watched)
    timeout "$limit" bash -c '"$@"' _ "$@" >"$work/out.txt" 2>&1 </dev/null
    got=$?
    after=$(watched)
    left=$(leftovers)
    if [ "$got" = "$rc" ] && grep -qiF -- "$frag" "$work/out.txt" && [ "$before" = "$after" ] && [ -z "$left" ]; then
        pass "$what: exit $rc, '$frag', nothing changed"
    else
        fail "$what: exit $got (want $rc), message $(head -c 300 "$work/out.txt" | tr '\n' ' ')"
        [ "$before" = "$after" ] || echo "    changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | head -4 | tr '\n' ' ')"
        [ -z "$left" ] || { echo "    left behind: $left"; find "$work" \( -name '*.tmp.*' -o -name '.msksim-*' \) -exec rm -rf {} + 2>/dev/null; }
    fi
}

# ---- (a) commands that write one file ------------------------------------------------------
# The run is sized to take minutes, so a refusal after simulating shows as a timeout.
do_run() {
    "$msk" run "$in/sc.yaml" --set population.size=1000000 --set record.event_log=none \
        --set record.sample_size=5 --threads 2 -q -o "$1"
}
do_sweep() { "$msk" sweep "$in/sw.yaml" --set design.samples=512 --set set.population.size=5000 -q -o "$1"; }
do_calibrate() { "$msk" calibrate "$in/cal.yaml" -q -o "$1"; }
do_tsv() { "$msk" evidence "$trial" -p "$in/p.yaml" -q --tsv "$1"; }
do_markdown() { "$msk" evidence "$trial" -p "$in/p.yaml" -q --markdown "$1"; }
export msk in trial h ro_mode sweep_args
export -f in_ro do_run do_sweep do_calibrate do_tsv do_markdown
inputs_run="$in/sc.yaml $in/p.yaml $in/hardlink.yaml"
inputs_sweep="$in/sw.yaml $in/bfr-base.yaml"
inputs_calibrate="$in/cal.yaml $trial"
inputs_tsv="$trial $in/p.yaml"
inputs_markdown=$inputs_tsv
for cmd in run sweep calibrate tsv markdown; do
    inputs=inputs_$cmd
    for input in ${!inputs}; do
        refused "$cmd -o its input $(basename "$input")" 74 "is an input of this command" "do_$cmd" "$input"
    done
    refused "$cmd -o FIFO" 74 "FIFO" "do_$cmd" "$h/fifo"
    [ -n "$device" ] && refused "$cmd -o device node" 74 "character device" "do_$cmd" "$device"
    refused "$cmd -o directory" 74 "is a directory" "do_$cmd" "$h/dir"
    refused "$cmd -o symbolic link" 74 "symbolic link" "do_$cmd" "$h/link"
    [ -n "$ro_mode" ] && refused "$cmd -o read-only place" 74 "cannot create files in directory" in_ro "do_$cmd" "$h/ro/out"
    refused "$cmd -o missing directory" 74 "No such file or directory" "do_$cmd" "$h/missing/out"
    refused "$cmd -o 255-byte name" 74 "too long" "do_$cmd" "$long"
    refused "$cmd -o ''" 2 "empty" "do_$cmd" ""
done
# A name that fits with its temporary sibling (244 bytes) is written.
fits=$work/out/$(printf 'y%.0s' $(seq 244))
if "$msk" run "$in/sc.yaml" $small -o "$fits" 2>"$work/err" && [ -s "$fits" ]; then
    pass "run -o a 244-byte name writes it"
else
    fail "run -o a 244-byte name: $(tail -2 "$work/err")"
fi

# ---- (b) directories of outputs -----------------------------------------------------------
do_plot() { "$msk" plot "$in/r.h5" -q -o "$1"; }
do_export() { "$msk" export "$in/r.h5" -q -o "$1"; }
export -f do_plot do_export
for cmd in plot export; do
    refused "$cmd -o its input" 74 "not a directory" "do_$cmd" "$in/r.h5"
    refused "$cmd -o FIFO" 74 "not a directory" "do_$cmd" "$h/fifo"
    [ -n "$device" ] && refused "$cmd -o device node" 74 "not a directory" "do_$cmd" "$device"
    [ -n "$ro_mode" ] && refused "$cmd -o read-only place" 74 "Read-only file system" in_ro "do_$cmd" "$h/ro"
    refused "$cmd -o missing parent" 74 "parent directory must exist" "do_$cmd" "$h/missing/figs"
    refused "$cmd -o ''" 2 "needs a directory" "do_$cmd" ""
    # Another's file of a name the command writes: refused, nothing changes.
    d=$work/out/$cmd-foreign
    mkdir -p "$d"
    name=summary.csv
    [ "$cmd" = plot ] && name=fig1-trajectories.png
    echo "someone's $name" >"$d/$name"
    echo "notes" >"$d/notes.txt"
    before=$(snap "$d/$name" "$d/notes.txt"; ls -A "$d")
    do_$cmd "$d" >"$work/out.txt" 2>&1
    got=$?
    after=$(snap "$d/$name" "$d/notes.txt"; ls -A "$d")
    if [ "$got" = 74 ] && grep -qF "was not written by msksim" "$work/out.txt" && [ "$before" = "$after" ]; then
        pass "$cmd into a directory holding another's $name: exit 74, nothing changed"
    else
        fail "$cmd into a directory holding another's $name: exit $got, $(head -c 300 "$work/out.txt"); changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
    fi
    # A 255-byte directory name fits (the files in it have short names); a second run
    # into the same directory replaces the files the first one made.
    ld=$work/out/$(printf 'z%.0s' $(seq 255))
    if do_$cmd "$ld" >"$work/out.txt" 2>&1 && [ -n "$(ls -A "$ld")" ]; then
        pass "$cmd -o a 255-byte directory name writes there"
    else
        fail "$cmd -o a 255-byte directory name: $(tail -2 "$work/out.txt")"
    fi
    if do_$cmd "$ld" >"$work/out.txt" 2>&1; then
        pass "$cmd twice into the same directory replaces its own files"
    else
        fail "$cmd twice into the same directory: $(tail -2 "$work/out.txt")"
    fi
    rm -rf "$ld"
done
# Names the command would remove as stale (a figure that does not apply, a comparison
# table of a one-arm result) are another's: kept.
check_kept() { # WHAT DIR NAME CMD...
    local what=$1 d=$2 name=$3
    shift 3
    mkdir -p "$d"
    echo "someone's $name" >"$d/$name"
    local before
    before=$(snap "$d/$name")
    if "$@" >"$work/out.txt" 2>&1 && [ "$before" = "$(snap "$d/$name")" ]; then
        pass "$what: another's $name is kept"
    else
        fail "$what: exit status or $name lost: $(snap "$d/$name"); $(tail -2 "$work/out.txt")"
    fi
}
check_kept "plot of a run without immobilization" "$work/out/plot-stale" fig2-immobilization.png \
    "$msk" plot "$in/r.h5" -q -o "$work/out/plot-stale"
check_kept "export of a one-arm result" "$work/out/export-stale" comparison.csv \
    "$msk" export "$in/one.h5" -q -o "$work/out/export-stale"
# Stale files msksim wrote itself are removed.
d=$work/out/export-own
"$msk" export "$in/r.h5" -q -o "$d" && "$msk" export "$in/one.h5" -q -o "$d"
if [ ! -e "$d/comparison.csv" ] && [ -s "$d/summary.csv" ]; then
    pass "export removes its own comparison table that no longer applies"
else
    fail "export of a one-arm result over a five-arm export: $(ls "$d" | tr '\n' ' ')"
fi

# ---- (c) sweep journals --------------------------------------------------------------------
do_small_sweep() { "$msk" sweep "$in/sw.yaml" $sweep_args -o "$1"; }
export -f do_small_sweep
printf 'precious notes, no line end' >"$work/out/s1.h5.journal"
before=$(snap "$work/out/s1.h5.journal")
timeout 60 "$msk" sweep "$in/sw.yaml" $sweep_args -o "$work/out/s1.h5" >"$work/out.txt" 2>&1
got=$?
if [ "$got" = 65 ] && grep -qF "not a sweep journal" "$work/out.txt" && [ "$before" = "$(snap "$work/out/s1.h5.journal")" ]; then
    pass "a file at OUT.h5.journal that is not a journal is refused and kept"
else
    fail "non-journal at OUT.h5.journal: exit $got, $(snap "$work/out/s1.h5.journal"); $(grep -v warning "$work/out.txt" | head -3)"
fi
ln -s "$h/precious.txt" "$work/out/s2.h5.journal"
refused "sweep with a symbolic link at OUT.h5.journal" 74 "symbolic link" do_small_sweep "$work/out/s2.h5"
[ -L "$work/out/s2.h5.journal" ] || fail "the link at OUT.h5.journal was removed"
mkfifo "$work/out/s3.h5.journal"
refused "sweep with a FIFO at OUT.h5.journal" 74 "FIFO" do_small_sweep "$work/out/s3.h5"
echo "my shard notes" >"$work/out/s4.h5.journal.shard-notes"
: >"$work/out/s4.h5.journal.shard-x-of-y"
before=$(snap "$work/out/s4.h5.journal.shard-notes" "$work/out/s4.h5.journal.shard-x-of-y")
if do_small_sweep "$work/out/s4.h5" >"$work/out.txt" 2>&1 && [ -s "$work/out/s4.h5" ] &&
    [ "$before" = "$(snap "$work/out/s4.h5.journal.shard-notes" "$work/out/s4.h5.journal.shard-x-of-y")" ]; then
    pass "another's files of journal-like names are neither read nor removed"
else
    fail "journal-like names: $(ls "$work/out" | grep s4 | tr '\n' ' '); $(grep -v warning "$work/out.txt" | head -3)"
fi
# Started with stderr closed: the journal must not take descriptor 2 (the progress
# lines would go into it), and the next run resumes from it.
out5=$work/out/s5.h5
"$msk" sweep "$in/sw.yaml" --set design.samples=8 --set set.population.size=300 -q --shard 0/2 -o "$out5" 2>&- &
pid=$!
fd2=""
for _ in $(seq 100); do
    if ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'journal'; then
        fd2=$(readlink "/proc/$pid/fd/2" 2>/dev/null)
        break
    fi
    sleep 0.05
done
wait "$pid"
rc=$?
case $fd2 in
*journal*) fail "sweep started with stderr closed: descriptor 2 is its journal ($fd2)" ;;
"") echo "note: the sweep ended before its descriptors could be seen" ;;
*) pass "sweep started with stderr closed: descriptor 2 is $fd2, not the journal" ;;
esac
if [ "$rc" = 0 ] && head -1 "$out5.journal.shard-0-of-2" | grep -q '^msksim-sweep-journal 1 ' &&
    ! grep -qv -e '^msksim-sweep-journal' -e '^task ' "$out5.journal.shard-0-of-2" &&
    "$msk" sweep "$in/sw.yaml" --set design.samples=8 --set set.population.size=300 -q -o "$out5" >"$work/out.txt" 2>&1 &&
    grep -q 'resuming' "$work/out.txt"; then
    pass "its journal holds only journal lines, and the sweep resumes from it"
else
    fail "stderr closed: exit $rc; journal: $(head -c 200 "$out5.journal.shard-0-of-2" 2>/dev/null | tr '\n' ' '); $(grep -v warning "$work/out.txt" | tail -2)"
fi

# ---- (d) file-size limits (SIGXFSZ at its default: msksim must handle it) ---------------
# limited KB CMD...: run CMD under `ulimit -f KB`.
limited() {
    local kb=$1
    shift
    (ulimit -f "$kb" && exec "$@")
}
fsz() { # fsz WHAT WANT_RC CHECK_PATH CMD...: exit WANT_RC; 74: no CHECK_PATH, nothing left
    local what=$1 want=$2 target=$3
    shift 3
    "$@" >"$work/out.txt" 2>&1
    local got=$? left
    left=$(leftovers)
    local made=no should=no
    [ -e "$target" ] && made=yes
    [ "$want" = 0 ] && should=yes
    if [ "$got" = "$want" ] && [ -z "$left" ] && [ $made = $should ]; then
        pass "$what: exit $want, nothing left behind"
    else
        fail "$what: exit $got (want $want), $target made: $made, left: $left, $(tail -2 "$work/out.txt" | tr '\n' ' ')"
        [ -z "$left" ] || find "$work" \( -name '*.tmp.*' -o -name '.msksim-*' \) -exec rm -rf {} + 2>/dev/null
    fi
}
fsz "run under ulimit -f 100 (the result does not fit)" 74 "$work/out/f1.h5" \
    limited 100 "$msk" run "$in/sc.yaml" $small -o "$work/out/f1.h5"
grep -q "File too large\|file-size limit (ulimit -f)" "$work/out.txt" || fail "run under ulimit -f 100 does not say why (File too large, or the file-size limit)"
fsz "run under ulimit -f 20000 (the result fits)" 0 "$work/out/f2.h5" \
    limited 20000 "$msk" run "$in/sc.yaml" $small -o "$work/out/f2.h5"
# Sampled trajectories above 64 MB wait in a temporary file (sim/core/spill.c); a limit
# that the result fits under but that file would not must not end the run.
spill=$work/spill
mkdir -p "$spill"
fsz "run with 70 MB of sampled trajectories under ulimit -f 60000 (a 28 MB result)" 0 \
    "$work/out/f3.h5" limited 60000 env TMPDIR="$spill" "$msk" run "$src/scenarios/bench/reference.yaml" \
    --set population.size=1000 --set horizon_weeks=104 --threads 2 -q -o "$work/out/f3.h5"
[ -z "$(ls -A "$spill")" ] || fail "the spill directory holds $(ls -A "$spill")"
rm -f "$work/out/f3.h5"
fsz "plot under ulimit -f 200 (index.html does not fit)" 74 "$work/out/f-figs" \
    limited 200 "$msk" plot "$in/r.h5" -q -o "$work/out/f-figs"
fsz "plot under ulimit -f 20000" 0 "$work/out/f-figs2/index.html" \
    limited 20000 "$msk" plot "$in/r.h5" -q -o "$work/out/f-figs2"
fsz "export under ulimit -f 50 (timeseries does not fit)" 74 "$work/out/f-tables" \
    limited 50 "$msk" export "$in/r.h5" -q -o "$work/out/f-tables"
fsz "export under ulimit -f 20000" 0 "$work/out/f-tables2/summary.csv" \
    limited 20000 "$msk" export "$in/r.h5" -q -o "$work/out/f-tables2"

echo "$failures failure(s)"
exit "$failures"
