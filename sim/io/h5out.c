/* h5out.c — netCDF-4-compatible HDF5 writer with all-or-nothing commit (see h5out.h).
 *
 * The file is laid out the way netCDF-C 4.x itself lays out HDF5, because netCDF-C's
 * reader (ncdump, R's ncdf4, netCDF4-python) and h5netcdf (xarray) recognise netCDF
 * objects by those conventions rather than by any declaration in the file:
 *   - a dimension is a 1-D dataset named after it and marked as an HDF5 dimension
 *     scale; a dimension without coordinates is a never-written float dataset whose
 *     scale NAME begins with "This is a netCDF dimension but not a netCDF variable.",
 *     which tells both readers to hide it; every scale carries `_Netcdf4Dimid`, an id
 *     unique in the file, so readers number dimensions in definition order;
 *   - each axis of each variable is attached to the scale of its dimension, looked up
 *     in the variable's group and then its ancestors (netCDF's scoping rule);
 *   - link and attribute creation order are tracked *and* indexed on every group and
 *     dataset: netCDF-C lists objects in creation order and fails on files where the
 *     order is tracked without an index;
 *   - text attributes are scalar fixed-length strings, as netCDF-C writes NC_CHAR, so
 *     ncdump shows `units = "kg"` and not `string units = "kg"`; string data are
 *     variable-length UTF-8 (NC_STRING);
 *   - file format bounded at the HDF5 1.8 format, so HDF5 1.8-based tools read it too.
 * Object modification times are not stored, so the same results give the same bytes.
 *
 * HDF5's automatic error printing is switched off inside every call (and restored on
 * return): a failure becomes one diagnostic that names the file and the object and
 * quotes HDF5's own reason. */
#include "h5out.h"
#include "signals.h"


#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "h5err.h"
#include "outpath.h"

enum {
    /* Below this a variable is stored contiguously: chunk indexing would cost more
     * than compression saves, and tiny datasets are read whole anyway. */
    COMPRESS_MIN_BYTES = 4096,
    /* HDF5's default chunk cache holds 1 MiB per dataset; a larger chunk would be read
     * and inflated again for every partial access. */
    CHUNK_MAX_BYTES = 1 << 20,
    /* zlib level 4 gets most of level 9's ratio on smooth simulation output at a
     * fraction of the time. */
    DEFLATE_LEVEL = 4,
    /* Random temporary names collide only if something else is racing us for them. */
    TMP_ATTEMPTS = 100,
    /* flag_values are stored in the variable's own type (CF), int8. */
    MAX_FLAGS = 127
};

/* The scale NAME prefix by which netCDF-C and h5netcdf recognise a dimension that has
 * no coordinate variable; netCDF-C appends the length as "%10d". */
static const char NOT_A_VARIABLE[] = "This is a netCDF dimension but not a netCDF variable.";
static const char TMP_INFIX[] = ".tmp.";
enum { TMP_RANDOM_CHARS = 6 };

/* Attributes that carry the dimension-scale and netCDF bookkeeping; overwriting one
 * through h5out_attr_* would corrupt the file's structure for netCDF readers. */
static const char *const reserved_attrs[] = {
    "CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid",
    "_Netcdf4Coordinates", "_NCProperties", "_nc3_strict", "_IsNetcdf4",
    "_SuperblockVersion"};

typedef struct {
    char *group; /* "" for the root, else "a/b" as given by the caller */
    char *name;
    hsize_t len;
    bool unlimited; /* zero-length dimensions only: HDF5 needs them extendible */
} dim_def;

typedef enum { W_OPEN, W_FAILED, W_COMMITTED } w_state;

struct h5out {
    diag_list *diags;
    char *final_path;
    char *tmp_path;
    bool tmp_exists; /* false once renamed or removed, so destroy never unlinks twice */
    int fd;          /* our own descriptor of the temporary file, kept for fsync */
    hid_t file;
    w_state state;
    bool hdf5_error; /* an HDF5 call failed, possibly on I/O (see h5out_destroy) */
    dim_def *dims;
    size_t ndims, dims_cap;
    int next_dimid;
};

/* ---- HDF5 error handling ---------------------------------------------------------- */

/* Every failure passes through here: one diagnostic naming the output file and the
 * HDF5 object, optionally with HDF5's reason, and the writer becomes unusable. The
 * HDF5 stack must be read before any other HDF5 call, which would clear it. */
static msk_status vfail(h5out *w, const char *object, bool with_hdf5, const char *fmt,
                        va_list ap) __attribute__((format(printf, 4, 0)));
static msk_status vfail(h5out *w, const char *object, bool with_hdf5, const char *fmt,
                        va_list ap)
{
    char msg[600];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (with_hdf5)
        w->hdf5_error = true;
    h5err_report(w->diags, w->final_path, object, with_hdf5, msg);
    w->state = W_FAILED;
    return MSK_EIO;
}

/* A failed HDF5 call: quote HDF5's reason. */
static msk_status h5_fail(h5out *w, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static msk_status h5_fail(h5out *w, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msk_status st = vfail(w, object, true, fmt, ap);
    va_end(ap);
    return st;
}

/* A failure found by this module (bad name, unknown dimension, system call). */
static msk_status fail(h5out *w, const char *object, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static msk_status fail(h5out *w, const char *object, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msk_status st = vfail(w, object, false, fmt, ap);
    va_end(ap);
    return st;
}

static msk_status usable(h5out *w)
{
    if (w->state == W_OPEN)
        return MSK_OK;
    diag_add(w->diags, DIAG_ERROR, w->final_path, 0, 0, "",
             w->state == W_COMMITTED
                 ? "the output file was already committed; nothing more can be written"
                 : "the output writer stopped at an earlier error; nothing more can be "
                   "written");
    return MSK_EIO;
}

/* ---- names ------------------------------------------------------------------------ */

/* Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF): h5py and
 * xarray decode string data and names as UTF-8 and fail on anything else. */
static bool utf8_valid(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s++;
        int more;
        unsigned min;
        if (c < 0x80)
            continue;
        else if (c >= 0xC2 && c <= 0xDF)
            more = 1, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3, min = 0x10000;
        else
            return false;
        unsigned cp = c & (0x3Fu >> more);
        for (int i = 0; i < more; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (*s & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

/* netCDF's rule for names: a letter, digit, '_' or non-ASCII character first; no '/'
 * or control characters; no trailing space; valid UTF-8. netCDF-C refuses to create
 * other names, so a file holding them would not round-trip through netCDF tools. */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    unsigned char first = (unsigned char)s[0];
    if (first < 0x80 && !(first == '_' || (first >= '0' && first <= '9') ||
                          (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F || c == '/')
            return false;
    }
    return s[n - 1] != ' ';
}

static bool valid_object_name(const char *s)
{
    return valid_name(s, strlen(s)) && utf8_valid(s);
}

/* "" (the root) or names separated by single '/'. */
static bool valid_group_path(const char *g)
{
    if (!*g)
        return true;
    if (!utf8_valid(g))
        return false;
    for (;;) {
        const char *slash = strchr(g, '/');
        size_t n = slash ? (size_t)(slash - g) : strlen(g);
        if (!valid_name(g, n))
            return false;
        if (!slash)
            return true;
        g = slash + 1;
    }
}

/* "/group/name" (or "/name" in the root): the HDF5 path, also used in diagnostics. */
static char *join_path(const char *group, const char *name)
{
    size_t n = strlen(group) + strlen(name) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s/%s", *group ? "/" : "", group, name);
    return p;
}

static bool is_reserved_attr(const char *name)
{
    for (size_t i = 0; i < sizeof reserved_attrs / sizeof reserved_attrs[0]; i++)
        if (strcmp(name, reserved_attrs[i]) == 0)
            return true;
    return false;
}

/* ---- property lists and attributes ------------------------------------------------ */

/* Creation-order tracking plus index (see the file comment) and no timestamps. */
static herr_t set_object_props(hid_t plist, bool has_links)
{
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (has_links && H5Pset_link_creation_order(plist, order) < 0)
        return -1;
    if (H5Pset_attr_creation_order(plist, order) < 0)
        return -1;
    return H5Pset_obj_track_times(plist, 0);
}

/* A string type: fixed length `size` (attributes) or variable length (size == 0). */
static hid_t string_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, size ? size : H5T_VARIABLE) < 0 ||
        H5Tset_strpad(t, H5T_STR_NULLTERM) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* Write (or replace) attribute `name` on the open object `loc`; `count` 0 = scalar. */
static msk_status put_attr(h5out *w, hid_t loc, const char *objpath, const char *name,
                           hid_t file_type, hid_t mem_type, size_t count, const void *value)
{
    msk_status st = MSK_OK;
    hid_t space = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    htri_t exists = H5Aexists(loc, name);
    if (exists < 0 || (exists > 0 && H5Adelete(loc, name) < 0)) {
        st = h5_fail(w, objpath, "cannot replace attribute '%s'", name);
        goto done;
    }
    hsize_t n = count;
    space = count ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
    if (space < 0) {
        st = h5_fail(w, objpath, "cannot create the dataspace of attribute '%s'", name);
        goto done;
    }
    attr = H5Acreate2(loc, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0 || H5Awrite(attr, mem_type, value) < 0)
        st = h5_fail(w, objpath, "cannot write attribute '%s'", name);
done:
    if (attr >= 0 && H5Aclose(attr) < 0 && st == MSK_OK)
        st = h5_fail(w, objpath, "cannot write attribute '%s'", name);
    if (space >= 0)
        H5Sclose(space);
    return st;
}

/* A text attribute as netCDF-C writes NC_CHAR: scalar, fixed length, null-terminated
 * padding. netCDF-C marks "" with a null dataspace, which h5py returns as an Empty
 * object instead of a string; a one-byte "\0" reads as "" everywhere. */
static msk_status put_attr_text(h5out *w, hid_t loc, const char *objpath, const char *name,
                                const char *value)
{
    if (!utf8_valid(value))
        return fail(w, objpath, "attribute '%s' is not valid UTF-8 text", name);
    size_t len = strlen(value);
    hid_t t = string_type(len ? len : 1);
    if (t < 0)
        return h5_fail(w, objpath, "cannot create the type of attribute '%s'", name);
    msk_status st = put_attr(w, loc, objpath, name, t, t, 0, value);
    H5Tclose(t);
    return st;
}

static msk_status put_dimid(h5out *w, hid_t ds, const char *objpath)
{
    int id = w->next_dimid++;
    return put_attr(w, ds, objpath, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT, 0, &id);
}

/* ---- groups ----------------------------------------------------------------------- */

/* Open-or-create one group; `path` is absolute. Groups are made one level at a time
 * (not with HDF5's create-intermediate option) so that each gets our creation
 * properties. */
static msk_status make_group(h5out *w, const char *path)
{
    htri_t exists = H5Lexists(w->file, path, H5P_DEFAULT);
    if (exists < 0)
        return h5_fail(w, path, "cannot look up group");
    if (exists) {
        hid_t o = H5Oopen(w->file, path, H5P_DEFAULT);
        if (o < 0)
            return h5_fail(w, path, "cannot open group");
        H5I_type_t type = H5Iget_type(o);
        H5Oclose(o);
        if (type != H5I_GROUP)
            return fail(w, path, "a variable of this name exists; it cannot also be a group");
        return MSK_OK;
    }
    msk_status st = MSK_OK;
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), g = H5I_INVALID_HID;
    if (gcpl < 0 || set_object_props(gcpl, true) < 0)
        st = h5_fail(w, path, "cannot set up group creation properties");
    else if ((g = H5Gcreate2(w->file, path, H5P_DEFAULT, gcpl, H5P_DEFAULT)) < 0)
        st = h5_fail(w, path, "cannot create group");
    if (g >= 0)
        H5Gclose(g);
    if (gcpl >= 0)
        H5Pclose(gcpl);
    return st;
}

static msk_status ensure_group(h5out *w, const char *group)
{
    if (!valid_group_path(group)) {
        char *path = join_path("", group);
        msk_status st = fail(w, path ? path : group,
                             "invalid group path: names separated by single '/', each "
                             "starting with a letter, digit or '_', without control "
                             "characters or trailing spaces");
        free(path);
        return st;
    }
    if (!*group)
        return MSK_OK;
    size_t n = strlen(group);
    char *p = malloc(n + 2);
    if (!p)
        return fail(w, group, "out of memory");
    p[0] = '/';
    memcpy(p + 1, group, n + 1);
    msk_status st = MSK_OK;
    for (char *s = p + 1;;) {
        char *slash = strchr(s, '/');
        if (slash)
            *slash = '\0';
        st = make_group(w, p);
        if (st != MSK_OK || !slash)
            break;
        *slash = '/';
        s = slash + 1;
    }
    free(p);
    return st;
}

/* ---- dimensions ------------------------------------------------------------------- */

static const dim_def *find_dim_here(const h5out *w, const char *group, size_t glen,
                                    const char *name)
{
    for (size_t i = 0; i < w->ndims; i++) {
        const dim_def *d = &w->dims[i];
        if (strlen(d->group) == glen && strncmp(d->group, group, glen) == 0 &&
            strcmp(d->name, name) == 0)
            return d;
    }
    return NULL;
}

/* netCDF scoping: the group itself, then each ancestor up to the root. */
static const dim_def *find_dim(const h5out *w, const char *group, const char *name)
{
    size_t glen = strlen(group);
    for (;;) {
        const dim_def *d = find_dim_here(w, group, glen, name);
        if (d || glen == 0)
            return d;
        while (glen > 0 && group[glen - 1] != '/')
            glen--;
        if (glen > 0)
            glen--;
    }
}

static msk_status add_dim(h5out *w, const char *group, const char *name, size_t n,
                          const char *objpath)
{
    if (find_dim_here(w, group, strlen(group), name))
        return fail(w, objpath, "dimension is defined twice in the same group");
    if (w->ndims == w->dims_cap) {
        size_t cap = w->dims_cap ? 2 * w->dims_cap : 16;
        dim_def *d = realloc(w->dims, cap * sizeof *d);
        if (!d)
            return fail(w, objpath, "out of memory");
        w->dims = d;
        w->dims_cap = cap;
    }
    dim_def *d = &w->dims[w->ndims];
    d->group = strdup(group);
    d->name = strdup(name);
    if (!d->group || !d->name) {
        free(d->group);
        free(d->name);
        return fail(w, objpath, "out of memory");
    }
    d->len = n;
    d->unlimited = n == 0;
    w->ndims++;
    return MSK_OK;
}

/* ---- variables -------------------------------------------------------------------- */

/* Chunks of at most CHUNK_MAX_BYTES, never longer than the data along any axis:
 * start from the whole array and halve the longest chunk axis until small enough, so
 * that chunks stay roughly balanced whichever axis a reader slices along. */
static void choose_chunks(int rank, const hsize_t *len, size_t elem_size, hsize_t *chunk)
{
    double bytes = (double)elem_size;
    for (int i = 0; i < rank; i++) {
        chunk[i] = len[i] > 0 ? len[i] : 1;
        bytes *= (double)chunk[i];
    }
    while (bytes > CHUNK_MAX_BYTES) {
        int longest = 0;
        for (int i = 1; i < rank; i++)
            if (chunk[i] > chunk[longest])
                longest = i;
        if (chunk[longest] == 1)
            break;
        hsize_t halved = (chunk[longest] + 1) / 2;
        bytes = bytes / (double)chunk[longest] * (double)halved;
        chunk[longest] = halved;
    }
}

typedef struct {
    const char *group, *name;
    int ndims;
    const char *const *dims;
    hid_t file_type, mem_type;
    const void *data;
    bool compressible;      /* false for strings: their bytes live in the global heap */
    const char *scale_name; /* non-NULL: this variable is the coordinate of dims[0] */
} var_spec;

/* The variable's name is valid, its rank possible, and nothing of its name exists. */
static msk_status check_new_var(h5out *w, const var_spec *v, const char *path)
{
    if (!valid_object_name(v->name))
        return fail(w, path,
                    "invalid variable name: it must start with a letter, digit or '_' and "
                    "contain no '/', control characters or trailing spaces");
    if (v->ndims < 0 || v->ndims > H5S_MAX_RANK)
        return fail(w, path, "%d dimensions; HDF5 allows 0 to %d", v->ndims, H5S_MAX_RANK);
    htri_t exists = H5Lexists(w->file, path, H5P_DEFAULT);
    if (exists != 0)
        return exists < 0 ? h5_fail(w, path, "cannot look up variable")
                          : fail(w, path, "an object of this name already exists");
    return MSK_OK;
}

/* The shape a variable takes from its dimensions. */
typedef struct {
    const dim_def *axis[H5S_MAX_RANK];
    hsize_t len[H5S_MAX_RANK], maxlen[H5S_MAX_RANK];
    size_t nelem;
    bool unlimited;
} var_shape;

static msk_status shape_of_var(h5out *w, const var_spec *v, const char *path, var_shape *sh)
{
    sh->nelem = 1;
    sh->unlimited = false;
    for (int i = 0; i < v->ndims; i++) {
        MSK_ASSERT(v->dims[i] != NULL);
        sh->axis[i] = find_dim(w, v->group, v->dims[i]);
        if (!sh->axis[i])
            return fail(w, path, "dimension '%s' is not defined in group '/%s' or its parents", v->dims[i],
                        v->group);
        sh->len[i] = sh->axis[i]->len;
        sh->maxlen[i] = sh->axis[i]->unlimited ? H5S_UNLIMITED : sh->axis[i]->len;
        sh->unlimited = sh->unlimited || sh->axis[i]->unlimited;
        if (sh->len[i] != 0 && sh->nelem > SIZE_MAX / sh->len[i])
            return fail(w, path, "variable is too large to address");
        sh->nelem *= (size_t)sh->len[i];
    }
    MSK_ASSERT(sh->nelem == 0 || v->data != NULL);
    return MSK_OK;
}

/* Dataset creation properties: chunked where an axis is unlimited or the data large,
 * compressed where large and compressible. */
static msk_status var_properties(h5out *w, const var_spec *v, const char *path, const var_shape *sh,
                                 hid_t *dcpl)
{
    size_t elem_size = H5Tget_size(v->file_type);
    bool big = (double)sh->nelem * (double)elem_size > COMPRESS_MIN_BYTES;
    *dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (*dcpl < 0 || set_object_props(*dcpl, false) < 0)
        return h5_fail(w, path, "cannot set up dataset creation properties");
    /* A zero-length (extendible) axis can only be stored chunked. */
    if (v->ndims > 0 && (sh->unlimited || (big && v->compressible))) {
        hsize_t chunk[H5S_MAX_RANK];
        choose_chunks(v->ndims, sh->len, elem_size, chunk);
        if (H5Pset_chunk(*dcpl, v->ndims, chunk) < 0)
            return h5_fail(w, path, "cannot set chunking");
        if (big && v->compressible && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 &&
            (H5Pset_shuffle(*dcpl) < 0 || H5Pset_deflate(*dcpl, DEFLATE_LEVEL) < 0))
            return h5_fail(w, path, "cannot set compression");
    }
    return MSK_OK;
}

/* A coordinate variable becomes its dimension's scale; any other variable gets its
 * dimensions attached. */
static msk_status attach_dims(h5out *w, const var_spec *v, const char *path, const var_shape *sh, hid_t ds)
{
    if (v->scale_name) {
        if (H5DSset_scale(ds, v->scale_name) < 0)
            return h5_fail(w, path, "cannot mark the coordinate variable as dimension scale");
        return put_dimid(w, ds, path);
    }
    msk_status st = MSK_OK;
    for (int i = 0; i < v->ndims && st == MSK_OK; i++) {
        char *dpath = join_path(sh->axis[i]->group, sh->axis[i]->name);
        hid_t scale = dpath ? H5Dopen2(w->file, dpath, H5P_DEFAULT) : H5I_INVALID_HID;
        herr_t rc = scale >= 0 ? H5DSattach_scale(ds, scale, (unsigned)i) : -1;
        if (rc < 0)
            st = dpath ? h5_fail(w, path, "cannot attach dimension '%s'", dpath) : fail(w, path, "out of memory");
        if (scale >= 0)
            H5Dclose(scale);
        free(dpath);
    }
    return st;
}

/* Create, fill and attach one variable; on success *out is the open dataset (for the
 * caller's attributes) and *objpath its malloc'd path. */
static msk_status create_var(h5out *w, const var_spec *v, hid_t *out, char **objpath)
{
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    var_shape sh;
    char *path = NULL;

    *out = H5I_INVALID_HID;
    *objpath = NULL;
    msk_status st = ensure_group(w, v->group);
    if (st != MSK_OK)
        return st;
    if (!(path = join_path(v->group, v->name)))
        return fail(w, v->name, "out of memory");
    st = check_new_var(w, v, path);
    if (st == MSK_OK)
        st = shape_of_var(w, v, path, &sh);
    if (st == MSK_OK)
        st = var_properties(w, v, path, &sh, &dcpl);
    if (st == MSK_OK &&
        (space = v->ndims ? H5Screate_simple(v->ndims, sh.len, sh.maxlen) : H5Screate(H5S_SCALAR)) < 0)
        st = h5_fail(w, path, "cannot create dataspace");
    if (st == MSK_OK && (ds = H5Dcreate2(w->file, path, v->file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)) < 0)
        st = h5_fail(w, path, "cannot create variable");
    if (st == MSK_OK && sh.nelem > 0 && H5Dwrite(ds, v->mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v->data) < 0)
        st = h5_fail(w, path, "cannot write variable");
    if (st == MSK_OK)
        st = attach_dims(w, v, path, &sh, ds);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (st == MSK_OK) {
        *out = ds;
        *objpath = path;
    } else {
        if (ds >= 0)
            H5Dclose(ds);
        free(path);
    }
    return st;
}

/* Closing a dataset writes out its cached chunks: a failure here is lost data. */
static msk_status close_var(h5out *w, hid_t ds, const char *path, msk_status st)
{
    if (H5Dclose(ds) < 0 && st == MSK_OK)
        st = h5_fail(w, path, "cannot write variable");
    return st;
}

/* create_var, then long_name and (unless NULL) units. */
static msk_status write_var(h5out *w, const var_spec *v, const char *units,
                            const char *long_name)
{
    hid_t ds;
    char *path;
    msk_status st = create_var(w, v, &ds, &path);
    if (st != MSK_OK)
        return st;
    st = put_attr_text(w, ds, path, "long_name", long_name);
    if (st == MSK_OK && units)
        st = put_attr_text(w, ds, path, "units", units);
    st = close_var(w, ds, path, st);
    free(path);
    return st;
}

static msk_status numeric_var(h5out *w, const char *group, const char *name, int ndims,
                              const char *const *dims, const void *data, const char *units,
                              const char *long_name, hid_t file_type, hid_t mem_type)
{
    MSK_ASSERT(w && group && name && (ndims == 0 || dims) && long_name);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    if (st == MSK_OK) {
        var_spec v = {group, name, ndims, dims, file_type, mem_type, data, true, NULL};
        st = write_var(w, &v, units, long_name);
    }
    h5err_loud(q);
    return st;
}

/* A copy of `strings` with NULL entries as "" (HDF5 has no portable encoding of a
 * missing string), after checking each is UTF-8. NULL on failure, reported. */
static const char **string_data(h5out *w, const char *objpath, const char *const *strings,
                                size_t n)
{
    const char **s = malloc((n ? n : 1) * sizeof *s);
    if (!s) {
        fail(w, objpath, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        s[i] = strings[i] ? strings[i] : "";
        if (!utf8_valid(s[i])) {
            fail(w, objpath, "string %zu is not valid UTF-8", i);
            free(s);
            return NULL;
        }
    }
    return s;
}

/* ---- public API --------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/* Create "<final>.tmp.XXXXXX" exclusively. Not mkstemp: it creates mode 0600, and the
 * committed results would then be unreadable to collaborators; 0666 lets the umask
 * decide as for any output file, and O_EXCL keeps mkstemp's guarantee that no existing
 * file or symlink is ever opened. The suffix only needs to avoid collisions. */
static int open_unique_tmp(char *tmp, size_t base_len, const void *salt)
{
    static const char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t state = (uint64_t)getpid() ^ ((uint64_t)ts.tv_sec << 32) ^
                     (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)salt;
    char *suffix = tmp + base_len + strlen(TMP_INFIX);
    for (int attempt = 0; attempt < TMP_ATTEMPTS; attempt++) {
        uint64_t x = splitmix64(&state);
        for (int i = 0; i < TMP_RANDOM_CHARS; i++, x /= 62)
            suffix[i] = alphabet[x % 62];
        int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

h5out *h5out_create(const char *final_path, diag_list *diags)
{
    MSK_ASSERT(final_path && diags);
    if (outpath_check(final_path, diags) != MSK_OK) /* every output's policy (outpath.h) */
        return NULL;
    h5out *w = calloc(1, sizeof *w);
    if (!w) {
        diag_add(diags, DIAG_ERROR, final_path, 0, 0, "", "out of memory");
        return NULL;
    }
    w->diags = diags;
    w->fd = -1;
    w->file = H5I_INVALID_HID;
    w->state = W_OPEN;
    size_t n = strlen(final_path);
    w->final_path = strdup(final_path);
    w->tmp_path = malloc(n + strlen(TMP_INFIX) + TMP_RANDOM_CHARS + 1);
    if (!w->final_path || !w->tmp_path) {
        diag_add(diags, DIAG_ERROR, final_path, 0, 0, "", "out of memory");
        h5out_destroy(w);
        return NULL;
    }
    if (n == 0 || final_path[n - 1] == '/') {
        fail(w, "", "the output path must name a file");
        h5out_destroy(w);
        return NULL;
    }
    snprintf(w->tmp_path, n + strlen(TMP_INFIX) + TMP_RANDOM_CHARS + 1, "%s%s%0*d", final_path,
             TMP_INFIX, TMP_RANDOM_CHARS, 0);
    w->fd = open_unique_tmp(w->tmp_path, n, w);
    if (w->fd < 0) {
        fail(w, "", "cannot create a temporary file next to it: %s", strerror(errno));
        h5out_destroy(w);
        return NULL;
    }
    w->tmp_exists = true;

    h5err_quiet q = h5err_silence();
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS), fcpl = H5Pcreate(H5P_FILE_CREATE);
    bool ok = fapl >= 0 && fcpl >= 0 && set_object_props(fcpl, true) >= 0 &&
              /* SEMI: closing fails while objects are open, so commit never renames a
               * file with unwritten parts. */
              H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI) >= 0;
#if H5_VERSION_GE(1, 10, 2)
    ok = ok && H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) >= 0;
#endif
#if H5_VERSION_GE(1, 12, 1) || (H5_VERSION_GE(1, 10, 7) && !H5_VERSION_GE(1, 12, 0))
    /* The temporary file is ours alone; HDF5's lock would only make creation fail on
     * file systems without flock (some NFS and Lustre mounts). */
    ok = ok && H5Pset_file_locking(fapl, 0, 1) >= 0;
#endif
    if (!ok)
        h5_fail(w, "", "cannot set up file properties");
    else if ((w->file = H5Fcreate(w->tmp_path, H5F_ACC_TRUNC, fcpl, fapl)) < 0)
        h5_fail(w, "", "cannot create HDF5 file '%s'", w->tmp_path);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    h5err_loud(q);
    if (w->state != W_OPEN) {
        h5out_destroy(w);
        return NULL;
    }
    return w;
}

msk_status h5out_group(h5out *w, const char *group)
{
    MSK_ASSERT(w && group);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    if (st == MSK_OK)
        st = ensure_group(w, group);
    h5err_loud(q);
    return st;
}

/* A dimension without a coordinate variable: a float dataset of the dimension's length
 * that is never written (so it takes no space), as netCDF-C makes it. */
static msk_status bare_dim(h5out *w, const char *group, const char *name, size_t n)
{
    msk_status st;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    char *path = NULL;
    if ((st = ensure_group(w, group)) != MSK_OK)
        return st;
    if (!(path = join_path(group, name)))
        return fail(w, name, "out of memory");
    if (!valid_object_name(name)) {
        st = fail(w, path, "invalid dimension name");
        goto done;
    }
    htri_t exists = H5Lexists(w->file, path, H5P_DEFAULT);
    if (exists != 0) {
        st = exists < 0 ? h5_fail(w, path, "cannot look up dimension")
                        : fail(w, path, "an object of this name already exists");
        goto done;
    }
    if ((st = add_dim(w, group, name, n, path)) != MSK_OK)
        goto done;
    hsize_t len = n, maxlen = n ? n : H5S_UNLIMITED, chunk = 1;
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || set_object_props(dcpl, false) < 0 ||
        (n == 0 && H5Pset_chunk(dcpl, 1, &chunk) < 0)) {
        st = h5_fail(w, path, "cannot set up dataset creation properties");
        goto done;
    }
    if ((space = H5Screate_simple(1, &len, &maxlen)) < 0) {
        st = h5_fail(w, path, "cannot create dataspace");
        goto done;
    }
    ds = H5Dcreate2(w->file, path, H5T_IEEE_F32BE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) {
        st = h5_fail(w, path, "cannot create dimension");
        goto done;
    }
    char scale_name[sizeof NOT_A_VARIABLE + 32];
    snprintf(scale_name, sizeof scale_name, "%s%10llu", NOT_A_VARIABLE, (unsigned long long)n);
    if (H5DSset_scale(ds, scale_name) < 0) {
        st = h5_fail(w, path, "cannot mark dimension scale");
        goto done;
    }
    st = put_dimid(w, ds, path);
done:
    if (ds >= 0)
        st = close_var(w, ds, path, st);
    if (space >= 0)
        H5Sclose(space);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    free(path);
    return st;
}

/* Register the dimension before creating its coordinate variable, so that the
 * variable's single axis resolves to the dimension it defines. */
static msk_status coord_dim(h5out *w, const var_spec *v, size_t n, const char *units,
                            const char *long_name)
{
    char *path = join_path(v->group, v->name);
    if (!path)
        return fail(w, v->name, "out of memory");
    msk_status st = MSK_OK;
    if (!valid_group_path(v->group))
        st = ensure_group(w, v->group); /* reports the bad path */
    else if (!valid_object_name(v->name))
        st = fail(w, path, "invalid dimension name");
    else
        st = add_dim(w, v->group, v->name, n, path);
    free(path);
    return st == MSK_OK ? write_var(w, v, units, long_name) : st;
}

msk_status h5out_dim(h5out *w, const char *group, const char *name, size_t n,
                     const double *coords, const char *units, const char *long_name)
{
    MSK_ASSERT(w && group && name);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    if (st == MSK_OK && !coords) {
        st = bare_dim(w, group, name, n);
    } else if (st == MSK_OK) {
        MSK_ASSERT(units && long_name);
        const char *dims[] = {name};
        var_spec v = {group, name, 1, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, coords, true,
                      name};
        st = coord_dim(w, &v, n, units, long_name);
    }
    h5err_loud(q);
    return st;
}

msk_status h5out_dim_strings(h5out *w, const char *group, const char *name, size_t n,
                             const char *const *labels, const char *long_name)
{
    MSK_ASSERT(w && group && name && long_name && (n == 0 || labels));
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    const char **s = NULL;
    hid_t t = H5I_INVALID_HID;
    char *path = join_path(group, name);
    if (st == MSK_OK && !path)
        st = fail(w, name, "out of memory");
    if (st == MSK_OK && !(s = string_data(w, path, labels, n)))
        st = MSK_EIO;
    if (st == MSK_OK && (t = string_type(0)) < 0)
        st = h5_fail(w, path, "cannot create string type");
    if (st == MSK_OK) {
        const char *dims[] = {name};
        var_spec v = {group, name, 1, dims, t, t, s, false, name};
        st = coord_dim(w, &v, n, NULL, long_name);
    }
    if (t >= 0)
        H5Tclose(t);
    free(s);
    free(path);
    h5err_loud(q);
    return st;
}

msk_status h5out_var_double(h5out *w, const char *group, const char *name, int ndims,
                            const char *const *dims, const double *data, const char *units,
                            const char *long_name)
{
    return numeric_var(w, group, name, ndims, dims, data, units, long_name, H5T_IEEE_F64LE,
                       H5T_NATIVE_DOUBLE);
}

msk_status h5out_var_int32(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int32_t *data, const char *units,
                           const char *long_name)
{
    return numeric_var(w, group, name, ndims, dims, data, units, long_name, H5T_STD_I32LE,
                       H5T_NATIVE_INT32);
}

msk_status h5out_var_int64(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int64_t *data, const char *units,
                           const char *long_name)
{
    return numeric_var(w, group, name, ndims, dims, data, units, long_name, H5T_STD_I64LE,
                       H5T_NATIVE_INT64);
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    for (bool in_word = false; *s; s++) {
        bool space = *s == ' ';
        if (!space && !in_word)
            n++;
        in_word = !space;
    }
    return n;
}

static msk_status flags_var(h5out *w, const var_spec *v, const char *flag_meanings,
                            const char *long_name)
{
    size_t n_flags = count_words(flag_meanings);
    char *path = join_path(v->group, v->name);
    if (!path)
        return fail(w, v->name, "out of memory");
    msk_status st = MSK_OK;
    if (n_flags == 0 || n_flags > MAX_FLAGS)
        st = fail(w, path, "%zu flag meanings in \"%s\"; between 1 and %d are allowed",
                  n_flags, flag_meanings, MAX_FLAGS);
    /* A code without a meaning would be silently misread; check before writing. An
     * unknown dimension is left for create_var to report. */
    size_t nelem = 1;
    for (int i = 0; i < v->ndims && st == MSK_OK; i++) {
        const dim_def *d = find_dim(w, v->group, v->dims[i]);
        nelem = d ? nelem * (size_t)d->len : 0;
    }
    const int8_t *data = v->data;
    MSK_ASSERT(st != MSK_OK || nelem == 0 || data);
    for (size_t i = 0; i < nelem && st == MSK_OK; i++)
        if (data[i] < 0 || (size_t)data[i] >= n_flags)
            st = fail(w, path, "value %d at index %zu is not one of the %zu flag values",
                      data[i], i, n_flags);
    free(path);
    hid_t ds;
    if (st != MSK_OK || (st = create_var(w, v, &ds, &path)) != MSK_OK)
        return st;
    int8_t values[MAX_FLAGS];
    for (size_t i = 0; i < n_flags; i++)
        values[i] = (int8_t)i;
    st = put_attr_text(w, ds, path, "long_name", long_name);
    if (st == MSK_OK)
        st = put_attr(w, ds, path, "flag_values", H5T_STD_I8LE, H5T_NATIVE_INT8, n_flags,
                      values);
    if (st == MSK_OK)
        st = put_attr_text(w, ds, path, "flag_meanings", flag_meanings);
    st = close_var(w, ds, path, st);
    free(path);
    return st;
}

msk_status h5out_var_flags(h5out *w, const char *group, const char *name, int ndims,
                           const char *const *dims, const int8_t *data,
                           const char *flag_meanings, const char *long_name)
{
    MSK_ASSERT(w && group && name && (ndims == 0 || dims) && flag_meanings && long_name);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    if (st == MSK_OK) {
        var_spec v = {group, name, ndims, dims, H5T_STD_I8LE, H5T_NATIVE_INT8, data, true,
                      NULL};
        st = flags_var(w, &v, flag_meanings, long_name);
    }
    h5err_loud(q);
    return st;
}

msk_status h5out_var_strings(h5out *w, const char *group, const char *name, const char *dim,
                             const char *const *data, const char *long_name)
{
    MSK_ASSERT(w && group && name && dim && long_name);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    const dim_def *d = st == MSK_OK ? find_dim(w, group, dim) : NULL;
    size_t n = d ? (size_t)d->len : 0;
    MSK_ASSERT(n == 0 || data);
    const char **s = NULL;
    hid_t t = H5I_INVALID_HID;
    char *path = join_path(group, name);
    if (st == MSK_OK && !path)
        st = fail(w, name, "out of memory");
    /* An unknown dimension is reported by create_var, with the variable's path. */
    if (st == MSK_OK && !(s = string_data(w, path, data, n)))
        st = MSK_EIO;
    if (st == MSK_OK && (t = string_type(0)) < 0)
        st = h5_fail(w, path, "cannot create string type");
    if (st == MSK_OK) {
        const char *dims[] = {dim};
        var_spec v = {group, name, 1, dims, t, t, s, false, NULL};
        st = write_var(w, &v, NULL, long_name);
    }
    if (t >= 0)
        H5Tclose(t);
    free(s);
    free(path);
    h5err_loud(q);
    return st;
}

/* Open the group or variable `object` ("" = root) for an attribute. */
static msk_status attr_target(h5out *w, const char *object, const char *name, hid_t *out,
                              char **objpath)
{
    *out = H5I_INVALID_HID;
    *objpath = join_path("", object); /* "/" for the root */
    if (!*objpath)
        return fail(w, object, "out of memory");
    const char *path = *objpath;
    if (!valid_object_name(name))
        return fail(w, path, "invalid attribute name '%s'", name);
    if (is_reserved_attr(name))
        return fail(w, path,
                    "attribute '%s' is reserved for dimension scales and netCDF bookkeeping",
                    name);
    /* H5Lexists fails rather than answering "no" when a parent is missing. */
    if (*object && (!valid_group_path(object) || H5Lexists(w->file, path, H5P_DEFAULT) <= 0))
        return fail(w, path, "no group or variable of this name to put attribute '%s' on",
                    name);
    if ((*out = H5Oopen(w->file, path, H5P_DEFAULT)) < 0)
        return h5_fail(w, path, "cannot open object for attribute '%s'", name);
    return MSK_OK;
}

static msk_status attr_common(h5out *w, const char *object, const char *name,
                              const char *text, hid_t file_type, hid_t mem_type,
                              const void *value)
{
    MSK_ASSERT(w && object && name);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    hid_t obj = H5I_INVALID_HID;
    char *path = NULL;
    if (st == MSK_OK)
        st = attr_target(w, object, name, &obj, &path);
    if (st == MSK_OK)
        st = text ? put_attr_text(w, obj, path, name, text)
                  : put_attr(w, obj, path, name, file_type, mem_type, 0, value);
    if (obj >= 0)
        H5Oclose(obj);
    free(path);
    h5err_loud(q);
    return st;
}

msk_status h5out_attr_string(h5out *w, const char *object, const char *name,
                             const char *value)
{
    MSK_ASSERT(value);
    return attr_common(w, object, name, value, H5I_INVALID_HID, H5I_INVALID_HID, NULL);
}

msk_status h5out_attr_double(h5out *w, const char *object, const char *name, double value)
{
    return attr_common(w, object, name, NULL, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

msk_status h5out_attr_int64(h5out *w, const char *object, const char *name, int64_t value)
{
    return attr_common(w, object, name, NULL, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

/* Make the rename itself durable. Some file systems cannot sync a directory (EINVAL);
 * there is nothing more to do on those. */
static int sync_directory(const char *file_path)
{
    const char *slash = strrchr(file_path, '/');
    char *dir = slash ? strndup(file_path, slash == file_path ? 1 : (size_t)(slash - file_path))
                      : strdup(".");
    if (!dir)
        return ENOMEM;
    int err = 0;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL))
        err = errno;
    if (fd >= 0)
        close(fd);
    free(dir);
    return err;
}

msk_status h5out_commit(h5out *w)
{
    MSK_ASSERT(w);
    h5err_quiet q = h5err_silence();
    msk_status st = usable(w);
    /* No H5Fflush first: in HDF5 1.10.8 a failed metadata flush leaves the file
     * impossible to close. A failed H5Fclose frees the file's state but keeps its
     * identifier (HDFFV-11052), and closing that identifier again crashes, so it is
     * forgotten either way. */
    if (st == MSK_OK) {
        if (H5Fclose(w->file) < 0)
            st = h5_fail(w, "", "cannot close temporary file '%s'", w->tmp_path);
        w->file = H5I_INVALID_HID;
    }
    h5err_loud(q);
    if (st != MSK_OK)
        return st;
    /* HDF5 wrote through its own descriptor; fsync on ours flushes the same inode. */
    if (fsync(w->fd) != 0)
        return fail(w, "", "cannot flush temporary file '%s' to disk: %s", w->tmp_path,
                    strerror(errno));
    int rc = close(w->fd);
    w->fd = -1;
    if (rc != 0)
        return fail(w, "", "cannot close temporary file '%s': %s", w->tmp_path,
                    strerror(errno));
    /* A stop signal during the write (it can arrive after the simulation's last poll):
     * the command reports "interrupted", so the result must not appear (signals.h).
     * h5out_destroy removes the temporary file. */
    if (msk_signals_stopped())
        return MSK_EINTERRUPTED;
    if (rename(w->tmp_path, w->final_path) != 0)
        return fail(w, "", "cannot rename temporary file '%s' to the output name: %s",
                    w->tmp_path, strerror(errno));
    w->tmp_exists = false;
    w->state = W_COMMITTED;
    int err = sync_directory(w->final_path);
    if (err)
        return fail(w, "", "written, but the directory could not be flushed to disk: %s",
                    strerror(err));
    return MSK_OK;
}

void h5out_destroy(h5out *w)
{
    if (!w)
        return;
    /* Remove the name first, so no partial file remains whatever HDF5 does next. */
    if (w->tmp_exists)
        unlink(w->tmp_path);
    if (w->file >= 0) {
        /* After a failed write (disk full, quota) closing must still write metadata,
         * and a failed close cannot be undone (see h5out_commit). The contents are
         * discarded anyway: truncating gives the space back for those few writes. */
        if (w->hdf5_error && w->fd >= 0 && ftruncate(w->fd, 0) != 0) {
            /* nothing more to try; the close below reports nothing either way */
        }
        h5err_quiet q = h5err_silence();
        H5Fclose(w->file);
        H5Eclear2(H5E_DEFAULT);
        h5err_loud(q);
    }
    if (w->fd >= 0)
        close(w->fd);
    for (size_t i = 0; i < w->ndims; i++) {
        free(w->dims[i].group);
        free(w->dims[i].name);
    }
    free(w->dims);
    free(w->final_path);
    free(w->tmp_path);
    free(w);
}
