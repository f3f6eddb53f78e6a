/* instrument.c — the table of instruments and their measurement error (see instrument.h).
 * Sources: the literature dossier of issue 12, section 8 (docs/evidence.md lists them). */
#include "instrument.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <Random123/philox.h>

#include "individual.h"

const instrument_info instrument_table[] = {
    {"true", -1, INSTRUMENT_TRUE, 0, "the true value (no instrument)", ""},
    {"dxa_leg_lean", OV_LEG_LEAN, INSTRUMENT_CV, 2.7,
     "DXA lean mass of one leg",
     "short-term RMS-CV of DXA leg lean mass, PMC6127003 Table 4 (23 people with SCI: "
     "probably an upper bound for able-bodied adults)"},
    {"dxa_appendicular_lean", OV_ASM, INSTRUMENT_CV, 2.0,
     "DXA appendicular lean mass",
     "assumption: between DXA total-body lean (1.2%) and leg lean (2.7%) of PMC6127003; "
     "'1-2% in healthy older adults' is unverified"},
    {"dxa_whole_body_lean", OV_LBM, INSTRUMENT_CV, 1.2,
     "DXA whole-body lean mass",
     "short-term RMS-CV of DXA total-body lean mass 1.2%, PMC6127003 Table 4"},
    {"ct_mri_csa", OV_QUAD_CSA, INSTRUMENT_CV, 1.5,
     "quadriceps CSA by CT or MRI",
     "assumption: test-retest CV 'typically 1-2%' (unverified); single-slice change vs "
     "volume change agrees less well (Tracy et al. 2003, MSSE 35:425)"},
    {"dynamometer_isometric", OV_KNEE, INSTRUMENT_CV, 5.0,
     "isometric knee-extension torque on a dynamometer",
     "SEM 3.1-7.4% for isometric and 90 deg/s torque in 40 adults (Isokinet Exerc Sci, "
     "ies00522); 5% is the middle of that range"},
    {"dynamometer_isokinetic", OV_KNEE, INSTRUMENT_CV, 9.0,
     "isokinetic knee-extension peak torque",
     "typical error CV 8-10% (averaged trials) in 19 men aged 72 on a Biodex, Symons et al. "
     "2005, J Gerontol A 60:114; Parraca et al. 2022 SEM 3.9-10.5%"},
    {"jamar_grip", OV_GRIP, INSTRUMENT_SD, 1.0,
     "grip strength with a Jamar dynamometer",
     "derived: day-to-day ICC 0.98 in 67 people aged 76 (Benton et al. 2022, PLoS One "
     "17:e0270132) with a between-person SD of about 7 kg (assumption) gives SEM = "
     "7 x sqrt(1 - 0.98) = 1.0 kg; the systematic -2.1 kg between days is not modelled"},
    {"dxa_fn_bmd", OV_BMD, INSTRUMENT_CV, 1.5,
     "femoral-neck BMD by DXA",
     "average short-term CV on Hologic scanners, 57 studies (Wilson & Smith, Hologic "
     "white paper); single-hip CV 1.66% in White et al. 2003, J Clin Densitom 6:159"},
    {"gait_4m", OV_GAIT, INSTRUMENT_SD, 0.07,
     "usual gait speed over a timed course (4 m), between visits",
     "SEM 0.07 m/s over 20 m (PMC7392790 Table 2, n about 2500); MDC 19.5 cm/s between "
     "visits (Donoghue et al. 2019, BMJ Open 9:e030475) gives SEM = 0.195 / (1.96 x "
     "sqrt 2) = 0.07 m/s; within one session the 4-m SEM is only 0.004-0.008 m/s (Peters "
     "et al. 2013)"},
};
const size_t instrument_count = sizeof instrument_table / sizeof instrument_table[0];

size_t instrument_find(const char *name)
{
    for (size_t i = 1; i < instrument_count; i++)
        if (strcmp(instrument_table[i].name, name) == 0)
            return i;
    return 0;
}

void instrument_list(char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 1; i < instrument_count && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i > 1 ? ", " : "", instrument_table[i].name);
}

/* Key word 1 tells these draws from the engine's streams (rng.h uses small purposes). */
#define MEASUREMENT_STREAM 0x4d45415355524531u /* "MEASURE1" */

static double unit_open(uint64_t x)
{
    return ((double)(x >> 11) + 0.5) * 0x1.0p-53;
}

double instrument_normal(uint64_t seed, uint64_t who, uint64_t arm, double day, int variable)
{
    /* The day in thousandths: observation days are exact to far better than that. */
    const uint64_t milli = (uint64_t)llround(day * 1000.0);
    philox4x64_ctr_t c = {{who, arm, milli, (uint64_t)variable}};
    philox4x64_key_t k = {{seed, MEASUREMENT_STREAM}};
    philox4x64_ctr_t x = philox4x64(c, k);
    /* Box-Muller: two independent uniforms on (0, 1) give one normal deviate. */
    const double u1 = unit_open(x.v[0]), u2 = unit_open(x.v[1]);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double instrument_read(size_t in, double x, uint64_t seed, uint64_t who, uint64_t arm,
                       double day)
{
    const instrument_info *I = &instrument_table[in];
    if (I->kind == INSTRUMENT_TRUE)
        return x;
    const double z = instrument_normal(seed, who, arm, day, I->variable);
    const double m = I->kind == INSTRUMENT_CV ? x * (1.0 + I->error / 100.0 * z) : x + I->error * z;
    return fmax(m, 0.1 * x);
}
