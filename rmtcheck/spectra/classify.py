"""Spectral class of a weight matrix from its bulk fit, spike test and tail (a general rule).

- ``mp_bulk``: no eigenvalue beyond the Tracy–Widom edge of the fitted Marchenko–Pastur law
  (what i.i.d. entries with a finite fourth moment give: Bai & Yin 1988);
- ``bulk_with_spikes``: 1 to ``max_rank`` outliers, what a signal of rank <= ``max_rank`` added
  to noise gives (Benaych-Georges & Nadakuditi 2012: one outlier per strength above the BBP
  threshold);
- ``heavy_tail``: more outliers than that. With entries of tail index mu < 4 the largest
  eigenvalues form a Poisson process on the scale n^{4/mu - 1} (Auffinger, Ben Arous & Peche
  2009, Thm 1), so the number of eigenvalues beyond the edge grows with the size instead of
  staying at a fixed rank; the CSN exponent of the tail is reported alongside.

The default ``max_rank`` is max(5, p // 100), p the number of eigenvalues.
"""

from __future__ import annotations

from .. import validate

SPECTRAL_CLASSES = ("mp_bulk", "bulk_with_spikes", "heavy_tail")


def default_max_rank(p: int) -> int:
    return max(5, p // 100)


def classify_spectrum(p: int, n_spikes: int, max_rank: int | None = None) -> str:
    """The class of a spectrum of ``p`` eigenvalues with ``n_spikes`` significant outliers."""
    p = validate.integer("p", p, 1)
    n_spikes = validate.integer("n_spikes", n_spikes, 0, p)
    limit = default_max_rank(p) if max_rank is None else validate.integer("max_rank", max_rank, 0)
    if n_spikes == 0:
        return "mp_bulk"
    return "bulk_with_spikes" if n_spikes <= limit else "heavy_tail"
