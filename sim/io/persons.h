/* persons.h — the result file's person table: baseline covariates of everyone enrolled.
 *
 * A person is a pure function of the scenario's seed, the replicate and the index
 * (population.h: counter-based draws), so the table is drawn again when the file is
 * written, for any thread count, rank count or block layout, with nothing kept during
 * the run. Rows are people in replicate-major order, at most PERSONS_MAX of them (the
 * group's attribute `complete` says whether every person is there). */
#ifndef MSK_PERSONS_H
#define MSK_PERSONS_H

#include "engine.h"
#include "h5out.h"

/* Rows at most: a million people take about 100 MB while the table is written and
 * about 40 MB compressed in the file. */
#define PERSONS_MAX ((size_t)1000000)

/* Write group /persons of the result of r. */
msk_status persons_write(h5out *w, const engine_result *r, diag_list *diags);

#endif
