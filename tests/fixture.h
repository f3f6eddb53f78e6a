/* fixture.h — load a scenario from text and run it, for engine-level tests. */
#define _DEFAULT_SOURCE /* mkstemps */
#ifndef MSK_FIXTURE_H
#define MSK_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "results.h"
#include "scenario.h"

/* Write text to a fresh temporary file and load it with the given overrides; exits
 * the test on failure (a fixture that does not load is a broken test). */
static inline void fixture_load(scenario *sc, const char *text, const char *const *sets, size_t n_sets)
{
    char path[] = "/tmp/msksim-test-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror("fixture");
        exit(99);
    }
    close(fd);
    diag_list d;
    diag_list_init(&d);
    msk_status st = scenario_load(sc, path, sets, n_sets, &d);
    diag_print(&d, stderr);
    diag_list_fini(&d);
    unlink(path);
    if (st != MSK_OK) {
        fprintf(stderr, "fixture: scenario failed to load (%d)\n%s\n", st, text);
        exit(99);
    }
}

static inline void fixture_run(const scenario *sc, int threads, engine_result *r)
{
    diag_list d;
    diag_list_init(&d);
    msk_status st = engine_run(sc, threads, NULL, r, &d);
    diag_print(&d, stderr);
    diag_list_fini(&d);
    if (st != MSK_OK) {
        fprintf(stderr, "fixture: run failed (%d)\n", st);
        exit(99);
    }
}

/* Index of the arm called name. */
static inline size_t fixture_arm(const scenario *sc, const char *name)
{
    for (size_t a = 0; a < sc->n_arms; a++)
        if (strcmp(sc->arms[a].name, name) == 0)
            return a;
    fprintf(stderr, "fixture: no arm %s\n", name);
    exit(99);
}

/* Mean of variable v in arm a at observation k. */
static inline double fixture_mean(const engine_result *r, size_t a, size_t k, obs_var v)
{
    return obs_mean(&r->acc->value[obs_index(r->acc, a, k) * OV_COUNT + v]);
}

/* Cumulative count of event c in arm a at the end. */
static inline double fixture_count(const engine_result *r, size_t a, obs_count c)
{
    return (double)r->acc->count[obs_index(r->acc, a, r->acc->n_obs - 1) * EVC_COUNT + c];
}

#endif
