/* fixedstep.c — the fixed-step loop msksim bench compares with the exact one (see
 * life.h; docs/performance.md). */
#define MSK_INDIVIDUAL_LOOPS /* life.h: the state and steps shared with individual.c */
#include "individual.h"

#include "minmax.h"

/* The fixed-step loop (plan->fixed_step_days = h > 0), which msksim bench compares
 * with the exact one (docs/performance.md): the same state, handlers and model
 * functions, but time moves in steps of h days. Inputs and hazards are re-evaluated at
 * every step. Each hazard clock loses rate x h per step and its event happens at the
 * end of the step in which it ran out: a Bernoulli trial per step with probability
 * 1 - exp(-rate h), driven by the same random numbers as the exact loop, so the two
 * differ by the discretisation alone. Scheduled events run at the first step boundary
 * at or after their time. */
msk_status fixedstep_run(life *L, obs_record *rec, double h)
{
    size_t next_obs = 0;
    for (;;) {
        while (life_next_scheduled(L, next_obs) <= L->t) {
            evq_event e;
            life_pop_scheduled(L, next_obs, &e);
            int after = life_run_scheduled(L, &e, rec, &next_obs);
            if (after == AFTER_BROKEN)
                return MSK_ESOFTWARE;
            if (after == AFTER_END)
                return MSK_OK;
        }
        life_refresh(L);
        if (L->bad->violated)
            return MSK_ESOFTWARE;
        if (!life_advance(L, msk_fmin(L->t + h, L->plan->horizon_days)))
            return MSK_ESOFTWARE;
        L->steps++;
        for (int k = 0; k < CLOCKS; k++)
            if (L->rate[k] > 0 && L->clock[k] <= 0 && life_fire(L, k, rec, next_obs))
                return MSK_OK;
    }
}
