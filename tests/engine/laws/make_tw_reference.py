"""Write tests/engine/laws/data/tracy_widom_reference.json: Tracy–Widom CDFs computed once in
128-bit ball arithmetic (python-flint's arb: Airy functions and determinants with certified
rounding bounds; Gauss–Legendre nodes from mpmath at 40 digits); the tests only read the JSON.

Method (Bornemann 2010, Math. Comp. 79, Sec. 4; Bornemann 2010, Markov Process. Related Fields
16, Sec. 3): Nyström discretisation of each Fredholm determinant with an m-point
Gauss–Legendre rule on a truncated interval. To be independent of the double-precision code in
rmtcheck.laws.tracy_widom, F2 is taken from the Airy kernel on (s, inf) (not from the operator
B_s used there), and the truncation and node counts differ:
    F2(s) = det(I - K_Ai)_{L^2(s, inf)},  K_Ai(x, y) = (Ai(x) Ai'(y) - Ai'(x) Ai(y)) / (x - y),
    F1(s) = det(I - B_s)_{L^2(0, inf)},   B_s(x, y) = Ai(x + y + s),
    F4(s) = (det(I - B_t) + det(I + B_t)) / 2,  t = sqrt(2) s  (Tracy–Widom 1996 convention).
The quadrature error is estimated at every point by repeating with 16 more nodes; the largest
difference and the largest arb radius are stored.

Run: pip install python-flint; python tests/engine/laws/make_tw_reference.py  (about a minute)
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import mpmath as mp
import numpy as np
from flint import arb, arb_mat, ctx

PREC = 128  # bits, about 38 digits
NODES = 64
TRUNCATE = 20  # Ai(20) ~ 1e-27: the kernels are negligible past this distance from the edge
OUT = Path(__file__).parent / "data" / "tracy_widom_reference.json"


@lru_cache(maxsize=4)
def legendre_rule(m: int) -> tuple[list[str], list[str]]:
    """m-point Gauss–Legendre rule on [-1, 1] to 40 digits: double-precision nodes refined by
    Newton steps on the three-term recurrence for P_m."""
    mp.mp.dps = 40
    nodes, weights = [], []
    for x0 in np.polynomial.legendre.leggauss(m)[0]:
        x = mp.mpf(float(x0))
        for _ in range(6):
            p0, p1 = mp.mpf(1), x
            for k in range(2, m + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            dp = m * (x * p1 - p0) / (x * x - 1)
            x -= p1 / dp
        nodes.append(mp.nstr(x, 40))
        weights.append(mp.nstr(2 / ((1 - x * x) * dp**2), 40))
    return nodes, weights


def rule(m: int, a: arb, b: arb) -> tuple[list[arb], list[arb]]:
    nodes, weights = legendre_rule(m)
    half = (b - a) / 2
    return [a + half * (arb(x) + 1) for x in nodes], [half * arb(w) for w in weights]


def det_b(t: arb, sign: int, m: int) -> arb:
    """det(I - sign * B_t) on L^2(0, inf), truncated to (0, max(TRUNCATE - t, 12))."""
    length = arb(max(TRUNCATE - float(t.mid()), 12))
    x, w = rule(m, arb(0), length)
    sw = [v.sqrt() for v in w]
    a = arb_mat(m, m)
    for i in range(m):
        for j in range(i, m):
            v = -sign * sw[i] * (x[i] + x[j] + t).airy_ai() * sw[j]
            a[i, j] = v
            a[j, i] = v
        a[i, i] += 1
    return a.det()


def f2_airy(s: arb, m: int) -> arb:
    """det(I - K_Ai) on L^2(s, inf), truncated to (s, s + max(TRUNCATE - s, 12))."""
    x, w = rule(m, s, s + max(TRUNCATE - float(s.mid()), 12))
    ai = [v.airy_ai() for v in x]
    aip = [v.airy_ai(derivative=1) for v in x]
    sw = [v.sqrt() for v in w]
    a = arb_mat(m, m)
    for i in range(m):
        for j in range(m):
            if i == j:
                k = aip[i] ** 2 - x[i] * ai[i] ** 2
            else:
                k = (ai[i] * aip[j] - aip[i] * ai[j]) / (x[i] - x[j])
            a[i, j] = (1 if i == j else 0) - sw[i] * k * sw[j]
    return a.det()


def cdf(beta: int, s: float, m: int = NODES) -> arb:
    ctx.prec = PREC
    s = arb(s)
    if beta == 1:
        return det_b(s, 1, m)
    if beta == 2:
        return f2_airy(s, m)
    t = arb(2).sqrt() * s
    return (det_b(t, 1, m) + det_b(t, -1, m)) / 2


def main() -> None:
    points = [float(v) for v in np.linspace(-8.0, 6.0, 200)]
    data: dict = {"precision_bits": PREC, "nodes": NODES, "truncate": TRUNCATE, "s": points}
    for beta in (1, 2, 4):
        values = [cdf(beta, s) for s in points]
        finer = [cdf(beta, s, NODES + 16) for s in points]
        data[f"cdf{beta}"] = [float(v.mid()) for v in values]
        data[f"sf{beta}"] = [float((1 - v).mid()) for v in values]
        diffs = [abs(u - v) for u, v in zip(finer, values, strict=True)]
        data[f"node_error{beta}"] = max(float(d.mid()) for d in diffs)
        data[f"radius{beta}"] = max(float(v.rad()) for v in values)
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print({k: v for k, v in data.items() if k.startswith(("node_error", "radius"))})


if __name__ == "__main__":
    main()
