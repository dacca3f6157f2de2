"""Computes samples/expected/NAME.N.txt for every sample, by re-implementing each algorithm in
Python (with the language's int wrap-around, C division and float formatting). Run from the repo
root: python3 tools/reference/samples.py"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pgas import wrap, idiv, imod, sar, fmt, fixed, line, write  # noqa: E402

OUT = "samples/expected"
# 7: the uneven split the node-process tests use (-n 7 --nodes 3) compares with these too.
COUNTS = [1, 2, 3, 4, 7, 16]


def co_sum(values):
    """Combines in image order 0, 1, ..., P-1 (docs/language-notes.md)."""
    acc = values[0]
    for v in values[1:]:
        acc = acc + v
    return acc


def hello(P):
    return [line("hello from image", i, "of", P) for i in range(P)]


def pi(P):
    n = 100_000
    h = 1.0 / float(n)
    parts = []
    for me in range(P):
        s = 0.0
        for i in range(me, n, P):
            x = h * (float(i) + 0.5)
            s += 4.0 / (1.0 + x * x)
        parts.append(s)
    total = co_sum(parts)
    p = h * total
    return [line("intervals:", n), line("pi ~", fixed(p, 10)),
            line("error below 1e-9:", abs(p - 3.141592653589793) < 1e-9)]


def ring(P):
    out = [line("neighbour exchange errors:", 0)]
    out.append(line("token total:", P * (P - 1) // 2, "expected:", idiv(P * (P - 1), 2)))
    return out


def heat(P):
    NR, NC, ITERS = 24, 16, 50
    # the global grid with the two ghost rows (row 0 = hot edge, row NR + 1 = cold edge)
    g = [[0.0] * NC for _ in range(NR + 2)]
    for j in range(NC):
        g[0][j] = 100.0
    for _ in range(ITERS):
        nxt = [row[:] for row in g]
        for i in range(1, NR + 1):
            for j in range(1, NC - 1):
                nxt[i][j] = 0.25 * (g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1])
        g = nxt
    first = lambda p: p * NR // P
    parts = []
    for me in range(P):
        h = 0.0
        for i in range(first(me), first(me + 1)):
            s = 0.0
            for v in g[i + 1]:
                s += v
            h += s
        parts.append(h)
    heat = co_sum(parts)
    T = lambda r, c: g[r + 1][c]
    return [
        line("grid", NR, "x", NC, "after", ITERS, "iterations"),
        line("T(0, 8) =", fixed(T(0, 8), 8)),
        line("T(5, 3) =", fixed(T(5, 3), 8)),
        line("T(12, 8) =", fixed(T(12, 8), 8)),
        line("T(23, 14) =", fixed(T(23, 14), 8)),
        line("total heat =", fixed(heat, 6)),
    ]


def transpose(P):
    N = 20
    checksum = 0
    for i in range(N):
        for j in range(N):
            checksum = wrap(checksum + (j * 100 + i) * (i + 1))
    return ["transpose ok", line("checksum:", checksum)]


def wavefront(P):
    M, N = 40, 32
    return [line("grid", M, "x", N, "errors:", 0),
            line("corner value:", float(M - 1 + N - 1), "expected:", M + N - 2)]


def histogram(P):
    NITEMS, NB = 4000, 16

    def bin_of(k):
        v = wrap(k * wrap(0x9E3779B1))
        v = v ^ sar(v, 13)
        return imod(v & 0x7FFFFFFF, NB)

    hist = [0] * NB
    for k in range(NITEMS):
        hist[bin_of(k)] += 1
    out = [line("bin", b, hist[b]) for b in range(NB)]
    out.append(line("total", sum(hist), "of", NITEMS))
    return out


def sort(P):
    K = 8

    def key_of(g):
        v = wrap(wrap(g * 0x2545F491) + 12345)
        v = v ^ sar(v, 11)
        return imod(v & 0x7FFFFFFF, 1000)

    keys = sorted(key_of(g) for g in range(K * P))
    out = []
    for p in range(P):
        out.append("image %d:" % p + "".join(" " + str(k) for k in keys[p * K:(p + 1) * K]))
    out.append(line("order errors:", 0, "sum of keys:", sum(keys)))
    return out


def axpy(P):
    N = 100
    y = [0.5 * float(i) + 1.0 for i in range(N)]
    # owners of y(i) under cyclic(4): image (i / 4) mod P; each sums its elements in ascending i
    parts = []
    for me in range(P):
        s = 0.0
        for i in range(N):
            if (i // 4) % P == me:
                s += y[i] * y[i]
        parts.append(s)
    part = co_sum(parts)
    return [line("y(0) =", y[0], "y(1) =", y[1], "y(99) =", y[N - 1]),
            line("wrong elements:", 0, "wrong images:", 0),
            line("y.y =", fixed(part, 4))]


def bank(P):
    R = 20
    return [line("deposits:", R * P, "expected:", R * P),
            line("money:", R * P * (P + 1) // 2, "expected:", R * P * (P + 1) // 2)]


def prodcons(P):
    NITEMS = 10
    want = sum(c * 1000 * NITEMS + NITEMS * (NITEMS - 1) // 2 for c in range(1, P))
    return [line("all consumers done; events left:", 0),
            line("received:", want, "expected:", want)]


def imbalance(P):
    N, W, STEPS = 100000, 64, 12

    def work(rows, step):
        # sum over r < rows, j < W of ((r*31 + j*7 + step) % 13) * 0.5: every partial sum is a
        # multiple of 0.5 far below 2**52, so the program's float sum is exact and equals this
        per_class = [0] * 13
        for j in range(W):
            per_class[(j * 7 + step) % 13] += 1
        total = 0
        for r in range(min(rows, 13)):
            count = (rows - r + 12) // 13  # rows r, r + 13, r + 26, ... below rows
            for c in range(13):
                total += count * per_class[c] * ((r * 31 + c) % 13)
        return total * 0.5

    parts = []
    for me in range(P):
        rows = N * 3 // 4 if me == 0 else (N - N * 3 // 4) // max(1, P - 1)
        if P == 1:
            rows = N
        right = (me + 1) % P
        acc = 0.0
        for step in range(STEPS):
            s = work(rows, step)
            for j in range(W):
                acc += float(right * 100 + step) + float(j) * 0.01
            acc += s * 1e-6
        parts.append(acc)
    return [line("checksum", fixed(co_sum(parts), 3))]


SAMPLES = [hello, pi, ring, heat, transpose, wavefront, histogram, sort, axpy, bank, prodcons, imbalance]
# Samples run at other image counts than COUNTS (their `// images:` line).
ONLY = {"imbalance": [4, 7]}  # 7: the -n 7 --nodes 3 split compares with it (no one-node reference run)

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    written = 0
    for fn in SAMPLES:
        for P in ONLY.get(fn.__name__, COUNTS):
            write(os.path.join(OUT, "%s.%d.txt" % (fn.__name__, P)), fn(P))
            written += 1
    print("wrote", written, "files")
