"""rmtcheck: a random-matrix-theory simulator and theorem checker for neural-network spectra.

import rmtcheck as rc
x = rc.random_matrix(500, 1000, "rademacher", rng=1)
eig = rc.wishart_eigvalsh(x)
rc.compare_to_law(eig, rc.MarchenkoPastur(0.5))
"""

from .backend import get_backend, set_backend  # noqa: E402
from .checker import check, get_card, load_catalogue  # noqa: E402
from .ensembles import laguerre_eigvalsh, random_matrix, sample_covariance, wishart_eigvalsh  # noqa: E402
from .errors import CardError, InputError  # noqa: E402
from .laws import MarchenkoPastur  # noqa: E402
from .spectra import compare_to_law, eigvalsh, ks_statistic, wasserstein1  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = [
    "__version__",
    "CardError",
    "InputError",
    "MarchenkoPastur",
    "check",
    "compare_to_law",
    "eigvalsh",
    "get_backend",
    "get_card",
    "ks_statistic",
    "laguerre_eigvalsh",
    "load_catalogue",
    "random_matrix",
    "sample_covariance",
    "set_backend",
    "wasserstein1",
    "wishart_eigvalsh",
]
