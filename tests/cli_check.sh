#!/usr/bin/env bash
# cli_check.sh — `msksim check` and `msksim params` against their contracts.
#
#   bash cli_check.sh MSKSIM SOURCE_DIR                 run the checks (cwd: the build dir)
#   bash cli_check.sh MSKSIM SOURCE_DIR --update-doc    rewrite the generated part of
#                                                       docs/scenario-format.md, then check
#
# (a) The generated part of docs/scenario-format.md equals `msksim params --markdown`.
# (b) Each tests/bad/*.yaml is refused as its header says: `# expect-exit: N`, one or
#     more `# expect: FRAGMENT` lines that must all appear in stderr, and optionally
#     `# args: ...` (extra arguments, split on spaces). Every refusal must carry a
#     FILE:LINE:COL location. A few inputs (binary, empty, too deep) are made here.
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
    fail "$msk does not run \`msksim check --help\` (is sim/main.c dispatching subcommands?)"
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
# check_refused NAME EXPECTED_EXIT FILE [ARGS...]; fragments are read from $tmp/frags.
check_refused() {
    local name=$1 want=$2 file=$3
    shift 3
    "$msk" check "$file" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? problems=""
    [ "$rc" = "$want" ] || problems="$problems exit $rc (want $want);"
    while IFS= read -r frag; do
        [ -z "$frag" ] && continue
        grep -qF -- "$frag" "$tmp/err" || problems="$problems missing '$frag';"
    done <"$tmp/frags"
    grep -qE "$located" "$tmp/err" || problems="$problems no FILE:LINE:COL location;"
    [ -s "$tmp/out" ] && problems="$problems wrote to stdout;"
    if [ -z "$problems" ]; then
        pass "$name: exit $rc, $(grep -cE "$located" "$tmp/err") located diagnostic(s)"
    else
        fail "$name:$problems"
        sed 's/^/    stderr: /' "$tmp/err" | head -12
    fi
}

n_cases=0
for f in "$src"/tests/bad/*.yaml; do
    [ -e "$f" ] || continue
    n_cases=$((n_cases + 1))
    # Header: the leading block of comment lines.
    awk '!/^#/ { exit } { print }' "$f" >"$tmp/header"
    want=$(sed -n 's/^# expect-exit: *//p' "$tmp/header" | head -1)
    args=$(sed -n 's/^# args: *//p' "$tmp/header" | head -1)
    sed -n 's/^# expect: //p' "$tmp/header" >"$tmp/frags"
    if [ -z "$want" ] || [ ! -s "$tmp/frags" ]; then
        fail "$(basename "$f"): header lacks '# expect-exit:' or '# expect:'"
        continue
    fi
    read -r -a argv <<<"$args"
    check_refused "$(basename "$f")" "$want" "$f" ${argv[@]+"${argv[@]}"}
done
[ "$n_cases" -ge 25 ] && pass "$n_cases bad cases in tests/bad" || fail "only $n_cases bad cases in tests/bad"

# Inputs that are better made than committed.
printf 'name: t\nhorizon_weeks: 5\x00\x01\x02\xff\xfe binary\n' >"$tmp/binary-nul.yaml"
echo 'binary-nul.yaml:2:17: error: contains a NUL byte' >"$tmp/frags"
check_refused "generated binary file (NUL bytes)" 65 "$tmp/binary-nul.yaml"

printf 'name: t\nhorizon_weeks: 5\n\xff\xd8\xff\xe0JFIF\x80\x81\n' >"$tmp/binary-utf8.yaml"
echo 'binary-utf8.yaml:3:1: error: not valid UTF-8 text' >"$tmp/frags"
check_refused "generated binary file (invalid UTF-8)" 65 "$tmp/binary-utf8.yaml"

: >"$tmp/zero-bytes.yaml"
echo 'zero-bytes.yaml:1:1: error: the file is empty' >"$tmp/frags"
check_refused "generated 0-byte file" 65 "$tmp/zero-bytes.yaml"

{ printf 'name: t\nx: '; for _ in $(seq 70); do printf '['; done; for _ in $(seq 70); do printf ']'; done; echo; } >"$tmp/deep.yaml"
echo 'deep.yaml:2:' >"$tmp/frags"
echo 'nesting deeper than 64 levels' >>"$tmp/frags"
check_refused "generated deep nesting" 65 "$tmp/deep.yaml"

{ printf 'name: t\ndescription: '; head -c 70000 /dev/zero | tr '\0' 'a'; echo; } >"$tmp/long.yaml"
echo 'long.yaml:2:14: error: a value of 70000 bytes is longer than the limit' >"$tmp/frags"
check_refused "generated over-long value" 65 "$tmp/long.yaml"

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

for f in "$src"/scenarios/*.yaml; do
    [ -e "$f" ] || continue
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
