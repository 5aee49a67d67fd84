"""How the Gram products of a Def.-4 DLN concentrate and drift (claims DLN-THM-5, DLN-CLAIM-9).

Source: Hacohen & Weinshall (2022), supplementary material, App. A.1 (Thm 5: E X(m) =
[1 + O(1/m)] I and var X(m) = O(1/m) give X(m) -> I in probability, entry-wise) and A.2
(the note after Thm 7: the first-step change of B^l is governed by K/m, that of A^l by q/m,
so A^l ~ I breaks down before B^l ~ I when q >> K; B.3 repeats it). Products follow eq. (6).
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.products import batched_mean, def4_layers, draw_layers, grams_b
from rmtcheck.training.deep_linear import first_order_delta_grams


def _sigma_xx(q: int, spread: float) -> np.ndarray:
    """diag(linspace(1 + spread, 1 - spread, q)) (tr = q)."""
    return np.diag(np.linspace(1.0 + spread, 1.0 - spread, q)) if q > 1 else np.eye(1)


def drift_ratio(rng: np.random.Generator, q: int, K: int, N: int, m: int, l_b: int, l_a: int,
                spread: float, law: str, draws: int, outputs: str = "fixed") -> float:
    """[tr E Delta A^{l_a} / K] / [tr E Delta B^{l_b} / q]: the mean eigenvalue of the expected
    first-order change of A^{l_a} over that of B^{l_b} after one GD step at a Def.-4
    initialization (Y = 0, mu = 1, Monte-Carlo over ``draws`` networks). Thms 6-7 (corrected
    constants, DLN-EQ-17-CORRECTED) give (N-l_a)(N-l_a+1) / (l_b(l_b-1)) * q/K [1 + O(1/m)].
    ``outputs = "tied"`` sets K = q (a control: the ratio no longer grows with q)."""
    if validate.choice("outputs", outputs, ("fixed", "tied")) == "tied":
        K = q
    sxx = _sigma_xx(q, spread)
    widths = [q] + [m] * (N - 1) + [K]

    def sample(t: int) -> np.ndarray:
        db, da = first_order_delta_grams(def4_layers(widths, rng, law, trials=t), sxx,
                                         np.zeros((K, q)), 1.0)
        return np.stack([np.trace(da[l_a], axis1=-2, axis2=-1) / K,
                         np.trace(db[l_b - 1], axis1=-2, axis2=-1) / q], axis=-1)

    mean, _ = batched_mean(sample, draws, max(1, 2**21 // m**2))
    return float(mean[0] / mean[1])


def entry_deviation_probabilities(rng: np.random.Generator, q: int, l: int, m_small: int,
                                  m_large: int, eps: float, draws: int, law: str,
                                  bottleneck: bool = False) -> dict[str, float]:
    """Thm 5 on X(m) = B^l of a Def.-4 DLN with hidden widths m (variance 1/m_n for the
    layers n < l that B^l involves, as Def. 4 gives for equal widths): for m = m_small and
    m_large, p(m) = max_ij P(|B^l_ij - I_ij| > eps) and the largest |E B^l_ij - I_ij| over
    ``draws`` draws. ``bottleneck = True`` keeps the first hidden width at m_small while the
    others grow (a control: E B^l = I still, but var B^l stays Theta(1/m_small))."""
    l = validate.integer("l", l, 2)
    eps = validate.positive("eps", eps)
    out = {}
    for name, m in (("small", m_small), ("large", m_large)):
        widths = [q] + [m] * (l - 1)
        if bottleneck:
            widths[1] = m_small
        variances = [1.0 / w for w in widths[1:]]
        batch = max(1, 2**21 // max(widths) ** 2)
        hits, total, done = np.zeros((q, q)), np.zeros((q, q)), 0
        while done < draws:
            t = min(batch, draws - done)
            dev = grams_b(draw_layers(widths, variances, rng, law, trials=t))[-1] - np.eye(q)
            hits += np.sum(np.abs(dev) > eps, axis=0)
            total += dev.sum(axis=0)
            done += t
        out[f"p_{name}"] = float(hits.max() / draws)
        out[f"offset_{name}"] = float(np.abs(total / draws).max())
    return out
