/* h5err.h — HDF5 errors as msksim diagnostics, shared by the writer (h5out) and the
 * reader (resultfile).
 *
 * HDF5 prints its error stack to stderr by default; msksim turns it off around its
 * calls and instead quotes the outermost and innermost reasons in one diagnostic line. */
#ifndef MSK_H5ERR_H
#define MSK_H5ERR_H

#include <stdbool.h>

#include <hdf5.h>

#include "status.h"

typedef struct {
    H5E_auto2_t func;
    void *data;
} h5err_quiet;

/* Silence HDF5's error printing for one call; h5err_loud restores the caller's setting. */
h5err_quiet h5err_silence(void);
void h5err_loud(h5err_quiet q);

/* Add one error diagnostic "MSG" to d, followed by "(HDF5: outer: inner)" when
 * with_hdf5 and HDF5's stack holds a reason (control characters masked). Reads and
 * clears the stack, so call it before any other HDF5 call. */
void h5err_report(diag_list *d, const char *file, const char *object, bool with_hdf5,
                  const char *msg);

#endif
