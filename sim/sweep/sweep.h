/* sweep.h — a parameter sweep: a sweep file loaded, its design built and every point
 * checked, ready to run.
 *
 * This is the header the code that runs and reports a sweep includes. A sweep is
 * load + design + run + write: sweepfile.h reads and checks the file (and the base
 * scenario), sweepdesign.h builds the points, sweeptask.h loads and runs one task,
 * sweeprun.h runs them all (serially, sharded or on the MPI task farm), and
 * analysis/sensitivity writes the result file. Every point is an ordinary scenario: the
 * base scenario with --set style overrides, validated exactly like `msksim run --set`. */
#ifndef MSK_SWEEP_H
#define MSK_SWEEP_H

#include <stdio.h>

#include "sweepfile.h"
#include "sweeptask.h"

/* Load PATH (sweepfile_load), build the design and, when check_points, check every
 * point's scenario (sweep_task_check_points; worker ranks skip it, rank 0 has done
 * it). All problems go to *diags. Returns MSK_OK, MSK_EDATA, MSK_ENOINPUT, MSK_EUSAGE
 * (malformed --set) or MSK_ENOMEM; on failure *sw holds nothing to free (sweep_fini
 * frees it otherwise). */
msk_status sweep_load(sweep *sw, const char *path, const char *const *overrides,
                      size_t n_overrides, int check_points, diag_list *diags);

/* Print the reference of the sweep-file format as Markdown (docs/sweep-format.md):
 * the keys of every section and the outcome variables. */
void sweep_write_reference(FILE *out);

#endif
