/* drawplan.h — the parameter draws of a run, laid out as a sweep: one point per draw.
 *
 * `msksim run FILE --draws N` runs the scenario under N parameter sets drawn from the
 * calibration's distribution (uncertainty.h). Each draw is an ordinary task of a sweep
 * whose base is the scenario (with the run's --set), whose parameters are the drawn
 * model parameters at the draw's values and whose seed is the scenario's own at every
 * point: common random numbers, so the draws differ by their parameters alone. The
 * sweep runner (sweeprun.h) then gives the draws what sweep points have: OpenMP
 * threads inside each run, an MPI task farm, job-array shards, a journal to resume
 * from, and the same numbers for any layout.
 *
 * Draw i of a scenario is a pure function of (seed, i): the first 100 draws of a run
 * with 200 are those of a run with 100. A parameter of the distribution is drawn
 * unless its SD is 0 (the targets do not identify it) or the scenario sets it to
 * another value than the distribution's centre; either way it keeps the scenario's
 * value, and the run says so (draws_data.held). */
#ifndef MSK_DRAWPLAN_H
#define MSK_DRAWPLAN_H

#include <stddef.h>
#include <stdint.h>

#include "draws.h"
#include "sweep.h"

/* Build the sweep of SC's sc->draws draws (SC as loaded from sc->source_path with the
 * overrides SETS[0..n_sets)), and the parameter part of *dd (names, units, values,
 * source, held; dd->value is left for the runs). Problems go to D. Returns MSK_OK,
 * MSK_EDATA, MSK_ENOINPUT or MSK_ENOMEM; sweep_fini and draws_data_fini free what was
 * built in any case. */
msk_status drawplan_build(sweep *sw, draws_data *dd, const scenario *sc, const char *const *sets, size_t n_sets,
                          diag_list *d);

/* The seed of the draws of a scenario seed. */
uint64_t drawplan_seed(unsigned long long scenario_seed);

#endif
