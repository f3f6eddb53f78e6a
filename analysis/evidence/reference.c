/* reference.c — the reference sections of docs/evidence.md (see reference.h). */
#include "reference.h"

#include "individual.h"
#include "instrument.h"

static const char measures_text[] =
    "\n## Measures, subgroups and one-sided intervals\n\n"
    "Besides changes, rates, differences between arms, event rates and prevalences, a "
    "target can use the measures published trials report:\n\n"
    "- `ratio_of_changes_pct`: the mean % change of `variable` divided by the mean % "
    "change of `versus_variable`, in the same people over the same interval (e.g. "
    "strength loss per unit of atrophy during disuse).\n"
    "- `retained_fraction`: the share of the change from `from_week` to `at_week` still "
    "present at `later_week`, (X(later) - X(from)) / (X(at) - X(from)), a ratio of means "
    "(detraining).\n"
    "- `responder_share`: the share of people whose changes meet every one of "
    "`criteria` at once, each `{variable, min_change_pct | min_change | max_change_pct | "
    "max_change}` (e.g. appendicular lean mass and grip both up).\n"
    "- `sd_change_pct`, `sd_change`: the standard deviation across people of the "
    "individual (% or absolute) change of `variable`: how much responses differ. With "
    "`instrument`, it includes the instrument's error, as a published SD does.\n\n"
    "Every measure can be restricted to a subgroup fixed at entry: `sex` (female or "
    "male), `age_min` and `age_max` (age at entry, the upper bound excluded), and "
    "`baseline_condition` (sarcopenia, severe_sarcopenia, osteopenia or osteoporosis at "
    "week 0, as the engine classifies the true values). A trial population can be "
    "restricted at inclusion with `population.sarcopenia: required` (or `excluded`): "
    "EWGSOP2 sarcopenia at entry, low grip and low appendicular lean mass by the "
    "`criteria.*` parameters.\n\n"
    "`accept: [null, 2.5]` or `accept: [0.5, null]` is a one-sided interval, for "
    "papers that report a bound only. In `msksim calibrate` such a target costs nothing "
    "inside its bound and, beyond it, the distance to the bound in units of half the "
    "distance between the published value and the bound.\n\n"
    "A target's weeks need not be observation times: `msksim evidence` observes the "
    "trial on the coarsest grid that holds them (the greatest common divisor of their "
    "days and `observe_every_weeks`, no finer than 0.1 week). Trials whose targets all "
    "lie on their grid run exactly as written.\n";

static const char instruments_head[] =
    "\n## Instruments and their measurement error\n\n"
    "Real trials measure with instruments of known precision, so their responder shares "
    "and the SDs of individual change include measurement error. A target may name the "
    "instruments that produced its figure (`instrument: jamar_grip`, or a list, one per "
    "variable); its measure then reads each person's value at each visit as the true "
    "value plus an error from the instrument's model: x (1 + CV z) for a CV, x + SD z for "
    "an SD, z standard normal. z is a pure function of the trial's seed, the person, the "
    "arm, the day and the variable (Random123 Philox), so results are identical for any "
    "thread count, visits and arms get independent errors, and every target that reads "
    "the same visit sees the same measured value. Result files keep the true values; "
    "only the measure sees the error. Sources are the literature dossier of issue 12, "
    "section 8; \"assumption\" marks a figure that could not be verified.\n\n"
    "| Instrument | Measures | Error | Source |\n|---|---|---|---|\n";

static const char validation_text[] =
    "\n## In sample and out of sample\n\n"
    "A target used by `msksim calibrate` is matched *in sample*: the free parameters were "
    "fitted to it, so its passing says the model can be tuned to it, not that it predicts "
    "it. Targets marked `calibrate: false` are never fitted; they are predictions even "
    "in the table above. `msksim validate scenarios/calibration.yaml -o REPORT.tsv` "
    "checks the calibration *out of sample*: it fits the calibration to every trial (the "
    "in-sample values), then splits the trials into folds by study (the part of a file "
    "name before its first '-', so the men and women of one cohort stay together), "
    "refits without each fold and measures the fold's targets at the parameters fitted "
    "without them. A target within tolerance out of sample is predicted from other "
    "studies. `--folds K` deals the studies into K folds (default: one per study); "
    "`--max-iterations N` caps each refit; `--markdown FILE` writes the report as "
    "Markdown. Each fit starts from the calibration file's start values and runs the "
    "trials at its `population_divisor`, so an in-sample value is exactly what the fit "
    "saw; the report is identical for any thread count. The cost is one calibration per "
    "fold plus one. The latest report is `docs/validation.md` (its header gives the "
    "command that wrote it).\n";

void evidence_write_reference(FILE *f)
{
    fputs(measures_text, f);
    fputs(instruments_head, f);
    for (size_t i = 1; i < instrument_count; i++) {
        const instrument_info *in = &instrument_table[i];
        fprintf(f, "| `%s` | %s (`%s`) | ", in->name, in->what, obs_var_table[in->variable].name);
        if (in->kind == INSTRUMENT_CV)
            fprintf(f, "CV %g%%", in->error);
        else
            fprintf(f, "SD %g %s", in->error, obs_var_table[in->variable].units);
        fprintf(f, " | %s |\n", in->source);
    }
    fputs(validation_text, f);
}
