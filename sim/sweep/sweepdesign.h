/* sweepdesign.h — the points of a sweep.
 *
 * The design (design.h: grid, Latin hypercube, Saltelli, Morris) gives coordinates in
 * [0, 1] for every point; each parameter maps its coordinate to a value (its levels, or
 * its range on a linear or log scale, rounded when integer). The key hashes everything
 * the results depend on -- the sweep file and its overrides, the base scenario as read
 * and as amended, the values, the sizes, the program version -- and nothing that does
 * not (paths, threads, ranks), so a journal can tell whether it belongs to a sweep. */
#ifndef MSK_SWEEPDESIGN_H
#define MSK_SWEEPDESIGN_H

#include <stdint.h>

#include "sweepfile.h"

/* Build sw->design from the parameters and sw->spec, and fill sw->n_points,
 * sw->n_tasks and sw->values. Returns MSK_OK, MSK_EDATA (a design too large or
 * impossible, reported at `design:` in the sweep file) or MSK_ENOMEM. */
msk_status sweepdesign_build(sweep *sw, diag_list *d);

/* The key of a sweep whose design is built. */
uint64_t sweepdesign_key(const sweep *sw);

#endif
