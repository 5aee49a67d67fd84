"""Calibration of the spike test of `rmtcheck.analyze`, proven by simulation.

- False alarms: over ``--draws`` pure-noise 200 x 400 matrices (Gaussian and Rademacher
  entries), the fraction whose largest eigenvalue is declared a spike at levels 0.01 and 0.05,
  with the band level -+ 3 sqrt(level (1 - level) / draws) it must fall in.
- Power: the detection rate of one spike of strength f theta_c (theta_c = y^{1/4}, the BBP
  threshold) for f from 0.5 to 2, at level 0.01; the issue's target is >= 0.9 at f = 1.5.
- Variance-fit bias with k = 0, 1, 2, 4 planted spikes (strengths 2, 3, 4, 5).
``--plot PNG`` draws the power curve.

Run: `python benchmarks/bench_spike_calibration.py [--draws 2000] [--plot power.png]`.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from rmtcheck.laws.bbp import bbp_threshold
from rmtcheck.testing.spike_calibration import (
    binomial_band,
    detections,
    fit_matrix,
    null_p_values,
    spiked_matrix,
)

P, N = 200, 400
FACTORS = (0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--power-draws", type=int, default=400)
    parser.add_argument("--plot", metavar="PNG")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result: dict = {"p": P, "n": N, "draws": args.draws, "false_alarms": {}}
    for seed, law in enumerate(("gaussian", "rademacher")):
        p_values = null_p_values(P, N, law, args.draws, np.random.default_rng(100 + seed))
        for level in (0.01, 0.05):
            rate = float(np.mean(p_values < level))
            low, high = binomial_band(level, args.draws)
            result["false_alarms"][f"{law}@{level}"] = {
                "rate": rate, "band": [low, high], "inside": bool(low <= rate <= high)}
    theta_c = bbp_threshold(P / N)
    rng = np.random.default_rng(200)
    power = {f: float(np.mean(detections(P, N, f * theta_c, args.power_draws, 0.01, rng) >= 1))
             for f in FACTORS}
    result["power_at_level_0.01"] = {str(f): r for f, r in power.items()}
    result["power_1.5x_at_least_0.9"] = bool(power[1.5] >= 0.9)
    bias = {}
    for k in (0, 1, 2, 4):
        errors = [fit_matrix(spiked_matrix(P, N, [2.0, 3.0, 4.0, 5.0][:k], rng)).var - 1.0
                  for _ in range(200)]
        bias[str(k)] = {"mean": float(np.mean(errors)),
                        "se": float(np.std(errors, ddof=1) / np.sqrt(len(errors)))}
    result["variance_bias_with_k_spikes"] = bias
    result["seconds"] = time.perf_counter() - start
    if args.plot:
        import matplotlib  # noqa: PLC0415

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415

        fig, ax = plt.subplots(figsize=(5, 3.5))
        rates = np.array(list(power.values()))
        se = np.sqrt(rates * (1 - rates) / args.power_draws)
        ax.errorbar(FACTORS, rates, yerr=2 * se, marker="o", capsize=3)
        ax.axvline(1.0, color="gray", ls=":", label="BBP threshold")
        ax.axhline(0.01, color="tab:red", ls="--", lw=0.8, label="level 0.01")
        ax.set_xlabel("spike strength / theta_c")
        ax.set_ylabel("detection rate")
        ax.set_title(f"TW step-down test, {P} x {N}, {args.power_draws} draws", fontsize=9)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        result["plot"] = args.plot
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
