/* resultfile.h — open an msksim result file for reading, defensively.
 *
 * `msksim plot` and `msksim export` read files that users hand them, and `msksim sweep`
 * the result it may have written before: results of this or an older msksim, but also
 * any other HDF5 file, a text file renamed .h5, or a copy cut short. Every read here checks before it trusts: the file is a regular file with
 * the HDF5 signature (checked here, before HDF5 sees it), it names msksim as its
 * source, and each dataset has the type class and the exact shape the caller expects,
 * within size limits, before anything is allocated or read. HDF5's automatic error
 * printing is switched off inside every call (and restored on return); a failure
 * becomes one diagnostic naming the file, the object and HDF5's own reason.
 *
 * Statuses: MSK_OK; MSK_ENOINPUT (exit 66) when the file cannot be opened at all
 * (missing, unreadable, a directory); MSK_EDATA (exit 65) when its content is not an
 * msksim result: not HDF5, damaged, another program's HDF5, a missing or misshapen
 * object; MSK_ENOMEM (71).
 *
 * Usage:
 *   resultfile rf;
 *   if (resultfile_open(&rf, "output/x.h5", &diags) != MSK_OK) ...;
 *   double t[n];
 *   size_t shape[] = {n};
 *   st = resultfile_doubles(&rf, "/arms/none/leg_lean_mass_mean", 1, shape, t);
 *   resultfile_close(&rf);
 * Object paths are absolute HDF5 paths. Names read from the file must not be pasted
 * into paths unchecked (resultfile_name_ok). The diag_list must outlive the handle. */
#ifndef MSK_RESULTFILE_H
#define MSK_RESULTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

enum {
    RESULTFILE_MAX_RANK = 4,
    /* Larger objects are refused as implausible before anything is allocated: the
     * biggest real result variable (an event-log column of a 100-million-person run)
     * stays below it, and a damaged header cannot make us allocate gigabytes. */
    RESULTFILE_MAX_ELEMENTS = 1 << 28,
    RESULTFILE_MAX_TEXT = 1 << 24, /* one string attribute or string element, bytes */
    RESULTFILE_MAX_NAME = 255      /* an arm or variable name, bytes */
};

typedef struct {
    char *path;       /* as given */
    int64_t file;     /* HDF5 file id (hid_t); negative when closed */
    diag_list *diags;
} resultfile;

/* Open PATH read-only after checking that it is a regular, readable file carrying the
 * HDF5 signature, and that its root has the attributes an msksim result carries
 * (`source` naming msksim, `Conventions`) and the dimensions `time` and `arm`. Close
 * *rf with resultfile_close after a failure too: it keeps the path for diagnostics. */
msk_status resultfile_open(resultfile *rf, const char *path, diag_list *diags);

/* Open PATH as the result of `msksim sweep`: the same checks, but instead of the time
 * and arm dimensions the root attribute msksim_result must be "sweep". */
msk_status resultfile_open_sweep(resultfile *rf, const char *path, diag_list *diags);

/* Quietly, without diagnostics: 1 when PATH is an HDF5 file whose root attribute
 * msksim_result is "sweep", 0 when it is another HDF5 file (a run result, say), -1
 * when it cannot be read as HDF5. */
int resultfile_is_sweep(const char *path);

/* Close the file; accepts a handle whose open failed, and a zeroed struct. */
void resultfile_close(resultfile *rf);

/* Does the object (group or dataset) exist? Every link on the way must exist too.
 * Never fails; a damaged link reads as absent. */
int resultfile_exists(resultfile *rf, const char *object);

/* The shape of a dataset: *ndims (0 for a scalar) and dims[0 .. ndims-1]. */
msk_status resultfile_shape(resultfile *rf, const char *dataset, int *ndims,
                            size_t dims[RESULTFILE_MAX_RANK]);

/* Is the object a dataset of an integer or floating-point type? Never fails. */
int resultfile_is_numeric(resultfile *rf, const char *dataset);

/* Read a numeric dataset (integer or floating point classes) converted to double, or
 * to int64 (integer classes only), into out, after checking that it has exactly the
 * given rank and shape. */
msk_status resultfile_doubles(resultfile *rf, const char *dataset, int ndims,
                              const size_t *dims, double *out);
msk_status resultfile_int64s(resultfile *rf, const char *dataset, int ndims,
                             const size_t *dims, int64_t *out);
/* Rows [start, start + count) along the first axis of a numeric dataset whose whole
 * shape is checked against dims; out receives count x dims[1] x ... values. */
msk_status resultfile_doubles_rows(resultfile *rf, const char *dataset, int ndims,
                                   const size_t *dims, size_t start, size_t count, double *out);
msk_status resultfile_int64s_rows(resultfile *rf, const char *dataset, int ndims,
                                  const size_t *dims, size_t start, size_t count, int64_t *out);

/* Read a 1-D dataset of n strings (variable- or fixed-length). out[i] are malloc'ed
 * NUL-terminated copies (free each, then the array is the caller's); on failure none
 * is left allocated. Strings holding NUL bytes or longer than RESULTFILE_MAX_TEXT are
 * refused. */
msk_status resultfile_strings(resultfile *rf, const char *dataset, size_t n, char **out);

/* A text attribute of an object ("/" = root): *out is malloc'ed. */
msk_status resultfile_attr_text(resultfile *rf, const char *object, const char *name,
                                char **out);
/* A numeric scalar (or one-element) attribute. */
msk_status resultfile_attr_double(resultfile *rf, const char *object, const char *name,
                                  double *out);
/* Does the attribute exist? A damaged object reads as absent. */
int resultfile_has_attr(resultfile *rf, const char *object, const char *name);

/* The names of the datasets directly in a group, in creation order where the file
 * tracks it, else alphabetically. *names is a malloc'ed array of malloc'ed strings
 * (resultfile_free_names); names that fail resultfile_name_ok are skipped. */
msk_status resultfile_list_datasets(resultfile *rf, const char *group, char ***names,
                                    size_t *n);
void resultfile_free_names(char **names, size_t n);

/* Is NAME safe to use as one component of an object path, a file's text and a table
 * cell: 1 to RESULTFILE_MAX_NAME bytes, valid UTF-8, no '/', no control characters,
 * not "." or ".."? */
int resultfile_name_ok(const char *name);

#endif
