/* app.core._accel: the few loops of the core that touch every byte, character or finding of a document, in C.
 *
 * Each has a pure-Python twin that gives the same answers (app/core/accel.py; tests/core/test_accel.py checks them
 * against each other). This module is built with the mypyc modules by tools/compile_core.py and obeys the same
 * switches: a stale build or SPECGATE_NATIVE=0 leaves it unimported (app/core/native.py).
 *
 * Why C, measured on the bench machine:
 * - count: CPython's bytes.count of one byte is a byte-at-a-time loop (86 us over big.json's 455 KB, and the
 *   duplicate-member proof counts twice); here it is a loop the compiler vectorises (8 us).
 * - env_names_ok: compiled Python still pays a few nanoseconds per character of a name (14 us for a Kubernetes
 *   pod's 240 environment entries); reading the string's buffer directly, sixteen characters at a time, 1.4 us.
 * - index_offsets: the SARIF locator's scan, a regular expression per token in Python (23.5 ms for big.json's
 *   20,000 values); here 3.7 ms.
 * - build_models: object.__new__ called from Python goes through a wrapper that checks and packs its arguments,
 *   and setting a slot through its descriptor looks the descriptor up each time (744 us for big.json's 4,000
 *   findings); calling object's tp_new and writing the slots directly, 470 us.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* 0 when a METH_FASTCALL function `name` got `expected` positional arguments; -1 with TypeError otherwise. */
static int
check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t expected)
{
    if (nargs == expected) {
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s() takes %zd positional arguments (%zd given)", name, expected, nargs);
    return -1;
}

/* How many bytes of p[0..n) equal c. The inner loop sums byte-wide comparisons (at most 255 per block, so the
 * byte-wide sum cannot wrap), which gcc and clang turn into 16- or 32-byte vector compares. */
static Py_ssize_t
count_byte(const unsigned char *p, Py_ssize_t n, unsigned char c)
{
    Py_ssize_t total = 0;
    while (n >= 255) {
        unsigned char block = 0;
        for (int i = 0; i < 255; i++) {
            block += (unsigned char)(p[i] == c);
        }
        total += block;
        p += 255;
        n -= 255;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        total += p[i] == c;
    }
    return total;
}

PyDoc_STRVAR(count_doc,
"count(data, byte, /)\n--\n\n"
"How many bytes of the bytes-like `data` equal `byte` (0..255): `data.count(bytes([byte]))`.");

static PyObject *
accel_count(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("count", nargs, 2) < 0) {
        return NULL;
    }
    long byte = PyLong_AsLong(args[1]);
    if (byte == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (byte < 0 || byte > 255) {
        PyErr_SetString(PyExc_ValueError, "byte must be in range(0, 256)");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) < 0) {
        return NULL;
    }
    /* A large buffer lets other threads run meanwhile: it is exported, so a bytearray cannot be resized. */
    PyThreadState *saved = view.len >= (1 << 16) ? PyEval_SaveThread() : NULL;
    Py_ssize_t total = count_byte((const unsigned char *)view.buf, view.len, (unsigned char)byte);
    if (saved != NULL) {
        PyEval_RestoreThread(saved);
    }
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(total);
}

/* [A-Za-z_] at the start of a name, [A-Za-z0-9_] after it. */
static inline int
name_char(Py_UCS4 c, int first)
{
    return (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

/* For one-byte strings, the same classes as a table: bit 1 for [A-Za-z0-9_], bit 2 for [A-Za-z_]. One load and a test
 * per character where name_char makes several comparisons (names are most of what the scan reads: a pod's are about
 * 26 characters). NUL and every byte above 127 are neither. */
#define NAME_ANY 1
#define NAME_FIRST 2
static unsigned char NAME_CLASS[256]; /* filled by fill_name_class when the module is loaded */

static void
fill_name_class(void)
{
    for (int c = 0; c < 256; c++) {
        NAME_CLASS[c] = (unsigned char)(name_char((Py_UCS4)c, 0) ? NAME_ANY : 0) |
                        (unsigned char)(name_char((Py_UCS4)c, 1) ? NAME_FIRST : 0);
    }
}

#if defined(__SSE2__)
/* A bit for each of the 16 bytes at p that is not [A-Za-z0-9_]. Signed compares: bytes above 127 are negative and
 * fall outside every range. Setting bit 0x20 folds A-Z onto a-z and sends no other byte into a-z ('@' and '['
 * become '`' and '{'). */
static inline unsigned int
non_name_bits(const Py_UCS1 *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                         _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), lower));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                        _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), v));
    const __m128i name = _mm_or_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    return ~(unsigned int)_mm_movemask_epi8(name) & 0xFFFFu;
}
#endif

/* The first byte from p on that is not [A-Za-z0-9_], in the buffer [start, nul], whose last byte (a NUL) is not one.
 * With SSE2 (every x86-64), sixteen bytes are classified at once (a pod's names are about 26 characters), and every
 * load stays inside the buffer: the last one overlaps bytes already read rather than reading past the NUL. */
static inline const Py_UCS1 *
skip_name_chars(const Py_UCS1 *p, const Py_UCS1 *start, const Py_UCS1 *nul)
{
#if defined(__SSE2__)
    while (nul - p >= 15) {  /* p[0..15] inside the buffer */
        unsigned int stop = non_name_bits(p);
        if (stop) {
            return p + __builtin_ctz(stop);
        }
        p += 16;
    }
    if (nul - start >= 15 && p <= nul) {
        const Py_UCS1 *last = nul - 15;  /* the final 16 bytes, the NUL among them: a stop is always found */
        unsigned int stop = non_name_bits(last) & (0xFFFFu << (p - last));  /* bytes before p are known names */
        return last + __builtin_ctz(stop);
    }
#else
    (void)start;
#endif
    while (NAME_CLASS[*p] & NAME_ANY) {
        p++;
    }
    return p;
}

/* 1 when `entry` starts with a portable name and '=' (the regex [A-Za-z_][A-Za-z0-9_]*=), 0 when not, -1 with an
 * exception set when the string cannot be read. */
static int
env_entry_ok(PyObject *entry)
{
    if (PyUnicode_READY(entry) < 0) {  /* a no-op but for strings made by the legacy (wchar_t) API */
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(entry);
    int kind = PyUnicode_KIND(entry);
    const void *data = PyUnicode_DATA(entry);
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *s = (const Py_UCS1 *)data;
        if (n == 0 || !(NAME_CLASS[s[0]] & NAME_FIRST)) {
            return 0;
        }
        /* A ready string's buffer ends with a NUL after its n characters (CPython keeps that invariant for every
         * kind), which is not a name character: the run stops there at the latest. */
        const Py_UCS1 *p = skip_name_chars(s + 1, s, s + n);
        return *p == '=' && p < s + n;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '=') {
            return i > 0;
        }
        if (!name_char(c, i == 0)) {
            return 0;
        }
    }
    return 0;
}

PyDoc_STRVAR(env_names_ok_doc,
"env_names_ok(entries, /)\n--\n\n"
"True when every item of the list `entries` is a str that starts with a portable environment variable name and\n"
"'=' ([A-Za-z_][A-Za-z0-9_]*=); False when one is not (or is not a str): False proves nothing about which.");

static PyObject *
accel_env_names_ok(PyObject *Py_UNUSED(module), PyObject *entries)
{
    if (!PyList_Check(entries)) {
        PyErr_Format(PyExc_TypeError, "env_names_ok() expects a list, not %.100s", Py_TYPE(entries)->tp_name);
        return NULL;
    }
    /* The size is read on each turn and each entry held while it is read: readying a legacy string allocates,
     * which may run a collection's finalizers, and another thread with them that changes the list. */
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(entries); i++) {
        PyObject *entry = PyList_GET_ITEM(entries, i);
        if (!PyUnicode_Check(entry)) {
            Py_RETURN_FALSE;
        }
        Py_INCREF(entry);
        int ok = env_entry_ok(entry);
        Py_DECREF(entry);
        if (ok < 0) {
            return NULL;
        }
        if (!ok) {
            Py_RETURN_FALSE;
        }
    }
    Py_RETURN_TRUE;
}

/* The slots every pydantic model instance has (BaseModel.__slots__), which model_construct sets: their names,
 * interned once when the module is loaded (accel_exec), so that looking them up costs a type-cache hit. */
static const char *const MODEL_SLOTS[] = {"__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"};
#define N_MODEL_SLOTS 3
static PyObject *model_slot_names[N_MODEL_SLOTS];

/* The offset of slot `name` of `cls` instances, or -1 with an exception set when it is not a writable object slot
 * that `cls` has (a member descriptor of a base of `cls`). */
static Py_ssize_t
slot_offset(PyTypeObject *cls, int which)
{
    PyObject *descr = PyObject_GetAttr((PyObject *)cls, model_slot_names[which]);
    if (descr == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError)) {
            return -1;
        }
        PyErr_Clear();
    }
    Py_ssize_t offset = -1;
    if (descr != NULL && Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type == T_OBJECT_EX && !(member->flags & READONLY)
            && PyType_IsSubtype(cls, PyDescr_TYPE(descr))) {
            offset = member->offset;
        }
    }
    Py_XDECREF(descr);
    if (offset < 0) {
        PyErr_Format(PyExc_TypeError, "%.100s.%s is not a writable slot", cls->tp_name, MODEL_SLOTS[which]);
    }
    return offset;
}

/* The slot offsets of the class last built, kept with a reference to it and its version tag: the lookups cost more
 * than building a model (a pydantic class's metaclass has a __getattr__, so each goes through Python), and a report
 * builds its findings in one call but the policy file one at a time. A changed class gets a new version tag. */
static PyTypeObject *cached_cls;
static unsigned int cached_version;
static Py_ssize_t cached_offsets[N_MODEL_SLOTS];

/* Fills `offsets` for `cls`, from the cache when it is current; 0, or -1 with an exception set. The cache is read
 * and written with no Python code in between (dropping the class it held, which may run some, comes last), so a
 * call never mixes another class's offsets into its own. */
static int
model_slot_offsets(PyTypeObject *cls, Py_ssize_t offsets[N_MODEL_SLOTS])
{
    if (cls == cached_cls && (cls->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) && cls->tp_version_tag == cached_version) {
        memcpy(offsets, cached_offsets, sizeof(cached_offsets));
        return 0;
    }
    for (int k = 0; k < N_MODEL_SLOTS; k++) {
        if ((offsets[k] = slot_offset(cls, k)) < 0) {
            return -1;
        }
    }
    /* The lookups gave the class a version tag (the type attribute cache assigns one), unless tags ran out: without
     * one there is nothing to tell a change by, and the next call looks up again. */
    PyObject *dropped = (PyObject *)cached_cls;
    if (cls->tp_flags & Py_TPFLAGS_VALID_VERSION_TAG) {
        cached_cls = (PyTypeObject *)Py_NewRef(cls);
        cached_version = cls->tp_version_tag;
        memcpy(cached_offsets, offsets, sizeof(cached_offsets));
    }
    else {
        cached_cls = NULL;
    }
    Py_XDECREF(dropped);
    return 0;
}

PyDoc_STRVAR(build_models_doc,
"build_models(cls, names, rows, fields, /)\n--\n\n"
"A `cls` instance for each row of `rows`, built as model_construct builds a pydantic model from trusted values:\n"
"object.__new__(cls), then each of `names` set with object.__setattr__ to the row's value at the same place, the\n"
"fields-set a new set with the members of `fields`, extra and private None.");

static PyObject *
accel_build_models(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("build_models", nargs, 4) < 0) {
        return NULL;
    }
    PyObject *names = args[1], *fields = args[3];
    if (!PyType_Check(args[0]) || ((PyTypeObject *)args[0])->tp_new != PyBaseObject_Type.tp_new) {
        PyErr_SetString(PyExc_TypeError, "build_models() needs a class that object.__new__ builds");
        return NULL;
    }
    PyTypeObject *cls = (PyTypeObject *)args[0];
    if (!PyTuple_Check(names)) {
        PyErr_SetString(PyExc_TypeError, "build_models() needs the field names as a tuple");
        return NULL;
    }
    for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(names); j++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(names, j))) {
            PyErr_SetString(PyExc_TypeError, "build_models() needs the field names as strings");
            return NULL;
        }
    }
    if (!PyAnySet_Check(fields)) {
        PyErr_SetString(PyExc_TypeError, "build_models() needs the fields-set as a set or frozenset");
        return NULL;
    }
    /* A copy of the offsets: building may run Python code (a collection's finalizers), and with it another thread
     * that refills the cache for another class. */
    Py_ssize_t offsets[N_MODEL_SLOTS];
    if (model_slot_offsets(cls, offsets) < 0) {
        return NULL;
    }
    PyObject *empty = PyTuple_New(0);
    PyObject *rows = PySequence_Fast(args[2], "build_models() needs a sequence of rows");
    PyObject *made_all = PyList_New(0);
    if (empty == NULL || rows == NULL || made_all == NULL) {
        goto fail;
    }
    Py_ssize_t width = PyTuple_GET_SIZE(names);
    /* The size is read on each turn and each row held by a strong reference: setting an attribute could run Python
     * code (a descriptor on the class) that changes the list of rows. */
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(rows); i++) {
        PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(rows, i));
        PyObject *row = PySequence_Tuple(item); /* the row itself when it is a tuple, as rows usually are */
        Py_DECREF(item);
        if (row == NULL) {
            goto fail;
        }
        if (PyTuple_GET_SIZE(row) != width) {
            PyErr_Format(PyExc_ValueError, "build_models(): row %zd has %zd values for %zd names", i,
                         PyTuple_GET_SIZE(row), width);
            Py_DECREF(row);
            goto fail;
        }
        /* object.__new__(cls) without the Python-level wrapper: object's tp_new allocates and readies the
         * instance's (inline) attribute storage. */
        PyObject *made = PyBaseObject_Type.tp_new(cls, empty, NULL);
        if (made == NULL) {
            Py_DECREF(row);
            goto fail;
        }
        int failed = PyList_Append(made_all, made) < 0;
        for (Py_ssize_t j = 0; !failed && j < width; j++) {
            failed = PyObject_GenericSetAttr(made, PyTuple_GET_ITEM(names, j), PyTuple_GET_ITEM(row, j)) < 0;
        }
        Py_DECREF(row);
        PyObject *fields_set = failed ? NULL : PySet_New(fields);
        if (fields_set == NULL) {
            Py_DECREF(made);
            goto fail;
        }
        /* The instance is new, so its slots are empty: store the references where the descriptors would. */
        PyObject **slots[N_MODEL_SLOTS];
        for (int k = 0; k < N_MODEL_SLOTS; k++) {
            slots[k] = (PyObject **)((char *)made + offsets[k]);
        }
        Py_XSETREF(*slots[0], fields_set);
        Py_XSETREF(*slots[1], Py_NewRef(Py_None));
        Py_XSETREF(*slots[2], Py_NewRef(Py_None));
        /* The fields-set holds field names (str) and nothing else: it can be in no reference cycle, so the cyclic
         * collector need not visit it (as CPython untracks tuples and dicts of atomic values). With the collector
         * on, as in the server, that saves about a tenth of judging big.json's 4,000 findings. */
        PyObject_GC_UnTrack(fields_set);
        Py_DECREF(made);
    }
    Py_DECREF(empty);
    Py_DECREF(rows);
    return made_all;
fail:
    Py_XDECREF(empty);
    Py_XDECREF(rows);
    Py_XDECREF(made_all);
    return NULL;
}

/* ---- index_offsets: the scan of app/core/locate.py (_index), which SARIF and editors use to turn pointers into
 * lines. The same tokens, the same state and the same order of dict operations as the Python twin, which has the
 * comments on why each step is what it is; here the scan reads the string's buffer instead of running a regular
 * expression per token (23.5 ms for big.json's 20,000 values in Python). */

static PyObject *empty_str, *tilde, *tilde_escaped, *slash, *slash_escaped, *json_loads;

enum { TOKEN_NONE, TOKEN_NAME, TOKEN_OPEN, TOKEN_CLOSE, TOKEN_SCALAR };

static inline int
is_space(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A character of an unquoted scalar: [^ \t\r\n{}\[\],:"] */
static inline int
is_bare(Py_UCS4 c)
{
    return !(is_space(c) || c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == '"');
}

/* One past the closing quote of the string that starts at q (a '"'), or -1 when it does not close: the regex
 * "[^"\\]*(?:\\.[^"\\]*)*" with DOTALL (a backslash takes whatever character follows it). */
static Py_ssize_t
string_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t q)
{
    Py_ssize_t i = q + 1;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '"') {
            return i + 1;
        }
        i += c == '\\' ? 2 : 1;
    }
    return -1;
}

/* The token the locator's regex matches at p (its whitespace and one comma first), or TOKEN_NONE. The value (or
 * name) starts at *start; the token ends at *end; a name's closing quote is at *name_end - 1. */
static int
token_at(int kind, const void *data, Py_ssize_t n, Py_ssize_t p, Py_ssize_t *start, Py_ssize_t *end,
         Py_ssize_t *name_end)
{
    Py_ssize_t q = p;
    while (q < n && is_space(PyUnicode_READ(kind, data, q))) {
        q++;
    }
    if (q < n && PyUnicode_READ(kind, data, q) == ',') {
        q++;
    }
    while (q < n && is_space(PyUnicode_READ(kind, data, q))) {
        q++;
    }
    if (q >= n) {
        return TOKEN_NONE;
    }
    Py_UCS4 c = PyUnicode_READ(kind, data, q);
    *start = q;
    if (c == '"') {
        Py_ssize_t r = string_end(kind, data, n, q);
        if (r < 0) {
            return TOKEN_NONE;
        }
        Py_ssize_t s = r;
        while (s < n && is_space(PyUnicode_READ(kind, data, s))) {
            s++;
        }
        if (s < n && PyUnicode_READ(kind, data, s) == ':') {
            *name_end = r;
            *end = s + 1;
            return TOKEN_NAME;
        }
        *end = r;
        return TOKEN_SCALAR;
    }
    if (c == '{' || c == '[') {
        *end = q + 1;
        return TOKEN_OPEN;
    }
    if (c == '}' || c == ']') {
        *end = q + 1;
        return TOKEN_CLOSE;
    }
    if (!is_bare(c)) {
        return TOKEN_NONE;
    }
    Py_ssize_t r = q + 1;
    while (r < n && is_bare(PyUnicode_READ(kind, data, r))) {
        r++;
    }
    *end = r;
    return TOKEN_SCALAR;
}

/* parent + "/" + tail, built in one allocation (in the narrowest kind that holds both, as str requires). */
static PyObject *
join_pointer(PyObject *parent, PyObject *tail)
{
    Py_ssize_t plen = PyUnicode_GET_LENGTH(parent), tlen = PyUnicode_GET_LENGTH(tail);
    Py_UCS4 maxchar = Py_MAX(PyUnicode_MAX_CHAR_VALUE(parent), PyUnicode_MAX_CHAR_VALUE(tail));
    PyObject *joined = PyUnicode_New(plen + 1 + tlen, maxchar);
    if (joined == NULL) {
        return NULL;
    }
    if (PyUnicode_CopyCharacters(joined, 0, parent, 0, plen) < 0
        || PyUnicode_CopyCharacters(joined, plen + 1, tail, 0, tlen) < 0) {
        Py_DECREF(joined);
        return NULL;
    }
    PyUnicode_WRITE(PyUnicode_KIND(joined), PyUnicode_DATA(joined), plen, '/');
    return joined;
}

/* parent + "/" + str(index). */
static PyObject *
join_index(PyObject *parent, Py_ssize_t index)
{
    char digits[32];
    int dlen = snprintf(digits, sizeof(digits), "%zd", index);
    Py_ssize_t plen = PyUnicode_GET_LENGTH(parent);
    PyObject *joined = PyUnicode_New(plen + 1 + dlen, PyUnicode_MAX_CHAR_VALUE(parent));
    if (joined == NULL) {
        return NULL;
    }
    if (PyUnicode_CopyCharacters(joined, 0, parent, 0, plen) < 0) {
        Py_DECREF(joined);
        return NULL;
    }
    int kind = PyUnicode_KIND(joined);
    void *data = PyUnicode_DATA(joined);
    PyUnicode_WRITE(kind, data, plen, '/');
    for (int i = 0; i < dlen; i++) {
        PyUnicode_WRITE(kind, data, plen + 1 + i, (Py_UCS4)digits[i]);
    }
    return joined;
}

/* app.core.pointer.escape: '~' becomes '~0' and '/' becomes '~1' (a new reference). */
static PyObject *
escape_token(PyObject *name)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(name);
    if (PyUnicode_FindChar(name, '~', 0, len, 1) == -1 && PyUnicode_FindChar(name, '/', 0, len, 1) == -1) {
        return Py_NewRef(name);
    }
    PyObject *step = PyUnicode_Replace(name, tilde, tilde_escaped, -1);
    if (step == NULL) {
        return NULL;
    }
    Py_SETREF(step, PyUnicode_Replace(step, slash, slash_escaped, -1));
    return step;
}

/* offsets.pop(key, None) */
static int
forget(PyObject *offsets, PyObject *key)
{
    if (PyDict_DelItem(offsets, key) < 0) {
        if (!PyErr_ExceptionMatches(PyExc_KeyError)) {
            return -1;
        }
        PyErr_Clear();
    }
    return 0;
}

typedef struct {
    PyObject *parent;  /* strong references */
    Py_ssize_t index;
    PyObject *members;
} Frame;

PyDoc_STRVAR(index_offsets_doc,
"index_offsets(text, start, /)\n--\n\n"
"Character offset of every value of the JSON document `text` (scanned from `start`), by its canonical pointer;\n"
"ValueError when the text is not JSON. app/core/locate.py's _index, which documents it.");

static PyObject *
accel_index_offsets(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (check_nargs("index_offsets", nargs, 2) < 0) {
        return NULL;
    }
    if (!PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "index_offsets() takes a str and a start offset");
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t p = PyLong_AsSsize_t(args[1]);
    if ((p == -1 && PyErr_Occurred()) || PyUnicode_READY(text) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (p < 0) {
        p = 0;  /* as re's finditer reads a negative pos */
    }

    PyObject *result = NULL;
    Frame *stack = NULL;
    Py_ssize_t depth = 0, capacity = 0;
    PyObject *offsets = PyDict_New(), *order = PyList_New(0), *members = PyDict_New();
    PyObject *parent = Py_NewRef(empty_str), *pointer = Py_NewRef(empty_str);  /* pointer NULL: Python's None */
    Py_ssize_t index = -1;
    if (offsets == NULL || order == NULL || members == NULL) {
        goto done;
    }
    for (;;) {
        Py_ssize_t start = 0, end = 0, name_end = 0;
        int token = token_at(kind, data, n, p, &start, &end, &name_end);
        if (token == TOKEN_NONE) {
            if (p >= n) {
                goto malformed;  /* the text ended inside a container (or held nothing) */
            }
            p++;  /* re's search tries the next position */
            continue;
        }
        p = end;
        if (token == TOKEN_NAME) {
            if (index != -1 || pointer != NULL) {
                goto malformed;
            }
            PyObject *name = PyUnicode_Substring(text, start + 1, name_end - 1);
            if (name == NULL) {
                goto done;
            }
            if (PyUnicode_FindChar(name, '\\', 0, PyUnicode_GET_LENGTH(name), 1) != -1) {
                PyObject *quoted = PyUnicode_Substring(text, start, name_end);
                if (json_loads == NULL) {
                    PyObject *json = PyImport_ImportModule("json");
                    json_loads = json == NULL ? NULL : PyObject_GetAttrString(json, "loads");
                    Py_XDECREF(json);
                }
                Py_SETREF(name, quoted == NULL || json_loads == NULL ? NULL : PyObject_CallOneArg(json_loads, quoted));
                Py_XDECREF(quoted);
                if (name == NULL) {
                    goto done;  /* an escape JSON does not have: ValueError, as from the twin */
                }
            }
            PyObject *escaped = escape_token(name);
            PyObject *named = escaped == NULL ? NULL : join_pointer(parent, escaped);
            Py_XDECREF(escaped);
            if (named == NULL) {
                Py_DECREF(name);
                goto done;
            }
            pointer = named;
            PyObject *earlier = PyDict_GetItemWithError(members, name);  /* borrowed */
            if (earlier == NULL && PyErr_Occurred()) {
                Py_DECREF(name);
                goto done;
            }
            if (earlier != NULL) {
                /* The loader keeps the last of repeated members: forget the values under the earlier one. */
                Py_ssize_t first = PyLong_AsSsize_t(earlier);
                PyObject *below = join_pointer(pointer, empty_str);
                if (below == NULL || forget(offsets, PyList_GET_ITEM(order, first)) < 0) {
                    Py_XDECREF(below);
                    Py_DECREF(name);
                    goto done;
                }
                for (Py_ssize_t i = first + 1; i < PyList_GET_SIZE(order); i++) {
                    PyObject *stale = PyList_GET_ITEM(order, i);
                    Py_ssize_t under = PyUnicode_Tailmatch(stale, below, 0, PY_SSIZE_T_MAX, -1);
                    if (under <= 0) {
                        break;
                    }
                    if (forget(offsets, stale) < 0) {
                        Py_DECREF(below);
                        Py_DECREF(name);
                        goto done;
                    }
                }
                Py_DECREF(below);
            }
            PyObject *position = PyLong_FromSsize_t(PyList_GET_SIZE(order));
            int failed = position == NULL || PyDict_SetItem(members, name, position) < 0;
            Py_XDECREF(position);
            Py_DECREF(name);
            if (failed) {
                goto done;
            }
            continue;
        }
        if (token == TOKEN_CLOSE) {
            if (depth == 0 || (index == -1 && pointer != NULL)) {
                goto malformed;  /* a bracket with nothing open, or a member name without its value */
            }
            depth--;
            Py_SETREF(parent, stack[depth].parent);
            Py_SETREF(members, stack[depth].members);
            index = stack[depth].index;
            if (depth == 0) {
                result = Py_NewRef(offsets);  /* the top-level container is closed */
                goto done;
            }
            Py_CLEAR(pointer);
            if (index != -1) {
                pointer = Py_NewRef(empty_str);
            }
            continue;
        }
        /* A value: an opening bracket or a scalar. */
        if (index != -1) {
            Py_XSETREF(pointer, join_index(parent, index));
            if (pointer == NULL) {
                goto done;
            }
            index++;
        }
        else if (pointer == NULL) {
            goto malformed;
        }
        PyObject *at = PyLong_FromSsize_t(start);
        int failed = at == NULL || PyDict_SetItem(offsets, pointer, at) < 0 || PyList_Append(order, pointer) < 0;
        Py_XDECREF(at);
        if (failed) {
            goto done;
        }
        if (token == TOKEN_OPEN) {
            if (depth == capacity) {
                Py_ssize_t grown = capacity ? capacity * 2 : 16;
                Frame *bigger = PyMem_Realloc(stack, (size_t)grown * sizeof(Frame));
                if (bigger == NULL) {
                    PyErr_NoMemory();
                    goto done;
                }
                stack = bigger;
                capacity = grown;
            }
            PyObject *opened = PyDict_New();
            if (opened == NULL) {
                goto done;
            }
            stack[depth].parent = parent;  /* the references move to the frame */
            stack[depth].index = index;
            stack[depth].members = members;
            depth++;
            parent = pointer;  /* the reference moves: pointer becomes None */
            pointer = NULL;
            members = opened;
            index = PyUnicode_READ(kind, data, start) == '[' ? 0 : -1;
        }
        else if (depth == 0) {
            result = Py_NewRef(offsets);  /* a scalar at the top level */
            goto done;
        }
        else {
            Py_CLEAR(pointer);
            if (index != -1) {
                pointer = Py_NewRef(empty_str);
            }
        }
    }
malformed:
    PyErr_Format(PyExc_ValueError, "not JSON: cannot locate values (at character %zd)", p);
done:
    for (Py_ssize_t i = 0; i < depth; i++) {
        Py_DECREF(stack[i].parent);
        Py_DECREF(stack[i].members);
    }
    PyMem_Free(stack);
    Py_XDECREF(offsets);
    Py_XDECREF(order);
    Py_XDECREF(members);
    Py_XDECREF(parent);
    Py_XDECREF(pointer);
    return result;
}

static PyMethodDef accel_methods[] = {
    {"count", (PyCFunction)(void (*)(void))accel_count, METH_FASTCALL, count_doc},
    {"env_names_ok", (PyCFunction)accel_env_names_ok, METH_O, env_names_ok_doc},
    {"build_models", (PyCFunction)(void (*)(void))accel_build_models, METH_FASTCALL, build_models_doc},
    {"index_offsets", (PyCFunction)(void (*)(void))accel_index_offsets, METH_FASTCALL, index_offsets_doc},
    {NULL, NULL, 0, NULL},
};

static int
accel_exec(PyObject *Py_UNUSED(module))
{
    fill_name_class();
    struct {
        PyObject **slot;
        const char *text;
    } constants[] = {
        {&empty_str, ""}, {&tilde, "~"}, {&tilde_escaped, "~0"}, {&slash, "/"}, {&slash_escaped, "~1"},
    };
    for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
        if (*constants[i].slot == NULL && (*constants[i].slot = PyUnicode_InternFromString(constants[i].text)) == NULL) {
            return -1;
        }
    }
    for (int k = 0; k < N_MODEL_SLOTS; k++) {
        if (model_slot_names[k] == NULL && (model_slot_names[k] = PyUnicode_InternFromString(MODEL_SLOTS[k])) == NULL) {
            return -1;
        }
    }
    return 0;
}

static struct PyModuleDef_Slot accel_slots[] = {
    {Py_mod_exec, accel_exec},
    {0, NULL},
};

static struct PyModuleDef accel_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "app.core._accel",
    .m_doc = "The core's per-byte, per-character and per-finding loops in C (app/core/accel.py has their twins).",
    .m_size = 0,
    .m_methods = accel_methods,
    .m_slots = accel_slots,
};

PyMODINIT_FUNC
PyInit__accel(void)
{
    return PyModuleDef_Init(&accel_module);
}
