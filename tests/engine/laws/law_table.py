"""The laws every conformance check runs over: one row per (law factory, parameters), as in
scipy's ``scipy/stats/_distr_params.py``. A new law gets the whole battery of
``test_law_battery.py`` by adding a row here; ``tol`` loosens a named check for laws whose
cdf or pdf is tabulated rather than closed-form (say why in ``why``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rmtcheck.laws.ck_limit import ck_limit_law
from rmtcheck.laws.free import DeformedMarchenkoPastur, MarchenkoPasturProduct
from rmtcheck.laws.fuss_catalan import FussCatalan
from rmtcheck.laws.marchenko_pastur import MarchenkoPastur
from rmtcheck.laws.semicircle import Semicircle
from rmtcheck.laws.tracy_widom import TracyWidom

# Default tolerances of the checks (closed-form cdf and pdf, float64).
TOLERANCES = {
    "roundtrip": 1e-10,   # |cdf(ppf(q)) - q|, |sf(isf(q)) - q|
    "derivative": 1e-6,   # relative: pdf vs central difference of the cdf
    "mass": 1e-9,         # |continuous mass + atoms - 1|
    "moment": 1e-8,       # relative: moment(k) vs expect(x^k)
    "stieltjes_sum": 2e-6,  # relative: moment(k) vs a Riemann-Stieltjes sum of the cdf
    "series": 1e-9,       # relative: Stieltjes transform at large |z| vs its moment series
}


@dataclass(frozen=True)
class Row:
    factory: Any
    params: dict
    tol: dict = field(default_factory=dict)
    why: str = ""
    scipy_checks: bool = True  # run scipy's common_tests on to_scipy() (integrates pdf pointwise)

    @property
    def id(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.factory.__name__}({args})"

    def law(self):
        return self.factory(**self.params)

    def tolerance(self, check: str) -> float:
        return self.tol.get(check, TOLERANCES[check])


TABLE_WHY = ("cdf from a cumulative Simpson table on a 20001-point phi grid, linear "
             "interpolation in phi: derivative error O(grid step)")

SOLVER_WHY = ("pdf solves an equation per call: scipy's generic quad integrals, one point at a "
              "time, take minutes; its moments and mass are checked against quadrature here")

CK_WHY = ("conjugate-kernel law: density from a Stieltjes-transform solver on Chebyshev nodes, "
          "pdf and cdf interpolate the nodes linearly (trapezoid cdf), so they agree to the "
          "tabulation accuracy: measured 1.6e-3 relative for the slope, 1.1e-5 for the mass, "
          "2e-6 for moments, 1e-5 for round trips; the tolerances are those times 3")
CK_TOL = {"derivative": 5e-3, "mass": 4e-5, "moment": 1e-5, "roundtrip": 4e-5,
          "stieltjes_sum": 1e-4, "series": 1e-5}

TW_WHY = ("Tracy-Widom: the support is the whole line, so the derivative check's step is "
          "h = 1e-4 (isf(1e-10) - ppf(1e-10)) = 0.9e-3 to 1.7e-3; its central-difference "
          "truncation in the left tail (f falls like exp(-|s|^3/12)) was measured at 1.8e-5, "
          "1.6e-5, 1.4e-5 relative (beta 1, 2, 4), 8x smaller at h / 3.3 (truncation, not the "
          "pdf); tolerance 3 times that. test_tracy_widom checks the pdf to 1e-7 against "
          "differences of the direct determinants with h = 1e-4")
TW_TOL = {"derivative": 6e-5}

LAWS = [
    Row(MarchenkoPastur, {"ratio": 0.5}),
    Row(MarchenkoPastur, {"ratio": 0.1, "var": 2.0}),
    Row(MarchenkoPastur, {"ratio": 1.0}),  # hard edge at 0
    Row(MarchenkoPastur, {"ratio": 2.5}),  # atom 0.6 at 0
    Row(MarchenkoPastur, {"ratio": 4.0, "var": 0.5}),
    Row(FussCatalan, {"order": 2}, tol={"derivative": 1e-4}, why=TABLE_WHY),
    Row(FussCatalan, {"order": 3}, tol={"derivative": 1e-4}, why=TABLE_WHY),
    Row(DeformedMarchenkoPastur, {"ratio": 0.1, "population_eigenvalues": [1.0, 3.0]},
        scipy_checks=False, why=SOLVER_WHY),
    Row(DeformedMarchenkoPastur, {"ratio": 2.0, "population_eigenvalues": [1.0, 3.0]},
        scipy_checks=False, why=SOLVER_WHY),
    Row(MarchenkoPasturProduct, {"ratios": [0.5, 0.8]}, scipy_checks=False, why=SOLVER_WHY),
    Row(MarchenkoPasturProduct, {"ratios": [1.0, 1.0]}, scipy_checks=False, why=SOLVER_WHY),
    Row(ck_limit_law, {"gamma": 0.5, "phi": 2.0, "b": 0.8},
        tol=CK_TOL, scipy_checks=False, why=CK_WHY),
    Row(ck_limit_law, {"gamma": 2.0, "phi": 0.7, "b": 0.6},
        tol=CK_TOL, scipy_checks=False, why=CK_WHY),
    Row(Semicircle, {}),
    Row(Semicircle, {"radius": 0.5, "center": 1.5}),
    Row(TracyWidom, {"beta": 1}, tol=TW_TOL, why=TW_WHY),  # support (-inf, inf)
    Row(TracyWidom, {"beta": 2}, tol=TW_TOL, why=TW_WHY),
    Row(TracyWidom, {"beta": 4}, tol=TW_TOL, why=TW_WHY),
]
