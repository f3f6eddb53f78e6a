/* report.h — the self-contained report page of `msksim plot` (index.html).
 *
 * One HTML file that opens anywhere, offline: every figure embedded as a data: URI
 * (base64 PNG, or SVG when no PNG was made), its caption (what it shows, how to read
 * it, what the simulation assumed), a note for each figure that does not apply, and
 * the summary tables. No scripts, fonts or style sheets are fetched. All text that
 * comes from the result file is escaped (report_html_text), so a name like
 * "<script>" shows as written and cannot change the page. */
#ifndef MSK_REPORT_H
#define MSK_REPORT_H

#include <stdio.h>

#include "plot.h"
#include "resultdata.h"
#include "status.h"

/* Write DIR/index.html for the figures of `set` (images read from DIR; image_format is
 * GP_PNG or GP_SVG). result_path is shown as the source. MSK_OK, or MSK_EIO with a
 * diagnostic. */
msk_status report_write(const resultdata *d, const plot_set *set, const char *result_path,
                        const char *dir, unsigned image_format, diag_list *diags);

/* The start of a report page: doctype, the page's style, <title> and <h1> TITLE. */
void report_page_head(FILE *f, const char *title);

/* Embed DIR/NAME.EXT (EXT from image_format: GP_PNG or GP_SVG) as a data: URI <img> with
 * alt text ALT. MSK_OK, or MSK_EIO with a diagnostic when the image cannot be read. */
msk_status report_embed_image(FILE *f, const char *dir, const char *name, unsigned image_format,
                              const char *alt, diag_list *diags);

/* Write s as HTML text: & < > " ' escaped, control characters (but newlines) dropped. */
void report_html_text(FILE *f, const char *s);

/* Write n bytes as base64 (RFC 4648, no line breaks). */
void report_base64(FILE *f, const unsigned char *data, size_t n);

#endif
