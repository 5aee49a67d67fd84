"""The PC-bias of wide deep linear networks (claim DLN-CLAIM-15).

Source: Hacohen & Weinshall (2022), supplementary material, App. B.3: in principal
coordinates (Sigma_XX = D = diag(d_1 > ... > d_q)) column j of the compact matrix obeys
w_j^{s+1} = w_j^s - mu A^s (d_j w_j^s - m_j), "the only difference between individual columns
lies in d_j, which governs the rate of convergence"; while A^s ~ L I the rate is
lambda_j = 1 - mu d_j L (DLN-EQ-B3).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from rmtcheck import validate
from rmtcheck.ensembles.products import def4_layers
from rmtcheck.training.deep_linear import train_dln


def column_rate_order(rng: np.random.Generator, q: int, K: int, L: int, m: int, d_min: float,
                      step_scale: float, target: float, s: int, networks: int,
                      whiten: bool = False) -> dict[str, float]:
    """Effective per-column rates (r_j(s) / r_j(0))^(1/s), r_j = ||w_j - w_j^*||, of GD on
    ``networks`` Def.-4 DLNs of depth L and hidden width m in principal coordinates with
    d = geomspace(1, d_min, q), mu = step_scale / (L d_1), ||W*||_2 = ``target``.
    Returns the mean over networks of the Spearman correlation between the rates and the
    column index j (d_j decreasing in j: +1 when every larger d_j converges faster), its
    one-sided 0.1 % level under the null of exchangeable columns, 3.09 / sqrt((q - 1)
    networks) (normal approximation: var rho = 1/(q - 1) per network), and the largest
    |rate - lambda_j|. ``whiten = True`` sets every d_j = 1 (a control: the columns are then
    exchangeable, so rho follows that null)."""
    q = validate.integer("q", q, 3)
    d = np.ones(q) if whiten else np.geomspace(1.0, validate.positive("d_min", d_min), q)
    mu = validate.positive("step_scale", step_scale) / (L * d[0])
    lam = 1.0 - mu * d * L
    rho, err = [], []
    for _ in range(validate.integer("networks", networks, 1)):
        direction = rng.standard_normal((K, q))
        m_target = target * direction / np.linalg.norm(direction, 2) * d
        run = train_dln(def4_layers([q] + [m] * (L - 1) + [K], rng), d, m_target, mu, s)
        rates = run.effective_rates(s)
        rho.append(float(spearmanr(rates, np.arange(q))[0]))
        err.append(float(np.max(np.abs(rates - lam))))
    return {"mean_spearman": float(np.mean(rho)), "min_spearman": min(rho),
            "null_cut": 3.09 / np.sqrt((q - 1) * networks), "max_rate_error": max(err)}
