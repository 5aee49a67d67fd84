"""The catalogue on many workers (``rmtcheck.sweep.catalogue``): the same verdicts on one
process and on two, each finished unit stored as it arrives, resume after a crash."""

import sqlite3
from pathlib import Path

import pytest

from rmtcheck.checker.cards import get_card
from rmtcheck.cli.main import main
from rmtcheck.errors import InputError
from rmtcheck.sweep.catalogue import Unit, card_units, run_units
from rmtcheck.sweep.executors import InProcess, Processes
from rmtcheck.sweep.store import ResultStore

OUTCOMES = str(Path(__file__).parents[1] / "checker" / "outcome_cards")
CARDS = ["RMT-MP-LAW", "RMT-MP-ATOM", "OUT-REAL-COUNTEREXAMPLE", "OUT-RAISES"]


def _cards():
    return [get_card(c, [OUTCOMES]) for c in CARDS]


def _same(a, b):
    assert (a.claim, a.outcome, a.error, a.reproduced) == (b.claim, b.outcome, b.error,
                                                            b.reproduced)
    assert a.statistics.keys() == b.statistics.keys()
    for key, value in a.statistics.items():
        if isinstance(value, float):
            assert value == pytest.approx(b.statistics[key], rel=1e-12, abs=1e-14), key
        else:
            assert value == b.statistics[key], key


def test_two_processes_give_the_verdicts_of_one(tmp_path):
    units = card_units(_cards(), "quick", 11)
    one = run_units(units, InProcess(), None)
    with Processes(2) as ex, ResultStore(tmp_path / "v.db") as store:
        two = run_units(units, ex, store)
    for u in units:
        _same(one[u.key], two[u.key])
    assert {one[u.key].outcome for u in units} >= {"holds", "fails", "error"}


def test_resume_reads_every_stored_verdict_back_without_running(tmp_path):
    units = card_units(_cards(), "quick", 11)
    with ResultStore(tmp_path / "v.db") as store:
        first = run_units(units, InProcess(), store)

    class Refuses(InProcess):
        def submit(self, fn, *args):
            raise AssertionError("a stored unit ran again")

    seen = []
    with ResultStore(tmp_path / "v.db") as store:
        again = run_units(units, Refuses(), store, resume=True,
                          done=lambda u, r, stored: seen.append(stored))
        with pytest.raises(InputError, match="--resume"):
            run_units(units, InProcess(), store)  # never mixed silently into a fresh run
    assert seen == [True] * len(units)
    for u in units:
        _same(first[u.key], again[u.key])
        assert again[u.key].meets_expected == first[u.key].meets_expected
    assert again[units[0].key].detail.keys() == first[units[0].key].detail.keys()


_calls: list[str] = []
_crashed: list[bool] = []


def _work(name: str) -> dict:
    _calls.append(name)
    if name == "crash" and not _crashed:
        _crashed.append(True)
        raise RuntimeError("worker died")
    return {"name": name, "seconds": 0.0}


def test_a_crash_loses_no_finished_unit_and_resume_runs_only_the_rest(tmp_path):
    units = [Unit(f"k-{n}", "scenario", n, "quick", 0, _work, (n,)) for n in
             ["a", "b", "crash", "d"]]
    _calls.clear()
    _crashed.clear()
    with ResultStore(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError) as info:
            run_units(units, InProcess(), store)
        assert "rerun with --resume" in "".join(info.value.__notes__)
        assert set(store.units([u.key for u in units])) == {"k-a", "k-b"}
        _calls.clear()
        results = run_units(units, InProcess(), store, resume=True)
    assert _calls == ["crash", "d"]  # a and b came from the store
    assert [results[u.key]["name"] for u in units] == ["a", "b", "crash", "d"]


def test_a_schema_1_store_gains_the_unit_table(tmp_path):
    path = tmp_path / "old.db"
    ResultStore(path).close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE units")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with ResultStore(path, read_only=True) as store:
        assert store.units(["x"]) == {}  # readable as it is
    with ResultStore(path) as store:
        store.add_unit("x", "card", "X", "quick", 0, {"claim": "X"}, 0.0)
        assert store.units(["x"])["x"][0] == {"claim": "X"}


def test_verify_on_two_workers_stores_and_resumes(tmp_path, capsys):
    argv = ["verify", "--prefix", "OUT-REAL", "--catalogue", OUTCOMES, "--workers", "2",
            "--store", str(tmp_path / "v.db"), "--quiet"]
    assert main(argv) == 0
    assert main(argv) == 2  # the store already holds the run
    assert "--resume" in capsys.readouterr().err
    assert main([*argv, "--resume", "--json"]) == 0
    assert '"all_as_expected": true' in capsys.readouterr().out


@pytest.mark.parametrize("argv, option", [
    (["verify", "--resume"], "--resume"),
    (["simulate", "classical_mp_universality", "--resume"], "--resume"),
    (["simulate", "classical_mp_universality", "--all"], "--all"),
    (["verify", "--workers", "100000"], "--workers"),
])
def test_bad_executor_options_get_one_line(argv, option, capsys):
    assert main([*argv, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert option in err and "Traceback" not in err
