"""The README's analyse-your-own-network example runs and finds what it says."""

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[3] / "README.md"


def test_readme_example_runs(tmp_path, monkeypatch):
    pytest.importorskip("sklearn")
    pytest.importorskip("safetensors")
    text = README.read_text()
    code = re.search(r"<!-- analyze-example -->\n```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README example", "exec"), {})
    printed = out.getvalue()
    accuracy = float(re.search(r"training accuracy ([0-9.]+)", printed).group(1))
    assert accuracy > 0.9
    for name in ("fc0.weight", "fc1.weight", "fc2.weight"):
        assert name in printed
    assert printed.count("skipped: ") == 3
    assert (tmp_path / "mlp.safetensors").exists()
