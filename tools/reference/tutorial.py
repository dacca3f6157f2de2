"""Computes samples/tutorial/expected/NAME.N.txt for the tutorial's programs (docs/tutorial.md)
by re-implementing each step in Python on the whole data at once, with the language's float
formatting and co_sum's image order. Run from the repo root: python3 tools/reference/tutorial.py"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pgas import fixed, line, write  # noqa: E402
from samples import co_sum  # noqa: E402

OUT = "samples/tutorial/expected"
COUNTS = [1, 2, 3, 4]


def hello(P):
    out = [line("hello from image", i, "of", P) for i in range(P)]
    return out + [line("image 0 says:", P, "images are running this program")]


def coarrays(P):
    out = []
    for me in range(P):
        right = (me + 1) % P
        left = (me - 1) % P
        out.append(line("image", me, "got", left, "from the left and reads", right * right, "on the right"))
    return out + [line("sum of the squares:", sum(q * q for q in range(P)))]


def pi(P):
    n = 200_000
    h = 1.0 / n
    parts = []
    for me in range(P):
        s = 0.0
        for i in range(me * n // P, (me + 1) * n // P):
            x = h * (i + 0.5)
            s += 4.0 / (1.0 + x * x)
        parts.append(s)
    by_hand = 0.0
    for s in parts:
        by_hand += s
    total = co_sum(parts)
    return [line("pi by hand:", fixed(h * by_hand, 12)),
            line("pi by co_sum:", fixed(h * total, 12)),
            line("the same bits:", by_hand == total),
            line("error below 1e-10:", abs(h * total - math.pi) < 1e-10)]


def shared(P):
    N = 20
    B = -(-N // P)  # block: ceil(N / P) elements per chunk
    block_owner = lambda k: (k // B) % P
    cyclic_owner = lambda k: k % P
    out = []
    for me in range(P):
        own_v = sum(1 for k in range(N) if block_owner(k) == me)
        own_w = sum(1 for k in range(N) if cyclic_owner(k) == me)
        out.append(line("image", me, "owns", own_v, "elements of v and", own_w, "of w"))
    parts = []
    for me in range(P):
        s = 0.0
        for k in range(N):
            if block_owner(k) == me:
                s += float(k * k)
        parts.append(s)
    return out + [line("sum of v:", co_sum(parts)),
                  line("v(19) =", float(19 * 19), "lives on image", block_owner(19)),
                  line("w(7) was written by image", cyclic_owner(7))]


def halo(P):
    M = 5
    u = [float(x * x) for x in range(P * M)]  # the whole line
    out = []
    checked = wrong = 0
    for me in range(P):
        left = u[me * M - 1] if me > 0 else 0.0  # an end image's outer ghost is never written
        right = u[(me + 1) * M] if me < P - 1 else 0.0
        out.append(line("image", me, "ghosts:", left, right))
    for x in range(1, P * M - 1):
        checked += 1
        if u[x - 1] - 2.0 * u[x] + u[x + 1] != 2.0:
            wrong += 1
    return out + [line("second differences checked:", checked, "wrong:", wrong)]


def blocks(total, P):
    """Image q holds items first(q)..first(q + 1) - 1 (the samples' row split)."""
    return [range(q * total // P, (q + 1) * total // P) for q in range(P)]


def heat_rod(P):
    NPTS, STEPS, R = 50, 400, 0.25
    u = [0.0] * (NPTS + 2)  # u[0] the hot end, u[NPTS + 1] the cold end, points 1..NPTS
    u[0] = 100.0
    for _ in range(STEPS):
        nxt = u[:]
        for i in range(1, NPTS + 1):
            nxt[i] = u[i] + R * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        u = nxt
    parts = []
    for points in blocks(NPTS, P):
        s = 0.0
        for k in points:
            s += u[k + 1]
        parts.append(s)
    out = [line("rod of", NPTS, "points after", STEPS, "steps")]
    for k in list(range(0, NPTS, 10)) + [NPTS - 1]:
        out.append(line("T(%d) =" % k, fixed(u[k + 1], 6)))
    return out + [line("total heat =", fixed(co_sum(parts), 6))]


def heat_plate(P, NR=24, NC=16):
    TOL, CHECK, MAXIT = 1e-3, 10, 10_000
    g = [[0.0] * NC for _ in range(NR + 2)]  # rows 0 and NR + 1 are the edges
    g[0] = [100.0] * NC
    iterations, converged = 0, False
    while not converged and iterations < MAXIT:
        nxt = [row[:] for row in g]
        change = 0.0
        for i in range(1, NR + 1):
            for j in range(1, NC - 1):
                nxt[i][j] = 0.25 * (g[i - 1][j] + g[i + 1][j] + g[i][j - 1] + g[i][j + 1])
                change = max(change, abs(nxt[i][j] - g[i][j]))
        g = nxt
        iterations += 1
        if iterations % CHECK == 0:
            converged = change < TOL  # the largest change over the whole plate, as co_max gives
    parts = []
    for rows in blocks(NR, P):
        h = 0.0
        for r in rows:
            s = 0.0
            for v in g[r + 1]:
                s += v
            h += s
        parts.append(h)
    T = lambda r, c: line("T(%d, %d) =" % (r, c), fixed(g[r + 1][c], 6))
    return [line("plate", NR, "x", NC, "tolerance", TOL),
            line("converged" if converged else "not converged", "after", iterations, "iterations"),
            T(0, NC // 2), T(NR // 2, NC // 2), T(NR - 1, 1),
            line("total heat =", fixed(co_sum(parts), 6))]


def teams(P):
    members = {k: [i for i in range(P) if i % 2 + 1 == k] for k in (1, 2)}  # in initial order
    out, parts = [], []
    for k in (1, 2):
        imgs = members[k]
        if not imgs:
            continue
        for tme, me in enumerate(imgs):
            out.append(line("image", me, "is image", tme, "of", len(imgs), "in team", k))
        squares = co_sum([me * me for me in imgs])  # the team's own co_sum
        out.append(line("team", k, "holds initial images" + "".join(" %d" % i for i in imgs),
                        "and its sum of squares is", squares))
        parts.append(squares)
    mine = [0] * P  # each team's image 0 keeps its team's sum
    for k in (1, 2):
        if members[k]:
            mine[members[k][0]] = parts[k - 1]
    return out + [line("back in the initial team: num_images() =", P, "and team_number() =", -1),
                  line("both teams together:", co_sum(mine))]


STEPS = [("01-hello", hello), ("02-coarrays", coarrays), ("03-pi", pi), ("04-shared", shared),
         ("05-halo", halo), ("06-heat", heat_rod), ("07-heat-nodes", heat_plate),
         ("08-teams", teams)]

if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for name, fn in STEPS:
        for P in COUNTS:
            write(os.path.join(OUT, "%s.%d.txt" % (name, P)), fn(P))
    print("wrote", len(STEPS) * len(COUNTS), "files")
