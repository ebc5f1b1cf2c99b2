/* LCS lengths and ROUGE-Lsum's union LCS for benchmark.metrics._rougecore (see the top
 * of _rougecore.c), bit-parallel over token ids. */
#include "_rougecore.h"

/* Bit-parallel LCS (Hyyro 2004) over W 64-bit words: V starts all ones; per token of
 * ``can``: U = V & M[tok]; V = (V + U) | (V - U). Bit i of V_j is 0 where the LCS of
 * ref[:i+1] and can[:j] grows, so LCS = m - popcount(V_n). ``match`` holds, per
 * position j of ``can``, W words of the mask of ref positions equal to can[j]. */
static void build_match(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                        Py_ssize_t W, uint64_t *match, scratch_t *sc) {
    if (W == 1 && sc) {  /* ids checked to fit the scratch by the caller */
        for (Py_ssize_t i = 0; i < m; i++) sc->mask[ref[i]] |= (uint64_t)1 << i;
        for (Py_ssize_t j = 0; j < n; j++) match[j] = sc->mask[can[j]];
        for (Py_ssize_t i = 0; i < m; i++) sc->mask[ref[i]] = 0;
        return;
    }
    memset(match, 0, sizeof(uint64_t) * (size_t)(n * W));
    for (Py_ssize_t j = 0; j < n; j++) {
        uint64_t *mj = match + j * W;
        int32_t t = can[j];
        for (Py_ssize_t i = 0; i < m; i++)
            if (ref[i] == t) mj[i >> 6] |= (uint64_t)1 << (i & 63);
    }
}

/* Runs the columns; if ``cols`` is not NULL stores V_0..V_n (W words each). */
static void bit_columns(Py_ssize_t m, Py_ssize_t n, Py_ssize_t W, const uint64_t *match,
                        uint64_t *v, uint64_t *cols) {
    uint64_t last_mask = (m & 63) ? (((uint64_t)1 << (m & 63)) - 1) : ~(uint64_t)0;
    for (Py_ssize_t w = 0; w < W; w++) v[w] = ~(uint64_t)0;
    v[W - 1] = last_mask;
    if (cols) memcpy(cols, v, sizeof(uint64_t) * (size_t)W);
    for (Py_ssize_t j = 0; j < n; j++) {
        const uint64_t *mj = match + j * W;
        uint64_t carry = 0;
        for (Py_ssize_t w = 0; w < W; w++) {
            uint64_t u = v[w] & mj[w];
            uint64_t s = v[w] + u;
            uint64_t c1 = s < v[w];
            uint64_t s2 = s + carry;
            uint64_t c2 = s2 < s;
            carry = c1 | c2;
            v[w] = s2 | (v[w] - u);  /* u is a subset of v: no borrow */
        }
        v[W - 1] &= last_mask;
        if (cols) memcpy(cols + (j + 1) * W, v, sizeof(uint64_t) * (size_t)W);
    }
}

static inline long popcount_words(const uint64_t *v, Py_ssize_t W) {
    long c = 0;
    for (Py_ssize_t w = 0; w < W; w++) c += __builtin_popcountll(v[w]);
    return c;
}

long rc_lcs_length(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                       scratch_t *sc) {
    if (m == 0 || n == 0) return 0;
    Py_ssize_t W = (m + 63) / 64;
    uint64_t *match = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(n * W + W));
    if (!match) return -1;
    uint64_t *v = match + n * W;
    build_match(ref, m, can, n, W, match, sc);
    bit_columns(m, n, W, match, v, NULL);
    long out = (long)m - popcount_words(v, W);
    free(match);
    return out;
}

/* DP cell t[i][j] = LCS(ref[:i], can[:j]) = i - popcount(V_j restricted to bits < i). */
static inline long cell(const uint64_t *col, Py_ssize_t i) {
    long c = 0;
    Py_ssize_t full = i >> 6;
    for (Py_ssize_t w = 0; w < full; w++) c += __builtin_popcountll(col[w]);
    if (i & 63) c += __builtin_popcountll(col[full] & (((uint64_t)1 << (i & 63)) - 1));
    return (long)i - c;
}

/* Mark the ref indices of the LCS rouge-score's backtrack picks (its _backtrack_norec
 * over the same DP table, read from the bit columns). */
static void mark_lcs(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                     char *mark, uint64_t *work, scratch_t *sc) {
    Py_ssize_t W = (m + 63) / 64;
    uint64_t *match = work;  /* n*W + (n+1)*W + W words */
    uint64_t *cols = match + n * W, *v = cols + (n + 1) * W;
    build_match(ref, m, can, n, W, match, sc);
    bit_columns(m, n, W, match, v, cols);
    Py_ssize_t i = m, j = n;
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            mark[i - 1] = 1;
            i--;
            j--;
        } else if (cell(cols + (j - 1) * W, i) > cell(cols + j * W, i - 1)) {
            j--;
        } else {
            i--;
        }
    }
}

/* rouge-score's _summary_level_lcs hits: the union LCS of each reference sentence
 * with every candidate sentence, each token counted at most as often as it occurs
 * in the candidate (the reference-side clip can never bind: the union holds
 * distinct reference positions). */
long rc_lsum_hits(const ids_t *rt, const ids_t *rl, const ids_t *ct, const ids_t *cl,
                      scratch_t *sc) {
    if (sc && (!in_scratch(sc, rt) || !in_scratch(sc, ct))) sc = NULL;
    if (rt->n == 0 || ct->n == 0) return 0;
    Py_ssize_t max_r = 0, max_c = 0;
    for (Py_ssize_t a = 0; a < rl->n; a++) if (rl->v[a] > max_r) max_r = rl->v[a];
    for (Py_ssize_t b = 0; b < cl->n; b++) if (cl->v[b] > max_c) max_c = cl->v[b];
    Py_ssize_t W = (max_r + 63) / 64;
    char *mark = (char *)calloc((size_t)rt->n, 1);
    uint64_t *picked = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(rt->n + ct->n));
    uint64_t *work = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)((2 * max_c + 2) * W));
    if (!mark || !picked || !work) { free(mark); free(picked); free(work); return -1; }
    Py_ssize_t roff = 0;
    for (Py_ssize_t a = 0; a < rl->n; a++) {
        Py_ssize_t coff = 0, la = rl->v[a];
        for (Py_ssize_t b = 0; b < cl->n; b++) {
            Py_ssize_t lb = cl->v[b];
            if (la && lb) mark_lcs(rt->v + roff, la, ct->v + coff, lb, mark + roff, work, sc);
            coff += lb;
        }
        roff += la;
    }
    free(work);
    Py_ssize_t np_ = 0;
    for (Py_ssize_t i = 0; i < rt->n; i++)
        if (mark[i]) picked[np_++] = (uint64_t)(uint32_t)rt->v[i];
    long hits;
    if (sc) {
        hits = 0;  /* clip_ids on the picked ids (held in uint64 here) */
        for (Py_ssize_t j = 0; j < ct->n; j++) sc->cnt[ct->v[j]]++;
        for (Py_ssize_t i = 0; i < np_; i++)
            if (sc->cnt[picked[i]] > 0) { hits++; sc->cnt[picked[i]]--; }
        for (Py_ssize_t j = 0; j < ct->n; j++) sc->cnt[ct->v[j]] = 0;
    } else {
        uint64_t *cand = picked + np_;
        for (Py_ssize_t i = 0; i < ct->n; i++) cand[i] = (uint64_t)(uint32_t)ct->v[i];
        hits = clip_hash(picked, np_, cand, ct->n);
    }
    free(mark);
    free(picked);
    return hits;
}
