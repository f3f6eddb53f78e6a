/* fuzz_plot.c — libFuzzer harness for the figure and export code on fuzzed but
 * well-formed results.
 *
 * Each input is a list of value edits to a valid base result ($MSK_FUZZ_RESULT, see
 * fuzzvalues.h; an input that is itself an HDF5 file is taken as it is). What the reader
 * accepts goes through everything `msksim plot` and `msksim export` do with it, into a
 * private temporary directory: plot_all with no image format (the TSV tables and gnuplot
 * scripts are written, gnuplot is not run), the report page (with a stand-in for each
 * image), and export_tables. Beyond
 * "no crash, no leak, no undefined behaviour": a result the reader accepted is plotted
 * (MSK_OK, never an internal error), export accepts it too, and the files written stay
 * small (FUZZ_PLOT_MAX_BYTES: the base result is a few people; a crafted file once made
 * plot write a 3.4 GB script). */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "export.h"
#include "fuzzcheck.h"
#include "fuzzvalues.h"
#include "gnuplot.h"
#include "plot.h"
#include "report.h"
#include "resultdata.h"
#include "resultfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_PLOT_MAX_BYTES = 64 << 20 };

static char path[128], dir[128];
static fuzzvalues values;

/* Empty dir (and its one level of subdirectories: export's tables); the bytes it held. */
static long long empty_dir(const char *d)
{
    long long bytes = 0;
    DIR *h = opendir(d);
    if (!h)
        return 0;
    struct dirent *e;
    while ((e = readdir(h))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            bytes += empty_dir(p);
            rmdir(p);
        } else {
            bytes += st.st_size;
            unlink(p);
        }
    }
    closedir(h);
    return bytes;
}

static void cleanup(void)
{
    unlink(path);
    empty_dir(dir);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/msk-fuzz-plot.XXXXXX", tmp);
    snprintf(dir, sizeof dir, "%s/msk-fuzz-plot-dir.XXXXXX", tmp);
    int fd = mkstemp(path);
    if (fd < 0 || !mkdtemp(dir)) {
        perror("mkstemp");
        abort();
    }
    close(fd);
    atexit(cleanup);
    if (!fuzzvalues_init(&values)) {
        fprintf(stderr, "fuzz_plot: set MSK_FUZZ_RESULT to a valid msksim result\n");
        abort();
    }
    return 0;
}

/* Everything plot and export do with an accepted result. */
static void plot_and_export(const resultdata *rd, diag_list *d)
{
    plot_set set;
    msk_status st = plot_all(rd, path, dir, 0, &set, d);
    if (st != MSK_OK) {
        diag_print(d, stderr);
        fprintf(stderr, "plot_all refused a result the reader accepted (status %d)\n", (int)st);
        abort();
    }
    /* The page embeds the images gnuplot would have made: a stand-in for each. */
    for (size_t i = 0; i < set.n; i++) {
        if (set.fig[i].skipped)
            continue;
        char img[512];
        snprintf(img, sizeof img, "%s/%s.svg", dir, set.fig[i].name);
        FILE *f = fopen(img, "w");
        if (!f || fputs("<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n", f) < 0 || fclose(f) != 0)
            abort();
    }
    st = report_write(rd, &set, path, dir, GP_SVG, d);
    plot_set_fini(&set);
    if (st != MSK_OK) {
        diag_print(d, stderr);
        fprintf(stderr, "report_write failed (status %d)\n", (int)st);
        abort();
    }
    char tables[256];
    snprintf(tables, sizeof tables, "%s/tables", dir);
    st = export_tables(path, tables, "csv", NULL, NULL, d);
    if (st != MSK_OK) {
        diag_print(d, stderr);
        fprintf(stderr, "export refused a result the reader accepted (status %d)\n", (int)st);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int whole_file = fuzzvalues_is_file(data, size);
    if (whole_file) {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
            abort();
    } else if (!fuzzvalues_write(&values, path, data, size))
        return 0;
    diag_list d;
    diag_list_init(&d);
    resultfile rf;
    memset(&rf, 0, sizeof rf);
    /* Edited values leave the file's structure as HDF5 wrote it: only a whole file needs
     * the probe (export's own probe still runs). */
    msk_status st = whole_file ? resultdata_probe(path, &d) : MSK_OK;
    if (st == MSK_OK)
        st = resultfile_open(&rf, path, &d);
    resultdata rd;
    memset(&rd, 0, sizeof rd);
    if (st == MSK_OK)
        st = resultdata_load(&rd, &rf);
    resultfile_close(&rf);
    if (st == MSK_OK) {
        plot_and_export(&rd, &d);
        resultdata_fini(&rd);
    }
    long long bytes = empty_dir(dir);
    if (bytes > FUZZ_PLOT_MAX_BYTES) {
        fprintf(stderr, "plot and export wrote %lld bytes for one fuzzed result of a few people\n", bytes);
        abort();
    }
    fuzzcheck_printed(&d);
    fuzzcheck_refusal(st, &d);
    diag_list_fini(&d);
    return 0;
}
