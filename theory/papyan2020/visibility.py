"""PAP-CLAIM-31 (Papyan 2020, Sec. 9.2): class means that are not large enough leave no
outliers in the spectrum although they are present.

Second moment of CCM(D, C) data (Def 8.1), H = X^T X / N with N = nC, X = M + Z: M has rows
t e_c, so M^T M / N = (t^2 / C) sum_c e_c e_c^T (C singular values theta = t / sqrt(C) of
M / sqrt(N)), and Z^T Z / N is white Wishart with ratio gamma = D / N, whose spectrum ends at
(1 + sqrt(gamma))^2. For this information-plus-noise model an eigenvalue of H leaves the bulk
iff theta^2 > sqrt(gamma), and it then sits at (1 + theta^2)(gamma + theta^2) / theta^2
(Benaych-Georges & Nadakuditi 2012, Sec. 3.1; at theta^2 = sqrt(gamma) this is the edge).
"""

from __future__ import annotations

import numpy as np

from rmtcheck import validate
from rmtcheck.ensembles.ccm import ccm_sample

from . import decomposition as dec


def class_mean_visibility(rng: np.random.Generator, D: int, C: int, n: int, t: float,
                          seeds: int, margin: float = 0.05) -> dict[str, float]:
    """For ``seeds`` samples of CCM(D, C) with n per class: ``visible`` = #{lambda_i(H) >
    (1 + margin)(1 + sqrt(gamma))^2}, ``class_min`` = lambda_C(H_class) (the class means'
    smallest eigenvalue, Def 7.4: nonzero), ``snr`` = (t^2 / C) / sqrt(gamma) (> 1: the
    outliers are predicted visible), ``top`` = lambda_1(H) and ``predicted`` = the predicted
    outlier location when snr > 1 (else the bulk edge). A sample passes when visible = 0 and
    class_min > 0 (class means present, invisible)."""
    seeds = validate.integer("seeds", seeds, 1)
    N = n * C
    gamma, theta2 = D / N, t * t / C
    edge = (1 + np.sqrt(gamma)) ** 2
    predicted = (1 + theta2) * (gamma + theta2) / theta2 if theta2 > np.sqrt(gamma) else edge
    visible, class_min, top = [], [], []
    for _ in range(seeds):
        X, _ = ccm_sample(rng, D, C, n, t)
        lam = np.linalg.eigvalsh(X.T @ X / N)[::-1]
        means = dec.by_class(X, n, C).mean(axis=0)
        visible.append(float(np.sum(lam > (1 + margin) * edge)))
        class_min.append(float(np.linalg.eigvalsh(means @ means.T / C)[0]))
        top.append(float(lam[0]))
    passed = [v == 0 and m > 0 for v, m in zip(visible, class_min, strict=True)]
    return {"fraction": float(np.mean(passed)), "visible_max": max(visible),
            "visible_min": min(visible), "class_min": min(class_min),
            "snr": float(theta2 / np.sqrt(gamma)), "top_mean": float(np.mean(top)),
            "predicted": float(predicted), "edge": float(edge)}
