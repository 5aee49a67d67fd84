"""Fuzz of the command line: every subcommand and every option that takes a value, with
hostile values (negative, zero, huge, NaN, inf, non-numeric, unicode, long strings, missing
files, directories for files, files for directories, read-only locations).

Each invocation must end without a traceback and without an internal error (exit 3);
bad input exits 2 with one line on stderr naming the option. The parser itself lists the
subcommands and options, so a new option is fuzzed without editing this file. In-process
calls of ``rmtcheck.cli.main.main`` keep the run fast; a seeded sample of 20 runs as real
subprocesses. Base arguments are tiny (or --list) so that a value that happens to be valid
still runs in well under a second.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmtcheck.cli.main import build_parser, main
from tests.engine.readonly import read_only
from tests.engine.sweep.helpers import CARDS, CLAIM

ROOT = Path(__file__).resolve().parents[3]
FAST_CLAIM = "RMT-WEYL"
# Tiny runs for every command: options as (option, value), then positionals.
BASE: dict[str, tuple[list[tuple[str, str | None]], list[str]]] = {
    "list": ([], []),
    "show": ([], [FAST_CLAIM]),
    "check": ([], [FAST_CLAIM]),
    "property": ([("--examples", "2")], [FAST_CLAIM]),
    "verify": ([("--prefix", FAST_CLAIM)], []),
    "spectrum": ([("--p", "8"), ("--n", "16")], ["wishart"]),
    "simulate": ([("--param", "p=10"), ("--param", "ratios=[1.0]")], ["classical_mp_universality"]),
    "coverage": ([("--text", "papyan2020")], []),
    "new-text": ([("--prefix", "FUZZ"), ("--dir", "texts")], ["fuzz2024"]),
    "sweep": ([("--catalogue", CARDS), ("--workers", "1"), ("--store", "s.db"),
               ("--sizes", "16,32"), ("--trials", "2"), ("--resume", None)], [CLAIM]),
    "results": ([("--store", "good.db"), ("--catalogue", CARDS)], ["list"]),
    "analyze": ([("--level", "0.01")], ["weights.npy"]),
}
# Hostile values by class; the read-only and path classes are filled in per test folder.
HOSTILE = [
    "-1", "0", "-0", "9" * 400, "1e400", "nan", "NaN", "inf", "-inf", "1.5", "0x10",
    "abc", "", " ", "--", "=", "p=", "=1", "p==1", "p=nan", "ratio=-1", "p=" + "9" * 400,
    "\u00e9\u00e8\u2603\U0001f600", "\u202e\u0000x"[:2], "x" * 5000, "a" * 300 + ".png",
    "out.xyz", "dir/../../x", "RMT-", "tcp://", "1,2", "1,,2", "2,2", "-5,10", "1e9,2e9",
]


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _targets() -> list[tuple[str, str]]:
    """(command, option or positional dest) for every value-taking argument."""
    out = []
    for name, parser in _commands().items():
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction) or action.nargs == 0:
                continue
            out.append((name, action.option_strings[0] if action.option_strings
                        else action.dest))
    return out


TARGETS = _targets()


def _names(command: str, target: str) -> list[str]:
    """What a message about ``target`` may call it."""
    if target.startswith("-"):
        return [target]
    action = next(a for a in _commands()[command]._actions if a.dest == target)
    return [target, str(action.metavar or target)]


def _argv(command: str, target: str, value: str) -> list[str]:
    """The base invocation of ``command`` with ``target`` set to ``value`` (``--opt=value``
    so that a value starting with '-' stays a value; positionals after ``--``)."""
    options, positionals = BASE[command]
    dests = [a.dest for a in _commands()[command]._actions
             if not a.option_strings and not isinstance(a, argparse._HelpAction)]
    given = dict(zip(dests, positionals, strict=False))
    argv = [command, *(opt if val is None else f"{opt}={val}" for opt, val in options
                       if opt != target)]
    if target.startswith("-"):
        argv.append(f"{target}={value}")
    else:
        given[target] = value
    tail = [given[d] for d in dests if d in given]
    return [*argv, "--", *tail] if tail else argv


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    """A working folder with a result store, a plain file, a folder and a read-only folder
    (the last as None where the file system cannot make one)."""
    root = tmp_path_factory.mktemp("fuzz")
    assert main(["sweep", CLAIM, "--catalogue", CARDS, "--sizes", "16,32", "--trials", "2",
                 "--workers", "1", "--store", str(root / "good.db"), "--quiet"]) == 0
    (root / "texts").mkdir()
    np.save(root / "weights.npy", np.random.default_rng(0).standard_normal((12, 24)))
    (root / "file.txt").write_text("not a store\n")
    (root / "folder").mkdir()
    ro = root / "ro"
    ro.mkdir()
    (ro / "inside.db").write_bytes((root / "good.db").read_bytes())
    try:
        with read_only(ro):
            yield root, ro
            return
    except pytest.skip.Exception:
        pass
    yield root, None


def _values(root: Path, ro: Path | None) -> list[str]:
    paths = [str(root / "missing" / "deeper" / "x.png"), str(root / "file.txt"),
             str(root / "file.txt" / "sub.png"), str(root / "folder"), str(root / "nothere.db")]
    if ro is not None:
        paths += [str(ro), str(ro / "new.png"), str(ro / "inside.db"), str(ro / "sub")]
    return HOSTILE + paths


def run_in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors and --help
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def judge(command: str, target: str, argv: list[str], code: int, out: str, err: str) -> None:
    where = f"rmtcheck {' '.join(a[:60] for a in argv)}"
    assert "Traceback" not in err + out, where
    assert code in (0, 1, 2), (where, code, err[-300:])  # 3 would be an internal error
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1, (where, err[-500:])
        text = lines[0].lower()
        names = [n.lower() for n in _names(command, target)]
        if not any(n in text for n in names):  # base args may fail first only via the value
            assert any(a.lower() in text for a in ("--param", "claim", "--catalogue")), (
                where, lines[0])




def _sweep_targets(place, capsys, monkeypatch, per_target: int | None) -> int:
    """Run every target with ``per_target`` hostile values (a seeded sample in which every
    value still appears), or with all of them; return the number of invocations."""
    root, ro = place
    monkeypatch.chdir(root)
    monkeypatch.setenv("RMTCHECK_NO_PROGRESS", "1")
    values = _values(root, ro)
    rng = random.Random(19)
    cycle = iter(rng.sample(values, len(values)) * (len(TARGETS) + 1))
    failures: list[str] = []
    count = 0
    for command, target in TARGETS:
        chosen = values if per_target is None else [next(cycle) for _ in range(per_target)]
        for value in chosen:
            if command == "verify" and target == "--prefix" and value in ("", "RMT-", " "):
                value = "NO-SUCH-"  # a valid prefix would be the whole catalogue
            argv = _argv(command, target, value)
            code, out, err = run_in_process(argv, capsys)
            try:
                judge(command, target, argv, code, out, err)
            except AssertionError as exc:
                failures.append(str(exc)[:400])
            count += 1
    assert not failures, "\n".join(failures[:20])
    return count


def test_every_option_of_every_command_with_hostile_values(place, capsys, monkeypatch):
    count = _sweep_targets(place, capsys, monkeypatch, per_target=6)
    print(f"{count} in-process invocations over {len(TARGETS)} options, 0 tracebacks")
    assert count >= 500


@pytest.mark.slow
def test_every_option_of_every_command_with_every_hostile_value(place, capsys, monkeypatch):
    count = _sweep_targets(place, capsys, monkeypatch, per_target=None)
    print(f"{count} in-process invocations over {len(TARGETS)} options, 0 tracebacks")


TEXTISH = st.one_of(
    st.text(max_size=40), st.integers(min_value=-10**50, max_value=10**50).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(
        lambda s: f"p={s}"),
)


def _random_case(place, capsys, monkeypatch, target, value) -> None:
    root, _ = place
    monkeypatch.chdir(root)
    monkeypatch.setenv("RMTCHECK_NO_PROGRESS", "1")
    command, option = target
    if command == "verify" and option == "--prefix":
        value = "?" + value  # never a valid prefix: that is the whole catalogue
    argv = _argv(command, option, value.replace("\0", ""))
    code, out, err = run_in_process(argv, capsys)
    judge(command, option, argv, code, out, err)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(target=st.sampled_from(TARGETS), value=TEXTISH)
def test_random_values_never_traceback(place, capsys, monkeypatch, target, value):
    _random_case(place, capsys, monkeypatch, target, value)


def test_a_sample_of_real_subprocess_runs(place):
    root, ro = place
    rng = random.Random(20261206)
    values = [v for v in _values(root, ro) if "\0" not in v]
    sample = [(c, t, rng.choice(values)) for c, t in rng.sample(TARGETS, 20)]

    def run(case: tuple[str, str, str]) -> None:
        command, target, value = case
        if command == "verify" and target == "--prefix":
            value = "NO-SUCH-"
        argv = _argv(command, target, value)
        done = subprocess.run([sys.executable, "-m", "rmtcheck.cli.main", *argv], cwd=root,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "RMTCHECK_NO_PROGRESS": "1"})
        judge(command, target, argv, done.returncode, done.stdout, done.stderr)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(run, sample))


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(target=st.sampled_from(TARGETS), value=TEXTISH)
def test_random_values_never_traceback_long(place, capsys, monkeypatch, target, value):
    _random_case(place, capsys, monkeypatch, target, value)
