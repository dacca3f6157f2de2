"""Computes test/programs/team_*.N.expected for the team conformance programs (LANGUAGE.md §7.1),
by re-implementing each program's algorithm on the whole data at once (every image's lines), with
the language's int wrap-around, C division and float formatting (pgas.py). Run from the repo root:
python3 tools/reference/teams.py

A team is modelled as the list of its images' initial indices, in team order: `form team` over a
team groups its images by k and keeps the parent's order inside each group. The programs print
with `// order: any`, so the order of the lines written here does not matter."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from pgas import wrap, idiv, imod, line, write  # noqa: E402

OUT = "test/programs"
COUNTS = [1, 2, 3, 4, 7, 16]


def form(members, key):
    """form team over the team `members` (initial indices in team order); key(ti, me) is the k
    given by team image ti (initial index me). Returns {me: (k, new team members, new index)}."""
    groups = {}
    ks = {}
    for ti, m in enumerate(members):
        k = key(ti, m)
        assert k >= 1
        ks[m] = k
        groups.setdefault(k, []).append(m)
    return {m: (ks[m], groups[ks[m]], groups[ks[m]].index(m)) for m in members}


def teams_of(members, key):
    """The distinct teams of a split: [(k, members)] in order of their first image."""
    seen = {}
    for ti, m in enumerate(members):
        seen.setdefault(key(ti, m), []).append(m)
    return list(seen.items())


def fold(op, values):
    """A collective: combined in team image order, 0 first, as a left fold."""
    acc = values[0]
    for v in values[1:]:
        acc = op(acc, v)
    return acc


def add(a, b):
    return a + b


def iadd(a, b):
    return wrap(a + b)


def digits(a, b):
    return wrap(a * 10 + b)


def halfadd(a, b):
    return a * 0.5 + b


def mlist(members):
    """The programs' `"members" + members()`: each initial index after a space."""
    return "members" + "".join(" " + str(m) for m in members)


# --- team_basics ------------------------------------------------------------------------------

def team_basics(P):
    init = list(range(P))
    out = [line("initial: image", me, "of", P, "team_number", -1, "initial_image", me) for me in init]
    splits = [
        ("parity", lambda ti, me: imod(me, 2) + 1),
        ("thirds", lambda ti, me: imod(me, 3) + 1),
        ("alone", lambda ti, me: me + 1),
        ("reverse", lambda ti, me: idiv(P - 1 - me, 3) + 1),
        ("sparse", lambda ti, me: 1000 * imod(me, 2) + 7),
        ("all", lambda ti, me: 1),
    ]
    for label, key in splits:
        f = form(init, key)
        for me in init:
            k, mem, ti = f[me]
            out.append(line(label, "initial", me, "team", k, "image", ti, "of", len(mem),
                            "self", mem[ti] == me, mlist(mem)))
    out += [line("restored: image", me, "errors", 0, "team_number", -1) for me in init]
    return out


# --- team_sync --------------------------------------------------------------------------------

def team_sync(P):
    init = list(range(P))
    f = form(init, lambda ti, me: imod(me, 2) + 1)
    acc = 0
    for i in range(20000):
        acc = imod(wrap(acc * 31 + i), 1000003)
    out = []
    for me in init:
        k, mem, ti = f[me]
        syncs, work = (1, acc) if k == 1 else (25, -1)
        token = sum(mem[:ti + 1])
        listsum = sum(m + 1 for m in mem)
        out.append(line("image", me, "team", k, "ring errors", 0, "syncs", syncs, "work", work,
                        "work errors", 0, "token", token, "list", listsum, 0, "star errors", 0))
        out.append(line("image", me, "entered and left alone, team size", len(mem)))
    evens = [me for me in init if me % 2 == 0]
    for me in evens:
        out.append(line("image", me, "team", 1, "after the odd images stopped: sum", sum(evens)))
    return out


# --- team_coarrays ----------------------------------------------------------------------------

def team_coarrays(P):
    init = list(range(P))
    out = []
    for k, mem in teams_of(init, lambda ti, me: imod(me, 3) + 1):
        tn = len(mem)
        out.append(line("team", k, "size", tn, "count", tn, "ticket sum", tn * (tn - 1) // 2,
                        "winners", 1, "winner in team", True))
        g = 5 * tn * (tn + 1) // 2
        out.append(line("team", k, "guarded counter", g, "expected", g))
        for ti, me in enumerate(mem):
            left2 = mem[(ti - 2) % tn]          # c on the left neighbour came from its left
            asum = sum(left2 * 10 + i for i in range(6))
            out.append(line("image", me, "team", k, "index", ti, "errors", 0, "section sum", asum,
                            "s[0]", mem[tn - 1], "events left", 0))
    return out


# --- team_collectives -------------------------------------------------------------------------

def collectives(split, k, mem):
    tn = len(mem)
    head = "%s team %d size %d" % (split, k, tn)
    out = []
    # co_sum(v, tn - 1): the sum on the last team image, v unchanged elsewhere
    rsum = fold(iadd, [m * 3 + 1 for m in mem])
    for ti, me in enumerate(mem):
        r = rsum if ti == tn - 1 else me * 3 + 1
        out.append(line(split, "team", k, "image", ti, "initial", me, "co_sum(v, last):", r))
    i = fold(iadd, [m + 1 for m in mem])
    f = fold(add, [float(m) * 0.1 + 0.01 for m in mem])
    lo = min(100 - 3 * m for m in mem)
    hi = max(imod(m * 7, 11) for m in mem)
    fmin = min(1.0 / float(m + 1) for m in mem)
    fmax = max(float(m) * -0.3 - 0.1 for m in mem)
    d = fold(digits, [imod(m, 10) for m in mem])
    h = fold(halfadd, [float(m) + 0.25 for m in mem])
    b = mem[k % tn] * 11
    out.append(line(head, "scalars:", i, f, lo, hi, fmin, fmax, "reduce:", d, h, "broadcast:", b))

    ia = [[m, -m, m * m, 7 - m] for m in mem]
    s = [fold(iadd, [v[c] for v in ia]) for c in range(4)]
    mn = [min(v[c] for v in ia) for c in range(4)]
    mx = [max(v[c] for v in ia) for c in range(4)]
    fa = [[0.1 * float(m), 1.5, -0.25 * float(m) + 0.3] for m in mem]
    fs = [fold(add, [v[c] for v in fa]) for c in range(3)]
    out.append(line(head, "arrays:", *s, "min", *mn, "max", *mx, "floats", *fs))

    ba = [mem[tn - 1] * 100 + j for j in range(5)]
    ra = [[imod(m, 10), imod(m + 1, 10), 9 - imod(m, 10)] for m in mem]
    rs = [fold(digits, [v[c] for v in ra]) for c in range(3)]
    out.append(line(head, "broadcast array:", ba[0], ba[4], "reduce array:", *rs))

    big = [fold(add, [float(m) * 0.25 + float(j) * 0.001 + 0.1 for m in mem]) for j in range(3000)]
    bigsum = 0.0
    for v in big:
        bigsum += v
    bi = [min(imod(m * 37 + j * 11, 101) for m in mem) for j in range(2500)]
    bisum = 0
    for j in range(2500):
        bisum = wrap(bisum + bi[j] * (j % 7 + 1))
    bb = [float(mem[0]) + float(j) * 0.5 for j in range(2200)]
    bbsum = 0.0
    for v in bb:
        bbsum += v
    rr = [fold(digits, [imod(m + j, 7) for m in mem]) for j in range(2100)]
    rrsum = 0
    for v in rr:
        rrsum = wrap(rrsum + v)
    out.append(line(head, "large:", big[0], big[1777], big[2999], bigsum, bi[0], bi[1234], bisum,
                    bb[1], bb[2199], bbsum, rr[0], rr[2099], rrsum))
    return out


def team_collectives(P):
    init = list(range(P))
    out = []
    for k, mem in teams_of(init, lambda ti, me: imod(me, 3) + 1):
        out += collectives("A", k, mem)
    for k, mem in teams_of(init, lambda ti, me: idiv(me, 5) + 1):
        out += collectives("B", k, mem)
    out.append(line("initial team sum", P * (P + 1) // 2))
    return out


# --- team_nested ------------------------------------------------------------------------------

def team_nested(P):
    init = list(range(P))
    out = []
    for k1, mem1 in teams_of(init, lambda ti, me: imod(me, 2) + 1):
        n1 = len(mem1)
        s1 = sum(mem1)
        s1b = sum(2 * m + 1 for m in mem1)
        f2 = form(mem1, lambda ti, me: imod(ti, 2) + 1)
        for i1, me in enumerate(mem1):
            out.append(line("L1 image", me, "team", k1, "index", i1, "of", n1, "sum", s1, mlist(mem1)))
            k2, mem2, i2 = f2[me]
            n2 = len(mem2)
            out.append(line("L2 image", me, "teams", k1, k2, "index", i1, i2, "of", n1, n2,
                            "sum", sum(mem2), "max", max(mem2),
                            "digits", fold(digits, [imod(m, 10) for m in mem2]),
                            "left", mem2[(i2 - 1) % n2], "L3", True, True, mlist(mem2)))
            whole = "%d %d %d %d" % (1, i1, n1, n1) + "".join(" " + str(m) for m in mem1)
            out.append(line("L1 again image", me, "back", True, "sum", s1b, "whole", whole))
    s0 = sum(m * m for m in init)
    out += [line("L0 image", me, "team", -1, "index", me, "of", P, "sum", s0) for me in init]
    return out


# --- team_critical ----------------------------------------------------------------------------

def team_critical(P):
    N, M = 20, 12
    init = list(range(P))
    owner = [idiv(i, 2) % P for i in range(N)]      # x: cyclic(2) over the initial team
    y = [i * i for i in range(N)]
    out = []
    for k, mem in teams_of(init, lambda ti, me: imod(me, 2) + 1):
        tn = len(mem)
        out.append(line("team", k, "critical count", 3 * tn, "expected", 3 * tn,
                        "most inside at once", 1))
        seq = [0] * tn
        rec = []
        for i in range(M):
            ti = imod(3 * i + 1, tn)
            rec.append(ti * 100 + seq[ti])
            seq[ti] += 1
        out.append("team %d on e:" % k + "".join(" " + str(v) for v in rec))
        seq = [0] * tn
        who, seqs, own = [], [], []
        far = 0
        for i in range(N):
            o = owner[i]
            if o in mem:
                ti = mem.index(o)
                who.append(o)
                seqs.append(ti * 100 + seq[ti])
                seq[ti] += 1
                own.append(ti)
                far += y[(5 * i + 3) % N]
            else:
                who.append(-1)
                seqs.append(-1)
                own.append(-1)
        out.append("team %d on x(i) initial:" % k + "".join(" " + str(v) for v in who))
        out.append("team %d on x(i) seq:" % k + "".join(" " + str(v) for v in seqs))
        out.append("team %d owner:" % k + "".join(" " + str(v) for v in own))
        out.append(line("team", k, "far reads", far, "owner mismatches", 0))
    out.append(line("after the teams: x sum", sum(1001 + 7 * i for i in range(N)), "wrong elements", 0,
                    "owner(x(3))", owner[3]))
    return out


# --- team_functions ---------------------------------------------------------------------------

def team_functions(P):
    init = list(range(P))
    fa = form(init, lambda ti, me: imod(me, 2) + 1)
    f3 = form(init, lambda ti, me: imod(me, 3) + 1)
    floop = [form(init, lambda ti, me, r=r: imod(me, r) + 1) for r in range(1, 5)]
    fb = form(init, lambda ti, me: idiv(me, 3) + 1)
    out = []
    for me in init:
        ka, mema, ia = fa[me]
        r1 = ka * 1000 + sum(mema)
        r2 = ka * 1000 + sum(2 * m for m in mema)
        k3, mem3, _ = f3[me]
        r3 = k3 * 1000 + sum(mem3)
        loop = "loop"
        for fl in floop:
            k, mem, ti = fl[me]
            loop += " %d:%d/%d" % (k, ti, len(mem))
        kb, memb, ib = fb[me]
        hits = 4 * len(memb) if ib == 0 else 0
        ku, memu, iu = form(mema, lambda ti, m: imod(ti, 2) + 1)[me]
        d = "%d/%d/%d/%d" % (ku, iu, len(memu), sum(memu))
        kc, memc, _ = form(mema, lambda ti, m: idiv(ti, 2) + 1)[me]
        r6 = kc * 1000 + sum(memc)
        out.append(line("image", me, "enter", r1, r2, "split", r3, loop, "hits", hits,
                        "depth2", d, "nested", r6))
    return out


PROGRAMS = [team_basics, team_sync, team_coarrays, team_collectives, team_nested, team_critical,
            team_functions]

if __name__ == "__main__":
    written = 0
    for fn in PROGRAMS:
        for P in COUNTS:
            write(os.path.join(OUT, "%s.%d.expected" % (fn.__name__, P)), fn(P))
            written += 1
    print("wrote", written, "files")
