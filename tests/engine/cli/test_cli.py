"""The command line: JSON output, exit codes, reports, and one-line errors on bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmtcheck.cli.main import main
from tests.engine.checker.test_cards import VERDICT_KEYS


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_json(capsys):
    code, out, _ = run(capsys, "list", "--json")
    cards = json.loads(out)
    assert code == 0 and {"id", "title", "kind", "source", "expected"} <= set(cards[0])
    assert "RMT-MP-LAW" in {c["id"] for c in cards}


def test_show(capsys):
    code, out, _ = run(capsys, "show", "RMT-MP-LAW", "--json")
    assert code == 0 and json.loads(out)["params"]["ratio"].startswith("number in")


def test_check_mp_json_has_statistic_tolerance_and_verdict(capsys):
    code, out, _ = run(capsys, "check", "RMT-MP-LAW", "--json", "--param", "p=400")
    d = json.loads(out)
    assert code == 0
    assert set(VERDICT_KEYS) <= set(d)
    assert d["statistics"]["ks"] > 0 and "ks" in d["tolerance"] and d["passed"] is True
    assert d["params"]["p"] == 400


def test_check_same_seed_same_json(capsys):
    _, a, _ = run(
        capsys, "check", "RMT-MP-UNIVERSALITY", "--json", "--seed", "5", "--param", "p=300"
    )
    _, b, _ = run(
        capsys, "check", "RMT-MP-UNIVERSALITY", "--json", "--seed", "5", "--param", "p=300"
    )
    assert json.loads(a)["statistics"] == json.loads(b)["statistics"]


def test_verify_writes_report_with_figures(capsys, tmp_path):
    code, out, _ = run(capsys, "verify", "--prefix", "RMT-MP-A", "--report", str(tmp_path))
    assert code == 0
    text = (tmp_path / "report.md").read_text()
    assert "RMT-MP-ATOM" in text and "1 of 1 claims" in text
    assert (tmp_path / "RMT-MP-ATOM.png").stat().st_size > 1000
    assert json.loads((tmp_path / "results.json").read_text())[0]["meets_expected"]


def test_check_exit_1_when_verdict_contradicts_expectation(capsys):
    wrong = str(Path(__file__).parents[1] / "checker" / "wrong_cards")
    code, _, _ = run(
        capsys, "check", "TEST-WRONG-SUPERADDITIVE", "--param", "n=3", "--catalogue", wrong
    )
    assert code == 1


def test_spectrum_plot(capsys, tmp_path):
    png = tmp_path / "mp.png"
    code, out, _ = run(
        capsys, "spectrum", "wishart", "--p", "300", "--n", "600", "--plot", str(png), "--json"
    )
    assert code == 0 and json.loads(out)["consistent"] and png.stat().st_size > 1000


BAD = [
    ["check", "RMT-MP-LAW", "--param", "ratio=-1"],
    ["check", "RMT-MP-LAW", "--param", "ratio=nan"],
    ["check", "RMT-MP-LAW", "--param", "p=2.5"],
    ["check", "RMT-MP-LAW", "--param", "law=cauchy"],
    ["check", "RMT-MP-LAW", "--param", "nonsense"],
    ["check", "RMT-NOPE"],
    ["check", "RMT-MP-LAW", "--scale", "huge"],
    ["check", "RMT-MP-LAW", "--seed", "-3"],
    ["property", "RMT-WEYL", "--examples", "0"],
    ["spectrum", "wishart", "--p", "0"],
    ["spectrum", "wishart", "--var", "nan"],
    ["spectrum", "wishart", "--law", "rademacher", "--method", "tridiagonal"],
    ["verify", "--prefix", "NOPE-"],
    ["list", "--catalogue", "/nonexistent/dir"],
    ["simulate", "nope"],
    ["simulate", "classical_mp_universality", "--param", "p=abc"],
]


@pytest.mark.parametrize("argv", BAD)
def test_bad_input_is_one_line_and_exit_2(capsys, argv):
    code = _main_code(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err


def _main_code(argv):
    try:
        return main(argv)
    except SystemExit as exc:  # argparse usage errors
        return exc.code


names = st.sampled_from(["p", "ratio", "var", "law", "method"])
values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 0.05 <= x <= 20),
    st.sampled_from(["nan", "inf", "-1", "", "abc", "1e999", "0"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names, values)
def test_generated_bad_params_exit_2(capsys, name, value):
    code = _main_code(["check", "RMT-MP-LAW", "--param", f"{name}={value}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err


def test_subprocess_bad_input_has_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "rmtcheck.cli.main", "check", "RMT-MP-LAW", "--param", "ratio=0"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == "rmtcheck: --param ratio: got 0.0; valid: number in [0.05, 20.0]"
