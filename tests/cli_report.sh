#!/usr/bin/env bash
# The report page of `msksim plot` in a real headless browser (Debian's chromium): every
# image loads (naturalWidth > 0, checked by a small script injected into a copy of the
# page; a deliberately broken copy must be caught), and a screenshot is taken
# (report-screenshot.png in the directory the test runs in, the build directory).
# Usage: cli_report.sh MSKSIM SOURCE_DIR   (one line per check; exit status = failures)
set -u
msksim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >"$work/out" 2>&1; then echo "ok: $what"; else echo "FAIL: $what"; sed 's/^/    /' "$work/out" | tail -20; fail=$((fail + 1)); fi
}
browser=$(command -v chromium || command -v chromium-browser)
if [ -z "$browser" ]; then
  echo "FAIL: chromium is not installed (bash .ci/install-deps test)"
  exit 1
fi
# Root needs --no-sandbox; a fresh profile keeps runs independent.
chrome() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --user-data-dir="$work/profile" --virtual-time-budget=10000 "$@" 2>"$work/chrome.err"
}
# A copy of the page that reports, once loaded, how many of its images decoded.
instrument() { # instrument IN OUT
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
probe = """<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0, bad = [];
  for (var i = 0; i < imgs.length; i++)
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++; else bad.push(i);
  var p = document.createElement("pre");
  p.textContent = "IMAGES-LOADED " + ok + " OF " + imgs.length + " BROKEN [" + bad.join(",") + "]";
  document.body.appendChild(p);
});
</script>
"""
open(sys.argv[2], "w", encoding="utf-8").write(page.replace("</body>", probe + "</body>"))
EOF
}
loaded() { # loaded PAGE -> prints the probe's line
  chrome --dump-dom "file://$1" | grep -o 'IMAGES-LOADED [0-9]* OF [0-9]* BROKEN \[[0-9,]*\]' | tail -1
}

check "run the immobilization scenario (200 people)" "$msksim" run "$src/scenarios/immobilization.yaml" \
  --set population.size=200 -q -o "$work/imm.h5"
check "plot it" "$msksim" plot "$work/imm.h5" -o "$work/figs" -q
n=$(ls "$work/figs"/fig*.png 2>/dev/null | wc -l)
instrument "$work/figs/index.html" "$work/figs/probe.html"
# Checks are shell functions called with their file names as arguments: chromium is
# started without a shell re-reading any path.
expect_loaded() { # expect_loaded PAGE WANTED-LINE
  local r
  r=$(loaded "$1")
  echo "$r"
  [ "$r" = "$2" ]
}
screenshot() { # screenshot OUT.png PAGE
  chrome --window-size=1280,2400 --screenshot="$1" "file://$2" &&
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
    [ "$(stat -c %s "$1")" -gt 50000 ]
}
[ "$n" -ge 7 ] || { echo "FAIL: only $n figures"; fail=$((fail + 1)); }
check "chromium loads every one of the $n images of index.html" \
  expect_loaded "$work/figs/probe.html" "IMAGES-LOADED $n OF $n BROKEN []"

# The probe must catch a broken image, or the check above proves nothing.
sed '0,/data:image\/png;base64,iVBOR/s//data:image\/png;base64,AAAA/' "$work/figs/index.html" >"$work/figs/broken.html"
instrument "$work/figs/broken.html" "$work/figs/broken-probe.html"
check "a page with a corrupt image is caught (image 0 broken)" \
  expect_loaded "$work/figs/broken-probe.html" "IMAGES-LOADED $((n - 1)) OF $n BROKEN [0]"

shot="$PWD/report-screenshot.png"
rm -f "$shot"
check "chromium takes a screenshot of the page ($shot)" screenshot "$shot" "$work/figs/index.html"

echo "$fail failure(s)"
exit $fail
