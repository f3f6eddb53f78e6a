/* sweeptask.h — one task of a sweep: one replicate of one point.
 *
 * A task (task = point * replicates + replicate) is the base scenario file loaded by
 * scenario_load with --set style overrides: the sweep's `set:` entries, every
 * parameter's paths at the point's value, and the task's seed. Its outcomes are a pure
 * function of the sweep file, the base scenario and the task index: the seed of
 * replicate r is the base scenario's seed for r = 0 and a hash of (seed, r) -- with
 * `seeds: independent`, of (seed, point, r) -- otherwise. That is what makes a sweep
 * give the same numbers on any number of ranks, threads or interruptions (sweeprun.h).
 * Diagnostics caused by an override are moved back to the place in the sweep file the
 * value came from. */
#ifndef MSK_SWEEPTASK_H
#define MSK_SWEEPTASK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sweepfile.h"

/* SplitMix64's finalizer: a well-mixed 64-bit function of x (the seeds of replicates
 * and of parameter draws are derived with it). */
uint64_t sweep_mix64(uint64_t x);

/* Seed of the scenario for task t. */
unsigned long long sweep_task_seed(const sweep *sw, size_t task);

/* The --set style overrides of task t (n strings "path=value", freed by
 * sweep_task_free_overrides). Returns NULL when out of memory. */
char **sweep_task_overrides(const sweep *sw, size_t task, size_t *n);
void sweep_task_free_overrides(char **ov, size_t n);

/* Run task t: load its scenario, simulate it with `threads` threads (no progress bar),
 * and store its n_outcomes outcomes in values. `stop` as in engine.h. Returns MSK_OK,
 * MSK_EINTERRUPTED, or an error with diagnostics located in the sweep file. */
msk_status sweep_run_task(const sweep *sw, size_t task, int threads, volatile sig_atomic_t *stop,
                          double *values, diag_list *diags);

/* Load the scenario of every point (or of an evenly spaced 100000 of them), before
 * anything runs: the first three that fail are reported, and each warning once with
 * the number of points that raise it. Returns MSK_OK, MSK_EDATA or MSK_ENOMEM. */
msk_status sweep_task_check_points(const sweep *sw, diag_list *d);

#endif
