"""The memory and work budget: estimates from parameters, refusals before allocating."""

import numpy as np
import pytest

import rmtcheck as rc
from rmtcheck import budget
from rmtcheck.budget import BudgetError
from rmtcheck.errors import InputError


def test_parse_bytes_binary_units():
    assert budget.parse_bytes("x", "512M") == 512 * 1024**2
    assert budget.parse_bytes("x", "1.5GiB") == int(1.5 * 1024**3)
    assert budget.parse_bytes("x", "2g") == 2 * 1024**3
    assert budget.parse_bytes("x", 4096) == 4096
    for bad in ("", "-1G", "0", "nanG", "1e400", "8X", "G", "1.2.3M"):
        with pytest.raises(InputError, match="^x: "):
            budget.parse_bytes("x", bad)


def test_parse_work():
    assert budget.parse_work("w", "1e13") == 1e13
    for bad in ("0", "-5", "inf", "nan", "lots"):
        with pytest.raises(InputError, match="^w: "):
            budget.parse_work("w", bad)


def test_available_memory_reads_the_override(monkeypatch):
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "3M")
    assert budget.available_memory() == 3 * 1024**2
    monkeypatch.delenv("RMTCHECK_MAX_MEMORY")
    assert budget.available_memory() > 0


def test_estimates_count_every_float64_array_alive_at_once():
    # Gaussian: X (8 p n); Rademacher adds the int8 draw and one float temporary (9 p n).
    assert budget.dense_matrix_bytes(10, 20) == 8 * 200
    assert budget.dense_matrix_bytes(10, 20, "rademacher") == 17 * 200
    # Gram m x m and LAPACK's copy, m = min(p, n), plus the eigenvalues.
    assert budget.wishart_bytes(10, 20) == 16 * 100 + 16 * 20
    assert budget.wishart_bytes(20, 10) == budget.wishart_bytes(10, 20)
    assert budget.wishart_flops(10, 20) == pytest.approx(100 * 20 + 4 / 3 * 1000)


def test_dense_wishart_refuses_with_the_estimate_limit_and_cheaper_path(monkeypatch):
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "1G")
    with pytest.raises(BudgetError) as info:
        budget.dense_wishart(200_000, 400_000)
    text = str(info.value)
    assert text.startswith("--p: ") and "GiB" in text and "1 GiB" in text
    assert "--method tridiagonal" in text and "\n" not in text
    with pytest.raises(BudgetError) as info:  # no cheaper path for non-Gaussian entries
        budget.dense_wishart(200_000, 400_000, "rademacher")
    assert "tridiagonal" not in str(info.value)
    budget.dense_wishart(100, 200)  # small sizes pass (negative control)


def test_work_limit(monkeypatch):
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "1T")
    with pytest.raises(BudgetError, match="floating-point operations"):
        budget.dense_wishart(20_000, 40_000)
    monkeypatch.setenv("RMTCHECK_MAX_WORK", "1e14")
    budget.dense_wishart(20_000, 40_000)


def test_cells_and_workers_are_bounded():
    with pytest.raises(BudgetError, match="cells"):
        budget.cells("--trials", 5 * 10**12)
    budget.cells("--trials", 100)
    with pytest.raises(BudgetError, match="4 per core"):
        budget.workers("--workers", 10**6)
    assert budget.workers("--workers", 2) == 2


def test_generators_refuse_before_allocating(monkeypatch):
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "1M")
    with pytest.raises(BudgetError, match="^p: "):
        rc.random_matrix(1000, 1000, rng=0)  # 8 MB > 1 MiB
    x = rc.random_matrix(10, 20, rng=0)
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "100")
    with pytest.raises(BudgetError, match="^x: "):
        rc.wishart_eigvalsh(x)


def test_card_memory_expression_refuses_inside_the_domain(monkeypatch):
    monkeypatch.setenv("RMTCHECK_MAX_MEMORY", "8G")
    # p = 20000, ratio = 0.05 is inside RMT-MP-LAW's domain but needs about 133 GiB.
    with pytest.raises(BudgetError) as info:
        rc.check("RMT-MP-LAW", {"p": 20000, "ratio": 0.05})
    assert str(info.value).startswith("--param p, ratio, method: RMT-MP-LAW at p=20000")
    # the tridiagonal path is cheap: it passes the budget (not run here: only the estimate)
    from rmtcheck.checker.run import require_budget, run_settings

    card = rc.get_card("RMT-MP-LAW")
    params, sizes, trials = run_settings(card, "quick", {"p": 20000, "ratio": 0.05,
                                                         "method": "tridiagonal"})
    require_budget(card, params, sizes, trials)


def test_budget_error_is_an_input_error():
    assert issubclass(BudgetError, InputError) and issubclass(BudgetError, ValueError)
    assert np.isfinite(budget.DEFAULT_MAX_WORK)
