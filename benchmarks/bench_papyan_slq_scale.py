"""SLQ at scale on the expected FIM of Theorem 8.1 (Papyan 2020, Sec. 8.2, Lemma 8.1, App. C).

Operator: the matrix-free Lemma 8.1 E G at D C = 10^6 (rmtcheck.theory.papyan2020.fim.
expected_fim_operator, O(D C^2) per matvec, block matmat); nothing of size (D C)^2 is formed.
E G has four distinct levels: C outliers, C(C-2) mini-bulk, (D-C)(C-1) bulk, D zeros.

Deflated SLQ (the measured pipeline, rmtcheck.spectra.deflated_slq; PAP-ALG-C7 with projected
probes): SubspaceIteration (PAP-ALG-C6) for the k = C(C-1) top eigenpairs, the outliers and the
mini-bulk, stopped at residual tol max|lambda|; then SLQ on their orthogonal complement, where
Lanczos breaks down after two steps (bulk and zero). The deflated levels' masses are counts, not
estimates; the bulk and zero masses come from n_vec probes.
Plain SLQ (reference, rmtcheck.spectra.slq.slq_density): the same operator without deflation.

Pass criteria (level k with multiplicity share f_k = m_k / (D C)), on the deflated pipeline:
  * the deflated eigenvalues are the outlier and mini-bulk levels within 1e-9 lambda_max, with
    multiplicities C and C(C-2); no Gauss node lies off every level (stray mass < 1e-12);
  * |mass_k - f_k| <= 0.01 f_k for all four levels, and <= 4 SE_k (SE from the Beta law of a
    probe's weight on the complement, complement_mass_se);
  * wall time < 60 s, peak traced memory < 2 GiB (the n x k block is n k 8 bytes = 0.67 GiB).
For plain SLQ the script prints the same table and the probes a 1 % error at 4 SE would need.

Run: ``python benchmarks/bench_papyan_slq_scale.py [D C n_vec tol plain_n_vec]``.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

import numpy as np
import rmtcheck.theory.papyan2020.fim as fim

from rmtcheck.spectra.deflated_slq import complement_mass_se, deflated_slq
from rmtcheck.spectra.slq import level_masses, probe_mass_se, slq_density

T, ALPHA = 3.0, 0.3


def measured(fn):
    """(result, wall s, peak traced bytes) of fn()."""
    tracemalloc.start()
    wall = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - wall
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, wall, peak


def table(masses: np.ndarray, share: np.ndarray, se: np.ndarray, mults: np.ndarray,
          values: np.ndarray) -> None:
    print(f"  {'level':8} {'value':>10} {'mult':>7} {'share':>10} {'mass':>10} {'rel err':>9} "
          f"{'SE/share':>9}")
    for k, name in enumerate(fim.LEVELS):
        print(f"  {name:8} {values[k]:10.6f} {mults[k]:7d} {share[k]:10.3e} {masses[k]:10.3e} "
              f"{(masses[k] - share[k]) / share[k]:+9.3%} {se[k] / share[k]:9.2%}")


def run_deflated(D: int, C: int, n_vec: int, tol: float, seed: int) -> bool:
    n, k = D * C, C * (C - 1)
    op = fim.expected_fim_operator(D, C, T, ALPHA)
    values, mults = fim.thm81_levels(D, C, T, ALPHA)
    share = mults / n
    ds, wall, peak = measured(lambda: deflated_slq(op, k, n_vec=n_vec, tol=tol,
                                                   rng=np.random.default_rng(seed)))
    masses, stray = ds.level_masses(values, 1e-9 * values.max())
    top = np.sort(ds.top.values)[::-1]
    top_ok = bool(np.allclose(top, np.repeat(values[:2], mults[:2]), rtol=0,
                              atol=1e-9 * values.max()))
    se = complement_mass_se(mults, 2, n_vec)
    err = np.abs(masses - share)
    ok_mass = bool(np.all(err <= 0.01 * share) and np.all(err <= 4 * se + 1e-15))
    ok_time, ok_mem = wall < 60.0, peak < 2 * 2**30
    print(f"Deflated SLQ: D={D} C={C} D*C={n} t={T} alpha={ALPHA} k={k} tol={tol:g} "
          f"n_vec={n_vec}")
    print(f"  wall {wall:.1f} s; SubspaceIteration {ds.top.iterations} iterations, max residual "
          f"{ds.top.residuals.max():.1e} (lambda_max {values.max():.3f}); Gauss nodes per probe "
          f"on the complement {ds.rest.nodes.size / n_vec:.0f}")
    print(f"  peak traced memory {peak / 2**20:.0f} MiB (the n x k block {n * k * 8 / 2**20:.0f} "
          f"MiB); dense E G would be {n * n * 8 / 2**40:.1f} TiB; stray mass {stray:.1e}")
    table(masses, share, se, mults, values)
    ok = top_ok and stray < 1e-12 and ok_mass and ok_time and ok_mem
    print(f"  levels {'ok' if top_ok and stray < 1e-12 else 'FAIL'}, masses "
          f"{'ok' if ok_mass else 'FAIL'} (each within 1 % and 4 SE), time "
          f"{'ok' if ok_time else 'OVER 60 s'}, memory {'ok' if ok_mem else 'OVER 2 GiB'}")
    return ok


def run_plain(D: int, C: int, n_vec: int, seed: int) -> None:
    n = D * C
    op = fim.expected_fim_operator(D, C, T, ALPHA)
    values, mults = fim.thm81_levels(D, C, T, ALPHA)
    share = mults / n
    sd, wall, peak = measured(lambda: slq_density(op, 128, n_vec,
                                                  rng=np.random.default_rng(seed)))
    masses, stray = level_masses(sd, values, 1e-9 * values.max())
    se = probe_mass_se(share, n, n_vec)
    need = np.ceil(16 * 2 * share * (1 - share) / ((n + 2) * (0.01 * share) ** 2))
    print(f"Plain SLQ (reference): n_vec={n_vec}, wall {wall:.1f} s, peak {peak / 2**20:.0f} MiB, "
          f"stray mass {stray:.1e}; probes for 1 % at 4 SE: "
          + ", ".join(f"{name} {int(m)}" for name, m in zip(fim.LEVELS, need, strict=True)))
    table(masses, share, se, mults, values)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    defaults = [100_000, 10, 8, 1e-6, 64]
    D, C, n_vec, tol, plain = (list(args) + defaults[len(args):])[:5]
    D, C, n_vec, tol, plain = int(D), int(C), int(n_vec), float(tol), int(plain)
    ok = run_deflated(D, C, n_vec, tol, seed=0)
    if plain > 0:
        run_plain(D, C, plain, seed=0)
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
