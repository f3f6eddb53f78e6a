/* plot.h — the figure set of `msksim plot`: what a class can look at.
 *
 * From a loaded result (resultdata.h) it writes, for every figure that applies to the
 * run, NAME.tsv (the plotted numbers), NAME.gp (a commented gnuplot script) and the
 * images, and it records a plain-language caption (what the figure shows, how to read
 * it, what the simulation assumed) for the report page (report.h):
 *   1  mean trajectories per arm with 95% bands (leg lean mass, knee strength, FN BMD
 *      on WHO T-score bands);
 *   2  muscle loss per week of immobilization, during and after it;
 *   3  end-of-study change per arm, and paired differences against the reference arm;
 *   4  cumulative incidence of falls and fractures;
 *   5  prevalence of sarcopenia, osteopenia and osteoporosis;
 *   6a one sampled person's story (muscle, bone, activity; falls, fractures and
 *      immobilizations marked); 6b muscle against bone for the sampled people (the
 *      spiral);
 *   7  BFR dose (load, cuff pressure) against effect and adverse events.
 * A figure that does not apply (no immobilization, no sampled people, no BFR arm) is
 * skipped with the reason, never drawn empty. File names are fixed ("fig1-trajectories"
 * ...); nothing read from the result file becomes part of a path. */
#ifndef MSK_PLOT_H
#define MSK_PLOT_H

#include <stddef.h>

#include "resultdata.h"
#include "status.h"

enum { PLOT_MAX_FIGURES = 11 };

typedef struct plot_figure {
    const char *name;   /* file base name, e.g. "fig1-trajectories" (static) */
    const char *number; /* "1", "6a" (static) */
    char *title;        /* what is compared, as in the figure's title */
    char *shows, *how, *assumed; /* caption, plain UTF-8 text */
    char *skipped;      /* why the figure does not apply; NULL when it was made */
} plot_figure;

typedef struct {
    plot_figure fig[PLOT_MAX_FIGURES];
    size_t n;
    char *study; /* the study in a few plain sentences: people, follow-up, arms */
} plot_set;

/* Make every figure for d in the existing directory dir, in each format of `formats`
 * (GP_PNG | GP_SVG | GP_PDF). result_path is named in the scripts' comments.
 * Returns MSK_OK, MSK_EIO (cannot write, gnuplot missing) or MSK_ESOFTWARE (gnuplot
 * failed or warned), with diagnostics. *out is filled as far as it got either way;
 * free it with plot_set_fini. */
msk_status plot_all(const resultdata *d, const char *result_path, const char *dir,
                    unsigned formats, plot_set *out, diag_list *diags);

void plot_set_fini(plot_set *s);

/* The end-of-study outcomes in words, for figure 3 and the summary table
 * ("Leg lean mass", "Knee strength", ...). */
extern const char *const plot_key_label[RK_COUNT];

/* Every file name plot_all may write, for cleaning up stale figures: a NULL-terminated
 * list of base names. */
extern const char *const plot_figure_names[];

#endif
