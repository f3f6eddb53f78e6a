/* test_gnuplot.c — scripts, TSV cells and running gnuplot (gnuplot.h), and the text
 * escaping of the report page (report.h).
 *
 * Text from a result file must not be able to end a gnuplot string early, start a
 * `backquoted` shell command or break a TSV row; gnuplot's warnings (exit status 0 but
 * text on stderr) must fail a run, as must a missing gnuplot. HTML text is escaped and
 * base64 follows RFC 4648's test vectors. */
#include "gnuplot.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static char dir[] = "/tmp/msk-test-gnuplot-XXXXXX";

/* Capture what a writer function prints. */
static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    fn(m, s);
    fclose(m);
    return buf;
}

static void base64_of(FILE *f, const char *s)
{
    report_base64(f, (const unsigned char *)s, strlen(s));
}

static void strings(void)
{
    char *s = capture(gp_string, "it's `touch x`\nnext");
    CHECK(s && strcmp(s, "'it\xE2\x80\x99s `touch x`?next'") == 0,
          "gp_string: quote typographic, backquotes kept inside single quotes, newline '?' (%s)", s);
    free(s);
    s = capture(gp_string, "'lead");
    CHECK(s && strcmp(s, "'\xE2\x80\x99lead'") == 0, "gp_string: a leading quote cannot end the string (%s)", s);
    free(s);
    s = capture(gp_cell, "a\tb\nc");
    CHECK(s && strcmp(s, "a b c") == 0, "gp_cell: tab and newline become spaces (%s)", s);
    free(s);
    s = capture(report_html_text, "<script>\"x\" & 'y'</script>");
    CHECK(s && strcmp(s, "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;") == 0,
          "report_html_text escapes markup (%s)", s);
    free(s);
    /* RFC 4648, section 10. */
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        s = capture(base64_of, in[i]);
        CHECK(s && strcmp(s, out[i]) == 0, "base64(\"%s\") = %s (want %s)", in[i], s, out[i]);
        free(s);
    }
}

static void ranges(void)
{
    gp_range r;
    gp_range_init(&r);
    gp_range_final(&r, 0.1, 0);
    CHECK(r.lo == 0 && r.hi == 1, "empty range becomes [0, 1] (%g, %g)", r.lo, r.hi);
    gp_range_init(&r);
    gp_range_add(&r, 0);
    gp_range_add(&r, NAN);
    gp_range_final(&r, 0.1, 1);
    CHECK(r.lo == 0 && r.hi > 0, "all zero widens upwards from 0 (%g, %g)", r.lo, r.hi);
    gp_range_init(&r);
    gp_range_add(&r, 7.5);
    gp_range_final(&r, 0.1, 0);
    CHECK(r.lo < 7.5 && r.hi > 7.5, "a flat range is widened (%g, %g)", r.lo, r.hi);
    gp_range_init(&r);
    gp_range_add(&r, 2);
    gp_range_add(&r, 4);
    gp_range_final(&r, 0.1, 0);
    CHECK_CLOSE(r.lo, 1.8, 1e-12, "padded low end");
    CHECK_CLOSE(r.hi, 4.2, 1e-12, "padded high end");
    gp_range_init(&r);
    gp_range_add(&r, 0.01);
    gp_range_add(&r, 0.2);
    gp_range_final(&r, 0.1, 0);
    CHECK(r.lo == 0, "a share does not go below 0 (%g)", r.lo);
}

static void write_file(const char *name, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int diag_has(const diag_list *d, const char *fragment)
{
    for (size_t i = 0; i < d->count; i++)
        if (strstr(d->items[i].message, fragment))
            return 1;
    return 0;
}

static void running(void)
{
    diag_list diags;
    diag_list_init(&diags);
    write_file("ok.gp", "set terminal pngcairo size 200,100\nset output 'ok.png'\nplot x\n");
    msk_status st = gp_run(dir, "ok.gp", GP_PNG, &diags);
    CHECK(st == MSK_OK && diags.count == 0, "a clean script runs (status %d)", st);
    char png[512];
    snprintf(png, sizeof png, "%s/ok.png", dir);
    CHECK(access(png, R_OK) == 0, "gnuplot ran in the figure directory and wrote ok.png there");

    /* Exit status 0 but a warning on stderr: still a failure. */
    write_file("nan.dat", "1 NaN\n");
    write_file("warn.gp", "set terminal pngcairo\nset output 'w.png'\nset datafile missing 'NaN'\n"
                          "plot 'nan.dat' using 1:2, x\n");
    st = gp_run(dir, "warn.gp", GP_PNG, &diags);
    CHECK(st == MSK_ESOFTWARE && diag_has(&diags, "no valid points"),
          "a gnuplot warning fails the run and is quoted (status %d)", st);

    write_file("bad.gp", "plot 'no such file.tsv'\n");
    st = gp_run(dir, "bad.gp", GP_SVG, &diags);
    CHECK(st == MSK_ESOFTWARE && diag_has(&diags, "exit status"), "a gnuplot error fails the run (status %d)", st);

    /* No gnuplot on PATH. */
    const char *old = getenv("PATH");
    char *saved = old ? strdup(old) : NULL;
    setenv("PATH", dir, 1);
    st = gp_run(dir, "ok.gp", GP_PNG, &diags);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    CHECK(st == MSK_EIO && diag_has(&diags, "not installed"), "a missing gnuplot is MSK_EIO with advice (status %d)", st);
    diag_list_fini(&diags);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        printf("FAIL: cannot create a temporary directory\n");
        return 1;
    }
    strings();
    ranges();
    running();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("note: could not remove %s\n", dir);
    return test_failures;
}
