"""Sweeps from Python: identical statistics on every executor, the same verdict as
``rmtcheck.check``, resume semantics, negative control of the verdict, bad input."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmtcheck as rc
from rmtcheck.checker.cards import Card
from rmtcheck.errors import InputError
from rmtcheck.rng import DEFAULT_SEED
from rmtcheck.sweep import InProcess, Processes, Sweep
from rmtcheck.sweep.cells import evaluate_cell
from rmtcheck.sweep.executors import PINNED
from tests.engine.sweep import helpers as sweep_helpers
from tests.engine.sweep.helpers import CARDS, CLAIM, FAIL

KS = {"sizes": [20, 40, 80], "trials": 3}  # RMT-MP-KS-RATE, small sizes


def _stats(sw: Sweep) -> dict[str, float]:
    return {row["key"]: row["statistic"] for row in sw.table()}


def test_one_worker_and_two_processes_give_identical_statistics(tmp_path):
    with Sweep("RMT-MP-KS-RATE", **KS) as one:
        v1 = one.run()
        with Sweep("RMT-MP-KS-RATE", **KS, store=tmp_path / "p.db", executor="processes",
                   workers=2) as two:
            v2 = two.run()
            assert two.last_run["executor"] == "processes (2 workers)"
            assert _stats(two) == _stats(one) and len(_stats(one)) == 9
            assert all(str(os.getpid()) != r["worker"].split(":")[-1] for r in two.table())
    assert v1.statistics == v2.statistics
    # and the same fit and verdict as the engine's own in-process check
    ref = rc.check("RMT-MP-KS-RATE", **KS)
    assert {k: v1.statistics[k] for k in ref.statistics} == ref.statistics
    assert v1.passed == ref.passed


def test_process_workers_are_pinned_to_one_thread():
    before = {k: os.environ.get(k) for k in PINNED}
    with Processes(2) as ex:
        seen = [f.result() for f in ex.as_completed(
            [ex.submit(sweep_helpers.worker_threads) for _ in range(4)])]
    for s in seen:
        assert set(s["env"].values()) == {"1"} and s["numba"] == 1
        assert s["pid"] != os.getpid()
    assert {k: os.environ.get(k) for k in PINNED} == before  # parent environment restored


def test_in_process_executor_runs_lazily_and_reports_errors():
    ex = InProcess()
    futures = [ex.submit(sweep_helpers.square, 3.0), ex.submit(sweep_helpers.fail, 1.0)]
    assert not any(f.done() for f in futures)
    done = list(ex.as_completed(futures))
    assert done[0].result() == 9.0
    with pytest.raises(ValueError, match="cell 1.0 failed"):
        done[1].result()


def test_resume_runs_only_missing_cells_and_needs_the_flag(tmp_path):
    path = tmp_path / "s.db"
    common = {"catalogue": [CARDS], "store": path}
    with Sweep(CLAIM, [16, 32], 3, **common) as part:
        part.run()
    with Sweep(CLAIM, [16, 32, 64, 128], 3, **common) as full:
        assert len(full.pending()) == 6
        with pytest.raises(InputError, match="--resume"):
            full.run()
        full.run(resume=True)
        assert full.last_run["ran"] == 6 and full.last_run["skipped"] == 6
        stored = _stats(full)
    with Sweep(CLAIM, [16, 32, 64, 128], 3, catalogue=[CARDS]) as fresh:
        fresh.run()
        assert _stats(fresh) == stored
        table, arr = fresh.table(), fresh.array()
    assert [(r["size"], r["trial"]) for r in table] == [(n, t) for n in (16, 32, 64, 128)
                                                        for t in range(3)]
    assert np.array_equal(arr["statistic"], [r["statistic"] for r in table])
    assert arr.dtype.names == ("size", "trial", "seed", "statistic", "seconds")


def test_failing_cell_keeps_finished_cells_and_resume_completes(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    monkeypatch.setenv(FAIL, "64")
    with Sweep(CLAIM, catalogue=[CARDS], store=path) as sw:
        with pytest.raises(RuntimeError, match="injected failure") as err:
            sw.run()
        assert any("--resume" in note for note in err.value.__notes__)
        assert sorted({r["size"] for r in sw.table()}) == [16, 32]  # in-process order
        monkeypatch.delenv(FAIL)
        sw.run(resume=True)
        assert sw.last_run["skipped"] == 8 and sw.last_run["ran"] == 8
        with Sweep(CLAIM, catalogue=[CARDS]) as ref:
            ref.run()
            assert _stats(sw) == _stats(ref)


def test_verdict_holds_and_rejects_a_wrong_exponent():
    with Sweep(CLAIM, catalogue=[CARDS]) as sw:
        good = sw.run()
    assert good.passed and good.meets_expected and good.statistics["complete"]
    # negative control: the data follow n^-0.8, the card predicts -0.5
    with Sweep(CLAIM, params={"power": -0.8}, catalogue=[CARDS]) as sw:
        bad = sw.run()
    assert not bad.passed and bad.counterexample is not None
    assert abs(bad.statistics["slope"] + 0.8) < 0.1


def test_kept_arrays_do_not_change_statistics(tmp_path):
    with Sweep(CLAIM, catalogue=[CARDS]) as plain, \
            Sweep(CLAIM, catalogue=[CARDS], store=tmp_path / "a.db", keep_arrays=True) as kept:
        plain.run()
        kept.run()
        assert _stats(plain) == _stats(kept)


def test_incomplete_sweep_fit_is_marked(tmp_path):
    path = tmp_path / "s.db"
    with Sweep(CLAIM, [16, 32], 3, catalogue=[CARDS], store=path) as sw:
        sw.run()
    with Sweep(CLAIM, [16, 32, 64], 3, catalogue=[CARDS], store=path) as sw:
        v = sw.verdict()
        assert v.statistics["cells"] == 6 and not v.statistics["complete"]


@pytest.mark.parametrize("kwargs, match", [
    ({"sizes": []}, "--sizes"),
    ({"sizes": [16]}, "--sizes"),
    ({"sizes": [16, 0]}, "--sizes"),
    ({"sizes": [16, 32, 16]}, "--sizes"),
    ({"trials": 1}, "--trials"),
    ({"trials": 0}, "--trials"),
    ({"seed": -1}, "--seed"),
    ({"executor": "threads"}, "executor"),
    ({"params": {"power": 9.0}}, "--param power"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(InputError, match=match):
        Sweep(CLAIM, catalogue=[CARDS], **kwargs)


def test_non_scaling_claim_is_refused():
    with pytest.raises(InputError, match="scaling claim"):
        Sweep("RMT-MP-LAW")


@functools.cache
def _reference() -> tuple[Card, list[dict], dict[str, float]]:
    with Sweep(CLAIM, catalogue=[CARDS]) as sw:
        sw.run()
        return sw.card, sw.cells, _stats(sw)


@given(order=st.permutations(range(16)))
@settings(max_examples=15, deadline=None)
def test_cell_statistics_do_not_depend_on_execution_order(order):
    card, cells, expected = _reference()
    got = {}
    for i in order:  # any order a pool or cluster might finish them in
        cell = cells[i]
        got[cell["key"]] = evaluate_cell(card, cell, DEFAULT_SEED)["statistic"]
    assert got == expected


@pytest.mark.parametrize("executor, option", [("processes", "--workers"),
                                              ("dask", "--dask-local")])
def test_zero_workers_is_refused(executor, option):
    if executor == "dask":
        pytest.importorskip("distributed")
    with Sweep(CLAIM, catalogue=[CARDS], executor=executor, workers=0) as sw, \
            pytest.raises(InputError, match=option):
        sw.run()
