/* test_journal.c — the checkpoint journal keeps exact values, survives a cut-off last
 * line, and refuses what it must not mix in. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "testutil.h"

static char dir[] = "/tmp/msksim-journal-XXXXXX";

static void append_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    fputs(text, f);
    fclose(f);
}

int main(void)
{
    if (!mkdtemp(dir))
        return 99;
    char out[256], path[300];
    snprintf(out, sizeof out, "%s/result.h5", dir);
    char *name = journal_name(out, 0, 0);
    snprintf(path, sizeof path, "%s", name);
    free(name);

    diag_list d;
    diag_list_init(&d);
    const uint64_t key = 0x0123456789abcdefULL;
    journal *j = journal_open(path, key, 10, 3, &d);
    CHECK(j != NULL, "open a new journal %s", path);
    /* Values that text formats tend to spoil: exact bits must come back. */
    const double v3[3] = {0.1, -1.0 / 3.0, NAN}, v7[3] = {1e-300, -0.0, 6.02214076e23};
    CHECK(journal_append(j, 3, v3, &d) == MSK_OK && journal_append(j, 7, v7, &d) == MSK_OK, "append tasks 3 and 7");
    journal *second = journal_open(path, key, 10, 3, &d);
    CHECK(second == NULL && d.errors == 1, "a second writer is refused while the first holds the lock: %s",
          d.count ? d.items[d.count - 1].message : "(no message)");
    journal_close(j);

    journal_state s;
    journal_state_init(&s, 10, 3);
    diag_list_fini(&d);
    diag_list_init(&d);
    CHECK(journal_read(path, key, &s, &d) == MSK_OK && s.n_done == 2 && s.done[3] && s.done[7] && !s.done[4],
          "read back: %zu tasks done (3 and 7)", s.n_done);
    CHECK(memcmp(&s.values[9], v3, 2 * sizeof(double)) == 0 && isnan(s.values[11]) &&
              memcmp(&s.values[21], v7, sizeof v7) == 0,
          "values come back bit for bit (0.1, -1/3, NaN, 1e-300, -0, 6.02e23)");

    /* A crash cuts the last line: ignored on reading, cut off when reopened. */
    append_text(path, "task 5 3ff0000000000000 40");
    journal_state t;
    journal_state_init(&t, 10, 3);
    CHECK(journal_read(path, key, &t, &d) == MSK_OK && t.n_done == 2 && !t.done[5],
          "a cut-off last line is ignored (%zu done)", t.n_done);
    j = journal_open(path, key, 10, 3, &d);
    const double v5[3] = {5, 5, 5};
    CHECK(j && journal_append(j, 5, v5, &d) == MSK_OK, "reopen and append after the cut-off line");
    journal_close(j);
    journal_state_fini(&t);
    journal_state_init(&t, 10, 3);
    CHECK(journal_read(path, key, &t, &d) == MSK_OK && t.n_done == 3 && t.done[5] && t.values[15] == 5,
          "the cut-off line was replaced by the new one (%zu done)", t.n_done);
    journal_state_fini(&t);

    /* Another sweep's key: an error naming both keys, nothing read. */
    journal_state_init(&t, 10, 3);
    CHECK(journal_read(path, key + 1, &t, &d) == MSK_EDATA && t.n_done == 0,
          "a journal of another sweep is refused: %s", d.items[d.count - 1].message);
    CHECK(journal_open(path, key + 1, 10, 3, &d) == NULL, "and cannot be appended to");
    journal_state_fini(&t);

    /* A damaged line in the middle (a changed digit) is not a crash: refused. */
    FILE *f = fopen(path, "r+");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    char *second_line = strchr(text, '\n') + 1;
    char *digit = strchr(second_line, ' ') + 3;
    *digit = *digit == '1' ? '2' : '1';
    rewind(f);
    fwrite(text, 1, n, f);
    fclose(f);
    journal_state_init(&t, 10, 3);
    size_t before = d.errors;
    CHECK(journal_read(path, key, &t, &d) == MSK_EDATA && d.errors == before + 1,
          "a damaged line followed by good ones is refused: %s", d.items[d.count - 1].message);
    journal_state_fini(&t);

    /* Names: the plain journal and every shard's are found, nothing else. */
    char *shard = journal_name(out, 2, 4);
    append_text(shard, "");
    char other[300];
    snprintf(other, sizeof other, "%s/result.h5.journalx", dir);
    append_text(other, "");
    char **names;
    size_t count;
    CHECK(journal_find(out, &names, &count, &d) == MSK_OK && count == 2 && strstr(names[1], "shard-2-of-4"),
          "journal_find lists the journal and the shard's (%zu found)", count);
    journal_free_names(names, count);
    unlink(shard);
    unlink(other);
    unlink(path);
    free(shard);
    rmdir(dir);
    journal_state_fini(&s);
    diag_list_fini(&d);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
