#!/usr/bin/python3
"""Checks on msksim result files, used by tests/cli_run.sh.

  h5tools.py same A.h5 B.h5     every dataset identical in both files (bit for bit)
  h5tools.py open A.h5          xarray (h5netcdf engine) opens every group; every
                                variable has units and long_name
  h5tools.py value A.h5 GROUP VAR [INDEX...]   print one value
  h5tools.py sel A.h5 GROUP VAR DIM LABEL        open GROUP alone in xarray and select
                                                VAR at DIM=LABEL (the dimension is labelled)
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
            for attr in ("units", "long_name"):
                if attr not in var.attrs and not (attr == "units" and unitless):
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


def value(path, group, var, *index):
    with h5py.File(path, "r") as f:
        v = f[group][var][()]
        for i in index:
            v = v[int(i)]
        print(v)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"same": same, "open": open_all, "value": value, "sel": sel}[cmd](*args)
