"""2-D regression data of the NSA study on [0, 1]^2 (seed 000 App. H; poster seed 001).

The paper regresses the grey levels of the Mona Lisa at N uniform points; the portrait that
ships with matplotlib (``grace_hopper.jpg``) stands in for it. ``smooth_target`` is the
synthetic multi-frequency target of the spec's alignment runs (Sec. 4.5).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rmtcheck import validate


def uniform_points(n: int, rng: np.random.Generator) -> np.ndarray:
    """N points X^i ~ U[0, 1]^2 (rows)."""
    return rng.random((validate.integer("n", n, 1), 2))


@lru_cache(maxsize=1)
def portrait() -> np.ndarray:
    """matplotlib's sample portrait as grey levels in [0, 1] (rows top to bottom)."""
    import matplotlib.cbook as cbook  # noqa: PLC0415
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rgb = plt.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)).astype(float)
    grey = rgb[..., :3] @ np.array([0.299, 0.587, 0.114]) / 255.0
    grey.setflags(write=False)
    return grey


def image_target(X: np.ndarray, image: np.ndarray | None = None) -> np.ndarray:
    """Bilinear image intensity at X in [0, 1]^2; x_1 runs left-right, x_2 bottom-top."""
    img = portrait() if image is None else np.asarray(image, dtype=float)
    h, w = img.shape
    u = np.clip(X[:, 0], 0, 1) * (w - 1)
    v = (1 - np.clip(X[:, 1], 0, 1)) * (h - 1)
    u0 = np.minimum(np.floor(u).astype(int), w - 2)
    v0 = np.minimum(np.floor(v).astype(int), h - 2)
    a, b = u - u0, v - v0
    return ((1 - a) * (1 - b) * img[v0, u0] + a * (1 - b) * img[v0, u0 + 1]
            + (1 - a) * b * img[v0 + 1, u0] + a * b * img[v0 + 1, u0 + 1])


def smooth_target(X: np.ndarray) -> np.ndarray:
    """0.6 sin(6 pi x1) cos(4 pi x2) + 0.8 exp(-|x - (.3, .7)|^2 / .02)
    - 0.5 1[x1 + x2 > 1.2] + 0.2 sin(20 pi x1 x2) (spec Sec. 4.5)."""
    x1, x2 = X[:, 0], X[:, 1]
    bump = np.exp(-((x1 - 0.3) ** 2 + (x2 - 0.7) ** 2) / 0.02)
    return (0.6 * np.sin(6 * np.pi * x1) * np.cos(4 * np.pi * x2) + 0.8 * bump
            - 0.5 * (x1 + x2 > 1.2) + 0.2 * np.sin(20 * np.pi * x1 * x2))
