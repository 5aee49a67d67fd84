"""Read-only locations that hold for root too: the immutable attribute (``chattr +i``),
since root ignores permission bits. Tests skip, saying why, where it is unavailable."""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest


def _chattr(flag: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["chattr", flag, str(path)], capture_output=True, text=True)


@contextmanager
def read_only(path: Path):
    """Make ``path`` read-only for the block: ``chattr +i`` (root), else ``chmod a-w``
    (other users); skip when neither can be made to hold."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & 0o555)
        try:
            yield path
        finally:
            path.chmod(mode)
        return
    if shutil.which("chattr") is None:
        pytest.skip("root ignores permission bits and chattr is not installed")
    done = _chattr("+i", path)
    if done.returncode != 0:
        pytest.skip(f"root ignores permission bits and chattr +i fails here: "
                    f"{done.stderr.strip()}")
    try:
        yield path
    finally:
        _chattr("-i", path)
