"""The paper-size scripts refuse bad input with one line naming the option, exit 2, before
any process starts or the store is created."""

import subprocess
import sys
from pathlib import Path

import pytest

T1 = ["-m", "rmtcheck.simulations.wang2023.table1_seeds"]
ETA = ["-m", "rmtcheck.simulations.wang2023.eta_star"]


@pytest.mark.parametrize(("script", "args", "option"), [
    (T1, ["--n-test", "-5"], "--n-test"),
    (T1, ["--n", "3"], "--n"),
    (T1, ["--seeds", "1", "1"], "--seeds"),
    (T1, ["--case3-lr", "nan"], "--case3-lr"),
    (T1, ["--workers", "0"], "--workers"),
    (ETA, ["--n", "500", "--lo", "20", "--hi", "10"], "--hi"),
    (ETA, ["--n", "500", "--lo", "2", "--hi", "10", "--batch-size", "0"], "--batch-size"),
    (ETA, ["--n", "500", "--lo", "-1", "--hi", "10"], "--lo"),
    (ETA, ["--n", "500", "--lo", "2", "--hi", "10", "--seeds", "-3", "4"], "--seeds"),
    (ETA, ["--n", "500", "--lo", "2", "--hi", "10", "--seeds", "4", "4", "5"], "--seeds"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, script, args, option) -> None:
    store = tmp_path / "t1.db"
    extra = ["--store", str(store)] if script is T1 else []
    out = subprocess.run([sys.executable, *script, *extra, *args], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and "Traceback" not in out.stderr
    assert not store.exists()
