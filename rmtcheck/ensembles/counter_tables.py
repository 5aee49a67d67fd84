"""Constants shared by the counter-based samplers (:mod:`rmtcheck.ensembles.counter_rng`,
the numba kernel, and :mod:`rmtcheck.ensembles.counter_arrays`, the array-module route): the
law codes, the 53-bit scalings and the 256-layer ziggurat tables of Marsaglia & Tsang (2000),
built once in double precision at import."""

from __future__ import annotations

import math

import numpy as np

from .matrices import ENTRY_LAWS

_TWO53 = 1.0 / 9007199254740992.0  # 2^-53
_TWO52 = 1.0 / 4503599627370496.0  # 2^-52
_SQRT3 = math.sqrt(3.0)
_LAW_CODE = {law: code for code, law in enumerate(ENTRY_LAWS)}

# 256-layer ziggurat for exp(-x^2 / 2) (Marsaglia & Tsang 2000): layer areas v, base width
# X_0 = v / f(r), X_1 = r, X_{i+1} = sqrt(-2 log(v / X_i + f(X_i))), X_256 = 0.
_R = 3.6541528853610088
_V = _R * math.exp(-0.5 * _R * _R) + math.sqrt(math.pi / 2) * math.erfc(_R / math.sqrt(2))


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros(257)
    x[0] = _V / math.exp(-0.5 * _R * _R)
    x[1] = _R
    for i in range(1, 255):
        x[i + 1] = math.sqrt(-2.0 * math.log(_V / x[i] + math.exp(-0.5 * x[i] * x[i])))
    return x, np.exp(-0.5 * x * x)


_ZX, _ZF = _ziggurat_tables()
