"""SLQ at scale on the expected FIM of Theorem 8.1 (Papyan 2020, Sec. 8.2, Lemma 8.1, App. C).

SLQ (rmtcheck.spectra.slq.slq_density, Alg. 3) runs on the matrix-free Lemma 8.1 operator
(matvec O(D C^2), rmtcheck.laws.fim_mlr.expected_fim_operator) at D C = 10^6; nothing of size
(D C)^2 is formed. E G has four distinct eigenvalues, so each Lanczos run breaks down after four
steps and its Gauss nodes are the Theorem 8.1 levels exactly; the mass of a level is the sum of
the quadrature weights at it (rmtcheck.spectra.slq.level_masses).

Pass criteria (each level k with multiplicity share f_k = m_k / (D C)):
  * every Gauss node lies within 1e-9 lambda_max of a Theorem 8.1 level (no stray mass);
  * |mass_k - f_k| <= 4 SE_k, SE_k from the Beta law of a probe's weight (probe_mass_se);
  * |mass_k - f_k| <= 0.01 f_k for the levels whose 4 SE_k is below 1 % of f_k (bulk and zero
    at the defaults). For the C outliers (f = 10^-5) a 1 % relative error at 4 SE needs
    n_vec >= 32 (1 - f) / (f (n + 2)) / 0.01^2, about 3 10^4 probes: the line
    ``probes for 1 %`` prints that count for every level;
  * wall time < 60 s and peak traced memory < 2 GiB.
The bound it is measured against: the bare matvec time (n_matvec * t_matvec) and the memory of
the three Lanczos vectors; the dense E G would need (D C)^2 * 8 bytes.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_papyan_slq_scale.py [D C n_vec]``.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np

from rmtcheck.laws import fim_mlr as fim
from rmtcheck.spectra.slq import level_masses, probe_mass_se, slq_density

T, ALPHA = 3.0, 0.3


def run(D: int, C: int, n_vec: int, seed: int = 0) -> bool:
    n = D * C
    op = fim.expected_fim_operator(D, C, T, ALPHA)
    values, mults = fim.thm81_levels(D, C, T, ALPHA)
    share = mults / n
    v = np.random.default_rng(seed).standard_normal(n)
    t0 = time.perf_counter()
    for _ in range(5):
        op.matvec(v)
    t_matvec = (time.perf_counter() - t0) / 5
    del v

    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    sd = slq_density(op, steps=128, n_vec=n_vec, rng=np.random.default_rng(seed))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # Linux: KiB

    masses, stray = level_masses(sd, values, 1e-9 * values.max())
    order = np.argsort(values)                # smoothed density: CDF jumps between the levels
    cuts = np.concatenate([[-np.inf], (values[order][1:] + values[order][:-1]) / 2, [np.inf]])
    smoothed = np.empty_like(masses)
    smoothed[order] = np.diff(sd.cdf(cuts))
    se = probe_mass_se(share, n, n_vec)
    err = masses - share
    z = err / se
    need = np.ceil(16 * share * (1 - share) * 2 / ((n + 2) * (0.01 * share) ** 2))
    strict = 4 * se < 0.01 * share
    n_matvec = sd.nodes.size + 4          # Ritz values per run = steps until breakdown; + bounds
    ok_levels = stray < 1e-12
    ok_mass = bool(np.all(np.abs(z) <= 4) and np.all(np.abs(err[strict]) <= 0.01 * share[strict]))
    ok_time, ok_mem = wall < 60.0, peak < 2 * 2**30

    print(f"SLQ on Lemma 8.1 operator: D={D} C={C} D*C={n} t={T} alpha={ALPHA} n_vec={n_vec}")
    print(f"wall {wall:.2f} s, cpu {cpu:.2f} s, ~{n_matvec} matvecs; bare matvec "
          f"{t_matvec * 1e3:.1f} ms -> SLQ / (matvecs x bare matvec) "
          f"{wall / (n_matvec * t_matvec):.2f}")
    print(f"peak traced memory {peak / 2**20:.0f} MiB (max RSS {maxrss / 2**20:.0f} MiB); "
          f"one vector {n * 8 / 2**20:.1f} MiB; dense E G would be {n * n * 8 / 2**40:.1f} TiB")
    print(f"smoothing sigma {sd.sigma:.3g}; stray mass (nodes off every level) {stray:.1e}; "
          f"smoothed-density masses - quadrature masses: max {np.abs(smoothed - masses).max():.1e}")
    print(f"{'level':8} {'value':>10} {'mult':>7} {'share':>10} {'mass':>10} {'rel err':>9} "
          f"{'z':>6} {'1% checked':>10} {'probes for 1%':>13}")
    for k, name in enumerate(fim.LEVELS):
        print(f"{name:8} {values[k]:10.6f} {mults[k]:7d} {share[k]:10.3e} {masses[k]:10.3e} "
              f"{err[k] / share[k]:+9.2%} {z[k]:+6.2f} {str(bool(strict[k])):>10} {need[k]:13.0f}")
    ok = ok_levels and ok_mass and ok_time and ok_mem
    print(f"levels {'ok' if ok_levels else 'FAIL'}, masses {'ok' if ok_mass else 'FAIL'}, "
          f"time {'ok' if ok_time else 'OVER 60 s'}, memory {'ok' if ok_mem else 'OVER 2 GiB'}")
    return ok


def main(argv: list[str] | None = None) -> None:
    args = [int(a) for a in (sys.argv[1:] if argv is None else argv)]
    D, C, n_vec = (args + [100_000, 10, 64][len(args):])[:3]
    if not run(D, C, n_vec):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
