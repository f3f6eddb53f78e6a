#!/usr/bin/env bash
# cli_signals.sh — signals and launch environments (issue 17).
#
#   bash cli_signals.sh MSKSIM SOURCE_DIR      (one line per check; exit status = failures)
#
# (a) Ctrl-C reaches the whole process group, gnuplot included. `msksim plot` of a run
#     result and of a sweep result must then exit 75 (interrupted), not 70 (a gnuplot
#     killed by the same signal is no internal error), say "interrupted; nothing was
#     written" once, leave no DIR/.msksim-* and no gnuplot behind. SIGTERM to msksim
#     alone: the same, and the message once.
# (b) A parent may start msksim with SIGCHLD ignored (daemons, some launchers, Python),
#     with stderr closed, or under a file-size limit. plot and export must finish as
#     usual (the same files, byte for byte), or fail cleanly (exit 74, no temporary
#     directory) when the limit is too small; a sweep started with stderr closed must
#     not write its progress into its journal (the resume would refuse it).
set -u
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_signals.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

if ! command -v gnuplot >/dev/null || ! command -v setsid >/dev/null || ! command -v pgrep >/dev/null; then
    echo "FAIL: needs gnuplot, setsid and pgrep"
    exit 1
fi

"$msk" run "$src/scenarios/vicious-cycle.yaml" --set population.size=1500 -q -o run.h5 2>err ||
    { fail "could not make a run result: $(tail -2 err)"; exit 1; }
"$msk" sweep "$src/scenarios/sweeps/bfr-dose.yaml" --set design.samples=8 --set set.population.size=200 -q -o sweep.h5 2>err ||
    { fail "could not make a sweep result: $(tail -2 err)"; exit 1; }

# ---- (a) signals during plot ------------------------------------------------------
# Plot RESULT into DIR in a session of its own and, once a gnuplot runs, send SIG to
# TARGET ("group": the whole process group, as Ctrl-C does; "msksim": the process only).
# Tries up to 5 times until the signal lands while gnuplot runs. Sets rc and hit.
plot_signalled() { # RESULT DIR SIG TARGET
    local result=$1 dir=$2 sig=$3 target=$4 try k
    hit=0
    for try in 1 2 3 4 5; do
        rm -rf "$dir"
        mkdir "$dir"
        # A background job of a script starts with SIGINT ignored, as a terminal's
        # foreground job does not: env puts the default back. setsid gives msksim a
        # process group of its own, shared with its gnuplots, as a shell's job has.
        env --default-signal=INT setsid "$msk" plot "$result" -o "$dir" -q 2>"$dir.err" &
        pid=$!
        for k in $(seq 400); do
            pgrep -P "$pid" gnuplot >/dev/null && { hit=1; break; }
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.01
        done
        if [ "$target" = group ]; then kill -"$sig" -- -"$pid" 2>/dev/null; else kill -"$sig" "$pid" 2>/dev/null; fi
        wait "$pid"
        rc=$?
        [ "$hit" = 1 ] && return
    done
}

for what in run sweep; do
    plot_signalled $what.h5 fig-$what INT group
    if [ "$hit" = 0 ]; then
        fail "plot $what: never caught a gnuplot running (exit $rc)"
        continue
    fi
    n=$(grep -o "nothing was written" fig-$what.err | wc -l)
    left=$(find fig-$what -mindepth 1 | wc -l)
    sleep 0.2
    orphans=$(pgrep -g "$pid" gnuplot | wc -l)
    if [ "$rc" = 75 ] && [ "$n" = 1 ] && grep -q "interrupted; nothing was written" fig-$what.err &&
        [ "$left" = 0 ] && [ "$orphans" = 0 ]; then
        pass "plot $what, SIGINT to the process group: exit 75, 'interrupted; nothing was written' once, DIR empty, no gnuplot left"
    else
        fail "plot $what, SIGINT to the process group: exit $rc (want 75), message $n times, $left file(s) in DIR, $orphans gnuplot left; stderr: $(tail -3 fig-$what.err)"
    fi
done

# A gnuplot that deadlocks when interrupted (gnuplot interrupted inside its font code
# can): after Ctrl-C msksim waits a grace period, kills it, and still exits 75 at once,
# with no gnuplot left. A stand-in on PATH ignores SIGINT and sleeps.
mkdir -p fakebin
printf '#!/bin/sh\ntrap "" INT\nexec sleep 300\n' >fakebin/gnuplot
chmod +x fakebin/gnuplot
rm -rf fig-hang
mkdir fig-hang
start=$(date +%s)
env --default-signal=INT PATH="$PWD/fakebin:$PATH" setsid "$msk" plot run.h5 -o fig-hang -q 2>fig-hang.err &
pid=$!
for k in $(seq 400); do pgrep -P "$pid" -f fakebin >/dev/null && break; pgrep -P "$pid" sleep >/dev/null && break; sleep 0.01; done
sleep 0.3
kill -INT -- -"$pid" 2>/dev/null
timeout 30 tail --pid="$pid" -f /dev/null
kill -0 "$pid" 2>/dev/null && kill -KILL -- -"$pid" 2>/dev/null # hung: the check fails, the suite goes on
wait "$pid"
rc=$?
took=$(($(date +%s) - start))
sleep 0.2
left=$(pgrep -g "$pid" sleep | wc -l)
if [ "$rc" = 75 ] && [ "$took" -lt 20 ] && [ "$left" = 0 ] && [ -z "$(ls -A fig-hang)" ]; then
    pass "a gnuplot that hangs after Ctrl-C is killed after the grace period: exit 75 in ${took} s, none left, DIR empty"
else
    fail "a hanging gnuplot after Ctrl-C: exit $rc in ${took} s, $left left, DIR: $(ls -A fig-hang | head -3 | tr '\n' ' ')"
    pkill -g "$pid" sleep 2>/dev/null
fi

# SIGTERM to msksim alone: the running gnuplots finish, nothing is committed.
plot_signalled run.h5 fig-term TERM msksim
n=$(grep -o "nothing was written" fig-term.err | wc -l)
left=$(find fig-term -mindepth 1 | wc -l)
if [ "$hit" = 1 ] && [ "$rc" = 75 ] && [ "$n" = 1 ] && [ "$left" = 0 ]; then
    pass "plot, SIGTERM to msksim: exit 75, 'nothing was written' once, DIR empty"
else
    fail "plot, SIGTERM to msksim: exit $rc (want 75; gnuplot seen: $hit), message $n times, $left file(s) in DIR; stderr: $(tail -3 fig-term.err)"
fi

# ---- (b) launch environments -----------------------------------------------------
"$msk" plot run.h5 -o ref-fig -q 2>err || fail "plot (plain): $(tail -2 err)"
"$msk" export run.h5 -o ref-tab -q 2>err || fail "export (plain): $(tail -2 err)"
"$msk" plot sweep.h5 -o ref-sfig -q 2>err || fail "plot sweep (plain): $(tail -2 err)"

# The same bytes as the plain command (images too: same gnuplot, same script).
same_as() { # DIR REF
    diff -r "$1" "$2" >/dev/null && [ -z "$(find "$1" -name '.msksim-*')" ]
}
launched() { # DESCRIPTION SETUP COMMAND REF-DIR OUT-DIR
    local what=$1 setup=$2 cmd=$3 ref=$4 out=$5
    rm -rf "$out"
    timeout 120 bash -c "$setup; exec $cmd" >/dev/null 2>>launch.err
    local rc=$?
    if [ "$rc" = 0 ] && same_as "$out" "$ref"; then
        pass "$what: exit 0, the same files as a plain start"
    else
        fail "$what: exit $rc$([ "$rc" = 124 ] && echo ' (hung: killed after 120 s)'), files $(diff -rq "$out" "$ref" 2>&1 | head -3 | tr '\n' ' ')"
    fi
}
launched "export under trap '' CHLD" "trap '' CHLD" "'$msk' export run.h5 -o chld-tab -q" ref-tab chld-tab
launched "plot under trap '' CHLD" "trap '' CHLD" "'$msk' plot run.h5 -o chld-fig -q" ref-fig chld-fig
launched "plot of a sweep under trap '' CHLD" "trap '' CHLD" "'$msk' plot sweep.h5 -o chld-sfig -q" ref-sfig chld-sfig
launched "export with stderr closed" "exec 2>&-" "'$msk' export run.h5 -o closed-tab -q" ref-tab closed-tab
launched "plot with stderr closed" "exec 2>&-" "'$msk' plot run.h5 -o closed-fig -q" ref-fig closed-fig
launched "plot with stdin, stdout and stderr closed" "exec 0<&- 1>&- 2>&-" "'$msk' plot run.h5 -o closed3-fig" ref-fig closed3-fig

# A damaged file with stderr closed: the same exit status, nothing written anywhere.
printf 'not HDF5\n' >damaged.h5
for cmd in plot export; do
    timeout 60 bash -c "exec 2>&-; exec '$msk' $cmd damaged.h5 -o damaged-$cmd" >/dev/null
    rc=$?
    if [ "$rc" = 65 ] && [ ! -e damaged-$cmd ] && [ "$(cat damaged.h5)" = "not HDF5" ]; then
        pass "$cmd of a damaged file with stderr closed: exit 65, nothing written"
    else
        fail "$cmd of a damaged file with stderr closed: exit $rc (want 65), damaged-$cmd $([ -e damaged-$cmd ] && echo exists || echo absent)"
    fi
done

# A file-size limit: a clean write error (74), not a kill by SIGXFSZ that leaves the
# temporary directory behind. 8 KiB holds no figure, nor the time series table.
for cmd in plot export; do
    mkdir -p limited-$cmd
    timeout 120 bash -c "ulimit -f 8; exec '$msk' $cmd run.h5 -o limited-$cmd -q" >/dev/null 2>limited.err
    rc=$?
    if [ "$rc" = 74 ] && [ -z "$(ls -A limited-$cmd)" ]; then
        pass "$cmd under ulimit -f 8: exit 74, the directory left empty"
    else
        fail "$cmd under ulimit -f 8: exit $rc (want 74), left: $(ls -A limited-$cmd | head -3 | tr '\n' ' ')"
    fi
done

# A sweep started with stderr closed and stopped: its progress and closing lines must
# not land in the journal (the first file it opens for writing), or the resume refuses
# the journal and every finished run is lost.
bash -c 'exec 2>&-; exec "$@"' _ "$msk" sweep "$src/scenarios/sweeps/bfr-dose.yaml" \
    --set design.samples=8 --set set.population.size=400 -o stopped.h5 >/dev/null &
pid=$!
for k in $(seq 1000); do
    grep -aq '^task' stopped.h5.journal 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc1=$?
foreign=$(grep -av -e '^task ' -e '^msksim-sweep-journal ' stopped.h5.journal 2>/dev/null | wc -l)
timeout 300 "$msk" sweep "$src/scenarios/sweeps/bfr-dose.yaml" --set design.samples=8 --set set.population.size=400 -q \
    -o stopped.h5 >/dev/null 2>stopped.err
rc2=$?
if [ "$rc1" = 75 ] && [ "$foreign" = 0 ] && [ "$rc2" = 0 ] && grep -q "resuming: [1-9][0-9]* of 48 runs found" stopped.err; then
    pass "a sweep stopped with stderr closed: exit 75, its journal holds only runs, the resume uses them"
else
    fail "a sweep stopped with stderr closed: exit $rc1 (want 75), $foreign foreign line(s) in the journal, resume exit $rc2: $(grep -v warning stopped.err | head -2)"
fi

exit "$failures"
