"""rmtcheck: a random-matrix-theory simulator and theorem checker for neural-network spectra.

import rmtcheck as rc
x = rc.random_matrix(500, 1000, "rademacher", rng=1)
eig = rc.wishart_eigvalsh(x)
rc.compare_to_law(eig, rc.MarchenkoPastur(0.5))
"""

from .analyze.run import analyze  # rc.analyze is the function, not the subpackage
from .errors import CardError, InputError
from .lazy import lazy_attributes
from .version import __version__

_EXPORTS = {
    "MarchenkoPastur": ".laws.marchenko_pastur",
    "check": ".checker.run",
    "compare_to_law": ".spectra.compare",
    "eigvalsh": ".spectra.dense",
    "get_backend": ".backend",
    "get_card": ".checker.cards",
    "ks_statistic": ".spectra.compare",
    "laguerre_eigvalsh": ".ensembles.laguerre",
    "load_catalogue": ".checker.cards",
    "random_matrix": ".ensembles.matrices",
    "sample_covariance": ".ensembles.matrices",
    "set_backend": ".backend",
    "wasserstein1": ".spectra.compare",
    "wishart_eigvalsh": ".ensembles.matrices",
}
__getattr__, __dir__ = lazy_attributes(__name__, _EXPORTS)
__all__ = [  # noqa: RUF022 - the eager names, then the lazy ones
    "CardError",
    "InputError",
    "__version__",
    "analyze",
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
