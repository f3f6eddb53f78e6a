/* resultfile.c — defensive reading of msksim result files (see resultfile.h). */
#include "resultfile.h"


#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "h5err.h"

/* "\211HDF\r\n\032\n": the format signature, at offset 0 or, after a user block, at
 * 512, 1024, 2048, ... (HDF5 file format specification, superblock). */
static const unsigned char HDF5_SIGNATURE[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
enum { SIGNATURE_FIRST_BLOCK = 512, MAX_LISTED = 100000 };

/* ---- HDF5 error handling ---------------------------------------------------------- */

/* Names from the file are shown on one line, without control characters. */
static void printable(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            *s = ' ';
}

/* Every failure passes through here: one diagnostic naming the file and the object,
 * with HDF5's reason when an HDF5 call failed (its stack must be read first). */
static msk_status vfail(resultfile *rf, msk_status st, const char *object, bool with_hdf5,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static msk_status vfail(resultfile *rf, msk_status st, const char *object, bool with_hdf5,
                        const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    h5err_report(rf->diags, rf->path, object, with_hdf5, msg);
    return st;
}

static msk_status fail(resultfile *rf, msk_status st, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static msk_status fail(resultfile *rf, msk_status st, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    st = vfail(rf, st, object, false, fmt, ap);
    va_end(ap);
    return st;
}

static msk_status h5_fail(resultfile *rf, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static msk_status h5_fail(resultfile *rf, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msk_status st = vfail(rf, MSK_EDATA, object, true, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- Names ------------------------------------------------------------------------ */

static bool utf8_ok(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s;
        int extra = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
        if (extra < 0 || (extra == 1 && c < 0xc2))
            return false;
        s++;
        for (int i = 0; i < extra; i++, s++)
            if ((*s & 0xc0) != 0x80)
                return false;
    }
    return true;
}

int resultfile_name_ok(const char *name)
{
    if (!name)
        return 0;
    size_t n = strlen(name);
    if (n == 0 || n > RESULTFILE_MAX_NAME || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/')
            return 0;
    return utf8_ok((const unsigned char *)name);
}

/* ---- Opening ---------------------------------------------------------------------- */

static bool has_signature(int fd, off_t size)
{
    unsigned char buf[sizeof HDF5_SIGNATURE];
    for (off_t at = 0; at + (off_t)sizeof buf <= size;
         at = at == 0 ? SIGNATURE_FIRST_BLOCK : 2 * at) {
        if (pread(fd, buf, sizeof buf, at) != (ssize_t)sizeof buf)
            return false;
        if (memcmp(buf, HDF5_SIGNATURE, sizeof buf) == 0)
            return true;
    }
    return false;
}

/* Regular, readable, non-empty, HDF5 signature: checked before HDF5 sees the file.
 * made_by names the command that writes the kind of result expected. */
static msk_status check_file(resultfile *rf, const char *made_by)
{
    int fd = open(rf->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(rf, MSK_ENOINPUT, "", "cannot open the result file: %s", strerror(errno));
    struct stat st;
    msk_status s = MSK_OK;
    if (fstat(fd, &st) != 0)
        s = fail(rf, MSK_ENOINPUT, "", "cannot read the result file: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        s = fail(rf, MSK_ENOINPUT, "", "is a directory, not a result file (give the .h5 file written by '%s')", made_by);
    else if (!S_ISREG(st.st_mode))
        s = fail(rf, MSK_ENOINPUT, "", "is not a regular file");
    else if (st.st_size == 0)
        s = fail(rf, MSK_EDATA, "", "empty file; expected an msksim result (HDF5) written by '%s'", made_by);
    else if (!has_signature(fd, st.st_size))
        s = fail(rf, MSK_EDATA, "",
                 "not an HDF5 file (no HDF5 signature); expected an msksim result written by '%s'", made_by);
    close(fd);
    return s;
}

/* The file itself: checked (check_file), then opened read-only by HDF5. */
static msk_status open_file(resultfile *rf, const char *path, const char *made_by, diag_list *diags)
{
    rf->path = strdup(path ? path : "");
    rf->file = -1;
    rf->diags = diags;
    if (!rf->path)
        return MSK_ENOMEM;
    msk_status st = check_file(rf, made_by);
    if (st != MSK_OK)
        return st;

    h5err_quiet q = h5err_silence();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) >= 0)
        rf->file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (rf->file < 0)
        st = h5_fail(rf, "", "damaged HDF5 file: HDF5 cannot open it (cut short while copying, or not written completely?)");
    if (fapl >= 0)
        H5Pclose(fapl);
    h5err_loud(q);
    return st;
}

static const char NOT_OURS[] = "an HDF5 file, but not an msksim result";

/* Every msksim result names msksim as its source. */
static msk_status check_source(resultfile *rf)
{
    if (!resultfile_has_attr(rf, "/", "source"))
        return fail(rf, MSK_EDATA, "/", "%s: the root has no 'source' attribute naming msksim", NOT_OURS);
    char *source = NULL;
    msk_status st = resultfile_attr_text(rf, "/", "source", &source);
    if (st == MSK_OK && strncmp(source, "msksim", 6) != 0) {
        char shown[81];
        snprintf(shown, sizeof shown, "%s", source);
        printable(shown);
        st = fail(rf, MSK_EDATA, "/", "%s: its 'source' attribute is '%s'", NOT_OURS, shown);
    }
    free(source);
    return st;
}

static msk_status check_conventions(resultfile *rf)
{
    if (!resultfile_has_attr(rf, "/", "Conventions"))
        return fail(rf, MSK_EDATA, "/", "%s: the root has no 'Conventions' attribute", NOT_OURS);
    return MSK_OK;
}

/* Is the root attribute msksim_result "sweep"? A missing or unreadable attribute reads
 * as no, without a diagnostic. */
static bool sweep_attr(resultfile *rf)
{
    if (!resultfile_has_attr(rf, "/", "msksim_result"))
        return false;
    diag_list quiet, *loud = rf->diags;
    diag_list_init(&quiet);
    rf->diags = &quiet;
    char *kind = NULL;
    bool yes = resultfile_attr_text(rf, "/", "msksim_result", &kind) == MSK_OK && strcmp(kind, "sweep") == 0;
    rf->diags = loud;
    free(kind);
    diag_list_fini(&quiet);
    return yes;
}

/* After a failed check the HDF5 file is closed at once; the path stays for
 * resultfile_close. */
static msk_status closed_unless_ok(resultfile *rf, msk_status st)
{
    if (st != MSK_OK && rf->file >= 0) {
        H5Fclose((hid_t)rf->file);
        rf->file = -1;
    }
    return st;
}

msk_status resultfile_open(resultfile *rf, const char *path, diag_list *diags)
{
    msk_status st = open_file(rf, path, "msksim run", diags);
    if (st == MSK_OK)
        st = check_source(rf);
    /* A run's result has time and arm axes. */
    if (st == MSK_OK && (!resultfile_exists(rf, "/time") || !resultfile_exists(rf, "/arm")))
        st = fail(rf, MSK_EDATA, "/", "%s: it has no 'time' or 'arm' dimension at the root", NOT_OURS);
    if (st == MSK_OK)
        st = check_conventions(rf);
    return closed_unless_ok(rf, st);
}

msk_status resultfile_open_sweep(resultfile *rf, const char *path, diag_list *diags)
{
    msk_status st = open_file(rf, path, "msksim sweep", diags);
    if (st == MSK_OK)
        st = check_source(rf);
    if (st == MSK_OK && !sweep_attr(rf))
        st = fail(rf, MSK_EDATA, "/", "not a result of `msksim sweep` (no msksim_result = \"sweep\" attribute)");
    if (st == MSK_OK)
        st = check_conventions(rf);
    return closed_unless_ok(rf, st);
}

int resultfile_is_sweep(const char *path)
{
    diag_list quiet;
    diag_list_init(&quiet);
    resultfile rf;
    int kind = open_file(&rf, path, "msksim sweep", &quiet) == MSK_OK ? sweep_attr(&rf) : -1;
    resultfile_close(&rf);
    diag_list_fini(&quiet);
    return kind;
}

void resultfile_close(resultfile *rf)
{
    if (!rf)
        return;
    if (rf->path && rf->file >= 0) { /* path is set by every open, failed or not */
        h5err_quiet q = h5err_silence();
        H5Fclose((hid_t)rf->file);
        H5Eclear2(H5E_DEFAULT);
        h5err_loud(q);
    }
    rf->file = -1;
    free(rf->path);
    rf->path = NULL;
}

/* ---- Objects ---------------------------------------------------------------------- */

static bool exists_quiet(hid_t file, const char *object)
{
    if (!object || object[0] != '/')
        return false;
    if (object[1] == '\0')
        return true;
    size_t n = strlen(object);
    char *p = malloc(n + 1);
    if (!p)
        return false;
    memcpy(p, object, n + 1);
    bool ok = true;
    /* H5Lexists needs every link before the last one to exist. */
    for (size_t i = 1; i <= n && ok; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        ok = H5Lexists(file, p, H5P_DEFAULT) > 0 && H5Oexists_by_name(file, p, H5P_DEFAULT) > 0;
        p[i] = c;
    }
    free(p);
    H5Eclear2(H5E_DEFAULT);
    return ok;
}

int resultfile_exists(resultfile *rf, const char *object)
{
    if (rf->file < 0)
        return 0;
    h5err_quiet q = h5err_silence();
    bool ok = exists_quiet((hid_t)rf->file, object);
    h5err_loud(q);
    return ok;
}

int resultfile_has_attr(resultfile *rf, const char *object, const char *name)
{
    if (rf->file < 0)
        return 0;
    h5err_quiet q = h5err_silence();
    int ok = exists_quiet((hid_t)rf->file, object) &&
             H5Aexists_by_name((hid_t)rf->file, object, name, H5P_DEFAULT) > 0;
    H5Eclear2(H5E_DEFAULT);
    h5err_loud(q);
    return ok;
}

/* Open a dataset and check its presence and type class: c1 or c2 (H5T_NO_CLASS as
 * c2: no second choice; as c1: any class). Returns the dataset and its space. */
static msk_status open_dataset(resultfile *rf, const char *name, H5T_class_t c1, H5T_class_t c2,
                               hid_t *dset, hid_t *space)
{
    *dset = *space = -1;
    if (rf->file < 0)
        return fail(rf, MSK_EDATA, name, "file is not open");
    if (!exists_quiet((hid_t)rf->file, name))
        return fail(rf, MSK_EDATA, name, "missing: not an msksim result, or written by an incompatible version");
    hid_t d = H5Dopen2((hid_t)rf->file, name, H5P_DEFAULT);
    if (d < 0)
        return h5_fail(rf, name, "not a readable dataset");
    hid_t t = H5Dget_type(d);
    H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t >= 0)
        H5Tclose(t);
    if (c1 != H5T_NO_CLASS && cls != c1 && (c2 == H5T_NO_CLASS || cls != c2)) {
        H5Dclose(d);
        return fail(rf, MSK_EDATA, name, "has the wrong type (%s expected)",
                    c1 == H5T_STRING ? "text" : c1 == H5T_FLOAT ? "numbers" : "integers");
    }
    hid_t s = H5Dget_space(d);
    if (s < 0) {
        H5Dclose(d);
        return h5_fail(rf, name, "cannot read the shape");
    }
    *dset = d;
    *space = s;
    return MSK_OK;
}

static void close_dataset(hid_t d, hid_t s)
{
    if (s >= 0)
        H5Sclose(s);
    if (d >= 0)
        H5Dclose(d);
}

static void format_shape(char *out, size_t size, int ndims, const hsize_t *dims)
{
    size_t used = (size_t)snprintf(out, size, "(");
    for (int i = 0; i < ndims && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%llu", i ? ", " : "",
                                 (unsigned long long)dims[i]);
    if (used < size)
        snprintf(out + used, size - used, ")");
}

static msk_status shape_of(resultfile *rf, const char *name, hid_t space, int *ndims,
                           hsize_t dims[RESULTFILE_MAX_RANK])
{
    H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (cls == H5S_SCALAR) {
        *ndims = 0;
        return MSK_OK;
    }
    int nd = cls == H5S_SIMPLE ? H5Sget_simple_extent_ndims(space) : -1;
    if (nd < 0 || nd > RESULTFILE_MAX_RANK)
        return fail(rf, MSK_EDATA, name, "has an unsupported shape");
    if (H5Sget_simple_extent_dims(space, dims, NULL) < 0)
        return h5_fail(rf, name, "cannot read the shape");
    double total = 1;
    for (int i = 0; i < nd; i++)
        total *= (double)dims[i];
    if (total > RESULTFILE_MAX_ELEMENTS)
        return fail(rf, MSK_EDATA, name, "implausibly large (%.0f elements)", total);
    *ndims = nd;
    return MSK_OK;
}

static msk_status check_shape(resultfile *rf, const char *name, hid_t space, int ndims,
                              const size_t *want)
{
    int nd;
    hsize_t dims[RESULTFILE_MAX_RANK];
    msk_status st = shape_of(rf, name, space, &nd, dims);
    if (st != MSK_OK)
        return st;
    bool same = nd == ndims;
    for (int i = 0; same && i < nd; i++)
        same = dims[i] == (hsize_t)want[i];
    if (!same) {
        hsize_t w[RESULTFILE_MAX_RANK] = {0};
        for (int i = 0; i < ndims && i < RESULTFILE_MAX_RANK; i++)
            w[i] = want[i];
        char got_s[128], want_s[128];
        format_shape(got_s, sizeof got_s, nd, dims);
        format_shape(want_s, sizeof want_s, ndims, w);
        return fail(rf, MSK_EDATA, name, "has shape %s; expected %s from the file's dimensions",
                    got_s, want_s);
    }
    return MSK_OK;
}

msk_status resultfile_shape(resultfile *rf, const char *dataset, int *ndims,
                            size_t dims[RESULTFILE_MAX_RANK])
{
    h5err_quiet q = h5err_silence();
    hid_t d, s;
    msk_status st = open_dataset(rf, dataset, H5T_NO_CLASS, H5T_NO_CLASS, &d, &s);
    if (st == MSK_OK) {
        hsize_t hd[RESULTFILE_MAX_RANK];
        st = shape_of(rf, dataset, s, ndims, hd);
        for (int i = 0; st == MSK_OK && i < *ndims; i++)
            dims[i] = (size_t)hd[i];
    }
    close_dataset(d, s);
    h5err_loud(q);
    return st;
}

int resultfile_is_numeric(resultfile *rf, const char *dataset)
{
    if (rf->file < 0)
        return 0;
    h5err_quiet q = h5err_silence();
    int numeric = 0;
    if (exists_quiet((hid_t)rf->file, dataset)) {
        hid_t d = H5Dopen2((hid_t)rf->file, dataset, H5P_DEFAULT);
        hid_t t = d >= 0 ? H5Dget_type(d) : -1;
        H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
        numeric = cls == H5T_INTEGER || cls == H5T_FLOAT;
        if (t >= 0)
            H5Tclose(t);
        if (d >= 0)
            H5Dclose(d);
    }
    H5Eclear2(H5E_DEFAULT);
    h5err_loud(q);
    return numeric;
}

static msk_status read_numbers(resultfile *rf, const char *name, int ndims, const size_t *dims,
                               hid_t memtype, bool integer_only, void *out)
{
    h5err_quiet q = h5err_silence();
    hid_t d, s;
    msk_status st = open_dataset(rf, name, H5T_INTEGER, integer_only ? H5T_NO_CLASS : H5T_FLOAT, &d, &s);
    if (st == MSK_OK)
        st = check_shape(rf, name, s, ndims, dims);
    bool empty = false;
    for (int i = 0; i < ndims; i++)
        empty = empty || dims[i] == 0;
    if (st == MSK_OK && !empty && H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        st = h5_fail(rf, name, "cannot read the data (damaged file?)");
    close_dataset(d, s);
    h5err_loud(q);
    return st;
}

msk_status resultfile_doubles(resultfile *rf, const char *dataset, int ndims, const size_t *dims,
                              double *out)
{
    return read_numbers(rf, dataset, ndims, dims, H5T_NATIVE_DOUBLE, false, out);
}

msk_status resultfile_int64s(resultfile *rf, const char *dataset, int ndims, const size_t *dims,
                             int64_t *out)
{
    return read_numbers(rf, dataset, ndims, dims, H5T_NATIVE_INT64, true, out);
}

static msk_status read_rows(resultfile *rf, const char *name, int ndims, const size_t *dims,
                           size_t start, size_t count, hid_t memtype, bool integer_only, void *out)
{
    if (ndims < 1 || ndims > RESULTFILE_MAX_RANK || start > dims[0] || count > dims[0] - start)
        return fail(rf, MSK_ESOFTWARE, name, "rows %zu..%zu requested of %zu", start, start + count,
                    ndims >= 1 ? dims[0] : 0);
    h5err_quiet q = h5err_silence();
    hid_t d, s, m = -1;
    msk_status st = open_dataset(rf, name, H5T_INTEGER, integer_only ? H5T_NO_CLASS : H5T_FLOAT, &d, &s);
    if (st == MSK_OK)
        st = check_shape(rf, name, s, ndims, dims);
    size_t row = 1;
    for (int i = 1; i < ndims; i++)
        row *= dims[i];
    if (st == MSK_OK && count > 0 && row > 0) {
        hsize_t off[RESULTFILE_MAX_RANK] = {0}, cnt[RESULTFILE_MAX_RANK];
        off[0] = start;
        cnt[0] = count;
        for (int i = 1; i < ndims; i++)
            cnt[i] = dims[i];
        m = H5Screate_simple(ndims, cnt, NULL);
        if (m < 0 || H5Sselect_hyperslab(s, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
            H5Dread(d, memtype, m, s, H5P_DEFAULT, out) < 0)
            st = h5_fail(rf, name, "cannot read rows %zu to %zu (damaged file?)", start, start + count - 1);
    }
    if (m >= 0)
        H5Sclose(m);
    close_dataset(d, s);
    h5err_loud(q);
    return st;
}

msk_status resultfile_doubles_rows(resultfile *rf, const char *dataset, int ndims,
                                   const size_t *dims, size_t start, size_t count, double *out)
{
    return read_rows(rf, dataset, ndims, dims, start, count, H5T_NATIVE_DOUBLE, false, out);
}

msk_status resultfile_int64s_rows(resultfile *rf, const char *dataset, int ndims,
                                  const size_t *dims, size_t start, size_t count, int64_t *out)
{
    return read_rows(rf, dataset, ndims, dims, start, count, H5T_NATIVE_INT64, true, out);
}

/* ---- Text ------------------------------------------------------------------------- */

/* Copy up to max bytes of s (stopping at NUL) into a new string. */
static char *copy_text(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* Read n strings of file type ftype from a dataset (attr < 0) or attribute (dset < 0). */
static msk_status read_text(resultfile *rf, const char *what, hid_t dset, hid_t attr, hid_t ftype,
                            hid_t space, size_t n, char **out)
{
    msk_status st = MSK_OK;
    hid_t mt = H5Tcopy(H5T_C_S1);
    htri_t var = H5Tis_variable_str(ftype);
    if (mt < 0 || var < 0)
        return h5_fail(rf, what, "cannot read the text type");
    H5Tset_cset(mt, H5Tget_cset(ftype) == H5T_CSET_UTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    if (var > 0) {
        char **buf = calloc(n ? n : 1, sizeof *buf);
        if (!buf || H5Tset_size(mt, H5T_VARIABLE) < 0) {
            free(buf);
            H5Tclose(mt);
            return buf ? h5_fail(rf, what, "cannot set up text reading") : MSK_ENOMEM;
        }
        herr_t r = dset >= 0 ? H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : H5Aread(attr, mt, buf);
        if (r < 0)
            st = h5_fail(rf, what, "cannot read the text (damaged file?)");
        for (size_t i = 0; st == MSK_OK && i < n; i++) {
            if (buf[i] && strlen(buf[i]) > RESULTFILE_MAX_TEXT)
                st = fail(rf, MSK_EDATA, what, "implausibly long text (more than %d bytes)", RESULTFILE_MAX_TEXT);
            else if (!(out[i] = copy_text(buf[i] ? buf[i] : "", RESULTFILE_MAX_TEXT)))
                st = MSK_ENOMEM;
        }
        if (r >= 0) {
            hid_t sp = space >= 0 ? space : H5Screate(H5S_SCALAR);
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
            if (space < 0 && sp >= 0)
                H5Sclose(sp);
        }
        free(buf);
    } else {
        size_t size = H5Tget_size(ftype);
        if (size == 0 || size > RESULTFILE_MAX_TEXT || (n && size > (size_t)RESULTFILE_MAX_ELEMENTS / n)) {
            H5Tclose(mt);
            return fail(rf, MSK_EDATA, what, "implausible text size (%zu bytes)", size);
        }
        char *buf = malloc(n * size + 1);
        if (!buf || H5Tset_size(mt, size) < 0) {
            free(buf);
            H5Tclose(mt);
            return buf ? h5_fail(rf, what, "cannot set up text reading") : MSK_ENOMEM;
        }
        H5Tset_strpad(mt, H5T_STR_NULLPAD);
        herr_t r = dset >= 0 ? H5Dread(dset, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : H5Aread(attr, mt, buf);
        if (r < 0)
            st = h5_fail(rf, what, "cannot read the text (damaged file?)");
        for (size_t i = 0; st == MSK_OK && i < n; i++)
            if (!(out[i] = copy_text(buf + i * size, size)))
                st = MSK_ENOMEM;
        free(buf);
    }
    H5Tclose(mt);
    if (st != MSK_OK)
        for (size_t i = 0; i < n; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    return st;
}

msk_status resultfile_strings(resultfile *rf, const char *dataset, size_t n, char **out)
{
    h5err_quiet q = h5err_silence();
    hid_t d, s, t = -1;
    msk_status st = open_dataset(rf, dataset, H5T_STRING, H5T_NO_CLASS, &d, &s);
    if (st == MSK_OK)
        st = check_shape(rf, dataset, s, 1, &n);
    if (st == MSK_OK && (t = H5Dget_type(d)) < 0)
        st = h5_fail(rf, dataset, "cannot read the type");
    if (st == MSK_OK)
        st = read_text(rf, dataset, d, -1, t, s, n, out);
    if (t >= 0)
        H5Tclose(t);
    close_dataset(d, s);
    h5err_loud(q);
    return st;
}

/* Open an attribute with one element of the given class (or the second class). */
static msk_status open_attr(resultfile *rf, const char *object, const char *name, H5T_class_t c1,
                            H5T_class_t c2, hid_t *attr, hid_t *type, char *what, size_t what_size)
{
    snprintf(what, what_size, "%s%s%s", object, strcmp(object, "/") == 0 ? "" : "/", name);
    *attr = *type = -1;
    if (rf->file < 0 || !exists_quiet((hid_t)rf->file, object) ||
        H5Aexists_by_name((hid_t)rf->file, object, name, H5P_DEFAULT) <= 0)
        return fail(rf, MSK_EDATA, what, "attribute missing: not an msksim result, or written by an incompatible version");
    hid_t a = H5Aopen_by_name((hid_t)rf->file, object, name, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0)
        return h5_fail(rf, what, "cannot open the attribute");
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    H5T_class_t cls = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    hssize_t npoints = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    if (s >= 0)
        H5Sclose(s);
    msk_status st = MSK_OK;
    if (cls != c1 && (c2 == H5T_NO_CLASS || cls != c2))
        st = fail(rf, MSK_EDATA, what, "attribute has the wrong type (%s expected)",
                  c1 == H5T_STRING ? "text" : "a number");
    else if (npoints != 1)
        st = fail(rf, MSK_EDATA, what, "attribute should hold one value, not %lld", (long long)npoints);
    if (st != MSK_OK) {
        if (t >= 0)
            H5Tclose(t);
        H5Aclose(a);
        return st;
    }
    *attr = a;
    *type = t;
    return MSK_OK;
}

msk_status resultfile_attr_text(resultfile *rf, const char *object, const char *name, char **out)
{
    *out = NULL;
    h5err_quiet q = h5err_silence();
    char what[600];
    hid_t a, t;
    msk_status st = open_attr(rf, object, name, H5T_STRING, H5T_NO_CLASS, &a, &t, what, sizeof what);
    if (st == MSK_OK) {
        hid_t s = H5Aget_space(a);
        st = read_text(rf, what, -1, a, t, s, 1, out);
        if (s >= 0)
            H5Sclose(s);
        H5Tclose(t);
        H5Aclose(a);
    }
    h5err_loud(q);
    return st;
}

msk_status resultfile_attr_double(resultfile *rf, const char *object, const char *name, double *out)
{
    h5err_quiet q = h5err_silence();
    char what[600];
    hid_t a, t;
    msk_status st = open_attr(rf, object, name, H5T_INTEGER, H5T_FLOAT, &a, &t, what, sizeof what);
    if (st == MSK_OK) {
        if (H5Aread(a, H5T_NATIVE_DOUBLE, out) < 0)
            st = h5_fail(rf, what, "cannot read the attribute");
        H5Tclose(t);
        H5Aclose(a);
    }
    h5err_loud(q);
    return st;
}

/* ---- Listing ---------------------------------------------------------------------- */

typedef struct {
    char **names;
    size_t n, cap;
    bool nomem;
} name_list;

static herr_t list_cb(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    name_list *l = data;
    if (info->type != H5L_TYPE_HARD || !resultfile_name_ok(name))
        return 0;
    hid_t o = H5Oopen(group, name, H5P_DEFAULT);
    if (o < 0)
        return 0;
    bool is_dataset = H5Iget_type(o) == H5I_DATASET;
    H5Oclose(o);
    if (!is_dataset)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **p = cap <= MAX_LISTED ? realloc(l->names, cap * sizeof *p) : NULL;
        if (!p) {
            l->nomem = cap <= MAX_LISTED;
            return 1; /* stop */
        }
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name))) {
        l->nomem = true;
        return 1;
    }
    l->n++;
    return 0;
}

msk_status resultfile_list_datasets(resultfile *rf, const char *group, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    h5err_quiet q = h5err_silence();
    msk_status st = MSK_OK;
    hid_t g = -1;
    if (rf->file < 0 || !exists_quiet((hid_t)rf->file, group))
        st = fail(rf, MSK_EDATA, group, "group missing: not an msksim result, or written by an incompatible version");
    else if ((g = H5Gopen2((hid_t)rf->file, group, H5P_DEFAULT)) < 0)
        st = h5_fail(rf, group, "not a readable group");
    if (st == MSK_OK) {
        name_list l = {NULL, 0, 0, false};
        hsize_t idx = 0;
        herr_t r = H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, list_cb, &l);
        if (r < 0 && l.n == 0) { /* creation order not tracked: by name */
            H5Eclear2(H5E_DEFAULT);
            idx = 0;
            r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, list_cb, &l);
        }
        if (l.nomem)
            st = MSK_ENOMEM;
        else if (r < 0)
            st = h5_fail(rf, group, "cannot list the group");
        if (st != MSK_OK)
            resultfile_free_names(l.names, l.n);
        else {
            *names = l.names;
            *n = l.n;
        }
        H5Gclose(g);
    }
    h5err_loud(q);
    return st;
}

void resultfile_free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
