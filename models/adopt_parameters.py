#!/usr/bin/env python3
"""Make a fitted parameter file the model's defaults.

    python3 models/adopt_parameters.py scenarios/parameters.yaml

rewrites the default of every parameter the file lists in models/params.def (the value
is copied verbatim, so the defaults equal the fit bit for bit) and marks its source as
fitted. Run it after `msksim calibrate ... -o scenarios/parameters.yaml`, then rebuild
and regenerate docs/scenario-format.md (bash tests/cli_check.sh build/msksim . --update-doc).
tests/cli_evidence.sh fails while the two disagree.
"""
import re
import sys
from pathlib import Path

FITTED = "fitted by msksim calibrate (scenarios/calibration.yaml; value and SE in scenarios/parameters.yaml)"


def read_fit(path):
    """{(group, name): value text} from the `model:` mapping the calibration writes."""
    fit, group = {}, None
    for line in Path(path).read_text().splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line or line == "model:":
            continue
        if not line.startswith(" "):
            break  # the next top-level mapping (the calibration's `uncertainty:`)
        m = re.fullmatch(r"  (\w+):", line)
        if m:
            group = m.group(1)
            continue
        m = re.fullmatch(r"    (\w+): (\S+)", line)
        if not (m and group):
            sys.exit(f"{path}: unexpected line: {line!r}")
        fit[(group, m.group(1))] = m.group(2)
    return fit


def main():
    fit = read_fit(sys.argv[1])
    defs = Path(__file__).with_name("params.def")
    text = defs.read_text()
    for (group, name), value in fit.items():
        # PARAM(group, name, "unit", default, min, max, "help", "source")
        pat = re.compile(r'^(PARAM\(%s, %s, "[^"]*", )([^,]+)(, .*, ")(.*)("\))$' % (group, name), re.M)
        m = pat.search(text)
        if not m:
            sys.exit(f"params.def has no parameter {group}.{name}")
        source = m.group(4)
        if FITTED not in source:
            source = f"{source}; {FITTED}"
        text = text[: m.start()] + m.group(1) + value + m.group(3) + source + m.group(5) + text[m.end():]
    defs.write_text(text)
    print(f"adopted {len(fit)} fitted values into {defs}")


if __name__ == "__main__":
    main()
