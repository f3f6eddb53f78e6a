/* fuzzcheck.h — properties every fuzz harness checks on the diagnostics it gets. */
#ifndef MSK_FUZZCHECK_H
#define MSK_FUZZCHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "status.h"

/* What reaches the terminal: one line per diagnostic, no control character but the
 * tab (a hostile file must not drive the terminal with escape sequences, nor forge
 * lines that look like further diagnostics). */
static inline void fuzzcheck_printed(const diag_list *d)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    diag_print(d, f);
    fclose(f);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)buf[i];
        if (c == '\n')
            lines++;
        else if ((c < 0x20 && c != '\t') || c == 0x7F) {
            fprintf(stderr, "control character 0x%02X in the printed diagnostics:\n%s", c, buf);
            abort();
        }
    }
    if (lines != d->count) {
        fprintf(stderr, "%zu diagnostics printed as %zu lines:\n%s", d->count, lines, buf);
        abort();
    }
    free(buf);
}

/* A refusal must say why (out of memory aside). */
static inline void fuzzcheck_refusal(msk_status st, const diag_list *d)
{
    if (st != MSK_OK && st != MSK_ENOMEM && d->errors == 0) {
        fprintf(stderr, "refused (status %d) without an error diagnostic\n", (int)st);
        abort();
    }
}

#endif
