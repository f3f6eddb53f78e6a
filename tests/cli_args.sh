#!/usr/bin/env bash
# cli_args.sh — arguments that can only fail late are refused early, as bad usage (2).
#
#   bash cli_args.sh MSKSIM SOURCE_DIR      (one line per check; exit status = failures)
#
# (a) An empty output name (-o '', --tsv '', --markdown '') to every command that writes:
#     exit 2 with a message naming the option, nothing written (it used to be 74 after
#     the work, for run).
# (b) A thread count the system cannot give (--threads 4096 under a 8 GB address-space
#     limit, so only some hundreds of 8 MB thread stacks fit; OMP_NUM_THREADS too): exit
#     2 with a message saying how many threads could be started, instead of libgomp's
#     own "Thread creation failed" and exit 1 once the work began. Not under
#     AddressSanitizer, which reserves terabytes of address space.
# (c) msksim --help lists every command of the table with its summary, and the help of
#     each command is reachable.
set -u
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/msk_args.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/cwd" && cd "$work/cwd" || exit 1
out=$work/out err=$work/err

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

scenario=$src/scenarios/compare-interventions.yaml
sweep=$src/scenarios/sweeps/bfr-dose.yaml
"$msk" run "$scenario" --set population.size=100 -q -o result.h5 2>"$err" ||
    { fail "could not make a result: $(tail -2 "$err")"; exit 1; }

# Exit 2, a message on stderr that names $want, and no new file in the directory.
usage_error() { # DESCRIPTION WANT COMMAND...
    local what=$1 want=$2
    shift 2
    local before after
    before=$(ls -A | sort)
    timeout 120 "$@" >"$out" 2>"$err"
    local rc=$?
    after=$(ls -A | sort)
    if [ "$rc" = 2 ] && grep -q -- "$want" "$err" && [ "$before" = "$after" ] && ! [ -e output ]; then
        pass "$what: exit 2, '$(grep -o -- "$want" "$err" | head -1)'"
    else
        fail "$what: exit $rc (want 2), new files: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' '); stderr: $(head -2 "$err" | tr '\n' ' ')"
    fi
}

# ---- (a) empty output names ---------------------------------------------------------
usage_error "run -o ''" "-o needs a file name" "$msk" run "$scenario" -o ''
usage_error "sweep -o ''" "-o needs a file name" "$msk" sweep "$sweep" -o ''
usage_error "calibrate -o ''" "-o needs a file name" "$msk" calibrate "$src/scenarios/calibration.yaml" -o ''
usage_error "evidence --tsv ''" "--tsv needs a file name" "$msk" evidence --quick --tsv ''
usage_error "evidence --markdown ''" "--markdown needs a file name" "$msk" evidence --quick --markdown ''
usage_error "bench --tsv ''" "--tsv needs a file name" "$msk" bench --quick --tsv ''
usage_error "plot -o ''" "-o needs a directory name" "$msk" plot result.h5 -o ''
usage_error "export -o ''" "-o needs a directory name" "$msk" export result.h5 -o ''

# ---- (b) thread counts the system cannot give ---------------------------------------
if ldd "$msk" 2>/dev/null | grep -q libasan; then
    echo "ok: (skipped under AddressSanitizer) --threads beyond what an address-space limit allows"
else
    limited=(sh -c 'ulimit -v 8000000 && exec "$@"' limited)
    usage_error "run --threads 4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" "$msk" run "$scenario" --set population.size=100 -q -o t.h5 --threads 4096
    usage_error "sweep --threads 4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" "$msk" sweep "$sweep" -q -o t.h5 --threads 4096
    usage_error "evidence --threads 4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" "$msk" evidence --quick -q --threads 4096
    usage_error "calibrate --threads 4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" "$msk" calibrate "$src/scenarios/calibration.yaml" -o fit.yaml --threads 4096
    usage_error "bench --threads 1,4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" "$msk" bench --quick --threads 1,4096
    usage_error "OMP_NUM_THREADS=4096 under ulimit -v 8000000" "only [0-9]* could be started" \
        "${limited[@]}" env OMP_NUM_THREADS=4096 "$msk" run "$scenario" --set population.size=100 -q -o t.h5
    # What the system gives still works: 2 threads under the same limit.
    if "${limited[@]}" "$msk" run "$scenario" --set population.size=100 -q -o t2.h5 --threads 2 2>"$err"; then
        pass "run --threads 2 under ulimit -v 8000000 works"
    else
        fail "run --threads 2 under ulimit -v 8000000: $(tail -2 "$err")"
    fi
    rm -f t2.h5
fi

# ---- (c) the command table ----------------------------------------------------------
"$msk" --help >"$work/help.txt"
ok=1
for c in run check sweep params plot export evidence calibrate bench; do
    grep -Eq "^  $c( [A-Z]+)? +[a-z]" "$work/help.txt" || { ok=0; echo "    --help lacks $c"; }
    "$msk" help "$c" | grep -qi "^usage: msksim $c" || { ok=0; echo "    help $c does not start with its usage"; }
done
[ "$ok" = 1 ] && pass "--help lists every command with a summary; help COMMAND shows each usage" ||
    fail "--help or help COMMAND incomplete"
"$msk" help frobnicate >"$out" 2>"$err"
rc=$?
[ "$rc" = 2 ] && grep -q "unknown command 'frobnicate'" "$err" && grep -q "^Commands:" "$err" &&
    pass "help of an unknown command: exit 2 and the command list on stderr" ||
    fail "help frobnicate: exit $rc"

exit "$failures"
