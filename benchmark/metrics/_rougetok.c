/* rouge-score's default tokenizer in C, for benchmark.metrics._rougecore (see the top of
 * _rougecore.c): text.lower(), runs of [a-z0-9], each word mapped to the id of its
 * (stemmed) token through a word table kept in C, unseen words handed to Python once. */
#include "_rougecore.h"

typedef struct {
    int32_t *v;
    Py_ssize_t n, cap;
} buf_t;

static int push(buf_t *b, int32_t x) {
    if (b->n == b->cap) {
        Py_ssize_t cap = b->cap ? 2 * b->cap : 64;
        int32_t *v = (int32_t *)PyMem_Realloc(b->v, sizeof(int32_t) * (size_t)cap);
        if (!v) { PyErr_NoMemory(); return -1; }
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = x;
    return 0;
}

static inline int is_word_char(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* word -> id without a Python string per word: open addressing over an arena of the
 * words' bytes; a PyCapsule owns it (``new_words()``), one per vocabulary. */
typedef struct {
    char *arena;
    Py_ssize_t used, cap;
    Py_ssize_t *off;      /* per slot: offset of the word in the arena, -1 empty */
    int32_t *len, *id;
    uint64_t *hash;
    Py_ssize_t slots, count;
} words_t;

static void words_free(PyObject *capsule) {
    words_t *w = (words_t *)PyCapsule_GetPointer(capsule, "sumbench.words");
    if (!w) return;
    free(w->arena); free(w->off); free(w->len); free(w->id); free(w->hash);
    free(w);
}

static int words_alloc_slots(words_t *w, Py_ssize_t slots) {
    w->off = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * (size_t)slots);
    w->len = (int32_t *)malloc(sizeof(int32_t) * (size_t)slots);
    w->id = (int32_t *)malloc(sizeof(int32_t) * (size_t)slots);
    w->hash = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)slots);
    if (!w->off || !w->len || !w->id || !w->hash) return -1;
    for (Py_ssize_t i = 0; i < slots; i++) w->off[i] = -1;
    w->slots = slots;
    return 0;
}

PyObject *rc_new_words(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    words_t *w = (words_t *)calloc(1, sizeof(words_t));
    PyObject *cap = NULL;
    if (w && words_alloc_slots(w, 1024) == 0) {
        cap = PyCapsule_New(w, "sumbench.words", words_free);
        if (cap) return cap;
    } else {
        PyErr_NoMemory();
    }
    if (w) { free(w->off); free(w->len); free(w->id); free(w->hash); free(w); }
    return NULL;
}

static inline uint64_t hash_word(const char *s, Py_ssize_t k) {
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < k; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* Slot of ``s`` (found or the empty slot where it would go). */
static inline Py_ssize_t words_slot(const words_t *w, const char *s, Py_ssize_t k, uint64_t h) {
    Py_ssize_t mask = w->slots - 1, i = (Py_ssize_t)(h & (uint64_t)mask);
    while (w->off[i] >= 0) {
        if (w->hash[i] == h && w->len[i] == k && memcmp(w->arena + w->off[i], s, (size_t)k) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int words_insert(words_t *w, const char *s, Py_ssize_t k, uint64_t h, int32_t id) {
    if (2 * (w->count + 1) > w->slots) {  /* grow: keep the load factor under 1/2 */
        words_t old = *w;
        if (words_alloc_slots(w, 2 * old.slots) < 0) { *w = old; return -1; }
        for (Py_ssize_t i = 0; i < old.slots; i++) {
            if (old.off[i] < 0) continue;
            Py_ssize_t j = (Py_ssize_t)(old.hash[i] & (uint64_t)(w->slots - 1));
            while (w->off[j] >= 0) j = (j + 1) & (w->slots - 1);
            w->off[j] = old.off[i]; w->len[j] = old.len[i]; w->id[j] = old.id[i];
            w->hash[j] = old.hash[i];
        }
        free(old.off); free(old.len); free(old.id); free(old.hash);
    }
    if (w->used + k > w->cap) {
        Py_ssize_t cap = w->cap ? 2 * w->cap : 65536;
        while (cap < w->used + k) cap *= 2;
        char *a = (char *)realloc(w->arena, (size_t)cap);
        if (!a) return -1;
        w->arena = a;
        w->cap = cap;
    }
    Py_ssize_t slot = words_slot(w, s, k, h);
    if (w->off[slot] >= 0) return 0;  /* added meanwhile (the callback ran Python) */
    memcpy(w->arena + w->used, s, (size_t)k);
    w->off[slot] = w->used; w->len[slot] = (int32_t)k; w->id[slot] = id; w->hash[slot] = h;
    w->used += k;
    w->count++;
    return 0;
}

/* Tokenise one text into (ids, lengths). A word missing from ``words`` is passed to
 * ``add`` (a Python callable: word -> id, which also stores it in ``words``). */
static PyObject *tokenize_one(PyObject *text, PyObject *words, int lines, PyObject *add) {
    PyObject *low;
    if (PyUnicode_IS_ASCII(text)) {
        Py_INCREF(text);
        low = text;  /* upper-case ASCII letters are folded below */
    } else {
        low = PyObject_CallMethod(text, "lower", NULL);  /* str.lower, as rouge-score */
        if (!low) return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(low);
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    buf_t ids = {NULL, 0, 0}, lens = {NULL, 0, 0};
    PyObject *result = NULL;
    words_t *table = PyCapsule_CheckExact(words)
                         ? (words_t *)PyCapsule_GetPointer(words, "sumbench.words") : NULL;
    if (PyCapsule_CheckExact(words) && !table) { Py_DECREF(low); return NULL; }
    char small[64];
    char *word = small;
    Py_ssize_t word_cap = (Py_ssize_t)sizeof(small);
    int32_t line_start = 0;
    Py_ssize_t i = 0;
    while (i <= len) {
        Py_UCS4 c = i < len ? PyUnicode_READ(kind, data, i) : '\n';
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (!is_word_char(c)) {
            if (c == '\n' && (lines || i == len)) {
                if (push(&lens, (int32_t)(ids.n - line_start)) < 0) goto done;
                line_start = (int32_t)ids.n;
            }
            i++;
            continue;
        }
        Py_ssize_t j = i, k = 0;
        for (; j < len; j++) {
            Py_UCS4 d = PyUnicode_READ(kind, data, j);
            if (d >= 'A' && d <= 'Z') d += 'a' - 'A';
            if (!is_word_char(d)) break;
            if (k + 1 >= word_cap) {
                Py_ssize_t cap = 2 * word_cap;
                char *w = (char *)PyMem_Malloc((size_t)cap);
                if (!w) { PyErr_NoMemory(); goto done; }
                memcpy(w, word, (size_t)k);
                if (word != small) PyMem_Free(word);
                word = w;
                word_cap = cap;
            }
            word[k++] = (char)d;
        }
        i = j;
        long id;
        if (table) {
            uint64_t h = hash_word(word, k);
            Py_ssize_t slot = words_slot(table, word, k, h);
            if (table->off[slot] >= 0) {
                id = table->id[slot];
            } else {
                PyObject *key = PyUnicode_FromStringAndSize(word, k);
                PyObject *made = key ? PyObject_CallOneArg(add, key) : NULL;
                Py_XDECREF(key);
                if (!made) goto done;
                id = PyLong_AsLong(made);
                Py_DECREF(made);
                if (id == -1 && PyErr_Occurred()) goto done;
                if (id < INT32_MIN || id > INT32_MAX ||
                    words_insert(table, word, k, h, (int32_t)id) < 0) {
                    PyErr_SetString(PyExc_MemoryError, "word table");
                    goto done;
                }
            }
            if (id >= 0 && push(&ids, (int32_t)id) < 0) goto done;
            continue;
        }
        PyObject *key = PyUnicode_FromStringAndSize(word, k);
        if (!key) goto done;
        PyObject *val = PyDict_GetItemWithError(words, key);  /* borrowed */
        if (val) {
            id = PyLong_AsLong(val);
        } else {
            if (PyErr_Occurred()) { Py_DECREF(key); goto done; }
            PyObject *made = PyObject_CallOneArg(add, key);
            if (!made) { Py_DECREF(key); goto done; }
            id = PyLong_AsLong(made);
            Py_DECREF(made);
        }
        Py_DECREF(key);
        if (id == -1 && PyErr_Occurred()) goto done;
        if (id >= 0 && push(&ids, (int32_t)id) < 0) goto done;
    }
    {
        PyObject *a = PyBytes_FromStringAndSize((const char *)ids.v,
                                                (Py_ssize_t)sizeof(int32_t) * ids.n);
        PyObject *b = a ? PyBytes_FromStringAndSize((const char *)lens.v,
                                                    (Py_ssize_t)sizeof(int32_t) * lens.n)
                        : NULL;
        if (a && b) result = PyTuple_Pack(2, a, b);
        Py_XDECREF(a);
        Py_XDECREF(b);
    }
done:
    if (word != small) PyMem_Free(word);
    PyMem_Free(ids.v);
    PyMem_Free(lens.v);
    Py_DECREF(low);
    return result;
}

PyObject *rc_tokenize(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4 || !PyUnicode_Check(args[0]) ||
        !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1])) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "tokenize(text: str, words: dict | new_words(), lines: bool, add)");
        return NULL;
    }
    int lines = PyObject_IsTrue(args[2]);
    if (lines < 0) return NULL;
    return tokenize_one(args[0], args[1], lines, args[3]);
}

/* tokenize_many(texts, words, lines, add) -> list of (ids, lengths) */
PyObject *rc_tokenize_many(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4 || !PyList_Check(args[0]) ||
        !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1])) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "tokenize_many(texts: list, words: dict | new_words(), lines: bool, add)");
        return NULL;
    }
    int lines = PyObject_IsTrue(args[2]);
    if (lines < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(args[0]);
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(args[0], i);
        PyObject *got = PyUnicode_Check(text) ? tokenize_one(text, args[1], lines, args[3])
                                              : NULL;
        if (!got) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "texts must be str");
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, got);
    }
    return result;
}
