"""Counter-based random matrices: entry (i, j) is a pure function of (key, stream, i, j).

The bit source is Philox-4x32-10 (Salmon, Moraes, Dror & Shaw 2011, "Parallel random
numbers: as easy as 1, 2, 3", SC'11, Sec. 4.2): a 10-round bijection of a 128-bit counter
(c0, c1, c2, c3) under a 64-bit key (k0, k1), each round
    (c0, c1, c2, c3) <- (hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)),
with the key bumped by the Weyl constants (W0, W1) between rounds. Entry (i, j) of a matrix
reads the counter (column block of j, i, stream, attempt), so the result is bit-identical
for any number of threads (``NUMBA_NUM_THREADS``) and any split of the matrix into blocks.

Entry laws (mean 0, variance ``var``, as :func:`rmtcheck.ensembles.matrices.random_matrix`):
- gaussian: 256-layer ziggurat (Marsaglia & Tsang 2000, J. Stat. Softw. 5(8), Sec. 2) on a
  53-bit word per try, with Marsaglia's exact tail method beyond r = 3.6541528853610088; two
  entries per counter block. The ziggurat is exact (no truncated tail, unlike Box–Muller,
  whose 53-bit uniforms cap |z| at sqrt(106 ln 2) = 8.57); its fast path is branchy but free
  of transcendental functions, which keeps it ahead of Box–Muller without a vector math
  library. Resolution: the fast path puts x on a grid of 2^-52 X_i (X_0 = 3.91); setting
  X_256 = 0 changes the top layer's area by a relative 1.4e-13 (the tables are built in
  double precision at import).
- rademacher: one bit of a counter block per entry (128 entries per block).
- uniform: sqrt 3 (2u - 1), u = 53-bit fraction in [0, 1); two entries per block.
- student_t (df > 4): Bailey's polar method (Bailey 1994, Math. Comp. 62, 779, Eq. (2)),
  T = U sqrt(df (W^(-2/df) - 1) / W), (U, V) uniform in the unit disc, W = U^2 + V^2,
  scaled by sqrt((df - 2) / df) to unit variance; one entry per block.
Rejected tries read the next counter (attempt + 1), so every entry has its own word sequence.

Limits: counters are 32-bit words, so p < 2^32 rows, fewer than 2^32 column blocks and
2^32 streams; the key is 64 bits drawn from the caller's Generator (distinct claims, params
and trials get distinct keys with probability 1 - O(#keys^2 / 2^64)). Each key addresses a
2^128-long counter space (Philox's period); no counter is reused within a matrix.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numba
import numpy as np

from .. import validate
from ..errors import InputError
from ..rng import as_generator
from .counter_tables import _LAW_CODE, _SQRT3, _TWO52, _TWO53, _ZF, _ZX
from .matrices import ENTRY_LAWS

_MASK = np.uint64(0xFFFFFFFF)
_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_S32 = np.uint64(32)
_S11 = np.uint64(11)
_S12 = np.uint64(12)
_S8 = np.uint64(8)
_B255 = np.uint64(255)
_ONE = np.uint64(1)
_CHUNK = 8192  # columns per scratch buffer (even)



@numba.njit(inline="always")
def _philox(c0, c1, c2, c3, k0, k1):  # noqa: ANN001, ANN202 - numba scalar kernel
    """Philox-4x32-10 of the counter (c0..c3) under the key (k0, k1); uint64 words < 2^32."""
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = (p1 >> _S32) ^ c1 ^ k0, p1 & _MASK, (p0 >> _S32) ^ c3 ^ k1, p0 & _MASK
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


@numba.njit(cache=True)
def philox4x32_10(counter: np.ndarray, key: np.ndarray) -> np.ndarray:
    """The four output words of Philox-4x32-10 (uint32 counter[4], key[2]) for the KAT."""
    c = counter.astype(np.uint64)
    k = key.astype(np.uint64)
    r0, r1, r2, r3 = _philox(c[0], c[1], c[2], c[3], k[0], k[1])
    return np.array([r0, r1, r2, r3], dtype=np.uint32)


@numba.njit(inline="always")
def _word(c0, c1, c2, attempt, half, k0, k1):  # noqa: ANN001, ANN202
    """64-bit word ``half`` (0 or 1) of the block (c0, c1, c2, attempt)."""
    r0, r1, r2, r3 = _philox(c0, c1, c2, np.uint64(attempt), k0, k1)
    if half == 0:
        return (r1 << _S32) | r0
    return (r3 << _S32) | r2


@numba.njit(inline="always")
def _ziggurat(w, c0, c1, c2, half, k0, k1, zx, zf):  # noqa: ANN001, ANN202
    """Standard normal from the 64-bit word w of attempt 0; slow paths read attempts 1, 2..."""
    attempt = 0
    while True:
        layer = w & _B255
        negative = (w >> _S8) & _ONE
        x = float(w >> _S12) * _TWO52 * zx[layer]
        if x < zx[layer + 1]:
            return -x if negative else x
        if layer == 0:  # tail beyond r: Marsaglia's exact method
            while True:
                attempt += 1
                u1 = (float(_word(c0, c1, c2, attempt, half, k0, k1) >> _S11) + 1.0) * _TWO53
                attempt += 1
                u2 = (float(_word(c0, c1, c2, attempt, half, k0, k1) >> _S11) + 1.0) * _TWO53
                a = -math.log(u1) / zx[1]
                if -2.0 * math.log(u2) > a * a:
                    x = zx[1] + a
                    return -x if negative else x
        attempt += 1
        u = float(_word(c0, c1, c2, attempt, half, k0, k1) >> _S11) * _TWO53
        if zf[layer] + u * (zf[layer + 1] - zf[layer]) < math.exp(-0.5 * x * x):
            return -x if negative else x
        attempt += 1
        w = _word(c0, c1, c2, attempt, half, k0, k1)


@numba.njit(inline="always")
def _student_t(c0, c1, c2, k0, k1, df, scale):  # noqa: ANN001, ANN202
    """Bailey's polar Student-t with ``df`` degrees of freedom, times ``scale``."""
    attempt = 0
    while True:
        r0, r1, r2, r3 = _philox(c0, c1, c2, np.uint64(attempt), k0, k1)
        u = float(((r1 << _S32) | r0) >> _S11) * _TWO53 * 2.0 - 1.0
        v = float(((r3 << _S32) | r2) >> _S11) * _TWO53 * 2.0 - 1.0
        w = u * u + v * v
        if 0.0 < w < 1.0:
            return scale * u * math.sqrt(df * (w ** (-2.0 / df) - 1.0) / w)
        attempt += 1


@numba.njit(inline="always")
def _pair_words(lo, hi, start, stop, c1, c2, k0, k1):  # noqa: ANN001, ANN202
    """lo[b - start // 2], hi[b - start // 2] = words 0 and 1 of block b (attempt 0) for the
    blocks of the columns [start, stop); a branch-free loop with contiguous stores, which
    the compiler vectorises."""
    base = start // 2
    for b in range((stop + 1) // 2 - base):
        r0, r1, r2, r3 = _philox(np.uint64(base + b) & _MASK, c1, c2, np.uint64(0), k0, k1)
        lo[b] = (r1 << _S32) | r0
        hi[b] = (r3 << _S32) | r2


@numba.njit(parallel=True, cache=True)
def _fill(out, key, stream, row0, col0, law, scale, df, zx, zf):  # noqa: ANN001, ANN202
    """out[a, b] = scale * entry(row0 + a, col0 + b) of the law with code ``law``."""
    rows, cols = out.shape
    k0 = np.uint64(key) & _MASK
    k1 = np.uint64(key) >> _S32
    c2 = np.uint64(stream)
    t_scale = scale * math.sqrt((df - 2.0) / df)
    for a in numba.prange(rows):
        c1 = np.uint64(row0 + a)
        first, last = col0, col0 + cols  # global columns [first, last)
        if law == 1:  # rademacher: 128 entries per block
            for blk in range(first // 128, (last + 127) // 128):
                r0, r1, r2, r3 = _philox(np.uint64(blk), c1, c2, np.uint64(0), k0, k1)
                lo = (r1 << _S32) | r0
                hi = (r3 << _S32) | r2
                for j in range(max(first, 128 * blk), min(last, 128 * blk + 128)):
                    bit = j - 128 * blk
                    word = lo if bit < 64 else hi
                    s = (word >> np.uint64(bit & 63)) & _ONE
                    out[a, j - col0] = scale if s else -scale
        elif law == 3:  # student_t: one entry per block
            for j in range(first, last):
                out[a, j - col0] = _student_t(np.uint64(j), c1, c2, k0, k1, df, t_scale)
        else:  # gaussian (0) or uniform (2): two entries (64-bit words) per block
            lo = np.empty(min(cols, _CHUNK) // 2 + 2, dtype=np.uint64)
            hi = np.empty_like(lo)
            for start in range(first, last, _CHUNK):
                stop = min(last, start + _CHUNK)
                _pair_words(lo, hi, start, stop, c1, c2, k0, k1)
                for j in range(start, stop):
                    b = (j >> 1) - (start >> 1)
                    w = hi[b] if j & 1 else lo[b]
                    if law == 0:
                        z = _ziggurat(w, np.uint64(j >> 1), c1, c2, j & 1, k0, k1, zx, zf)
                    else:
                        z = _SQRT3 * (2.0 * float(w >> _S11) * _TWO53 - 1.0)
                    out[a, j - col0] = scale * z


def counter_key(rng: np.random.Generator | int | None) -> int:
    """A 64-bit Philox key drawn from ``rng`` (one draw; the per-(claim, params, trial)
    generator of :mod:`rmtcheck.rng` therefore gives each cell its own key)."""
    return int(as_generator(rng).integers(0, 2**64, dtype=np.uint64))


def counter_block(
    key: int,
    rows: tuple[int, int],
    cols: tuple[int, int],
    law: str = "gaussian",
    *,
    stream: int = 0,
    var: float = 1.0,
    df: float = 8.0,
    dtype: Any = np.float64,
    xp: ModuleType | None = None,
) -> Any:
    """Rows [r0, r1) and columns [c0, c1) of the counter-based matrix of ``key`` and
    ``stream``: equal, bit for bit, to that slice of any larger block with the same key.
    ``xp`` (e.g. ``cupy``) computes the same numbers with that array module's operations
    (:mod:`rmtcheck.ensembles.counter_arrays`); the default is this module's numba kernel."""
    key = validate.integer("key", key, 0, 2**64 - 1)
    stream = validate.integer("stream", stream, 0, 2**32 - 1)
    r0, r1 = (validate.integer("rows", r, 0, 2**32) for r in rows)
    c0, c1 = (validate.integer("cols", c, 0, 2**32) for c in cols)
    if r1 < r0 or c1 < c0:
        raise InputError("rows/cols", f"got {rows}, {cols}", "ranges (start, stop)")
    validate.choice("law", law, ENTRY_LAWS)
    scale = math.sqrt(validate.positive("var", var))
    if law == "student_t":
        df = validate.real("df", df, 4.0, None, open_lo=True)
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise InputError("dtype", f"got {dtype}", "float32 or float64")
    if xp is not None and xp is not np:
        from .counter_arrays import counter_block_arrays  # noqa: PLC0415

        return counter_block_arrays(key, (r0, r1), (c0, c1), law, stream=stream,
                                    var=float(var), df=df, dtype=dtype, xp=xp)
    out = np.empty((r1 - r0, c1 - c0), dtype=dtype)
    _fill(out, np.uint64(key), stream, r0, c0, _LAW_CODE[law], scale, float(df), _ZX, _ZF)
    return out


def counter_matrix(
    p: int,
    n: int,
    law: str = "gaussian",
    rng: np.random.Generator | int | None = None,
    *,
    stream: int = 0,
    var: float = 1.0,
    df: float = 8.0,
    dtype: Any = np.float64,
    xp: ModuleType | None = None,
) -> Any:
    """A p x n matrix with i.i.d. entries of mean 0 and variance ``var`` from ``law``, filled
    in parallel from Philox counters keyed by one 64-bit draw of ``rng``; the same ``rng``
    state gives the same bytes for any thread count. ``stream`` selects independent
    matrices under one key; ``xp = cupy`` draws the same matrix on a GPU."""
    p = validate.integer("p", p, 1, 2**32)
    n = validate.integer("n", n, 1, 2**32)
    return counter_block(
        counter_key(rng), (0, p), (0, n), law, stream=stream, var=var, df=df, dtype=dtype,
        xp=xp,
    )
