/* h5err.c — HDF5 error stack to diagnostics (see h5err.h). */
#include "h5err.h"

#include <stdio.h>
#include <string.h>

h5err_quiet h5err_silence(void)
{
    h5err_quiet q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.func, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

void h5err_loud(h5err_quiet q)
{
    H5Eset_auto2(H5E_DEFAULT, q.func, q.data);
}

typedef struct {
    char outer[512], inner[512];
    unsigned count;
} cause;

/* Diagnostics are one line each; HDF5's I/O messages embed a ctime() newline. */
static void one_line(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            *s = ' ';
}

static herr_t cause_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    cause *c = data;
    const char *desc = e->desc ? e->desc : "";
    if (n == 0)
        snprintf(c->outer, sizeof c->outer, "%s", desc);
    snprintf(c->inner, sizeof c->inner, "%s", desc);
    c->count++;
    return 0;
}

void h5err_report(diag_list *d, const char *file, const char *object, bool with_hdf5,
                  const char *msg)
{
    cause c = {{0}, {0}, 0};
    if (with_hdf5)
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, cause_cb, &c);
    H5Eclear2(H5E_DEFAULT);
    one_line(c.outer);
    one_line(c.inner);
    file = file ? file : "";
    object = object ? object : "";
    if (c.count == 0)
        diag_add(d, DIAG_ERROR, file, 0, 0, object, "%s", msg);
    else if (c.count == 1 || strcmp(c.outer, c.inner) == 0)
        diag_add(d, DIAG_ERROR, file, 0, 0, object, "%s (HDF5: %s)", msg, c.outer);
    else
        diag_add(d, DIAG_ERROR, file, 0, 0, object, "%s (HDF5: %s: %s)", msg, c.outer, c.inner);
}
