#!/usr/bin/env bash
# cli_check.sh — `msksim check` and `msksim params` against their contracts.
#
#   bash cli_check.sh MSKSIM SOURCE_DIR                 run the checks (cwd: the build dir)
#   bash cli_check.sh MSKSIM SOURCE_DIR --update-doc    rewrite the generated part of
#                                                       docs/scenario-format.md, then check
#
# (a) The generated part of docs/scenario-format.md equals `msksim params --markdown`.
# (b) Each tests/bad/*.yaml is refused as its header says: `# expect-exit: N`,
#     `# expect-at: [FILE:]LINE:COL`, one or more `# expect: FRAGMENT` lines that must
#     all appear in stderr, and optionally `# args: ...` (extra arguments, split on
#     spaces), by `check` and by `run`, which must write nothing; within time and
#     memory limits. Binary, huge and hostile inputs are made here (see below).
# (c) Valid inputs are accepted: the example of the doc, scenarios/*.yaml, the output
#     of `params --yaml` used as a parameter file, and effective-value round trips.
# One line per check; the exit status is non-zero when any check failed.
set -u

if [ $# -lt 2 ]; then
    echo "usage: bash cli_check.sh MSKSIM SOURCE_DIR [--update-doc]" >&2
    exit 2
fi
# Absolute paths: some checks run from a scratch directory.
msk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
update=${3:-}

failures=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/msk_cli_check.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Without a dispatching main.c every check below would fail for the same reason.
if ! "$msk" check --help 2>/dev/null | grep -q '^usage: msksim check'; then
    fail "$msk does not run \`msksim check --help\` (is sim/cli/main.c dispatching subcommands?)"
    exit 1
fi

# Any "FILE:LINE:COL: error|warning:" line (FILE may be "<command line>").
located='^.+:[0-9]+:[0-9]+: (error|warning): '

# ---- (a) generated documentation -------------------------------------------------
doc=$src/docs/scenario-format.md
begin='<!-- BEGIN GENERATED -->'
end='<!-- END GENERATED -->'
if "$msk" params --markdown >"$tmp/gen.md" 2>"$tmp/gen.err"; then
    pass "params --markdown exits 0 ($(wc -l <"$tmp/gen.md") lines)"
else
    fail "params --markdown failed: $(head -3 "$tmp/gen.err")"
fi
if [ "$update" = "--update-doc" ]; then
    awk -v b="$begin" -v e="$end" -v gen="$tmp/gen.md" '
        $0 == b { print; while ((getline line < gen) > 0) print line; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$doc" >"$tmp/doc.new" && cat "$tmp/doc.new" >"$doc"
    echo "updated the generated part of $doc"
fi
if [ "$(grep -cxF "$begin" "$doc")" != 1 ] || [ "$(grep -cxF "$end" "$doc")" != 1 ]; then
    fail "$doc must hold the markers '$begin' and '$end' once each"
else
    awk -v b="$begin" -v e="$end" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' \
        "$doc" >"$tmp/doc.md"
    if diff -u "$tmp/doc.md" "$tmp/gen.md" >"$tmp/doc.diff"; then
        pass "docs/scenario-format.md matches params --markdown"
    else
        fail "docs/scenario-format.md differs from params --markdown ($(grep -c '^[-+][^-+]' "$tmp/doc.diff") lines); regenerate: bash tests/cli_check.sh MSKSIM SRC --update-doc"
        head -20 "$tmp/doc.diff" | sed 's/^/    /'
    fi
fi

# ---- (b) bad inputs ----------------------------------------------------------------
# Every refusal is checked twice. `msksim check` must exit as the header says, print
# every `# expect:` fragment, locate an error at `# expect-at:` (LINE:COL in the case's
# own file, or FILE:LINE:COL) and print nothing on stdout. `msksim run -o OUT`, in an
# empty directory, must exit the same way, print the same location and leave the
# directory empty (no result, no temporary file, no output/). Both run under a time
# limit and, except under AddressSanitizer (which reserves terabytes of address
# space), a memory limit: no input may hang, crash or allocate without bound. No
# diagnostic may carry a raw control character (a hostile file could drive the
# terminal with escape sequences).
limit_s=20
limit_kb=1048576
ldd "$msk" 2>/dev/null | grep -q libasan && limit_kb=unlimited

# bounded DIR COMMAND...: run in DIR under the limits; stdout, stderr to $tmp/out, $tmp/err.
bounded() {
    local dir=$1
    shift
    # stdin is /dev/null: a case may name /dev/stdin, which must never be a regular file.
    (cd "$dir" && ulimit -v "$limit_kb" && exec timeout -k 5 "$limit_s" "$@") </dev/null >"$tmp/out" 2>"$tmp/err"
}

# why_rc RC: how a process ended, when that is not an ordinary exit.
why_rc() {
    case $1 in
        124 | 137) echo " (hung: killed after ${limit_s} s)" ;;
        1[3-9][0-9] | 2[0-5][0-9]) echo " (crashed: signal $(($1 - 128)))" ;;
    esac
}

# check_refused NAME WANT AT FILE [ARGS...]; fragments are read from $tmp/frags. The
# file is also given to `msksim $twin` (run, or sweep for sweep files).
n_refused=0
twin=run
check_refused() {
    local name=$1 want=$2 at=$3 file=$4
    shift 4
    n_refused=$((n_refused + 1))
    local loc
    if [[ $at =~ ^[0-9]+:[0-9]+$ ]]; then loc="$file:$at: error: "; else loc="$at: error: "; fi
    local problems="" rc frag
    mkdir -p "$tmp/cwd" && bounded "$tmp/cwd" "$msk" check "$file" "$@"
    rc=$?
    [ "$rc" = "$want" ] || problems="$problems check: exit $rc$(why_rc "$rc") (want $want);"
    while IFS= read -r frag; do
        [ -z "$frag" ] && continue
        grep -qF -- "$frag" "$tmp/err" || problems="$problems missing '$frag';"
    done <"$tmp/frags"
    grep -qF -- "$loc" "$tmp/err" || problems="$problems no error located at '$at';"
    [ -s "$tmp/out" ] && problems="$problems check wrote to stdout;"
    tr -d '\n\t' <"$tmp/err" | LC_ALL=C grep -q '[[:cntrl:]]' && problems="$problems raw control character in the diagnostics;"
    local located_n
    located_n=$(grep -cE "$located" "$tmp/err")
    cp "$tmp/err" "$tmp/check.err"

    rm -rf "$tmp/run" && mkdir "$tmp/run" && bounded "$tmp/run" "$msk" "$twin" "$file" -q -o result.h5 "$@"
    rc=$?
    [ "$rc" = "$want" ] || problems="$problems $twin: exit $rc$(why_rc "$rc") (want $want);"
    grep -qF -- "$loc" "$tmp/err" || problems="$problems $twin: no error located at '$at';"
    [ -z "$(ls -A "$tmp/run")" ] || problems="$problems $twin wrote: $(ls -A "$tmp/run" | head -3 | tr '\n' ' ');"
    if [ -z "$problems" ]; then
        pass "$name: exit $want, $located_n located diagnostic(s), $twin wrote nothing"
    else
        fail "$name:$problems"
        sed 's/^/    check stderr: /' "$tmp/check.err" | cut -c1-300 | head -8
        sed 's/^/    run stderr: /' "$tmp/err" | cut -c1-300 | head -4
    fi
}

# Committed cases. Header (the leading comment lines): `# expect-exit: N`,
# `# expect-at: [FILE:]LINE:COL`, one or more `# expect: FRAGMENT`, and optionally
# `# args: ...` (extra arguments, split on spaces).
n_committed=0
for f in "$src"/tests/bad/*.yaml; do
    [ -e "$f" ] || continue
    n_committed=$((n_committed + 1))
    awk '!/^#/ { exit } { print }' "$f" >"$tmp/header"
    want=$(sed -n 's/^# expect-exit: *//p' "$tmp/header" | head -1)
    at=$(sed -n 's/^# expect-at: *//p' "$tmp/header" | head -1)
    args=$(sed -n 's/^# args: *//p' "$tmp/header" | head -1)
    sed -n 's/^# expect: //p' "$tmp/header" >"$tmp/frags"
    if [ -z "$want" ] || [ -z "$at" ] || [ ! -s "$tmp/frags" ]; then
        fail "$(basename "$f"): header lacks '# expect-exit:', '# expect-at:' or '# expect:'"
        continue
    fi
    read -r -a argv <<<"$args"
    check_refused "$(basename "$f")" "$want" "$at" "$f" ${argv[@]+"${argv[@]}"}
done

# Sweep files, the same way; `msksim sweep` is their twin (it must not write a result or
# a journal). Their base scenarios live in tests/bad/sweeps/base/.
twin=sweep
n_sweeps=0
for f in "$src"/tests/bad/sweeps/*.yaml; do
    [ -e "$f" ] || continue
    n_sweeps=$((n_sweeps + 1))
    awk '!/^#/ { exit } { print }' "$f" >"$tmp/header"
    want=$(sed -n 's/^# expect-exit: *//p' "$tmp/header" | head -1)
    at=$(sed -n 's/^# expect-at: *//p' "$tmp/header" | head -1)
    sed -n 's/^# expect: //p' "$tmp/header" >"$tmp/frags"
    if [ -z "$want" ] || [ -z "$at" ] || [ ! -s "$tmp/frags" ]; then
        fail "sweeps/$(basename "$f"): header lacks '# expect-exit:', '# expect-at:' or '# expect:'"
        continue
    fi
    check_refused "sweeps/$(basename "$f")" "$want" "$at" "$f"
done
twin=run

# Generated cases: binary, huge or hostile inputs better made than committed.
# gen NAME WANT AT FRAGMENT... [-- ARGS...]: check $tmp/gen/NAME.yaml.
mkdir -p "$tmp/gen"
gen() {
    local name=$1 want=$2 at=$3
    shift 3
    : >"$tmp/frags"
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        echo "$1" >>"$tmp/frags"
        shift
    done
    [ "${1:-}" = "--" ] && shift
    check_refused "generated $name" "$want" "$at" "$tmp/gen/$name.yaml" "$@"
}
repeat() { # repeat N TEXT: TEXT N times, without a newline
    awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}
head_ok='name: t\nhorizon_weeks: 5\npopulation: {size: 10}\narms: [{name: a}]\n'

printf 'name: t\nhorizon_weeks: 5\x00\x01\x02\xff\xfe binary\n' >"$tmp/gen/binary-nul.yaml"
gen binary-nul 65 2:17 'error: contains a NUL byte; this is not a YAML text file'

printf 'name: t\nhorizon_weeks: 5\n\xff\xd8\xff\xe0JFIF\x80\x81\n' >"$tmp/gen/binary-jpeg.yaml"
gen binary-jpeg 65 3:1 'error: not valid UTF-8 text' 'is this a binary file?'

head -c 4096 "$msk" >"$tmp/gen/binary-elf.yaml" # the program itself: "\x7fELF\x02\x01\x01\x00"
gen binary-elf 65 1:8 'error: contains a NUL byte'

: >"$tmp/gen/zero-bytes.yaml"
gen zero-bytes 65 1:1 'error: the file is empty'

printf '\n\n   \n# only a comment\n' >"$tmp/gen/blank.yaml"
gen blank 65 1:1 'error: the file is empty (or only comments)'

printf 'name: t\ndescription: "caf\xe9"\n' >"$tmp/gen/latin1.yaml"
gen latin1 65 2:18 'error: not valid UTF-8 text: invalid trailing UTF-8 octet (byte 0xE9)'

printf 'name: t\ndescription: "\xc0\xaf overlong slash"\n' >"$tmp/gen/utf8-overlong.yaml"
gen utf8-overlong 65 2:15 'error: not valid UTF-8 text'

printf 'name: t\ndescription: "\xed\xa0\x80 surrogate"\n' >"$tmp/gen/utf8-surrogate.yaml"
gen utf8-surrogate 65 2:15 'error: not valid UTF-8 text'

printf 'name: t\x07x\n' >"$tmp/gen/control-bell.yaml"
gen control-bell 65 1:8 'error: not valid UTF-8 text: control characters are not allowed'

printf '\xef\xbb\xbfname: t\nhorizon_weeks: 12abc\npopulation: {size: 10}\narms: [{name: a}]\n' >"$tmp/gen/bom-utf8.yaml"
gen bom-utf8 65 2:16 "error: horizon_weeks: '12abc' is not a number"

printf '\xff\xfen\x00a\x00m\x00e\x00:\x00 \x00t\x00\n\x00' >"$tmp/gen/utf16le.yaml"
gen utf16le 65 1:1 'error: the file is encoded as UTF-16; save it as UTF-8'

printf '\xfe\xff\x00n\x00a\x00m\x00e\x00:\x00 \x00t\x00\n' >"$tmp/gen/utf16be.yaml"
gen utf16be 65 1:1 'error: the file is encoded as UTF-16; save it as UTF-8'

printf 'name: t\r\nhorizon_weeks: 5\r\npopulation: {size: 0}\r\narms: [{name: a}]\r\n' >"$tmp/gen/crlf.yaml"
gen crlf 65 3:20 'error: population.size: value 0 is out of range'

printf 'name: t\rhorizon_weeks: 5\rpopulation: {size: 0}\rarms: [{name: a}]\r' >"$tmp/gen/cr-only.yaml"
gen cr-only 65 3:20 'error: population.size: value 0 is out of range'

{ printf 'name: t\nx: '; repeat 100000 '['; repeat 100000 ']'; echo; } >"$tmp/gen/deep-flow-100k.yaml"
gen deep-flow-100k 65 2:67 'error: nesting deeper than 64 levels'

{ printf 'x: '; repeat 100000 '{a: '; printf 1; repeat 100000 '}'; echo; } >"$tmp/gen/deep-map-100k.yaml"
gen deep-map-100k 65 1:256 'error: nesting deeper than 64 levels'

{ printf 'x:\n'; repeat 100000 '- '; echo 1; } >"$tmp/gen/deep-block-100k.yaml"
gen deep-block-100k 65 2:127 'error: nesting deeper than 64 levels'

# Billion laughs: ten levels of eleven aliases would expand to 11^9 * 10 strings.
{
    echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
    prev=a
    for c in b c d e f g h i j; do
        printf '%s: &%s [' "$c" "$c"
        for k in 1 2 3 4 5 6 7 8 9 10; do printf '*%s,' "$prev"; done
        printf '*%s]\n' "$prev"
        prev=$c
    done
} >"$tmp/gen/alias-bomb.yaml"
gen alias-bomb 65 1:4 'error: anchors (&a) are not supported' \
    'error: aliases (*a) are not supported' 'more anchors, aliases, tags or duplicate keys from here on are not shown'

printf 'a: &a [*a, *a]\n' >"$tmp/gen/alias-self.yaml"
gen alias-self 65 1:4 'error: anchors (&a) are not supported' 'error: aliases (*a) are not supported'

{ printf 'name: t\ndescription: "'; head -c 10485760 /dev/zero | tr '\0' 'a'; printf '"\n'; } >"$tmp/gen/huge-quoted.yaml"
gen huge-quoted 65 2:14 'error: a value of 10485760 bytes is longer than the limit of 65536'

{ printf 'name: t\ndescription: '; head -c 10485760 /dev/zero | tr '\0' 'a'; echo; } >"$tmp/gen/huge-plain.yaml"
gen huge-plain 65 2:14 'error: a value of 10485760 bytes is longer than the limit of 65536'

{ printf 'name: t\n? '; head -c 10485760 /dev/zero | tr '\0' 'k'; printf '\n: 1\n'; } >"$tmp/gen/huge-key.yaml"
gen huge-key 65 2:3 'error: a value of 10485760 bytes is longer than the limit of 65536'

{ printf 'name: t\ndescription: |\n'; for _ in $(seq 20000); do echo '  a line of text'; done; } >"$tmp/gen/huge-block.yaml"
gen huge-block 65 2:14 'error: a value of 300000 bytes is longer than the limit of 65536'

{ printf 'name: t\nx: ['; repeat 250000 '0,'; echo '0]'; } >"$tmp/gen/many-nodes.yaml"
gen many-nodes 65 2:399995 'error: more than 200000 YAML nodes; too large for a scenario file'

{ printf 'name: t\n'; seq -f 'k%g: 1' 5000; } >"$tmp/gen/many-keys.yaml"
gen many-keys 65 4097:1 'error: more than 4096 keys in one mapping; too many for a scenario file'

{ printf 'name: t\n'; for i in $(seq 300); do printf 'k: %d\n' "$i"; done; } >"$tmp/gen/many-duplicates.yaml"
gen many-duplicates 65 3:1 "error: duplicate key 'k' (first given at line 2, column 1)" \
    'more anchors, aliases, tags or duplicate keys from here on are not shown'

{ printf 'name: t\nhorizon_weeks: 5\npopulation:\n'; seq -f '  size_%g: 1' 3000; printf 'arms: [{name: a}]\n'; } >"$tmp/gen/many-errors.yaml"
gen many-errors 65 4:3 "error: population.size_1: unknown key 'size_1' in population" \
    'note: more errors follow from here; only the first 100 are reported'

{ head -c 17000000 /dev/zero | tr '\0' '#'; echo; } >"$tmp/gen/too-large.yaml"
gen too-large 65 1:1 'error: larger than 16 MiB; too large for a scenario file'

mkfifo "$tmp/gen/fifo.yaml"
printf 'name: t\nhorizon_weeks: 5\nparameters: fifo.yaml\npopulation: {size: 10}\narms: [{name: a}]\n' >"$tmp/gen/parameter-fifo.yaml"
gen parameter-fifo 65 3:13 "parameters: cannot read parameter file" 'a device, FIFO or socket, not a regular file'

printf "$head_ok" >"$tmp/gen/set-huge-value.yaml"
gen set-huge-value 65 '<command line>:1:1' 'error: a value of 100000 bytes is longer than the limit of 65536' \
    -- --set "description=$(head -c 100000 /dev/zero | tr '\0' 'v')"

printf "$head_ok" >"$tmp/gen/set-escape.yaml"
gen set-escape 65 '<command line>:1:1' "error: arms: --set: the scenario has no arm named 'x?[31m' (and it is not an index)" \
    -- --set "$(printf 'arms.x\033[31m.name=y')"

# A FIFO as a sweep's base: refused at once (opening it would wait for a writer).
printf 'sweep: s\nbase: fifo.yaml\nparameters: [{name: c, path: arms.a.interventions.0.adherence, range: [0.5, 1]}]\ndesign: {method: lhs, samples: 2}\noutcomes: [{arm: a, variable: falls_per_1000py}]\n' >"$tmp/gen/sweep-base-fifo.yaml"
twin=sweep
gen sweep-base-fifo 65 2:7 "error: base: cannot read the base scenario '" "fifo.yaml': a FIFO (named pipe), not a regular file"
twin=run

# Escape sequences in a file name taken from a file (a sweep's base): shown as '?'.
printf 'sweep: s\nbase: "\\e[31mred.yaml"\nparameters: [{name: a, path: population.age_mean, range: [65, 85]}]\ndesign: {method: lhs, samples: 2}\noutcomes: [{arm: a, variable: falls_per_1000py}]\n' >"$tmp/gen/sweep-escape.yaml"
twin=sweep
gen sweep-escape 65 2:7 "error: base: cannot read the base scenario '" "?[31mred.yaml'"
twin=run

printf "$head_ok" >"$tmp/gen/set-alias.yaml"
gen set-alias 65 '<command line>:1:1' 'error: aliases (*x) are not supported' -- --set 'population.size=*x'

[ "$n_committed" -ge 100 ] && pass "$n_committed committed bad cases in tests/bad" ||
    fail "only $n_committed committed bad cases in tests/bad (want >= 100)"
[ "$n_sweeps" -ge 25 ] && pass "$n_sweeps committed bad sweep files in tests/bad/sweeps" ||
    fail "only $n_sweeps bad sweep files in tests/bad/sweeps (want >= 25)"
pass "$n_refused bad inputs refused in all"

# Unreadable files and usage errors carry no location; checked separately.
expect_exit() { # NAME WANT STREAM FRAGMENT -- COMMAND...
    local name=$1 want=$2 stream=$3 frag=$4
    shift 5
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" = "$want" ] && grep -qF -- "$frag" "$tmp/$stream"; then
        pass "$name: exit $rc"
    else
        fail "$name: exit $rc (want $want), $stream lacks '$frag'"
        sed 's/^/    /' "$tmp/err" | head -5
    fi
}
# check echoes what it understood, and a bound left to its default is warned about.
printf 'name: t\nhorizon_weeks: 4\npopulation: {size: 10, age_min: 40}\narms: [{name: a}, {name: b}]\nexposures: [{kind: bed_rest, start_week: 1, duration_weeks: 2}]\n' >"$tmp/understood.yaml"
"$msk" check "$tmp/understood.yaml" >"$tmp/out" 2>"$tmp/err"
if grep -qF "population: 10 people aged 40 to 80 at entry (uniform), 50% women" "$tmp/out" &&
    grep -qF "arms: a (0 interventions) [reference], b (0 interventions)" "$tmp/out" &&
    grep -qF "exposures: bed_rest from week 1 to 3" "$tmp/out" &&
    grep -qF "follow-up: 4 weeks, observed every 1 week" "$tmp/out" &&
    grep -qF "understood.yaml:3:33: warning: population.age_max: age_max is not given: people enter aged 40 to 80" "$tmp/err"; then
    pass "check echoes population, arms, exposures and follow-up, and warns of a default age_max"
else
    fail "check's summary of what it understood"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -12
fi
# ... and the strata it would keep, with the age bands the defaults give.
"$msk" check "$tmp/understood.yaml" --set 'record.strata=sex age' >"$tmp/out" 2>"$tmp/err"
"$msk" check "$tmp/understood.yaml" >"$tmp/out0" 2>&1
if grep -qF "strata: sex x age (40-50, 50-60, 60-70, 70-80): 8 subgroups" "$tmp/out" && ! grep -q "strata:" "$tmp/out0"; then
    pass "check echoes the strata and their age bands (none without record.strata)"
else
    fail "check's summary of the strata"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -12
fi
# --set names an arm (issue 14), and an unknown name lists the arms.
"$msk" params "$src/scenarios/immobilization.yaml" --set arms.passive-bfr.interventions.0.cuff_pct_aop=40 >"$tmp/out" 2>&1
"$msk" params "$src/scenarios/immobilization.yaml" --set arms.1.interventions.0.cuff_pct_aop=40 >"$tmp/out1" 2>&1
if grep -q "cuff_pct_aop: 40 " "$tmp/out" && diff <(grep -v '^# --set' "$tmp/out") <(grep -v '^# --set' "$tmp/out1") >/dev/null; then
    pass "--set arms.NAME.KEY edits the arm called NAME (same effective values as arms.INDEX)"
else
    fail "--set arms.NAME.KEY"
fi
expect_exit "--set on an unknown arm name" 65 err "the scenario has no arm named 'nosuch' (and it is not an index); its arms are: none, passive-bfr, staged-rehab, bfr-then-rehab" -- "$msk" run "$src/scenarios/immobilization.yaml" --set arms.nosuch.interventions.0.cuff_pct_aop=40 -o "$tmp/never.h5"
# The wrong kind of file gets one error that names the right command (issue 14).
expect_exit "run on a sweep file" 65 err "this is a sweep file (top-level 'sweep:'), not a scenario; run it with \`msksim sweep" -- "$msk" run "$src/scenarios/sweeps/bfr-dose.yaml" -o "$tmp/never.h5"
expect_exit "check on a calibration file" 65 err "calibration.yaml:11:1: error: evidence: this is a calibration file" -- "$msk" check "$src/scenarios/calibration.yaml"
expect_exit "calibrate on a scenario" 65 err "error: arms: this is a scenario, not a calibration file" -- "$msk" calibrate "$src/scenarios/immobilization.yaml" -o "$tmp/never.yaml"
n_err=$("$msk" run "$src/scenarios/sweeps/bfr-dose.yaml" -o "$tmp/never.h5" 2>&1 | grep -c 'error:')
[ "$n_err" -eq 1 ] && pass "a sweep file given to run: one error, not a list of unknown keys" ||
    fail "a sweep file given to run: $n_err errors (want 1)"
[ ! -e "$tmp/never.h5" ] && [ ! -e "$tmp/never.yaml" ] && pass "the refused runs wrote nothing" || fail "a refused run wrote output"
expect_exit "missing file" 66 err "no-such.yaml: error: cannot open: No such file" -- "$msk" check "$tmp/no-such.yaml"
expect_exit "directory as file" 66 err "error: cannot read" -- "$msk" check "$tmp"
expect_exit "no FILE" 2 err "usage: msksim check FILE" -- "$msk" check
expect_exit "unknown option" 2 err "unknown option '--frobnicate'" -- "$msk" check --frobnicate "$tmp/x.yaml"
expect_exit "--set without argument" 2 err "--set needs an argument" -- "$msk" check "$tmp/x.yaml" --set
expect_exit "two files" 2 err "only one FILE" -- "$msk" check a.yaml b.yaml
expect_exit "check --help" 0 out "usage: msksim check FILE [--set KEY=VALUE]..." -- "$msk" check --help
expect_exit "params --help" 0 out "usage: msksim params" -- "$msk" params --help
expect_exit "params unknown option" 2 err "unknown option '--json'" -- "$msk" params --json

# ---- (c) valid inputs --------------------------------------------------------------
mkdir -p "$tmp/ok"
# The first ```yaml block of the doc is its complete example.
awk '/^```yaml$/ && !done { inside = 1; next } /^```$/ && inside { inside = 0; done = 1 } inside' \
    "$doc" >"$tmp/ok/example.yaml"
if [ -s "$tmp/ok/example.yaml" ]; then
    (cd "$tmp/ok" && "$msk" check example.yaml >"$tmp/out" 2>"$tmp/err")
    rc=$?
    if [ "$rc" = 0 ] && grep -qxF "example.yaml: ok (5 arms, 2000 people x 1 replicate, 52 weeks)" "$tmp/out"; then
        pass "doc example: $(cat "$tmp/out")"
    else
        fail "doc example: exit $rc, stdout '$(cat "$tmp/out")'"
        sed 's/^/    /' "$tmp/err" | head -10
    fi
    # check writes nothing.
    listing_before=$(ls -A "$tmp/ok")
    (cd "$tmp/ok" && "$msk" check example.yaml --set population.size=10 >/dev/null 2>&1)
    [ "$(ls -A "$tmp/ok")" = "$listing_before" ] && pass "check writes no files" || fail "check wrote files"
else
    fail "no \`\`\`yaml example found in $doc"
fi

# Every scenario and evidence trial (calibration.yaml and parameters.yaml are not
# scenarios: tests/cli_evidence.sh covers them).
for f in "$src"/scenarios/*.yaml "$src"/scenarios/evidence/*.yaml; do
    [ -e "$f" ] || continue
    case $(basename "$f") in calibration.yaml | parameters.yaml) continue ;; esac
    if "$msk" check "$f" >"$tmp/out" 2>"$tmp/err"; then
        pass "$(cat "$tmp/out")"
    else
        fail "$f is refused"
        sed 's/^/    /' "$tmp/err" | head -10
    fi
done

# The default parameters, written by params --yaml, load as a parameter file.
mkdir -p "$tmp/ok/p"
"$msk" params --yaml >"$tmp/ok/p/defaults.yaml"
cat >"$tmp/ok/with-params.yaml" <<'EOF'
name: with-params
horizon_weeks: 10
parameters: p/defaults.yaml
population: {size: 10}
arms: [{name: a}]
EOF
if "$msk" check "$tmp/ok/with-params.yaml" >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
    pass "params --yaml output loads as a parameter file ($(grep -c '^    [a-z]' "$tmp/ok/p/defaults.yaml") parameters)"
else
    fail "params --yaml output is refused as a parameter file"
    sed 's/^/    /' "$tmp/err" | head -10
fi

# Effective values (params FILE) load again and are a fixed point.
if [ -s "$tmp/ok/example.yaml" ]; then
    "$msk" params "$tmp/ok/example.yaml" --set model.bone.turnover=0.07 >"$tmp/ok/eff1.yaml" 2>"$tmp/err"
    rc1=$?
    "$msk" params "$tmp/ok/eff1.yaml" >"$tmp/ok/eff2.yaml" 2>>"$tmp/err"
    rc2=$?
    if [ "$rc1" = 0 ] && [ "$rc2" = 0 ] &&
        diff <(grep -v '^# ' "$tmp/ok/eff1.yaml") <(grep -v '^# ' "$tmp/ok/eff2.yaml") >/dev/null &&
        grep -q '^    turnover: 0.07 ' "$tmp/ok/eff1.yaml"; then
        pass "effective values reload to the same values ($(wc -l <"$tmp/ok/eff1.yaml") lines)"
    else
        fail "effective values do not round-trip (exit $rc1, $rc2)"
        sed 's/^/    /' "$tmp/err" | head -10
    fi
fi

# Warnings alone do not fail a check.
cat >"$tmp/ok/warn.yaml" <<'EOF'
name: warn
horizon_weeks: 20
population: {size: 10}
arms:
  - name: hard-bfr
    interventions:
      - {type: bfr_resistance, duration_weeks: 8, load_pct_1rm: 60, cuff_pct_aop: 70}
EOF
"$msk" check "$tmp/ok/warn.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 0 ] && [ "$(grep -c ': warning: ' "$tmp/err")" = 2 ] && grep -qF '2 warnings)' "$tmp/out"; then
    pass "warnings are printed and do not fail: $(cat "$tmp/out")"
else
    fail "warnings: exit $rc, stdout '$(cat "$tmp/out")'"
    sed 's/^/    /' "$tmp/err" | head -5
fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
