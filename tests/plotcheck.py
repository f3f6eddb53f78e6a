#!/usr/bin/python3
"""Checks the figures of `msksim plot` against the result file they were made from.

  plotcheck.py figures RESULT.h5 DIR    every plotted number (the TSV next to each figure)
                                        equals, or follows from, the HDF5 data; the set of
                                        figures made is the set that applies to the run;
                                        index.html shows each of them once
  plotcheck.py export RESULT.h5 DIR EXT the tables of `msksim export` hold the HDF5 values

The expectations are computed here from the HDF5 file with h5py, independently of the C
code. One line per check; exit status 1 on the first failure, naming the figure, block,
row and column."""
import csv
import math
import os
import re
import sys

import h5py
import numpy as np

FIGURES = ["fig1-trajectories", "fig2-immobilization", "fig3-end-of-study", "fig4-falls-fractures",
           "fig5-prevalence", "fig5b-who-classes", "fig6a-one-person", "fig6b-spiral", "fig7-bfr-dose",
           "fig8-strata", "fig9-drivers"]
KEYS = ["leg_lean_mass", "knee_extension_strength", "grip_strength", "gait_speed", "fn_bmd"]
BFR = {"bfr_walking", "bfr_resistance", "passive_bfr"}


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def close(a, b, what, rel=2e-9):
    a, b = float(a), float(b)
    if math.isnan(a) and math.isnan(b):
        return
    if math.isnan(a) or math.isnan(b) or abs(a - b) > rel * max(1.0, abs(a), abs(b)):
        fail(f"{what}: plotted {a!r}, file {b!r}")


def read_tsv(path):
    """Blocks (two blank lines apart) of series (one blank line apart) of rows."""
    blocks, series, rows, blank = [], [], [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if line == "":
                blank += 1
                continue
            if blank >= 2 and (rows or series):
                series.append(rows)
                blocks.append(series)
                series, rows = [], []
            elif blank == 1 and rows:
                series.append(rows)
                rows = []
            blank = 0
            rows.append(line.split("\t"))
    if rows:
        series.append(rows)
    if series:
        blocks.append(series)
    return blocks


def flat(block):
    return [r for s in block for r in s]


def num(x):
    return float("nan") if x == "NaN" else float(x)


class Result:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        f = self.f
        self.time = f["week"][()]  # the time coordinate is in days; figures use weeks
        self.arms = [text(a) for a in f["arm"][()]]
        self.ref = self.arms.index(text(f.attrs["reference_arm"]))
        self.n_sample = len(f["arms/individual_sample"]) if "arms/individual_sample" in f else 0
        self.kinds = text(f[f"arms/{self.arms[0]}/events/kind"].attrs["flag_meanings"]).split()

    def arm(self, a):
        return self.f["arms/" + self.arms[a]]

    def series(self, a):
        """Arm a's row of every root variable over (arm, time[, quantile])."""
        f = self.f

        class Row:
            def __getitem__(self, name):
                return f[name][a]
        return Row()

    def sampled_events(self, a):
        g = self.arm(a)["events"]
        if len(g["individual"]) == 0:
            return []
        ind, rep = g["individual"][()], g["replicate"][()]
        t, kind, det = g["event_time"][()] / 7.0, g["kind"][()], g["detail"][()]
        keep = (rep == 0) & (ind < self.n_sample)
        return [(int(i), float(w), self.kinds[k], int(d)) for i, w, k, d in zip(ind[keep], t[keep], kind[keep], det[keep])]

    def interventions(self, a):
        g = self.arm(a)
        if "interventions" not in g:
            return None
        iv = g["interventions"]
        types = text(iv["type"].attrs["flag_meanings"]).split()
        return [dict(type=types[int(t)], load=iv["load_pct_1rm"][i], cuff=iv["cuff_pct_aop"][i])
                for i, t in enumerate(iv["type"][()])]


def leg_episode(kind, detail):
    return (kind == "immobilization_start" and detail in (0, 2)) or kind == "admission"


def expected_figures(r):
    made = {"fig1-trajectories", "fig3-end-of-study", "fig4-falls-fractures", "fig5-prevalence",
            "fig5b-who-classes"}
    expo = r.f.get("exposures")
    scheduled = expo is not None and any(
        text(expo["kind"].attrs["flag_meanings"]).split()[k] in ("leg_cast", "bed_rest", "hospital")
        for k in expo["kind"][()])
    sampled = r.n_sample > 0 and any(leg_episode(k, d) for a in range(len(r.arms)) for _, _, k, d in r.sampled_events(a))
    if scheduled or sampled:
        made.add("fig2-immobilization")
    if r.n_sample > 0:
        made |= {"fig6a-one-person", "fig6b-spiral"}
    ivs = [r.interventions(a) for a in range(len(r.arms))]
    if all(iv is not None for iv in ivs) and any(
            a != r.ref and any(i["type"] in BFR for i in ivs[a]) for a in range(len(r.arms))):
        made.add("fig7-bfr-dose")
    if "strata" in r.f and 0 < len(r.f["strata/stratum"]) <= 12:
        made.add("fig8-strata")
    dr = r.f.get("draws")
    if dr is not None and len(r.arms) > 1 and "parameter" in dr and any(
            np.isfinite(dr[f"{v}_importance"][()]).any()
            for v in ("leg_lean_mass_change_pct_difference", "fractures_per_1000py_difference")):
        made.add("fig9-drivers")
    return made


def check_fig1(r, blocks):
    if len(blocks) != len(r.arms):
        fail(f"fig1: {len(blocks)} blocks for {len(r.arms)} arms")
    for a, block in enumerate(blocks):
        g, rows = r.series(a), flat(block)
        if len(rows) != len(r.time):
            fail(f"fig1 arm {r.arms[a]}: {len(rows)} rows for {len(r.time)} times")
        n_alive = g["n_alive"][()]
        for k, row in enumerate(rows):
            close(row[0], r.time[k], f"fig1 arm {r.arms[a]} row {k} week")
            close(row[1], n_alive[k], f"fig1 arm {r.arms[a]} row {k} n_alive")
            for j, var in enumerate(["leg_lean_mass", "knee_extension_strength", "grip_strength", "fn_bmd"]):
                m, lo, hi = (num(x) for x in row[2 + 3 * j: 5 + 3 * j])
                if "draws" in r.f:  # the mean and uncertainty interval across parameter draws
                    dr = r.f["draws"]
                    for x, part in ((m, "_draws_mean"), (lo, "_ui_low"), (hi, "_ui_high")):
                        close(x, dr[f"{var}_mean{part}"][a, k], f"fig1 arm {r.arms[a]} row {k} {var}{part}")
                    continue
                close(m, g[var + "_mean"][k], f"fig1 arm {r.arms[a]} row {k} {var} mean")
                se = g[var + "_sd"][k] / math.sqrt(n_alive[k])
                if n_alive[k] >= 100 and se > 0:
                    # 95% Student t quantile: 1.984 for 99 df, 1.960 in the limit.
                    for bound, sign in ((lo, -1), (hi, 1)):
                        t = sign * (bound - m) / se
                        if not 1.9599 <= t <= 1.9843:
                            fail(f"fig1 arm {r.arms[a]} row {k} {var}: CI limit {bound} is {t} SE from the mean")
    print(f"ok: fig1: means and 95% {'uncertainty intervals' if 'draws' in r.f else 'CIs'} of {len(r.arms)} arms x "
          f"{len(r.time)} times match the file")


def baseline_index(time, t0):
    return max(k for k in range(len(time)) if time[k] <= t0 + 1e-9)


def check_fig2(r, blocks):
    expo = r.f.get("exposures")
    kinds = text(expo["kind"].attrs["flag_meanings"]).split() if expo is not None else []
    legs = [i for i, k in enumerate(expo["kind"][()] if expo is not None else []) if kinds[k] in ("leg_cast", "bed_rest", "hospital")]
    if legs:
        t0 = expo["start_week"][legs[0]]
        k0 = baseline_index(r.time, t0)
        for a in range(len(r.arms)):
            g = r.series(a)
            for row in flat(blocks[a]):
                k = int(np.argmin(abs(r.time - num(row[1]))))
                close(num(row[0]), r.time[k] - t0, f"fig2 arm {r.arms[a]} weeks since start")
                for j, var in enumerate(["leg_lean_mass", "knee_extension_strength"]):
                    want = 100 * (g[var + "_mean"][k] / g[var + "_mean"][k0] - 1)
                    close(row[2 + j], want, f"fig2 arm {r.arms[a]} week {row[1]} {var} % change")
        print(f"ok: fig2: % change since the scheduled immobilization (week {t0:g}) matches the arm means")
        return
    n = 0
    for a in range(len(r.arms)):
        s = r.arm(a)["sample"]
        for row in flat(blocks[a]):
            if row[0] == "NaN":
                continue
            p, week = int(row[2]), num(row[1])
            k = int(np.argmin(abs(r.time - week)))
            k0 = baseline_index(r.time, week - num(row[0]))
            for j, var in enumerate(["leg_lean_mass", "knee_extension_strength"]):
                want = 100 * (s[var][p, k] / s[var][p, k0] - 1)
                close(row[3 + j], want, f"fig2 arm {r.arms[a]} person {p} week {week} {var}")
            n += 1
    print(f"ok: fig2: {n} points of sampled people's immobilizations match their trajectories")


def check_fig3(r, blocks):
    """Figure 3: /summary and /comparison with their CIs, or with parameter draws the
    mean and uncertainty interval across them (/draws)."""
    if "draws" in r.f:
        dr = r.f["draws"]
        others = [a for a in range(len(r.arms)) if a != r.ref]
        for blk, (diff, arms) in enumerate([("", range(len(r.arms))), ("_difference", others)][:len(blocks)]):
            rows = flat(blocks[blk])
            for k, var in enumerate(KEYS):
                for i, a in enumerate(arms):
                    for j, part in enumerate(["_mean", "_ui_low", "_ui_high"]):
                        close(rows[k][1 + 3 * i + j], dr[f"{var}_change_pct{diff}{part}"][a],
                              f"fig3 {var}{diff} arm {r.arms[a]}{part}")
        print("ok: fig3: means and uncertainty intervals across draws match /draws")
        return
    s = r.f["summary"]
    rows = flat(blocks[0])
    for k, var in enumerate(KEYS):
        for a in range(len(r.arms)):
            for j, part in enumerate(["", "_ci_low", "_ci_high"]):
                close(rows[k][1 + 3 * a + j], s[f"{var}_change_pct{part}"][a], f"fig3 {var} arm {r.arms[a]}{part}")
    if len(r.arms) > 1:
        c = r.f["comparison"]
        names = [text(x) for x in c["compared_arm"][()]]
        others = [a for a in range(len(r.arms)) if a != r.ref]
        rows = flat(blocks[1])
        for k, var in enumerate(KEYS):
            for i, a in enumerate(others):
                ci = names.index(r.arms[a])
                for j, part in enumerate(["", "_ci_low", "_ci_high"]):
                    close(rows[k][1 + 3 * i + j], c[f"{var}_change_pct_difference{part}"][ci],
                          f"fig3 paired {var} arm {r.arms[a]}{part}")
    print("ok: fig3: changes and paired differences with CIs match /summary and /comparison")


def check_fig9(r, blocks):
    """Figure 9: each parameter shown has, for every compared arm, its coefficient in
    /draws; the parameters are the most influential, in order."""
    dr = r.f["draws"]
    names = [text(x) for x in dr["parameter"][()]]
    for blk, var in enumerate(["leg_lean_mass_change_pct_difference", "fractures_per_1000py_difference"]):
        imp = dr[f"{var}_importance"][()]
        weight = [max([abs(imp[a, p]) for a in range(len(r.arms)) if a != r.ref and np.isfinite(imp[a, p])] or [0])
                  for p in range(len(names))]
        rows = flat(blocks[blk]) if blk < len(blocks) else []
        shown = [row[-1] for row in rows]
        want = [names[p] for p in sorted(range(len(names)), key=lambda p: -weight[p]) if weight[p] > 0][:8]
        if shown != want:
            fail(f"fig9 {var}: parameters {shown}, expected {want}")
        for row in rows:
            p = names.index(row[-1])
            for a in range(len(r.arms)):
                close(row[1 + a], float("nan") if a == r.ref else imp[a, p], f"fig9 {var} {row[-1]} arm {r.arms[a]}")
    print("ok: fig9: the most influential parameters and their coefficients match /draws")


def check_who(r, blocks):
    """Figure 5b: per arm, the living split into osteoporosis, osteopenia and normal,
    adding up to 1, from the file's prevalences."""
    if len(blocks) != len(r.arms):
        fail(f"fig5b: {len(blocks)} blocks for {len(r.arms)} arms")
    for a in range(len(r.arms)):
        g, rows = r.series(a), flat(blocks[a])
        for k, row in enumerate(rows):
            op, pen = g["prevalence_osteoporosis"][k], g["prevalence_osteopenia"][k]
            close(row[0], r.time[k], f"fig5b arm {r.arms[a]} row {k} week")
            close(row[1], g["n_alive"][k], f"fig5b arm {r.arms[a]} row {k} n_alive")
            close(row[2], op, f"fig5b arm {r.arms[a]} row {k} osteoporosis")
            close(row[3], pen, f"fig5b arm {r.arms[a]} row {k} osteopenia")
            close(row[4], 1 - op - pen, f"fig5b arm {r.arms[a]} row {k} normal")
    print(f"ok: fig5b: WHO classes of the living match the file's prevalences for every arm and time")


def check_series(r, blocks, fig, cols, banded=()):
    """Shares over time against the root; with parameter draws the shares named in
    `banded` are the mean across draws, and their 95% bands follow the shares."""
    dr = r.f["draws"] if "draws" in r.f else None
    for a in range(len(r.arms)):
        g, rows = r.series(a), flat(blocks[a])
        for k, row in enumerate(rows):
            close(row[0], r.time[k], f"{fig} arm {r.arms[a]} row {k} week")
            extra = 1 + len(cols)
            for j, name in enumerate(cols):
                want = 1 - g[name[2:]][k] if name.startswith("1-") else g[name][k]
                if dr is not None and name in banded:
                    want = dr[name + "_draws_mean"][a, k]
                    for part in ("_ui_low", "_ui_high"):
                        close(row[extra], dr[name + part][a, k], f"{fig} arm {r.arms[a]} row {k} {name}{part}")
                        extra += 1
                close(row[1 + j], want, f"{fig} arm {r.arms[a]} row {k} {name}")
    print(f"ok: {fig}: {', '.join(cols)} match the file for every arm and time"
          + (f" ({', '.join(banded)}: mean and band across draws)" if dr is not None and banded else ""))


def story_person(r):
    score = [0] * r.n_sample
    weight = {"fracture": 4, "admission": 2, "immobilization_start": 2, "fall": 1}
    for p, _, kind, _ in r.sampled_events(r.ref):
        score[p] += weight.get(kind, 0)
    return max(range(r.n_sample), key=lambda p: (score[p], -p))


def check_fig6a(r, blocks, tsv_path):
    head = open(tsv_path, encoding="utf-8").readline()
    p = int(re.search(r"sampled person (\d+)", head).group(1))
    if p != story_person(r):
        fail(f"fig6a: tells the story of person {p}, but person {story_person(r)} had the most eventful life")
    cols = ["leg_lean_mass", "fn_tscore", "daily_steps", "fn_bmd", "knee_extension_strength", "immobilized"]
    for a in range(len(r.arms)):
        s = r.arm(a)["sample"]
        for k, row in enumerate(flat(blocks[a])):
            close(row[0], r.time[k], f"fig6a arm {r.arms[a]} row {k} week")
            for j, name in enumerate(cols):
                close(row[1 + j], s[name][p, k], f"fig6a arm {r.arms[a]} week {row[0]} {name}")
    events = [(w, k, d) for i, w, k, d in r.sampled_events(r.ref) if i == p]
    rows = [row for row in flat(blocks[len(r.arms)]) if row[0] != "NaN"]
    if len(rows) != len(events):
        fail(f"fig6a: {len(rows)} events listed, the file has {len(events)} for person {p}")
    for row, (w, k, d) in zip(rows, events):
        close(row[0], w, f"fig6a event time")
        if row[1] != k or int(row[2]) != d:
            fail(f"fig6a: event {row} differs from the file's ({w}, {k}, {d})")
    # Events of other arms that the reference arm lacks: marked so that no line drops unexplained.
    moving = ("fracture", "admission", "immobilization_start", "death")
    ref = {(k, round(w, 6)) for i, w, k, d in r.sampled_events(r.ref) if i == p}
    want = sorted((round(w, 6), a, k) for a in range(len(r.arms)) if a != r.ref
                  for i, w, k, d in r.sampled_events(a) if i == p and k in moving and (k, round(w, 6)) not in ref)
    got = sorted((round(num(row[0]), 6), int(row[1]), row[2]) for row in flat(blocks[len(r.arms) + 1]) if row[0] != "NaN")
    # The figure prints weeks to 6 decimals: a time can round to the other side of the
    # sixth decimal there than here, so times agree within one unit of it.
    same = len(got) == len(want) and all(abs(g[0] - w[0]) <= 1.5e-6 and g[1:] == w[1:] for g, w in zip(got, want))
    if not same:
        fail(f"fig6a: other arms' own events {got} differ from the file's {want}")
    print(f"ok: fig6a: person {p} (the most eventful), trajectories in every arm, {len(events)} events "
          f"and {len(got)} events of other arms only match")


def check_fig6b(r, blocks):
    s = r.arm(r.ref)["sample"]
    n = 0
    for series in blocks[0]:
        for row in series:
            p, k = int(row[1]), int(np.argmin(abs(r.time - num(row[0]))))
            close(row[2], s["fn_tscore"][p, k], f"fig6b person {p} week {row[0]} T-score")
            close(row[3], s["leg_lean_mass"][p, k], f"fig6b person {p} week {row[0]} leg lean mass")
            n += 1
    # Falls and fractures: at the last observation at or before each, the state in
    # which the person fell or the bone broke.
    counts = {}
    for block, what in ((1, "fracture"), (2, "fall")):
        events = [(p, w) for p, w, kind, det in r.sampled_events(r.ref) if kind == what]
        rows = [row for row in flat(blocks[block]) if row[0] != "NaN"]
        marked = sum(1 for p, w in events
                     if np.isfinite(s["fn_tscore"][p, int(np.searchsorted(r.time, w + 1e-9, side="right")) - 1]))
        if len(rows) != marked:
            fail(f"fig6b: {len(rows)} {what}s marked, the event log has {marked} with a point")
        for row in rows:
            week, p = num(row[0]), int(row[1])
            if not any(q == p and abs(w - week) <= 1e-8 * max(1.0, abs(w)) for q, w in events):
                fail(f"fig6b: {what} of person {p} at week {week} is not in the event log")
            k = int(np.searchsorted(r.time, week + 1e-9, side="right")) - 1
            close(row[2], s["fn_tscore"][p, k], f"fig6b {what} of person {p} at week {week}: T-score before it")
            close(row[3], s["leg_lean_mass"][p, k], f"fig6b {what} of person {p} at week {week}: lean mass before it")
        counts[what] = len(rows)
    around = check_fig6b_around(r, s, flat(blocks[4]))
    for a in range(len(r.arms)):
        g = r.series(a)
        for k, row in enumerate(flat(blocks[5 + a])):
            close(row[1], g["fn_tscore_mean"][k], f"fig6b mean T-score arm {r.arms[a]}")
            close(row[2], g["leg_lean_mass_mean"][k], f"fig6b mean leg lean mass arm {r.arms[a]}")
    print(f"ok: fig6b: {n} points of sampled people, {counts['fracture']} fractures and {counts['fall']} falls "
          f"at the observation before them, {around} points around a first fracture, and every arm's mean "
          f"path match")


def check_fig6b_around(r, s, rows):
    """Block 4 of figure 6b, recomputed from the sampled trajectories and the event log:
    mean change from the observation before each first fracture, in the people who broke a
    bone and, over the same weeks, in those who never did (at least 3 people per mean)."""
    first = {}
    for p, w, kind, det in r.sampled_events(r.ref):
        if kind == "fracture":
            first[p] = min(w, first.get(p, w))
    n_sample = s["leg_lean_mass"].shape[0]
    never = [q for q in range(n_sample) if q not in first]
    checked = 0
    for row in rows:
        if row[0] == "NaN":
            continue
        step = r.time[1] - r.time[0]
        j = int(round(num(row[0]) / step))
        sums = [[0.0, 0.0, 0], [0.0, 0.0, 0]]
        for p, w in first.items():
            k0 = int(np.searchsorted(r.time, w + 1e-9, side="right")) - 1
            k = k0 + j
            if not 0 <= k < len(r.time):
                continue
            for g, people in ((0, [p]), (1, never)):
                for q in people:
                    l0, l1 = s["leg_lean_mass"][q, k0], s["leg_lean_mass"][q, k]
                    t0, t1 = s["fn_tscore"][q, k0], s["fn_tscore"][q, k]
                    if np.isfinite([l0, l1, t0, t1]).all() and l0 > 0:
                        sums[g][0] += 100 * (l1 - l0) / l0
                        sums[g][1] += t1 - t0
                        sums[g][2] += 1
        for g in range(2):
            n = sums[g][2]
            if int(row[3 + 3 * g]) != n:
                fail(f"fig6b around week {row[0]}: group {g} has {row[3 + 3 * g]} people, the file gives {n}")
            want = (sums[g][0] / n, sums[g][1] / n) if n >= 3 else (float("nan"), float("nan"))
            close(row[1 + 3 * g], want[0], f"fig6b around week {row[0]} group {g}: lean mass change")
            close(row[2 + 3 * g], want[1], f"fig6b around week {row[0]} group {g}: T-score change")
            checked += 1
    return checked


def check_fig8(r, blocks):
    """Figure 8: every arm's row of every stratum is /strata's enrolment, fracture rate and
    change of leg lean mass, with their CIs."""
    st = r.f["strata"]
    if len(blocks) != len(r.arms):
        fail(f"fig8: {len(blocks)} blocks for {len(r.arms)} arms")
    n = 0
    for a, block in enumerate(blocks):
        for row in flat(block):
            s = int(row[0])
            close(row[1], st["n_enrolled"][a, s], f"fig8 arm {r.arms[a]} stratum {s}: enrolled")
            for j, part in enumerate(("", "_ci_low", "_ci_high")):
                close(row[2 + j], st["fractures_per_1000py" + part][a, s], f"fig8 arm {r.arms[a]} stratum {s}: fractures{part}")
                close(row[5 + j], st["leg_lean_mass_change_pct" + part][a, s], f"fig8 arm {r.arms[a]} stratum {s}: lean mass{part}")
            n += 1
    if n != len(r.arms) * len(st["stratum"]):
        fail(f"fig8: {n} rows for {len(r.arms)} arms x {len(st['stratum'])} strata")
    print(f"ok: fig8: {n} (arm, stratum) rows match /strata")


def check_fig7(r, blocks):
    rows = flat(blocks[0])
    s, c = r.f["summary"], r.f["comparison"]
    names = [text(x) for x in c["compared_arm"][()]]
    for a, row in enumerate(rows):
        if row[0] != r.arms[a]:
            fail(f"fig7 row {a} is arm {row[0]!r}, expected {r.arms[a]!r}")
        ivs = r.interventions(a)
        loads = [i["load"] for i in ivs if not math.isnan(i["load"])]
        cuffs = [i["cuff"] for i in ivs if not math.isnan(i["cuff"])]
        if int(row[1]) != int(any(i["type"] in BFR for i in ivs)):
            fail(f"fig7 arm {r.arms[a]}: uses_bfr {row[1]}")
        close(row[2], max(loads, default=0), f"fig7 arm {r.arms[a]} load")
        close(row[3], max(cuffs, default=0), f"fig7 arm {r.arms[a]} cuff")
        dr = r.f["draws"] if "draws" in r.f else None
        for j, part in enumerate(["", "_ci_low", "_ci_high"]):
            for col, var in ((4, "knee_extension_strength"), (7, "leg_lean_mass")):
                if dr is not None:  # the effects across parameter draws
                    want = dr[f"{var}_change_pct_difference{['_mean', '_ui_low', '_ui_high'][j]}"][a]
                else:
                    want = c[f"{var}_change_pct_difference{part}"][names.index(r.arms[a])] if a != r.ref else float("nan")
                close(row[col + j], want, f"fig7 arm {r.arms[a]} {var} difference{part}")
            close(row[10 + j], s[f"adverse_events_minor_per_1000py{part}"][a], f"fig7 arm {r.arms[a]} minor AE{part}")
            close(row[13 + j], s[f"adverse_events_serious_per_1000py{part}"][a], f"fig7 arm {r.arms[a]} serious AE{part}")
    print("ok: fig7: doses from the prescriptions, paired effects and adverse-event rates match")


def figures(h5, d):
    r = Result(h5)
    made = {f for f in FIGURES if os.path.exists(os.path.join(d, f + ".png"))}
    want = expected_figures(r)
    if made != want:
        fail(f"figures made {sorted(made)}, expected {sorted(want)}")
    print(f"ok: the {len(made)} figures that apply were made: {' '.join(sorted(made))}")
    for f in made:
        for ext in ("gp", "tsv"):
            if not os.path.exists(os.path.join(d, f"{f}.{ext}")):
                fail(f"{f}.{ext} is missing next to {f}.png")
    blocks = {f: read_tsv(os.path.join(d, f + ".tsv")) for f in made}
    check_fig1(r, blocks["fig1-trajectories"])
    if "fig2-immobilization" in made:
        check_fig2(r, blocks["fig2-immobilization"])
    check_fig3(r, blocks["fig3-end-of-study"])
    check_series(r, blocks["fig4-falls-fractures"], "fig4",
                 ["cumulative_incidence_falls", "cumulative_incidence_fractures", "1-cumulative_incidence_deaths",
                  "cumulative_incidence_hip_fractures", "cumulative_incidence_immobilizations"],
                 ("cumulative_incidence_falls", "cumulative_incidence_fractures"))
    check_series(r, blocks["fig5-prevalence"], "fig5",
                 ["n_alive", "prevalence_sarcopenia", "prevalence_osteopenia", "prevalence_osteoporosis"],
                 ("prevalence_sarcopenia", "prevalence_osteopenia", "prevalence_osteoporosis"))
    check_who(r, blocks["fig5b-who-classes"])
    if "fig6a-one-person" in made:
        check_fig6a(r, blocks["fig6a-one-person"], os.path.join(d, "fig6a-one-person.tsv"))
        check_fig6b(r, blocks["fig6b-spiral"])
    if "fig8-strata" in blocks:
        check_fig8(r, blocks["fig8-strata"])
    if "fig9-drivers" in blocks:
        check_fig9(r, blocks["fig9-drivers"])
    if "fig7-bfr-dose" in made:
        check_fig7(r, blocks["fig7-bfr-dose"])
    page = open(os.path.join(d, "index.html"), encoding="utf-8").read()
    imgs = re.findall(r'<img src="data:image/(?:png|svg\+xml);base64,', page)
    if len(imgs) != len(made):
        fail(f"index.html embeds {len(imgs)} images for {len(made)} figures")
    if page.count("Not made for this run") != len(FIGURES) - len(made):
        fail("index.html does not note every figure that was skipped")
    if re.search(r'(src|href)="(https?:|//)|<link|<script', page):
        fail("index.html refers to something outside itself")
    if "Summary table" not in page:
        fail("index.html has no summary table")
    print(f"ok: index.html embeds {len(imgs)} images, notes {len(FIGURES) - len(made)} skipped figures, fetches nothing")
    check_entry(r, page)


def check_entry(r, page):
    """The page says who was enrolled: ages, share of women and conditions at entry, as in /persons."""
    if "persons" not in r.f:
        return
    p = r.f["persons"]
    age, sex = p["age"][()], p["sex"][()]
    sarc, who = p["sarcopenia"][()], p["who_class"][()]
    m = re.search(r"Aged (\d+) to (\d+) at entry \(mean ([\d.]+)\), (\d+)% women; at entry ([\d.]+)% had "
                  r"sarcopenia \(EWGSOP2\), ([\d.]+)% osteopenia and ([\d.]+)% osteoporosis", page)
    if not m:
        fail("index.html does not say who was enrolled (ages, women, conditions at entry)")
        return
    want = (int(np.floor(age.min())), int(np.floor(age.max())), round(age.mean(), 1), round(100 * (sex == 1).mean()),
            round(100 * (sarc == 1).mean(), 1), round(100 * (who == 1).mean(), 1), round(100 * (who == 2).mean(), 1))
    got = (int(m[1]), int(m[2]), float(m[3]), int(m[4]), float(m[5]), float(m[6]), float(m[7]))
    # One unit of the last printed digit: C and Python may round a half either way.
    tol = (0, 0, 0.11, 1, 0.11, 0.11, 0.11)
    if any(abs(g - w) > t for g, w, t in zip(got, want, tol)):
        fail(f"index.html: who was enrolled {got} differs from /persons {want}")
    else:
        print(f"ok: index.html says who was enrolled as /persons has it: {got}")


def export(h5, d, ext):
    r = Result(h5)
    delim = "\t" if ext == "tsv" else ","
    with open(os.path.join(d, f"summary.{ext}"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=delim))
    head, body = rows[0], rows[1:]
    s = r.f["summary"]
    if [row[0] for row in body] != r.arms:
        fail(f"summary.{ext}: arms {[row[0] for row in body]}")
    # The arm coordinate (labels) is the first column, not a value column.
    names = [n for n in s if s[n].shape == (len(r.arms),) and n != "arm"]
    if sorted(head[1:]) != sorted(names):
        fail(f"summary.{ext}: columns differ from /summary: {sorted(set(head[1:]) ^ set(names))}")
    for a, row in enumerate(body):
        for j, name in enumerate(head[1:]):
            close(float("nan") if row[1 + j] == "NA" else row[1 + j], s[name][a], f"summary.{ext} {r.arms[a]} {name}")
    # The long table: every value of the file's time series, one per row, with units.
    with open(os.path.join(d, f"timeseries_long.{ext}"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=delim))
    if rows[0] != ["arm", "week", "variable", "statistic", "quantile", "value", "units"]:
        fail(f"timeseries_long.{ext}: header {rows[0]}")
    checked = 0
    for arm, week, var, stat, q, value, units in rows[1:]:
        g = r.series(r.arms.index(arm))
        name = var if stat == "value" else f"{var}_{'quantiles' if stat == 'quantile' else stat}"
        k = list(r.time).index(float(week))
        v = g[name][k] if stat != "quantile" else g[name][k][list(r.f["quantile"][()]).index(float(q))]
        close(float("nan") if value == "NA" else value, v, f"timeseries_long.{ext} {arm} {week} {name}")
        want = r.f[name].attrs.get("units", "")
        want = want.decode() if isinstance(want, bytes) else str(want)
        if units != want:
            fail(f"timeseries_long.{ext}: units of {name} {units!r}, file {want!r}")
        checked += 1
    if checked < 100:
        fail(f"timeseries_long.{ext}: only {checked} rows")
    # The event log and the sampled trajectories, row for row.
    with open(os.path.join(d, f"events.{ext}"), newline="", encoding="utf-8") as f:
        ev = list(csv.reader(f, delimiter=delim))
    n_file = sum(r.f["arms"][a]["events"]["kind"].shape[0] for a in r.arms if "events" in r.f["arms"][a])
    if len(ev) - 1 != n_file:
        fail(f"events.{ext}: {len(ev) - 1} rows for {n_file} events in the file")
    for arm, rep, ind, week, kind, detail in ev[1:200]:
        g = r.f["arms"][arm]["events"]
        names = g["kind"].attrs["flag_meanings"]
        names = (names.decode() if isinstance(names, bytes) else str(names)).split()
        et, iv = g["event_time"][()] / 7.0, g["individual"][()]
        hits = [i for i in range(len(et)) if iv[i] == int(ind) and abs(et[i] - float(week)) <= 1e-12 * max(1.0, abs(et[i]))]
        kinds = g["kind"][()]
        if not any(names[int(kinds[i])] == kind for i in hits):  # a fall and its fracture share a time
            fail(f"events.{ext}: {arm} {ind} {week} {kind} is not in the file")
    with open(os.path.join(d, f"trajectories.{ext}"), newline="", encoding="utf-8") as f:
        tr = list(csv.reader(f, delimiter=delim))
    t = list(r.f["week"][()])
    for arm, ind, week, var, value, units in tr[1:300]:
        close(float("nan") if value == "NA" else value, r.f["arms"][arm]["sample"][var][int(ind)][t.index(float(week))],
              f"trajectories.{ext} {arm} {ind} {week} {var}")
    if len(tr) < 10:
        fail(f"trajectories.{ext}: {len(tr) - 1} rows")
    with open(os.path.join(d, f"timeseries.{ext}"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter=delim))
    head, body = rows[0], rows[1:]
    if len(body) != len(r.arms) * len(r.time):
        fail(f"timeseries.{ext}: {len(body)} rows for {len(r.arms)} arms x {len(r.time)} times")
    q = r.f["quantile"][()]
    for i, row in enumerate(body):
        a, k = divmod(i, len(r.time))
        g = r.series(a)
        close(row[1], r.time[k], f"timeseries.{ext} row {i} week")
        for j, name in enumerate(head[2:]):
            m = re.fullmatch(r"(.*_quantiles)_q(\d\d)", name)
            want = g[m.group(1)][k, [round(100 * x) for x in q].index(int(m.group(2)))] if m else g[name][k]
            close(float("nan") if row[2 + j] == "NA" else row[2 + j], want, f"timeseries.{ext} row {i} {name}")
    if len(r.arms) > 1:
        with open(os.path.join(d, f"comparison.{ext}"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, delimiter=delim))
        c = r.f["comparison"]
        names = [text(x) for x in c["compared_arm"][()]]
        for i, row in enumerate(rows[1:]):
            if row[0] != names[i]:
                fail(f"comparison.{ext}: row {i} is {row[0]!r}, expected {names[i]!r}")
            for j, name in enumerate(rows[0][1:]):
                close(float("nan") if row[1 + j] == "NA" else row[1 + j], c[name][i], f"comparison.{ext} {names[i]} {name}")
        with open(os.path.join(d, f"comparison_timeseries.{ext}"), newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f, delimiter=delim))
        if len(rows) - 1 != len(names) * len(r.time):
            fail(f"comparison_timeseries.{ext}: {len(rows) - 1} rows for {len(names)} arms x {len(r.time)} times")
        for i, row in enumerate(rows[1:]):
            a, k = r.arms.index(row[0]), i % len(r.time)
            close(row[1], r.time[k], f"comparison_timeseries.{ext} row {i} week")
            for j, name in enumerate(rows[0][2:]):
                close(float("nan") if row[2 + j] == "NA" else row[2 + j], r.series(a)[name][k],
                      f"comparison_timeseries.{ext} {row[0]} week {row[1]} {name}")
    print(f"ok: export ({ext}): summary, timeseries{' and comparison' if len(r.arms) > 1 else ''} hold the file's values")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"figures": figures, "export": export}[cmd](*args)
