"""Loaders: arrays, dicts, .npy, .npz, .safetensors, PyTorch checkpoints; bad files."""

import builtins

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmtcheck.analyze.loaders import load_layers, read_tensors
from rmtcheck.errors import InputError

safetensors_numpy = pytest.importorskip("safetensors.numpy")


def weights(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "fc1.weight": rng.standard_normal((30, 20)).astype(np.float32),
        "fc1.bias": rng.standard_normal(30).astype(np.float32),
        "conv.weight": rng.standard_normal((8, 3, 3, 3)),
    }


def check_layers(found, skipped, prefix=""):
    names = {layer.name: layer for layer in found}
    assert set(names) == {prefix + "fc1.weight", prefix + "conv.weight"}
    assert [s.name for s in skipped] == [prefix + "fc1.bias"]
    conv = names[prefix + "conv.weight"]
    assert conv.matrix.shape == (8, 27) and conv.shape == (8, 3, 3, 3)
    assert "reshaped to 8 x 27" in conv.note
    np.testing.assert_array_equal(conv.matrix[2], weights()["conv.weight"][2].ravel())
    assert names[prefix + "fc1.weight"].matrix.dtype == np.float64


def test_dict_npz_and_safetensors_give_the_same_layers(tmp_path):
    w = weights()
    check_layers(*load_layers(w))
    np.savez(tmp_path / "m.npz", **w)
    check_layers(*load_layers(tmp_path / "m.npz"))
    safetensors_numpy.save_file(w, str(tmp_path / "m.safetensors"))
    check_layers(*load_layers(str(tmp_path / "m.safetensors")))


def test_array_npy_and_several_files(tmp_path):
    x = np.random.default_rng(1).standard_normal((5, 7))
    (found, _), = [load_layers(x)]
    assert found[0].name == "W" and found[0].matrix.shape == (5, 7)
    np.save(tmp_path / "a.npy", x)
    np.savez(tmp_path / "b.npz", **weights())
    found, _ = load_layers([tmp_path / "a.npy", tmp_path / "b.npz"])
    assert [layer.name for layer in found] == ["a.npy:a", "b.npz:fc1.weight", "b.npz:conv.weight"]


def test_layer_pattern(tmp_path):
    found, _ = load_layers(weights(), layers="conv*")
    assert [layer.name for layer in found] == ["conv.weight"]
    with pytest.raises(InputError, match="matches no weight matrix"):
        load_layers(weights(), layers="*bias")


def test_torch_checkpoint_without_torch_is_one_clear_line(tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    path.write_bytes(b"not really a checkpoint")
    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("no torch")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(InputError, match="PyTorch is not installed") as info:
        read_tensors(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_torch_checkpoint_with_torch(tmp_path):
    torch = pytest.importorskip("torch")
    state = {"model": {k: torch.from_numpy(np.asarray(v, dtype=np.float32))
                       for k, v in weights().items()}}
    torch.save(state, tmp_path / "m.pt")
    check_layers(*load_layers(tmp_path / "m.pt"), prefix="model.")


def bad_files(tmp_path):
    """(path, words the message must contain) for each kind of bad file."""
    np.save(tmp_path / "good.npy", np.ones((4, 4)))
    truncated = tmp_path / "truncated.npy"
    truncated.write_bytes((tmp_path / "good.npy").read_bytes()[:-20])
    safetensors_numpy.save_file({"w": np.ones((4, 4))}, str(tmp_path / "good.safetensors"))
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes((tmp_path / "good.safetensors").read_bytes()[:-7])
    text = tmp_path / "text.npz"
    text.write_text("hello")
    (tmp_path / "weights.txt").write_text("1 2 3")
    np.save(tmp_path / "vector.npy", np.ones(10))
    np.save(tmp_path / "nan.npy", np.array([[1.0, np.nan], [0.0, 1.0]]))
    return [
        (tmp_path / "missing.npy", "no such file"),
        (truncated, "cannot be read"),
        (cut, "cannot be read"),
        (text, "cannot be read"),
        (tmp_path / "weights.txt", "unknown format"),
        (tmp_path / "vector.npy", "1-D tensor"),
        (tmp_path / "nan.npy", "NaN"),
    ]


def test_bad_files_raise_one_line_naming_the_file(tmp_path):
    for path, words in bad_files(tmp_path):
        with pytest.raises(InputError) as info:
            load_layers(path)
        message = str(info.value)
        assert str(path) in message and words in message and "\n" not in message, message


@given(st.lists(st.integers(2, 6), min_size=3, max_size=5))
def test_kernels_reshape_to_out_by_rest(shape):
    x = np.arange(np.prod(shape), dtype=float).reshape(shape)
    found, _ = load_layers({"k": x})
    assert found[0].matrix.shape == (shape[0], int(np.prod(shape[1:])))
    np.testing.assert_array_equal(found[0].matrix.ravel(), x.ravel())


def test_bad_source_type():
    with pytest.raises(InputError):
        load_layers(42)


def test_bfloat16_safetensors_are_widened_exactly(tmp_path):
    """A BF16 tensor (NumPy has no bfloat16) written by hand in the safetensors layout: the
    loader returns the float32 values whose top 16 bits were stored."""
    import json
    import struct

    w = np.random.default_rng(3).standard_normal((4, 6)).astype(np.float32)
    top = (w.view(np.uint32) >> 16).astype(np.uint16)
    header = json.dumps({"w": {"dtype": "BF16", "shape": [4, 6], "data_offsets": [0, 48]},
                         "v": {"dtype": "F32", "shape": [2, 2], "data_offsets": [48, 64]}})
    header = header.encode() + b" " * (-len(header) % 8)
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + top.tobytes()
                     + np.eye(2, dtype=np.float32).tobytes())
    tensors = read_tensors(path)
    expected = (top.astype(np.uint32) << 16).view(np.float32)
    np.testing.assert_array_equal(tensors["w"], expected)
    assert np.max(np.abs(tensors["w"] - w)) <= 2.0**-7 * np.max(np.abs(w))
    np.testing.assert_array_equal(tensors["v"], np.eye(2))
