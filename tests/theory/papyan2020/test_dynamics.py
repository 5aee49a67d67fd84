"""PAP-CLAIM-12 (G_cross vs G_within over epochs and sample size). The quick verdict runs in
test_catalogue.py; here the control derived in the card's notes and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import rmtcheck as rc
from rmtcheck.errors import InputError
from rmtcheck.theory.papyan2020.dynamics import g_cross_dynamics


def test_control_without_label_signal_is_rejected_through_the_epoch_trend():
    """Labels drawn afresh at every step on t = 0 data: no separation with training."""
    verdict = rc.check("PAP-CLAIM-12", {"t": 0.0, "resample": True}, scale="quick")
    assert not verdict.passed and verdict.statistics["fraction"] < 0.8
    assert verdict.statistics["epochs_rho_mean"] < 0.2


def test_bad_grid_is_one_input_error():
    with pytest.raises(InputError) as err:
        g_cross_dynamics(np.random.default_rng(0), 6, 3, 1.0, 5, 10, 1, 10, 0.02, 0.0, 5)
    assert err.value.name == "grid" and "\n" not in str(err.value)

