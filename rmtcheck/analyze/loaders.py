"""Weight matrices from arrays and files: NumPy (.npy, .npz), safetensors, PyTorch checkpoints.

Every tensor with two or more axes is a layer. A kernel of shape (out, in, k_1, ..., k_d) (the
PyTorch layout of convolutions) is reshaped to out x (in k_1 ... k_d), the matrix whose
product with an unfolded input patch gives the output channels, and the layer's note says so.
Tensors with one axis (biases, norms) and matrices with fewer than two rows or columns are
skipped and listed. Anything unreadable raises :class:`~rmtcheck.errors.InputError` with one
line naming the file and the problem.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError

TORCH_SUFFIXES = (".pt", ".pth", ".bin", ".ckpt")
VALID = "tensors with at least 2 axes, 2 rows and 2 columns"
FORMATS = ".npy, .npz, .safetensors or a PyTorch checkpoint (" + ", ".join(TORCH_SUFFIXES) + ")"


@dataclass
class Layer:
    """One weight matrix, named as in its source, with its original shape."""

    name: str
    matrix: np.ndarray
    shape: tuple[int, ...]
    note: str = ""


@dataclass
class Skipped:
    name: str
    reason: str


def read_tensors(path: str | Path) -> dict[str, Any]:
    """All named tensors of a file, by suffix (``.npy`` gives one tensor named after the file)."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(where, "no such file" if not path.exists() else "is not a file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            return {path.stem: np.load(path, allow_pickle=False)}
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                return {key: archive[key] for key in archive.files}
        if suffix == ".safetensors":
            return _read_safetensors(path)
        if suffix in TORCH_SUFFIXES:
            return _read_torch(path)
    except InputError:
        raise
    except Exception as exc:  # every reader has its own error types; report them in one line
        problem = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(where, f"cannot be read as {suffix}: {problem}") from None
    raise InputError(where, f"unknown format '{suffix or path.name}'", FORMATS)


def _read_safetensors(path: Path) -> dict[str, Any]:
    """Tensors through the safetensors NumPy API; bfloat16 ones (which NumPy lacks) are read
    from the file's byte range (layout: 8-byte little-endian header size, JSON header, data)
    and widened exactly to float32 by a 16-bit shift."""
    from safetensors import safe_open  # noqa: PLC0415

    out: dict[str, Any] = {}
    with safe_open(str(path), framework="numpy") as f:
        for key in f.keys():
            bf16 = f.get_slice(key).get_dtype() == "BF16"
            out[key] = _read_bf16(path, key) if bf16 else f.get_tensor(key)
    return out


def _read_bf16(path: Path, key: str) -> np.ndarray:
    with open(path, "rb") as fh:
        size = int.from_bytes(fh.read(8), "little")
        entry = json.loads(fh.read(size))[key]
        start, end = entry["data_offsets"]
        fh.seek(8 + size + start)
        raw = np.frombuffer(fh.read(end - start), dtype="<u2")
    return (raw.astype(np.uint32) << 16).view(np.float32).reshape(entry["shape"])


def _read_torch(path: Path) -> dict[str, Any]:
    try:
        import torch  # noqa: PLC0415
    except ImportError:
        raise InputError(
            str(path), "is a PyTorch checkpoint but PyTorch is not installed",
            "install torch, or save the weights as .safetensors or .npz",
        ) from None
    state = torch.load(path, map_location="cpu", weights_only=True)
    out: dict[str, Any] = {}
    _flatten(state, "", out, torch.Tensor)
    return {k: v.detach().float().numpy() for k, v in out.items()}


def _flatten(obj: Any, prefix: str, out: dict[str, Any], tensor_type: type) -> None:
    """Tensors of nested dicts (e.g. {"model": state_dict}) under dotted names."""
    if isinstance(obj, tensor_type):
        out[prefix or "tensor"] = obj
    elif isinstance(obj, Mapping):
        for key, value in obj.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), out, tensor_type)


def as_matrix(name: str, tensor: Any) -> Layer | Skipped:
    """The layer matrix of one tensor (float64), or why it is skipped."""
    arr = np.asarray(tensor)
    if arr.dtype.kind not in "fiub":
        return Skipped(name, f"dtype {arr.dtype} is not numeric")
    if arr.ndim < 2:
        return Skipped(name, f"{arr.ndim}-D tensor of shape {arr.shape}")
    shape = tuple(int(s) for s in arr.shape)
    note = ""
    if arr.ndim > 2:
        arr = arr.reshape(shape[0], -1)
        note = f"kernel {'x'.join(map(str, shape))} reshaped to {arr.shape[0]} x {arr.shape[1]}"
    if min(arr.shape) < 2:
        rows, cols = arr.shape
        return Skipped(name, f"shape {rows} x {cols} has fewer than 2 rows or columns")
    matrix = np.asarray(arr, dtype=np.float64)
    if not np.all(np.isfinite(matrix)):
        bad = int(np.size(matrix) - np.count_nonzero(np.isfinite(matrix)))
        raise InputError(name, f"{bad} NaN or infinite weights", "finite weights")
    if not np.any(matrix):
        return Skipped(name, "all weights are zero")
    return Layer(name, matrix, shape, note)


def load_layers(source: Any, layers: str | None = None) -> tuple[list[Layer], list[Skipped]]:
    """The layers of ``source``: an array, a dict of arrays, a file path, or a list of paths
    (names then read ``file:tensor``). ``layers`` is a glob pattern (``fnmatch``) on the names.

    Raises InputError when a file is unreadable, a weight is NaN, or nothing is left."""
    if isinstance(source, (str, Path)):
        sources = [(str(source), read_tensors(source), "")]
    elif isinstance(source, Mapping):
        sources = [("the dict", dict(source), "")]
    elif isinstance(source, (list, tuple)) and source and all(
        isinstance(s, (str, Path)) for s in source
    ):
        many = len(source) > 1
        sources = [(str(s), read_tensors(s), f"{Path(s).name}:" if many else "") for s in source]
    elif hasattr(source, "shape"):
        sources = [("the array", {"W": source}, "")]
    else:
        raise InputError(
            "source", f"got {type(source).__name__}",
            "an array, a dict of arrays, a file path or a list of paths",
        )
    found: list[Layer] = []
    skipped: list[Skipped] = []
    for where, tensors, prefix in sources:
        before = len(found)
        for key, tensor in tensors.items():
            name = prefix + key
            if layers is not None and not fnmatch.fnmatchcase(name, layers):
                continue
            try:
                item = as_matrix(name, tensor)
            except InputError as exc:
                raise InputError(where, f"layer '{name}': {exc.problem}") from None
            (found if isinstance(item, Layer) else skipped).append(item)
        if len(found) == before and layers is None:
            raise InputError(where, f"no weight matrix in it ({_reasons(skipped)})", VALID)
    if not found:
        raise InputError("layers", f"'{layers}' matches no weight matrix ({_reasons(skipped)})",
                         "a glob pattern on the layer names, e.g. '*weight'")
    return found, skipped


def _reasons(skipped: list[Skipped]) -> str:
    return "; ".join(f"{s.name}: {s.reason}" for s in skipped[-3:]) or "no tensors"
