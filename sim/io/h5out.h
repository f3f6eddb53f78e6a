/* h5out.h — a small netCDF-4-compatible HDF5 writer with all-or-nothing commit.
 *
 * Results are written to a temporary file in the directory of the final path and
 * renamed over it only by h5out_commit, after everything was written and flushed to
 * disk. A writer destroyed without a commit removes its temporary file, so a failed or
 * interrupted run never leaves a partial file under the final name and never damages
 * an existing file of that name.
 *
 * The layout follows the netCDF-4 data model so that netCDF-C (ncdump), xarray with
 * the h5netcdf engine, h5py and R read the file: one dataset per variable (no
 * compound types), every axis a dimension (an HDF5 dimension scale in the same group
 * or an ancestor), `units` and `long_name` attributes on variables, link and
 * attribute creation order tracked, deflate + shuffle with chunking on every
 * variable larger than a few KiB. Categorical variables carry `flag_values` and
 * `flag_meanings`. Strings are variable-length UTF-8.
 *
 * Usage:
 *   h5out *w = h5out_create("output/x.h5", &diags);
 *   h5out_group(w, "arms/none");
 *   h5out_dim(w, "arms/none", "time", n, time_values, "week", "time since start");
 *   const char *dims[] = {"time"};
 *   h5out_var_double(w, "arms/none", "lean_mean", 1, dims, data, "kg", "mean leg lean mass");
 *   h5out_commit(w);   // atomically replaces output/x.h5
 *   h5out_destroy(w);  // removes the temporary file if not committed
 * Every function returns MSK_OK or MSK_EIO (with a diagnostic naming the file and the
 * HDF5 object); after a failure the writer only accepts h5out_destroy. NULL where a
 * pointer is required is a bug (MSK_ASSERT), not MSK_EIO.
 *
 * Names of groups, dimensions, variables and attributes follow netCDF's rules: UTF-8,
 * first character a letter, digit, '_' or non-ASCII, no '/' or control characters,
 * no trailing space; anything else fails with MSK_EIO. The group argument of the
 * dimension and variable functions is created (with its parents) if missing. Text
 * attributes are stored as netCDF char (fixed-length) strings, so ncdump shows
 * `units = "kg"`. Identical calls produce byte-identical files (no timestamps).
 *
 * The diag_list must outlive the writer. If HDF5 cannot close the file at all (disk
 * full while h5out_commit closes it), HDF5 1.10.8 keeps the file open internally and
 * may crash at process exit (HDF5 bug HDFFV-11052, fixed in later releases); the
 * final path is untouched and the temporary file removed all the same. */
#ifndef MSK_H5OUT_H
#define MSK_H5OUT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct h5out h5out;

/* Create the temporary file next to final_path (same directory, so that the rename is
 * atomic), named "<final_path>.tmp.XXXXXX", mode 0666 less the umask. Fails, returning
 * NULL with a diagnostic, if the directory does not exist or is not writable; never
 * touches final_path itself. */
h5out *h5out_create(const char *final_path, diag_list *diags);

/* Create a group (and its parents), path relative to the root, "/"-separated. */
msk_status h5out_group(h5out *w, const char *group);

/* Define dimension `name` of length n in `group`. With coords != NULL it is a
 * coordinate variable (double values, units, long_name); with coords == NULL it is a
 * netCDF dimension without a variable (NAME attribute "This is a netCDF dimension but
 * not a netCDF variable."), and units and long_name are ignored (may be NULL).
 * Dimensions are visible to the group's subgroups, where a dimension of the same name
 * shadows them. A dimension of length 0 (an empty event log) is stored as netCDF
 * UNLIMITED, since HDF5 can only store a zero-length axis as an extendible one. */
msk_status h5out_dim(h5out *w, const char *group, const char *name, size_t n,
                     const double *coords, const char *units, const char *long_name);
/* A dimension whose coordinates are strings (e.g. arm names, outcome names); NULL
 * labels are written as "". */
msk_status h5out_dim_strings(h5out *w, const char *group, const char *name, size_t n,
                             const char *const *labels, const char *long_name);

/* Variables: data is C-order over dims (each dim name resolvable from `group`
 * upwards). units may be "1" for dimensionless, or NULL (no units attribute) for a
 * variable whose entries have different units: long_name then says where they are. */
msk_status h5out_var_double(h5out *w, const char *group, const char *name, int ndims,
                            const char *const *dims, const double *data, const char *units,
                            const char *long_name);
msk_status h5out_var_int32(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int32_t *data, const char *units,
                           const char *long_name);
msk_status h5out_var_int64(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int64_t *data, const char *units,
                           const char *long_name);
/* An int8 categorical variable with flag_values 0..n_flags-1 and flag_meanings
 * (space-separated, as CF requires; 1 to 127 of them), and no units. A value outside
 * 0..n_flags-1 fails with MSK_EIO before anything is written. */
msk_status h5out_var_flags(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int8_t *data,
                           const char *flag_meanings, const char *long_name);
/* A 1-D variable of variable-length strings (no units); NULL entries are written as
 * "". Its length is that of `dim`. */
msk_status h5out_var_strings(h5out *w, const char *group, const char *name, const char *dim,
                             const char *const *data, const char *long_name);

/* Attributes on a group ("" = root) or on a variable ("group/var"). An existing
 * attribute of that name is replaced; the names that carry dimension-scale and netCDF
 * bookkeeping (CLASS, NAME, DIMENSION_LIST, REFERENCE_LIST, _Netcdf4Dimid,
 * _Netcdf4Coordinates, _NCProperties, ...) are refused. */
msk_status h5out_attr_string(h5out *w, const char *object, const char *name,
                             const char *value);
msk_status h5out_attr_double(h5out *w, const char *object, const char *name, double value);
msk_status h5out_attr_int64(h5out *w, const char *object, const char *name, int64_t value);

/* Close the file, fsync it, rename it over the final path, fsync the directory. After
 * a commit the writer only accepts h5out_destroy. After a stop signal (signals.h) it
 * renames nothing and returns MSK_EINTERRUPTED (h5out_destroy removes the file). */
msk_status h5out_commit(h5out *w);

/* Release the writer; removes the temporary file unless committed. Accepts NULL. */
void h5out_destroy(h5out *w);

#endif
