"""Output paths are checked before any work: one InputError naming the option."""

import pytest

from rmtcheck.errors import InputError
from rmtcheck.outputs import figure_formats, output_dir, output_file

from .readonly import read_only


def test_figure_formats_are_matplotlibs():
    formats = figure_formats()
    assert {"png", "pdf", "svg"} <= set(formats) and "xyz" not in formats


def test_output_file_accepts_a_writable_path_with_a_known_extension(tmp_path):
    assert output_file("--plot", tmp_path / "new" / "f.PNG", ["png"]).name == "f.PNG"
    assert (tmp_path / "new").is_dir()  # the parent is made, the file is not
    assert [p.name for p in tmp_path.rglob("*")] == ["new"]  # and no probe is left


@pytest.mark.parametrize("path, problem", [
    ("", "empty path"), ("   ", "empty path"), ("out.xyz", "unknown format .xyz"),
    ("noext", "has no extension"), ("a" * 300 + ".png", "too long"),
    ("x\0.png", "NUL"),
])
def test_output_file_refusals(tmp_path, monkeypatch, path, problem):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=f"^--plot: .*{problem}") as info:
        output_file("--plot", path, figure_formats())
    assert "\n" not in str(info.value)


def test_output_file_refuses_a_directory_and_a_file_as_parent(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        output_file("--plot", tmp_path, ["png"])
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is not a directory"):
        output_file("--plot", tmp_path / "f" / "g.png", ["png"])


def test_read_only_directory_is_refused_for_files_and_dirs(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    with read_only(ro):
        with pytest.raises(InputError, match="^--plot: cannot write"):
            output_file("--plot", ro / "f.png", ["png"])
        with pytest.raises(InputError, match="^--report: cannot write"):
            output_dir("--report", ro)
        with pytest.raises(InputError, match="^--report: cannot write"):
            output_dir("--report", ro / "sub" / "deeper")
    output_dir("--report", ro / "sub")  # writable again: accepted (negative control)


def test_output_dir_refuses_an_existing_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="exists and is not a directory"):
        output_dir("--report", tmp_path / "f")
    with pytest.raises(InputError, match="empty path"):
        output_dir("--report", "")
    assert output_dir("--report", tmp_path / "new") == tmp_path / "new"
