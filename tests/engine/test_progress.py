"""Progress on a log file: plain lines at most every LOG_EVERY seconds, none when off."""

import pytest

from rmtcheck import progress


@pytest.fixture(autouse=True)
def _default(monkeypatch):
    monkeypatch.delenv("RMTCHECK_NO_PROGRESS", raising=False)
    progress.set_enabled(None)
    yield
    progress.set_enabled(None)


def test_a_log_gets_plain_lines_with_count_and_time_left(monkeypatch, capsys):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    for _ in progress.track(range(4), desc="GD"):
        pass
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 4 and "\r" not in "".join(lines)
    assert lines[1].startswith("GD: 2/4 it (50%), ") and lines[1].endswith(" s left")


def test_lines_are_spaced_by_the_interval(capsys):
    for _ in progress.track(range(1000), desc="GD"):  # far less than LOG_EVERY seconds
        pass
    assert capsys.readouterr().err == ""


def test_no_lines_when_progress_is_off(monkeypatch, capsys):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    progress.set_enabled(False)
    for _ in progress.track(range(3), desc="GD"):
        pass
    assert capsys.readouterr().err == ""
    monkeypatch.delenv("RMTCHECK_NO_PROGRESS")


def test_unknown_total_and_postfix(monkeypatch, capsys):
    monkeypatch.setattr(progress, "LOG_EVERY", 0.0)
    with progress.bar(None, desc="verify", unit="cell") as b:
        b.set_postfix_str("RMT-MP")
        b.update(3)
    assert capsys.readouterr().err.strip().startswith("verify: 3 cell, ")
