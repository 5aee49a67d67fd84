"""The house: the engine knows no paper, layers import downwards, every card's functions
live in its own text's folder or in the engine, and a claim ID leads to its code and test."""

import ast
import json
import subprocess
import tomllib
from pathlib import Path

import pytest

import rmtcheck as rc
from rmtcheck.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ("classical", "papyan2020", "wang2023", "hacohen2022", "kopitkov2019")
PREFIXES = ("RMT", "PAP", "WANG", "DLN", "NTK")
LAYERS = {"errors": 0, "version": 0, "rng": 0, "progress": 0, "validate": 1, "backend": 1,
          "budget": 1, "outputs": 1,
          "laws": 2, "ensembles": 3, "spectra": 4, "training": 5, "checker": 5, "plots": 6,
          "testing": 6, "sweep": 6, "analyze": 7, "report": 7, "cli": 8}


def _engine_imports():
    for path in sorted((ROOT / "rmtcheck").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")
                if node.level:
                    base = base[: len(base) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                yield path, target, [a.name for a in node.names]
            elif isinstance(node, ast.Import):
                for a in node.names:
                    yield path, a.name, []


def test_the_engine_imports_no_text():
    bad = [(str(p), t) for p, t, _ in _engine_imports()
           if t.startswith(("rmtcheck.theory", "rmtcheck.simulations"))]
    assert not bad


def test_no_engine_module_or_function_is_named_after_a_text():
    names = []
    for path in (ROOT / "rmtcheck").rglob("*.py"):
        names.append(path.stem)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names += [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    lowered = [n.lower() for n in names]
    assert not [n for n in lowered if any(t in n for t in TEXTS[1:])]
    assert not [n for n in names if any(n.upper().startswith(p + "_") for p in PREFIXES)]


def _layer(module):
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 and parts[0] == "rmtcheck" else None


def test_imports_run_downwards_and_the_checker_never_imports_the_root():
    for path, target, names in _engine_imports():
        own = _layer(".".join(path.relative_to(ROOT).with_suffix("").parts))
        targets = [target]
        if target == "rmtcheck" and path.name != "__init__.py":  # `from .. import validate`
            assert all(n in LAYERS for n in names), (str(path), names)  # modules, not the root
            targets = [f"rmtcheck.{n}" for n in names]
        for t in targets:
            other = _layer(t)
            if own is not None and other is not None:
                assert other <= own, (str(path), t)


def test_no_symlink_is_tracked():
    out = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    assert not [ln for ln in out.stdout.splitlines() if ln.startswith("120000")]


def test_every_package_folder_is_installed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = set()
    for top, name in (("rmtcheck", "rmtcheck"), ("theory", "rmtcheck.theory"),
                      ("simulations", "rmtcheck.simulations")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *rel)))
    assert found == listed


@pytest.mark.parametrize("card", rc.load_catalogue().values(), ids=lambda c: c.id)
def test_card_functions_live_in_their_text_or_the_engine(card):
    for ref in filter(None, (card.theory, card.empirical)):
        module = ref.partition(":")[0]
        assert module.startswith(f"rmtcheck.theory.{card.text.name}.") or (
            module.startswith("rmtcheck.") and not module.startswith(
                ("rmtcheck.theory", "rmtcheck.simulations"))), ref


def test_show_json_points_at_existing_code_and_tests(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    for claim in rc.load_catalogue():
        assert main(["show", claim, "--json"]) == 0
        info = json.loads(capsys.readouterr().out)
        assert info["functions"] and info["tests"], claim
        for loc in info["functions"] + info["tests"]:
            lines = (ROOT / loc["file"]).read_text(encoding="utf-8").splitlines()
            assert 1 <= loc["line"] <= len(lines), (claim, loc)
