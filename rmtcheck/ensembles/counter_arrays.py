"""The counter-based matrices of :mod:`rmtcheck.ensembles.counter_rng`, computed with array
operations of any array module (NumPy, or CuPy on a GPU): the same Philox-4x32-10 counters
(column block of j, i, stream, attempt) under the same 64-bit key, the same ziggurat,
tail, uniform, Rademacher and Bailey Student-t maps, so a GPU run draws the CPU's numbers.

Equal bit for bit wherever only integer and +, -, *, / arithmetic is involved (every
Rademacher and uniform entry, every Gaussian entry accepted on the ziggurat's fast path,
about 98.8 %); the rest go through exp, log or pow, whose last bit may differ between
libraries (numba's libm, NumPy's SIMD loops, CUDA), so they agree to rounding.

The rejection steps run as a loop over the shrinking set of entries still pending, each
reading its next attempt counter exactly as the scalar kernel does.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from .counter_tables import _LAW_CODE, _SQRT3, _TWO52, _TWO53, _ZF, _ZX

_MASK = 0xFFFFFFFF
_M0, _M1 = 0xD2511F53, 0xCD9E8D57
_W0, _W1 = 0x9E3779B9, 0xBB67AE85


def philox(c0: Any, c1: Any, c2: Any, c3: Any, k0: int, k1: int, xp: ModuleType
           ) -> tuple[Any, Any, Any, Any]:
    """Philox-4x32-10 (Salmon et al. 2011, Sec. 4.2) of uint64 arrays of 32-bit words."""
    u64 = xp.uint64
    mask, m0, m1 = u64(_MASK), u64(_M0), u64(_M1)
    s32 = u64(32)
    for _ in range(10):
        p0 = m0 * c0
        p1 = m1 * c2
        c0, c1, c2, c3 = (p1 >> s32) ^ c1 ^ u64(k0), p1 & mask, (p0 >> s32) ^ c3 ^ u64(k1), \
            p0 & mask
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


def _word(c0: Any, c1: Any, c2: int, attempt: Any, half: Any, k: tuple[int, int],
          xp: ModuleType) -> Any:
    """64-bit word ``half`` (0 or 1) of the blocks (c0, c1, c2, attempt)."""
    r0, r1, r2, r3 = philox(c0, c1, xp.full_like(c0, c2), attempt, *k, xp)
    s32 = xp.uint64(32)
    return xp.where(half == 0, (r1 << s32) | r0, (r3 << s32) | r2)


def _unit(word: Any, xp: ModuleType) -> Any:
    """53-bit fraction in [0, 1) of a 64-bit word."""
    return (word >> xp.uint64(11)).astype(xp.float64) * _TWO53


def _open_unit(word: Any, xp: ModuleType) -> Any:
    """53-bit fraction in (0, 1] of a 64-bit word (for a logarithm)."""
    return ((word >> xp.uint64(11)).astype(xp.float64) + 1.0) * _TWO53


class _Pending:
    """The entries of a rejection sampler still without a value, and their state."""

    def __init__(self, **state: Any) -> None:
        self.__dict__.update(state)

    def keep(self, mask: Any) -> None:
        for name, value in list(self.__dict__.items()):
            setattr(self, name, value[mask])


def _layer_point(w: Any, zx: Any, xp: ModuleType) -> tuple[Any, Any, Any]:
    """Layer, sign and abscissa of a ziggurat try from the 64-bit word w."""
    u64 = xp.uint64
    layer = (w & u64(255)).astype(xp.int64)
    return layer, ((w >> u64(8)) & u64(1)) == 1, \
        (w >> u64(12)).astype(xp.float64) * _TWO52 * zx[layer]


def _gaussian(c0: Any, c1: Any, half: Any, stream: int, k: tuple[int, int],
              xp: ModuleType) -> Any:
    """Marsaglia–Tsang ziggurat with the exact tail, entry by entry as the scalar kernel:
    a fast accept, else (layer 0) the tail from attempts 1, 2, ..., else the wedge test on
    the next attempt and a fresh word on the one after."""
    zx, zf = xp.asarray(_ZX), xp.asarray(_ZF)
    one = xp.uint64(1)
    out = xp.empty(c0.shape, dtype=xp.float64)
    attempt = xp.zeros_like(c0)
    layer, negative, x = _layer_point(_word(c0, c1, stream, attempt, half, k, xp), zx, xp)
    st = _Pending(idx=xp.arange(c0.size), c0=c0, c1=c1, half=half, attempt=attempt,
                  tail=xp.zeros(c0.shape, dtype=bool), layer=layer, negative=negative, x=x,
                  second=xp.zeros_like(c0))

    def word() -> Any:
        return _word(st.c0, st.c1, stream, st.attempt, st.half, k, xp)

    def settle(done: Any) -> None:
        out[st.idx[done]] = xp.where(st.negative[done], -st.x[done], st.x[done])
        st.keep(~done)

    while st.idx.size:
        settle(~st.tail & (st.x < zx[st.layer + 1]))
        st.tail = st.tail | (st.layer == 0)
        st.attempt = st.attempt + one
        first = word()
        st.attempt = st.attempt + one
        second = st.second = word()  # the tail's u2, or the wedge's fresh word
        # tail beyond r (Marsaglia's method): u1, u2 from the next two attempts
        a = -xp.log(_open_unit(first, xp)) / zx[1]
        accept_tail = st.tail & (-2.0 * xp.log(_open_unit(second, xp)) > a * a)
        st.x = xp.where(accept_tail, zx[1] + a, st.x)
        # wedge of a layer: accept under the density, else a fresh word
        u = _unit(first, xp)
        under = zf[st.layer] + u * (zf[st.layer + 1] - zf[st.layer]) < xp.exp(-0.5 * st.x ** 2)
        wedge = ~st.tail
        settle(accept_tail | (wedge & under))
        again = ~st.tail
        layer, negative, x = _layer_point(st.second, zx, xp)
        st.layer = xp.where(again, layer, st.layer)
        st.negative = xp.where(again, negative, st.negative)
        st.x = xp.where(again, x, st.x)
    return out


def _student_t(c0: Any, c1: Any, stream: int, k: tuple[int, int], df: float, scale: float,
               xp: ModuleType) -> Any:
    """Bailey's polar Student-t (Bailey 1994, Eq. (2)), times ``scale``."""
    out = xp.empty(c0.shape, dtype=xp.float64)
    idx = xp.arange(c0.size)
    attempt = xp.zeros_like(c0)
    s32 = xp.uint64(32)
    while idx.size:
        r0, r1, r2, r3 = philox(c0, c1, xp.full_like(c0, stream), attempt, *k, xp)
        u = _unit((r1 << s32) | r0, xp) * 2.0 - 1.0
        v = _unit((r3 << s32) | r2, xp) * 2.0 - 1.0
        w = u * u + v * v
        ok = (w > 0.0) & (w < 1.0)
        wk, uk = w[ok], u[ok]
        out[idx[ok]] = scale * uk * xp.sqrt(df * (wk ** (-2.0 / df) - 1.0) / wk)
        keep = ~ok
        idx, c0, c1, attempt = idx[keep], c0[keep], c1[keep], attempt[keep] + xp.uint64(1)
    return out


def counter_block_arrays(key: int, rows: tuple[int, int], cols: tuple[int, int],
                         law: str = "gaussian", *, stream: int = 0, var: float = 1.0,
                         df: float = 8.0, dtype: Any = np.float64,
                         xp: ModuleType = np) -> Any:
    """Rows [r0, r1) and columns [c0, c1) of the counter-based matrix of ``key`` and
    ``stream`` (:func:`rmtcheck.ensembles.counter_rng.counter_block`, whose checks the
    caller has made), as an array of ``xp``."""
    code = _LAW_CODE[law]
    scale = math.sqrt(var)
    k = (key & _MASK, key >> 32)
    i, j = xp.meshgrid(xp.arange(*rows, dtype=xp.uint64), xp.arange(*cols, dtype=xp.uint64),
                       indexing="ij")
    i, j = i.ravel(), j.ravel()
    u64 = xp.uint64
    if code == 1:  # rademacher: bit j % 128 of block j // 128
        blk = j >> u64(7)
        r0, r1, r2, r3 = philox(blk, i, xp.full_like(i, stream), xp.zeros_like(i), *k, xp)
        bit = j & u64(127)
        s32 = u64(32)
        word = xp.where(bit < 64, (r1 << s32) | r0, (r3 << s32) | r2)
        z = xp.where(((word >> (bit & u64(63))) & u64(1)) == 1, scale, -scale)
    elif code == 3:
        z = _student_t(j, i, stream, k, df, scale * math.sqrt((df - 2.0) / df), xp)
    else:
        half = j & u64(1)
        c0 = j >> u64(1)
        if code == 0:
            z = scale * _gaussian(c0, i, half, stream, k, xp)
        else:
            w = _word(c0, i, stream, xp.zeros_like(c0), half, k, xp)
            z = scale * (_SQRT3 * (2.0 * _unit(w, xp) - 1.0))
    return z.reshape(rows[1] - rows[0], cols[1] - cols[0]).astype(dtype)
