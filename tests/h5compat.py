#!/usr/bin/env python3
"""h5compat.py FILE — check that an HDF5 file written by sim/h5out.c reads as netCDF-4.

It knows nothing of msksim's variables: it validates the structure that netCDF-C,
h5netcdf/xarray and h5py rely on, then reads every variable through each reader and
compares the values with h5py's. One line per check ("ok: ..." or "FAIL: ..."); exit
status 0 when all pass, 1 otherwise, 77 when h5py, numpy or xarray with h5netcdf is
missing (the caller then skips). ncdump and netCDF4-python are used when present.
"""
import posixpath
import re
import shutil
import subprocess
import sys

try:
    import h5py
    import numpy as np
    import xarray as xr
    import h5netcdf  # noqa: F401  (xarray's engine="h5netcdf" needs it)
except ImportError as e:
    print(f"skip: {e}")
    sys.exit(77)

NOT_A_VARIABLE = b"This is a netCDF dimension but not a netCDF variable."
COMPRESS_MIN_BYTES = 4096  # as sim/h5out.c
CHUNK_MAX_BYTES = 1 << 20
BOTH_ORDERS = h5py.h5p.CRT_ORDER_TRACKED | h5py.h5p.CRT_ORDER_INDEXED

failures = 0


def check(ok, what):
    global failures
    what = " ".join(str(what).split())  # one line per check, whatever the message holds
    print(f"{'ok' if ok else 'FAIL'}: {what}")
    if not ok:
        failures += 1
    return ok


def group_of(path):
    return posixpath.dirname(path) or "/"


def ancestors(group):
    """The group itself, then each parent up to the root: netCDF's dimension scope."""
    while True:
        yield group
        if group == "/":
            return
        group = group_of(group)


def is_hidden_dim(ds):
    name = ds.attrs.get("NAME", b"")
    if isinstance(name, str):
        name = name.encode()
    return name.startswith(NOT_A_VARIABLE)


def values_of(ds):
    """Data as numpy, strings decoded to str."""
    if h5py.check_string_dtype(ds.dtype) is not None:
        return np.array(ds.asstr()[()], dtype=object)
    return ds[()]


def same_values(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "OUS" or b.dtype.kind in "OUS":
        return [str(x) for x in a.ravel()] == [str(x) for x in b.ravel()]
    return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


def main(path):
    f = h5py.File(path, "r")
    groups, datasets = {"/": f["/"]}, {}

    def visit(name, obj):
        (groups if isinstance(obj, h5py.Group) else datasets)["/" + name] = obj

    f.visititems(visit)
    scales = {p: d for p, d in datasets.items() if h5py.h5ds.is_scale(d.id)}
    variables = {p: d for p, d in datasets.items() if not (p in scales and is_hidden_dim(d))}
    print(f"note: {path}: {len(groups)} groups, {len(scales)} dimensions, "
          f"{len(variables)} variables")

    # Creation order: netCDF-C lists objects by it and needs the index as well.
    for gp, g in groups.items():
        plist = g.id.get_create_plist()
        check(plist.get_link_creation_order() == BOTH_ORDERS
              and plist.get_attr_creation_order() == BOTH_ORDERS,
              f"group {gp} tracks and indexes link and attribute creation order")
    for dp, d in datasets.items():
        check(d.id.get_create_plist().get_attr_creation_order() == BOTH_ORDERS,
              f"{dp} tracks and indexes attribute creation order")

    # Dimensions: every scale has a file-unique _Netcdf4Dimid.
    dimids = {}
    for sp, s in scales.items():
        i = s.attrs.get("_Netcdf4Dimid")
        ok = check(i is not None and s.ndim == 1,
                   f"dimension {sp} is 1-D with _Netcdf4Dimid {i}")
        if ok:
            check(int(i) not in dimids,
                  f"_Netcdf4Dimid {int(i)} of {sp} is unique (also: {dimids.get(int(i))})")
            dimids[int(i)] = sp

    # Variables: each axis attached to exactly one scale, found by netCDF scoping.
    var_dims = {}
    for vp, v in variables.items():
        names = []
        for axis in range(v.ndim):
            if vp in scales:
                names.append(posixpath.basename(vp))
                break
            attached = list(v.dims[axis].values())
            if not check(len(attached) == 1, f"{vp} axis {axis} has one dimension scale"):
                names.append(None)
                continue
            sp = attached[0].name
            dim = posixpath.basename(sp)
            names.append(dim)
            nearest = next((posixpath.join(g, dim) for g in ancestors(group_of(vp))
                            if posixpath.join(g, dim) in scales), None)
            check(nearest == sp,
                  f"{vp} axis {axis}: '{dim}' resolves from its group upward to {sp}")
            check(attached[0].shape[0] == v.shape[axis],
                  f"{vp} axis {axis}: length {v.shape[axis]} matches {sp}")
        var_dims[vp] = tuple(names)

        # Attributes as CF and netCDF-C's NC_CHAR expect.
        text = {k: v.attrs.get_id(k).dtype for k in v.attrs}
        for k, dt in text.items():
            info = h5py.check_string_dtype(dt)
            if info is not None:
                check(info.length is not None,
                      f"{vp}:{k} is a fixed-length (NC_CHAR) text attribute")
        ln = v.attrs.get("long_name")
        check(isinstance(ln, (bytes, str)) and len(ln) > 0, f"{vp} has long_name {ln!r}")
        is_string = h5py.check_string_dtype(v.dtype) is not None
        is_flags = "flag_values" in v.attrs
        if not is_string and not is_flags:
            check("units" in v.attrs, f"{vp} has units {v.attrs.get('units')!r}")
        if is_flags:
            fv = np.asarray(v.attrs["flag_values"])
            meanings = v.attrs.get("flag_meanings", b"")
            meanings = meanings.decode() if isinstance(meanings, bytes) else meanings
            check(fv.dtype == v.dtype, f"{vp}: flag_values have the variable's type {fv.dtype}")
            check(len(fv) == len(meanings.split()),
                  f"{vp}: {len(fv)} flag_values for {len(meanings.split())} flag_meanings")
            check(np.isin(v[()], fv).all(), f"{vp}: every value is one of flag_values")
        nbytes = v.size * v.dtype.itemsize
        if not is_string and nbytes > COMPRESS_MIN_BYTES:
            chunk_bytes = int(np.prod(v.chunks)) * v.dtype.itemsize if v.chunks else 0
            check(v.chunks is not None and v.compression == "gzip" and v.shuffle
                  and all(c <= max(s, 1) for c, s in zip(v.chunks, v.shape))
                  and chunk_bytes <= CHUNK_MAX_BYTES,
                  f"{vp} ({nbytes} bytes): chunks {v.chunks}, {v.compression}, "
                  f"shuffle {v.shuffle}")

    for k in f.attrs:
        info = h5py.check_string_dtype(f.attrs.get_id(k).dtype)
        if info is not None:
            check(info.length is not None, f"/:{k} is a fixed-length (NC_CHAR) text attribute")

    expected = {vp: values_of(v) for vp, v in variables.items()}

    # xarray with h5netcdf, one group at a time.
    for gp in groups:
        mine = {vp: v for vp, v in variables.items() if group_of(vp) == gp}
        try:
            with xr.open_dataset(path, engine="h5netcdf", group=gp) as ds:
                ds.load()
            with xr.open_dataset(path, engine="h5netcdf", group=gp, decode_times=False,
                                 mask_and_scale=False) as ds:
                check(True, f"xarray opens group {gp}")
                for vp in mine:
                    name = posixpath.basename(vp)
                    if not check(name in ds.variables, f"xarray: {vp} present"):
                        continue
                    check(ds[name].dims == var_dims[vp],
                          f"xarray: {vp} dims {ds[name].dims} == {var_dims[vp]}")
                    check(same_values(ds[name].values, expected[vp]),
                          f"xarray: {vp} values match h5py")
                    for a in ("units", "long_name"):
                        if a in mine[vp].attrs:
                            check(isinstance(ds[name].attrs.get(a), str),
                                  f"xarray: {vp}:{a} decodes to str")
        except Exception as e:  # any failure to open is what this check is for
            check(False, f"xarray opens group {gp}: {type(e).__name__}: {e}")

    # ncdump (netCDF-C): header and then all data.
    ncdump = shutil.which("ncdump")
    if not ncdump:
        print("skip: ncdump not found")
    else:
        r = subprocess.run([ncdump, "-h", path], capture_output=True, text=True)
        if check(r.returncode == 0, f"ncdump -h exits 0 {r.stderr.strip()[:200]}"):
            for gp in groups:
                if gp != "/":
                    name = posixpath.basename(gp)
                    check(re.search(rf"group: {re.escape(name)} {{", r.stdout) is not None,
                          f"ncdump -h shows group {gp}")
            for vp, v in variables.items():
                name = posixpath.basename(vp)
                if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                    continue  # ncdump escapes other characters in CDL
                pat = rf"\b{name}\(" if v.ndim else rf" {name} ;"
                check(re.search(pat, r.stdout) is not None, f"ncdump -h declares {vp}")
            check(re.search(r"string \w+:(units|long_name)", r.stdout) is None,
                  "ncdump -h shows units and long_name as text (char), not string")
        r = subprocess.run([ncdump, path], capture_output=True, text=True)
        check(r.returncode == 0, f"ncdump reads all data {r.stderr.strip()[:200]}")

    # netCDF4-python (netCDF-C underneath): dims and values of every variable.
    try:
        import netCDF4
    except ImportError:
        print("skip: netCDF4-python not installed")
    else:
        try:
            with netCDF4.Dataset(path) as nc:
                nc.set_auto_maskandscale(False)

                def walk(g):
                    yield g
                    for child in g.groups.values():
                        yield from walk(child)

                seen = set()
                for g in walk(nc):
                    gp = g.path
                    for name, var in g.variables.items():
                        vp = posixpath.join(gp, name)
                        seen.add(vp)
                        if not check(vp in variables, f"netCDF4: {vp} is a variable in h5py"):
                            continue
                        check(var.dimensions == var_dims[vp],
                              f"netCDF4: {vp} dims {var.dimensions}")
                        check(same_values(var[...], expected[vp]),
                              f"netCDF4: {vp} values match h5py")
                check(seen == set(variables),
                      f"netCDF4 sees the same {len(seen)} variables "
                      f"(missing {sorted(set(variables) - seen)})")
        except Exception as e:
            check(False, f"netCDF4 opens the file: {type(e).__name__}: {e}")

    f.close()
    print(f"{'ok' if failures == 0 else 'FAIL'}: h5compat.py: {failures} failure(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: h5compat.py FILE", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
