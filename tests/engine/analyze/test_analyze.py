"""rc.analyze and `rmtcheck analyze`: the three-layer acceptance file, exports, plots, classes,
bad files through the CLI."""

import json

import numpy as np
import pytest

from rmtcheck.analyze import analyze
from rmtcheck.cli.main import main
from rmtcheck.spectra.classify import SPECTRAL_CLASSES, classify_spectrum
from rmtcheck.testing.spike_calibration import spiked_matrix

safetensors_numpy = pytest.importorskip("safetensors.numpy")
STRENGTHS = [3.0, 2.0]


@pytest.fixture(scope="module")
def three_layers(tmp_path_factory):
    """noise; noise + rank-2 signal of strengths 3 and 2 (threshold 0.84); Student-t df 2.5,
    all 500 x 1000 (the spiked one stored transposed, as a layer 1000 -> 500 would be)."""
    rng = np.random.default_rng(2024)
    layers = {
        "noise": rng.standard_normal((500, 1000)),
        "spiked": spiked_matrix(500, 1000, STRENGTHS, rng).T,
        "heavy": rng.standard_t(2.5, (500, 1000)),
    }
    path = tmp_path_factory.mktemp("model") / "weights.safetensors"
    # safetensors writes the memory buffer: a transposed (Fortran-order) view must be copied
    safetensors_numpy.save_file(
        {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in layers.items()}, str(path))
    return path


def test_acceptance_three_layers_via_cli_json(three_layers, capsys):
    assert main(["analyze", str(three_layers), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["layer"]: r for r in out["layers"]}
    assert rows["noise"]["n_spikes"] == 0 and rows["noise"]["spectral_class"] == "mp_bulk"
    spiked = rows["spiked"]
    assert spiked["n_spikes"] == 2 and spiked["spectral_class"] == "bulk_with_spikes"
    assert spiked["shape"] == "1000x500" and (spiked["p"], spiked["n"]) == (500, 1000)
    assert np.allclose([s["strength"] for s in spiked["spikes"]], STRENGTHS, rtol=0.1)
    assert all(s["p_value"] < 0.01 for s in spiked["spikes"])
    assert rows["heavy"]["spectral_class"] == "heavy_tail"
    assert abs(rows["noise"]["var"] - 1) < 0.01 and abs(rows["spiked"]["var"] - 1) < 0.01


def test_table_exports_and_plots(three_layers, tmp_path, capsys):
    table = analyze(three_layers, layers="[ns]*")
    assert [r["layer"] for r in table.to_records()] == ["noise", "spiked"]
    csv_text = table.to_csv(tmp_path / "t.csv")
    assert csv_text.splitlines()[0].startswith("layer,shape,p,n,ratio")
    assert (tmp_path / "t.csv").read_text() == csv_text
    assert len(csv_text.strip().splitlines()) == 3
    assert json.loads(table.to_json())["layers"][1]["n_spikes"] == 2
    pd = pytest.importorskip("pandas")
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame) and list(frame["n_spikes"]) == [0, 2]
    code = main(["analyze", str(three_layers), "--layers", "spiked", "--plot",
                 str(tmp_path / "figs"), "--csv", str(tmp_path / "c.csv")])
    text, err = capsys.readouterr()
    assert code == 0 and "bulk_with_spikes" in text and "spiked" in text, err
    assert (tmp_path / "figs" / "spiked.png").stat().st_size > 10_000
    assert (tmp_path / "c.csv").exists()


def test_student_t_is_heavy_and_gaussian_is_not():
    """At 300 x 600 over 3 seeds: Student t (df 2.5, no fourth moment) is classed heavy_tail,
    Gaussian and Student t with df 8 (finite fourth moment: no outliers, Bai & Yin 1988) not."""
    rng = np.random.default_rng(5)
    for _ in range(3):
        table = analyze({"t": rng.standard_t(2.5, (300, 600)),
                         "g": rng.standard_normal((300, 600)),
                         "t8": rng.standard_t(8, (300, 600))})
        classes = {r["layer"]: r["spectral_class"] for r in table.to_records()}
        assert classes["t"] == "heavy_tail"
        assert classes["g"] != "heavy_tail" and classes["t8"] != "heavy_tail"


def test_classify_rule():
    assert classify_spectrum(500, 0) == "mp_bulk"
    assert classify_spectrum(500, 5) == "bulk_with_spikes"
    assert classify_spectrum(500, 6) == "heavy_tail"
    assert classify_spectrum(2000, 20) == "bulk_with_spikes"
    assert classify_spectrum(500, 3, max_rank=2) == "heavy_tail"
    assert {classify_spectrum(100, k) for k in range(100)} == set(SPECTRAL_CLASSES)


def test_bad_files_exit_2_with_one_line(tmp_path, capsys):
    from tests.engine.analyze.test_loaders import bad_files

    for path, words in bad_files(tmp_path):
        assert main(["analyze", str(path)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and str(path) in err and words in err, err
    with pytest.raises(SystemExit) as info:  # argparse's usage errors
        main(["analyze", str(tmp_path / "good.npy"), "--level", "0"])
    assert info.value.code == 2 and "--level" in capsys.readouterr().err


def test_exact_low_rank_and_zero_layers():
    """A rank-3 product has 3 spikes and a numerically zero bulk (not 50 spikes of rounding
    noise); an all-zero matrix is skipped."""
    rng = np.random.default_rng(6)
    table = analyze({"low": rng.standard_normal((100, 3)) @ rng.standard_normal((3, 200)),
                     "zero": np.zeros((5, 5))})
    (row,) = table.to_records()
    assert row["n_spikes"] == 3 and row["spectral_class"] == "bulk_with_spikes"
    assert [s.name for s in table.skipped] == ["zero"]


def test_cli_options_bootstrap_fit_ratio_and_several_files(tmp_path, capsys):
    rng = np.random.default_rng(8)
    np.save(tmp_path / "a.npy", rng.standard_normal((60, 240)))
    np.savez(tmp_path / "b.npz", w=rng.standard_normal((80, 160)), bias=np.zeros(80))
    args = ["analyze", str(tmp_path / "a.npy"), str(tmp_path / "b.npz"), "--json",
            "--bootstrap", "5", "--fit-ratio", "--max-rank", "1", "--seed", "3"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    rows = {r["layer"]: r for r in out["layers"]}
    assert set(rows) == {"a.npy:a", "b.npz:w"}
    assert all(0.0 <= r["tail_p_value"] <= 1.0 for r in rows.values())
    assert abs(rows["a.npy:a"]["ratio"] - 0.25) < 0.05
    assert out["skipped"] == [{"name": "b.npz:bias", "reason": "1-D tensor of shape (80,)"}]
    assert main(args) == 0  # same seed, same numbers
    assert json.loads(capsys.readouterr().out) == out
