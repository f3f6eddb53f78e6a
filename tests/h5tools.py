#!/usr/bin/python3
"""Checks on msksim result files, used by tests/cli_run.sh.

  h5tools.py same A.h5 B.h5     every dataset identical in both files (bit for bit)
  h5tools.py open A.h5          xarray (h5netcdf engine) opens every group; every
                                variable has units and long_name
  h5tools.py value A.h5 GROUP VAR [INDEX...]   print one value
  h5tools.py sel A.h5 GROUP VAR DIM LABEL        open GROUP alone in xarray and select
                                                VAR at DIM=LABEL (the dimension is labelled)
  h5tools.py strata A.h5 B.h5   A's /strata against its person table and event log, and
                                A's root against B's (the same run without strata)
Exit status 1 on the first failed check, with a message naming the object."""
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def same(a, b):
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        da, db = datasets(fa), datasets(fb)
        if sorted(da) != sorted(db):
            sys.exit(f"different dataset lists: {sorted(set(da) ^ set(db))[:5]}")
        for name in sorted(da):
            x, y = da[name], db[name]
            if x.shape != y.shape or x.dtype != y.dtype:
                sys.exit(f"{name}: shape/type {x.shape} {x.dtype} vs {y.shape} {y.dtype}")
            if x.shape == () or x.size == 0:
                continue
            xv, yv = x[()], y[()]
            if xv.dtype.kind in "fiu":
                if xv.tobytes() != yv.tobytes():
                    sys.exit(f"{name}: values differ")
            elif not np.array_equal(xv, yv):
                sys.exit(f"{name}: values differ")
        print(f"same: {len(da)} datasets identical")


def open_all(path):
    import xarray as xr
    groups = [""]
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: groups.append(name) if isinstance(obj, h5py.Group) else None)
    nvars = 0
    for g in groups:
        ds = xr.open_dataset(path, group=g or None, engine="h5netcdf")
        for name, var in ds.variables.items():
            nvars += 1
            if name in ds.dims and "units" not in var.attrs:
                continue  # dimension without coordinates or string coordinates
            # CF: categorical (flag) and string variables carry no units.
            unitless = "flag_values" in var.attrs or var.dtype.kind in "OSU"
            # Entries with units of their own say where those are (provenance/parameter_value).
            unitless = unitless or "unit in" in str(var.attrs.get("long_name", ""))
            # Decoded times keep their units in the encoding.
            for attr in ("units", "long_name"):
                if attr not in var.attrs and attr not in var.encoding and not (attr == "units" and unitless):
                    sys.exit(f"{g}/{name}: missing attribute {attr}")
        ds.close()
    print(f"open: {len(groups)} groups, {nvars} variables read by xarray/h5netcdf")


def sel(path, group, var, dim, label):
    import xarray as xr
    ds = xr.open_dataset(path, group=group, engine="h5netcdf")
    try:
        v = ds[var].sel({dim: label})
    except KeyError as e:
        sys.exit(f"{group}/{var}: cannot select {dim}={label!r}: {e}")
    print(f"sel: {group}/{var} at {dim}={label}: {v.values.ravel()[:4]}")
    ds.close()


def tidy(path, var, label):
    """The root opens as one labelled dataset (issue 14): time decodes to durations,
    `week` is a coordinate, and var.sel(arm=label) is that arm's row of the file, with
    no glue code."""
    import numpy as np
    import xarray as xr
    with xr.open_dataset(path, engine="h5netcdf") as ds, h5py.File(path, "r") as f:
        if ds["time"].dtype.kind != "m":
            sys.exit(f"time decodes to {ds['time'].dtype}, not a duration")
        if "week" not in ds.coords:
            sys.exit("week is not a coordinate")
        days = ds["time"].values / np.timedelta64(1, "D")
        if not np.allclose(days / 7.0, ds["week"].values, rtol=0, atol=1e-9):
            sys.exit("time and week disagree")
        if ds[var].dims[:2] != ("arm", "time"):
            sys.exit(f"{var} has dims {ds[var].dims}, not (arm, time, ...)")
        arms = [a.decode() if isinstance(a, bytes) else a for a in f["arm"][()]]
        got = ds[var].sel(arm=label).values
        want = f[var][arms.index(label)]
        if not np.array_equal(got, want, equal_nan=True):
            sys.exit(f"{var}.sel(arm={label!r}) is not that arm's row of the file")
        if not np.array_equal(ds[var].sel(arm=label).isel(time=-1).values, want[-1], equal_nan=True):
            sys.exit("isel(time=-1) differs")
        print(f"tidy: {len(ds.data_vars)} root variables over arm {ds.sizes['arm']} x time "
              f"{ds.sizes['time']}; {var}.sel(arm={label!r}) matches the file")


def survival(path):
    """Survival and cumulative incidences over (arm, time) against the event log (the
    run must log everyone): the share alive is 1 - the share with a death logged by
    each time; the cumulative incidence of hip fracture the share with a first one."""
    import numpy as np
    with h5py.File(path, "r") as f:
        n = int(f.attrs["population_size"]) * int(f.attrs.get("replicates", 1))
        days = f["time"][()]
        arms = [a.decode() if isinstance(a, bytes) else a for a in f["arm"][()]]
        checked = 0
        for a, arm in enumerate(arms):
            g = f[f"arms/{arm}/events"]
            kinds = g["kind"].attrs["flag_meanings"]
            kinds = (kinds.decode() if isinstance(kinds, bytes) else str(kinds)).split()
            kind, t, det = g["kind"][()], g["event_time"][()], g["detail"][()]
            who = g["individual"][()] * 1000003 + g["replicate"][()]
            death_t = t[kind == kinds.index("death")]
            hips = kind == kinds.index("fracture")
            hips &= det == 1
            first_hip = {}
            for w, x in zip(who[hips], t[hips]):
                first_hip[w] = min(x, first_hip.get(w, x))
            hip_t = np.array(sorted(first_hip.values()))
            for k, day in enumerate(days):
                want_s = 1 - np.sum(death_t <= day + 1e-9) / n
                want_h = np.sum(hip_t <= day + 1e-9) / n
                if abs(f["survival"][a, k] - want_s) > 1e-12:
                    sys.exit(f"{arm} day {day}: survival {f['survival'][a, k]} vs event log {want_s}")
                if not f["survival_ci_low"][a, k] - 1e-12 <= f["survival"][a, k] <= f["survival_ci_high"][a, k] + 1e-12:
                    sys.exit(f"{arm} day {day}: survival outside its CI")
                got_h = f["cumulative_incidence_hip_fractures"][a, k]
                if abs(got_h - want_h) > 1e-12:
                    sys.exit(f"{arm} day {day}: hip-fracture incidence {got_h} vs event log {want_h}")
                checked += 1
            if len(death_t) == 0:
                sys.exit(f"{arm}: no deaths to check against")
        print(f"survival: {checked} (arm, time) values match the event log ({len(death_t)} deaths in the last arm)")


def persons(path):
    """The person table (issue 14): one row per person enrolled; the sampled people's
    rows equal /arms/sample_*; its week-0 classes give the file's week-0 prevalences;
    everyone in the event log has a row, and only women have a menopause."""
    import numpy as np
    with h5py.File(path, "r") as f:
        p = f["persons"]
        n = int(f.attrs["population_size"]) * int(f.attrs.get("replicates", 1))
        if len(p["age"]) != n or p.attrs["complete"] not in (b"yes", "yes"):
            sys.exit(f"persons: {len(p['age'])} rows for {n} people")
        if "sample_age" in f["arms"]:
            k = len(f["arms/sample_age"])
            first = (p["replicate"][:k] == 0) & (p["individual"][:k] == np.arange(k))
            if not first.all() or not np.array_equal(p["age"][:k], f["arms/sample_age"][()]) \
                    or not np.array_equal(p["sex"][:k], f["arms/sample_sex"][()]):
                sys.exit("persons: the sampled people's rows differ from /arms/sample_*")
        sarc, who = p["sarcopenia"][()], p["who_class"][()]
        for a in range(len(f["arm"])):
            for name, share in (("sarcopenia", np.mean(sarc == 1)), ("osteoporosis", np.mean(who == 2)),
                                ("osteopenia", np.mean(who == 1))):
                got = f[f"prevalence_{name}"][a, 0]
                if abs(got - share) > 1e-12:
                    sys.exit(f"persons: week-0 {name} {share} vs prevalence_{name} {got}")
        key = {(int(r), int(i)): s for r, i, s in zip(p["replicate"][()], p["individual"][()], p["sex"][()])}
        arms = [a.decode() if isinstance(a, bytes) else a for a in f["arm"][()]]
        seen = 0
        for arm in arms:
            g = f[f"arms/{arm}/events"]
            kinds = g["kind"].attrs["flag_meanings"]
            kinds = (kinds.decode() if isinstance(kinds, bytes) else str(kinds)).split()
            for r, i, k in zip(g["replicate"][()], g["individual"][()], g["kind"][()]):
                if (int(r), int(i)) not in key:
                    sys.exit(f"persons: {arm}: event of ({r}, {i}) without a row")
                if kinds[k] == "menopause" and key[(int(r), int(i))] != 1:
                    sys.exit(f"persons: {arm}: a menopause for ({r}, {i}), not a woman")
                seen += 1
        if seen == 0:
            sys.exit("persons: no events to join")
        print(f"persons: {n} rows; week-0 prevalences and {seen} logged events agree with them")


def strata(path, nostrata_path):
    """The /strata group (issue 14) against the person table joined to the event log
    (the run must log everyone): each stratum enrolls the people of /persons whose
    classes at entry match its coordinates, the same in every arm; its survival and
    cumulative hip fractures per person match their events; the strata add up to the
    root; the root equals, bit for bit, that of the same run without strata; it opens
    alone in xarray with its strata labelled."""
    import numpy as np
    import xarray as xr
    with h5py.File(path, "r") as f, h5py.File(nostrata_path, "r") as g:
        for name in f:
            if isinstance(f[name], h5py.Dataset) and f[name].dtype.kind in "fiu":
                if f[name][()].tobytes() != g[name][()].tobytes():
                    sys.exit(f"strata: root {name} differs from the run without strata")
        s, p = f["strata"], f["persons"]
        factors = s.attrs["factors"]
        factors = (factors.decode() if isinstance(factors, bytes) else str(factors)).split()
        n_strata = len(s["stratum"])
        member = np.ones((n_strata, len(p["age"])), dtype=bool)
        for fac in factors:
            if fac == "age":
                lo, hi = s["stratum_age_low"][()], s["stratum_age_high"][()]
                last = hi == hi.max()
                age = p["age"][()]
                member &= (age[None, :] >= lo[:, None]) & ((age[None, :] < hi[:, None]) | last[:, None])
            else:
                member &= p[fac][()][None, :] == s[f"stratum_{fac}"][()][:, None]
        if not (member.sum(axis=0) == 1).all():
            sys.exit("strata: a person is in no stratum or in two")
        enrolled = s["n_enrolled"][()]
        if not (enrolled == member.sum(axis=1)[None, :]).all():
            sys.exit(f"strata: n_enrolled {enrolled[0]} vs /persons {member.sum(axis=1)}")
        key = {(int(r), int(i)): j for j, (r, i) in enumerate(zip(p["replicate"][()], p["individual"][()]))}
        stratum_of = member.argmax(axis=0)
        days = s["time"][()]
        arms = [a.decode() if isinstance(a, bytes) else a for a in s["arm"][()]]
        checked = 0
        for a, arm in enumerate(arms):
            ev = f[f"arms/{arm}/events"]
            kinds = ev["kind"].attrs["flag_meanings"]
            kinds = (kinds.decode() if isinstance(kinds, bytes) else str(kinds)).split()
            kind, t, det = ev["kind"][()], ev["event_time"][()], ev["detail"][()]
            who = np.array([stratum_of[key[(int(r), int(i))]] for r, i in zip(ev["replicate"][()], ev["individual"][()])],
                           dtype=int)
            death = kind == kinds.index("death")
            hip = (kind == kinds.index("fracture")) & (det == 1)
            for st in range(n_strata):
                n = enrolled[a, st]
                for k, day in enumerate(days):
                    if n == 0:
                        continue
                    want_s = 1 - np.sum(death & (who == st) & (t <= day + 1e-9)) / n
                    want_h = np.sum(hip & (who == st) & (t <= day + 1e-9)) / n
                    if abs(s["survival"][a, st, k] - want_s) > 1e-12:
                        sys.exit(f"strata: {arm} stratum {st} day {day}: survival {s['survival'][a, st, k]} vs {want_s}")
                    if abs(s["cumulative_hip_fractures_per_person"][a, st, k] - want_h) > 1e-12:
                        sys.exit(f"strata: {arm} stratum {st} day {day}: hip fractures per person vs event log {want_h}")
                    checked += 1
            if not death.any():
                sys.exit(f"strata: {arm}: no deaths to check against")
        alive = s["n_alive"][()].sum(axis=1)
        if not np.array_equal(alive, f["n_alive"][()]):
            sys.exit("strata: n_alive of the strata does not add up to the root's")
        py = s["total_person_years"][()].sum(axis=1)
        if not np.allclose(py, f["summary/person_years"][()], rtol=1e-12):
            sys.exit("strata: person-years do not add up to /summary's")
    ds = xr.open_dataset(path, group="strata", engine="h5netcdf")
    label = str(ds.stratum.values[-1])
    x = ds.grip_strength_mean.sel(arm=arms[-1], stratum=label)
    if x.sizes != {"time": len(days)} or "stratum_" + factors[0] not in ds.coords:
        sys.exit(f"strata: xarray selection by arm and stratum label gave {dict(x.sizes)}")
    print(f"strata: {n_strata} strata by {' '.join(factors)}; {checked} (arm, stratum, time) survival and "
          f"hip-fracture values match the event log joined to /persons; totals match the root")


def value(path, group, var, *index):
    with h5py.File(path, "r") as f:
        v = f[group][var][()]
        for i in index:
            v = v[int(i)]
        print(v)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"same": same, "open": open_all, "value": value, "sel": sel, "tidy": tidy,
     "survival": survival, "persons": persons, "strata": strata}[cmd](*args)
