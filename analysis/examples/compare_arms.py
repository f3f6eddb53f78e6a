#!/usr/bin/env python3
"""compare_arms.py — open an msksim result with xarray and draw one comparison.

    python3 analysis/examples/compare_arms.py output/compare-interventions.h5 [ARM] [OUT.png]

Knee-extension strength over time: the mean of ARM (default: the last arm) and of the
reference arm, and below it their paired difference with its 95% confidence interval
(the same virtual people in both arms). Prints the end-of-study summary of every arm
as a pandas table. No glue code: the root of the file is one labelled dataset.
"""
import sys

import matplotlib

matplotlib.use("Agg")  # draws to a file; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import xarray as xr  # noqa: E402


def main(path, arm=None, out="compare_arms.png"):
    ds = xr.open_dataset(path, engine="h5netcdf")
    ref = ds.attrs["reference_arm"]
    arm = arm or str(ds.arm.values[-1])
    var = "knee_extension_strength"
    week = ds["week"]  # time itself decodes to durations; weeks read better on an axis

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(7, 6))
    for name in (ref, arm):
        top.plot(week, ds[f"{var}_mean"].sel(arm=name), label=name)
    top.set_ylabel(f"mean {var.replace('_', ' ')} ({ds[f'{var}_mean'].attrs['units']})")
    top.set_title("people alive at each time")
    top.legend()
    d = ds[f"{var}_difference"].sel(arm=arm)
    lo, hi = ds[f"{var}_difference_ci_low"].sel(arm=arm), ds[f"{var}_difference_ci_high"].sel(arm=arm)
    bottom.fill_between(week, lo, hi, alpha=0.3, label="95% CI (Monte Carlo)")
    bottom.plot(week, d, label=f"{arm} minus {ref}")
    bottom.axhline(0, color="grey", lw=0.5)
    bottom.set_xlabel("weeks since the start")
    bottom.set_ylabel(f"paired difference ({d.attrs['units']})")
    bottom.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)

    summary = xr.open_dataset(path, engine="h5netcdf", group="summary")
    cols = [f"{var}_change_pct", "fn_bmd_change_pct", "falls_per_1000py", "deaths_per_1000py"]
    print(summary[cols].to_dataframe().round(2).to_string())
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:4])
