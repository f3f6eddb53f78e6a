#!/usr/bin/env bash
# End-to-end checks of `msksim plot` and `msksim export` as an educator uses them: every
# shipped scenario (small populations) is run and plotted; gnuplot must exit 0 and print
# nothing, also when the scripts are re-run by hand; the plotted numbers (the TSV next to
# each figure) are compared with the HDF5 file by tests/plotcheck.py; bad input files get
# exit 65/66 and leave nothing behind; names from the file cannot inject commands.
# Usage: cli_plot.sh MSKSIM SOURCE_DIR   (one line per check; exit status = failures)
set -u
msksim=$1
src=$2
plotcheck="/usr/bin/python3 $src/tests/plotcheck.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/    /' "$work/out" | tail -25; fail=$((fail + 1)); fi
}
expect_status() { # expect_status N COMMAND...
  local want=$1; shift
  "$@"; local got=$?
  [ "$got" -eq "$want" ] || { echo "exit status $got, expected $want"; return 1; }
}
# Every script of a figure directory re-run as an educator would: exit 0, no output.
rerun_scripts() {
  cd "$1" || return 1
  local g out
  for g in *.gp; do
    out=$(gnuplot "$g" 2>&1) || { echo "$g: gnuplot failed: $out"; return 1; }
    [ -z "$out" ] || { echo "$g: gnuplot printed: $out"; return 1; }
  done
}

if ! command -v gnuplot >/dev/null; then
  echo "FAIL: gnuplot is not installed (bash .ci/install-deps test)"
  exit 1
fi

check "help plot and help export describe the commands" bash -c \
  "'$msksim' help plot | grep -q -- '--format' && '$msksim' help export | grep -q -- '--tsv'"
check "plot without RESULT is a usage error (2)" expect_status 2 "$msksim" plot
check "an unknown --format is a usage error (2)" expect_status 2 "$msksim" plot x.h5 --format gif

# Every shipped scenario, small: all applicable figures, no gnuplot output, numbers right.
for s in compare-interventions immobilization vicious-cycle; do
  check "run $s (200 people)" "$msksim" run "$src/scenarios/$s.yaml" --set population.size=200 -q -o "$work/$s.h5"
  check "plot $s: exit 0 and nothing on stderr" bash -c \
    "'$msksim' plot '$work/$s.h5' -o '$work/$s' -q 2>'$work/$s.err'; rc=\$?; cat '$work/$s.err'; [ \$rc -eq 0 ] && ! [ -s '$work/$s.err' ]"
  check "plot $s: the figures that apply, their TSV numbers match the HDF5 data" $plotcheck figures "$work/$s.h5" "$work/$s"
  check "plot $s: scripts have titles, axis labels and a legend" bash -c \
    "cd '$work/$s' && for g in *.gp; do grep -q 'multiplot title' \$g && grep -q 'set xlabel' \$g && grep -q 'set ylabel' \$g && grep -Eq 'keyentry|set key' \$g || { echo \$g; exit 1; }; done"
done
# The educator's way, for the longest run (a few seconds per scenario otherwise).
check "plot vicious-cycle: every script re-runs with plain 'gnuplot NAME.gp', exit 0, no warnings" rerun_scripts "$work/vicious-cycle"
check "plot immobilization: figure 2 shows the scheduled cast" grep -q "weeks since the start of a leg cast" -i "$work/immobilization/fig2-immobilization.gp"
check "plot immobilization: figure 7 says its effects are at the end and what passive BFR's point means" bash -c \
  "grep -q 'The effects are those at the end of follow-up, week 26' '$work/immobilization/index.html' && grep -q 'what is left of their effect 18 weeks after they stopped' '$work/immobilization/index.html'"

check "the reference arm (compare-interventions: arm 0) is drawn last, on top of the others (figures 1 and 4)" bash -c \
  "for f in fig1-trajectories fig4-falls-fractures; do awk '/^plot /{p=1} p{print} p&&!/\\\\\$/{exit}' '$work/compare-interventions/'\$f.gp | grep -o 'index [0-9]*' | tail -1 | grep -qx 'index 0' || exit 1; done"
check "figure 1 marks the WHO thresholds as lines, not as coloured bands behind the means" bash -c \
  "! grep -q 'set object .* rect' '$work/vicious-cycle/fig1-trajectories.gp' && grep -q 'set arrow 1[01] .* dt 2' '$work/vicious-cycle/fig1-trajectories.gp'"
check "captions do not call Monte Carlo intervals proof ('clearly differ'), and say what they measure" bash -c \
  "! grep -qi 'clearly' '$work/compare-interventions/index.html' && grep -q 'Monte Carlo noise only' '$work/compare-interventions/index.html'"
check "an arm-cast run: figure 2's caption does not say nobody is immobilized (issue 14)" bash -c \
  "'$msksim' run '$src/scenarios/immobilization.yaml' --set exposures.0.kind=arm_cast --set population.size=200 -q -o '$work/armcast.h5' 2>/dev/null && '$msksim' plot '$work/armcast.h5' -o '$work/armcast' -q && grep -q 'scheduled immobilization (an arm cast) leaves the legs free' '$work/armcast/index.html' && ! grep -q 'nobody is immobilized on schedule' '$work/armcast/index.html' && grep -q 'Change since the episode began' '$work/armcast/fig2-immobilization.gp'"

# Other formats; the page embeds SVG when no PNG is asked for.
check "--format svg,pdf writes SVG and PDF files" bash -c \
  "'$msksim' plot '$work/immobilization.h5' -o '$work/vector' -q --format svg,pdf && head -c 200 '$work/vector/fig1-trajectories.svg' | grep -q '<svg' && head -c 4 '$work/vector/fig7-bfr-dose.pdf' | grep -q '%PDF' && grep -q 'data:image/svg+xml;base64' '$work/vector/index.html'"
check "default output directory: RESULT without .h5, plus -figures" bash -c \
  "cd '$work' && '$msksim' plot immobilization.h5 -q --format svg && test -s immobilization-figures/index.html"
check "re-plotting replaces the figures and leaves no temporary directory" bash -c \
  "'$msksim' plot '$work/immobilization.h5' -o '$work/immobilization-figures' -q --format svg && ! ls -a '$work/immobilization-figures' | grep -q '^\.msksim-'"
check "a figure that no longer applies is removed on re-plotting (no sampled people: no 6a, 6b)" bash -c \
  "'$msksim' run '$src/scenarios/compare-interventions.yaml' --set population.size=100 --set record.sample_size=0 -q -o '$work/nosample.h5' && '$msksim' plot '$work/nosample.h5' -o '$work/vector' -q --format svg && test -e '$work/vector/fig1-trajectories.svg' && ! test -e '$work/vector/fig6a-one-person.svg' && ! test -e '$work/vector/fig6b-spiral.gp' && grep -q 'record.sample_size' '$work/vector/index.html'"

# Export.
check "export --csv: tables hold the file's values" bash -c \
  "'$msksim' export '$work/compare-interventions.h5' -o '$work/tables' -q && $plotcheck export '$work/compare-interventions.h5' '$work/tables' csv"
check "export --tsv: tables hold the file's values" bash -c \
  "'$msksim' export '$work/vicious-cycle.h5' --tsv -o '$work/tables-tsv' -q && $plotcheck export '$work/vicious-cycle.h5' '$work/tables-tsv' tsv"
check "export --csv --tsv together is a usage error (2)" expect_status 2 "$msksim" export "$work/vicious-cycle.h5" --csv --tsv

# Bad input: a clear error, the right status, nothing written.
printf 'arm,week\nnone,0\n' >"$work/text.h5"
head -c 40000 "$work/immobilization.h5" >"$work/truncated.h5"
/usr/bin/python3 -c "
import h5py, numpy as np
with h5py.File('$work/foreign.h5', 'w') as f:
    f['temperature'] = np.arange(10.0)
    f.attrs['source'] = 'a weather station'
"
for cmd in plot export; do
  check "$cmd: a text file is refused (65), nothing written" bash -c \
    "'$msksim' $cmd '$work/text.h5' -o '$work/bad-out' 2>'$work/msg'; [ \$? -eq 65 ] && grep -q 'not an HDF5 file' '$work/msg' && ! test -e '$work/bad-out'"
  check "$cmd: a truncated HDF5 file is refused (65), nothing written" bash -c \
    "'$msksim' $cmd '$work/truncated.h5' -o '$work/bad-out' 2>'$work/msg'; [ \$? -eq 65 ] && grep -q 'damaged HDF5 file' '$work/msg' && ! test -e '$work/bad-out'"
  check "$cmd: another program's HDF5 file is refused (65), nothing written" bash -c \
    "'$msksim' $cmd '$work/foreign.h5' -o '$work/bad-out' 2>'$work/msg'; [ \$? -eq 65 ] && grep -q 'not an msksim result' '$work/msg' && ! test -e '$work/bad-out'"
  check "$cmd: a missing file is refused (66)" bash -c \
    "'$msksim' $cmd '$work/no-such.h5' -o '$work/bad-out' 2>'$work/msg'; [ \$? -eq 66 ] && grep -q 'no-such.h5' '$work/msg'"
  check "$cmd: an output directory whose parent is missing fails (74), nothing written" bash -c \
    "'$msksim' $cmd '$work/immobilization.h5' -o '$work/no/such/dir' -q 2>'$work/msg'; [ \$? -eq 74 ] && ! test -e '$work/no'"
done

# Names from the file reach gnuplot and HTML only as quoted text.
/usr/bin/python3 - "$work/immobilization.h5" "$work/evil.h5" <<'EOF'
import shutil, sys
import h5py
shutil.copy(sys.argv[1], sys.argv[2])
evil = "it's `touch PWNED` <b>&"
with h5py.File(sys.argv[2], "r+") as f:
    old = f["arm"][1].decode() if isinstance(f["arm"][1], bytes) else f["arm"][1]
    f.move("arms/" + old, "arms/" + evil)
    f["arm"][1] = evil
    names = [x.decode() if isinstance(x, bytes) else x for x in f["comparison/compared_arm"][()]]
    f["comparison/compared_arm"][names.index(old)] = evil
EOF
check "an arm named with quotes, backquotes and markup is plotted as text, runs nothing" bash -c \
  "cd '$work' && '$msksim' plot evil.h5 -o evil-figs -q --format svg && ! test -e PWNED && ! test -e evil-figs/PWNED && grep -q 'it&#39;s \`touch PWNED\` &lt;b&gt;&amp;' evil-figs/index.html"
check "the evil names' figures re-run by hand without running anything" bash -c \
  "cd '$work/evil-figs' && for g in *.gp; do gnuplot -e \"format='svg'\" \$g || exit 1; done; ! test -e PWNED"

echo "$fail failure(s)"
exit $fail
