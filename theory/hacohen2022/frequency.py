"""The frequency dataset and the spectral-bias claims of App. C.2 (DLN-CLAIM-17, DLN-CLAIM-18).

Source: Hacohen & Weinshall (2022), supplementary material, App. C.2.1 eq. (24), C.2.2 and
D.4: points (z, u) labelled by the side of lambda(z) = sum_i sin(2 pi kappa_i z + phi_i), each
point's critical frequency (the smallest j whose partial sum classifies it), k-NN
discriminability, and the order in which small networks learn the points. The text trains 100
st-VGGs; here small ReLU MLPs on the 2-D points (reduced scale).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from rmtcheck import validate
from rmtcheck.progress import track

KAPPA = np.arange(10.0)
PHI = np.array([0.0, 3.46, 5.08, 0.45, 2.10, 1.4, 5.36, 0.85, 5.9, 5.16])  # phi_8 = 0.85 (OCR fix)


def frequencies(z: np.ndarray) -> np.ndarray:
    """freq_i(z) = sin(2 pi kappa_i z + phi_i), shape (len(z), 10) (eq. 24)."""
    return np.sin(2 * np.pi * np.outer(z, KAPPA) + PHI)


def frequency_dataset(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Points x = (z, u), z ~ U[-1, 1], u ~ U[-2pi, 2pi], label 1[u > lambda(z)] with
    lambda = sum_i freq_i (DLN-DATA-FREQ)."""
    z = rng.uniform(-1.0, 1.0, n)
    u = rng.uniform(-2 * np.pi, 2 * np.pi, n)
    return np.column_stack([z, u]), (u > frequencies(z).sum(axis=1)).astype(int)


def critical_frequency(x: np.ndarray, labels: np.ndarray, rule: str = "smallest") -> np.ndarray:
    """Critical frequency kappa_j of each point (DLN-DEF-CRITFREQ): the smallest j whose
    partial sum lambda_j = sum_{i<=j} freq_i classifies the point correctly (``smallest``), or
    the smallest j from which every larger j is correct (``stable``)."""
    validate.choice("rule", rule, ("smallest", "stable"))
    partial = np.cumsum(frequencies(x[:, 0]), axis=1)
    correct = (x[:, 1:2] > partial).astype(int) == labels[:, None]
    if rule == "stable":
        correct = np.flip(np.cumprod(np.flip(correct, axis=1), axis=1), axis=1).astype(bool)
    return KAPPA[np.argmax(correct, axis=1)]


def discriminability(x: np.ndarray, labels: np.ndarray, k: int = 10) -> np.ndarray:
    """Fraction of each point's k nearest neighbours (Euclidean in (z, u)) sharing its label
    (DLN-DEF-DISCRIM; k is not given in the text)."""
    from scipy.spatial import cKDTree  # noqa: PLC0415

    _, idx = cKDTree(x).query(x, k=validate.integer("k", k, 1) + 1)
    return np.mean(labels[idx[:, 1:]] == labels[:, None], axis=1)


def learning_curves(rng: np.random.Generator, x: np.ndarray, labels: np.ndarray, networks: int,
                    width: int, depth: int, steps: int, lr: float, record_every: int
                    ) -> np.ndarray:
    """Correct-classification record of every training point, shape (networks, checkpoints,
    n): MLPs 2 -> width -> ... -> 1 (ReLU, Xavier init) trained by full-batch Adam on the
    squared loss with targets +-1; inputs (z, u / 2pi)."""
    from rmtcheck.ensembles.fc_net import init_fc_net, predict  # noqa: PLC0415
    from rmtcheck.training.fc_net import train  # noqa: PLC0415

    inputs = np.column_stack([x[:, 0], x[:, 1] / (2 * np.pi)])
    target = 2.0 * labels - 1.0
    record: list[list[np.ndarray]] = []

    def hook(t: int, net: Any, delta: float) -> None:
        if t % record_every == 0:
            record[-1].append((predict(net, inputs) > 0) == (labels == 1))

    for _ in track(range(networks), desc="MLPs"):
        net = init_fc_net(2, width, depth, rng, activation="leaky_relu", slope=0.0)
        record.append([])
        train(net, inputs, target, steps=steps, lr=lr, optimizer="adam", on_step=hook,
              desc="frequency MLP")
    return np.array(record)


WHITE_LENGTH = 1e-3  # RBF length in (z, u / 2pi) units, far below the point spacing


def white_kernel_curves(rng: np.random.Generator, x: np.ndarray, labels: np.ndarray,
                        networks: int, steps: int, lr: float, record_every: int) -> np.ndarray:
    """Correct-classification record, shape (networks, checkpoints, n), of a learner without
    spectral bias: kernel gradient descent f <- f - lr K (f - y) with an RBF kernel of length
    WHITE_LENGTH (K ~ I: every point is fitted on its own, at the same rate) from i.i.d.
    N(0, 1/4) initial outputs, targets +-1, inputs (z, u / 2pi)."""
    from scipy.sparse import coo_matrix, identity  # noqa: PLC0415
    from scipy.spatial import cKDTree  # noqa: PLC0415

    inputs = np.column_stack([x[:, 0], x[:, 1] / (2 * np.pi)])
    pairs = cKDTree(inputs).query_pairs(10 * WHITE_LENGTH, output_type="ndarray")
    i, j = pairs.T if pairs.size else (np.zeros(0, int), np.zeros(0, int))
    value = np.exp(-np.sum((inputs[i] - inputs[j]) ** 2, axis=1) / (2 * WHITE_LENGTH**2))
    n = len(labels)
    kernel = (identity(n) + coo_matrix((np.r_[value, value], (np.r_[i, j], np.r_[j, i])),
                                       shape=(n, n))).tocsr()  # exp(-d^2/2l^2), cut at 10 l
    target = 2.0 * labels - 1.0
    record = []
    for _ in range(networks):
        f = 0.5 * rng.standard_normal(len(labels))
        runs = []
        for t in range(steps + 1):
            if t % record_every == 0:
                runs.append((f > 0) == (labels == 1))
            f = f - lr * kernel @ (f - target)
        record.append(runs)
    return np.array(record)


@cache
def _trained_record(seed: int, n: int, networks: int, width: int, depth: int, steps: int,
                    lr: float, record_every: int, shuffle: bool, learner: str = "mlp"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points, labels, correct-classification record) of ``networks`` MLPs (or, with
    ``learner = "white"``, of :func:`white_kernel_curves`) trained on n frequency-dataset
    points drawn from ``seed``; labels permuted when ``shuffle``. Cached per process: the
    DLN-CLAIM-17 and DLN-CLAIM-18 cards share one set of training runs."""
    rng = np.random.default_rng(seed)
    x, labels = frequency_dataset(rng, n)
    if shuffle:
        labels = rng.permutation(labels)
    if validate.choice("learner", learner, ("mlp", "white")) == "white":
        return x, labels, white_kernel_curves(rng, x, labels, networks, steps, lr, record_every)
    record = learning_curves(rng, x, labels, networks, width, depth, steps, lr, record_every)
    return x, labels, record


def _check_run(n: int, networks: int, width: int, depth: int, steps: int, lr: float,
               record_every: int) -> None:
    validate.integer("n", n, 20)
    validate.integer("networks", networks, 1)
    validate.integer("width", width, 1)
    validate.integer("depth", depth, 2)
    validate.integer("record_every", record_every, 1, validate.integer("steps", steps, 1))
    validate.positive("lr", lr)


def _classifiable(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Points that some partial sum lambda_j classifies correctly, i.e. whose critical
    frequency is defined (every point for the true labels, since lambda_9 = lambda; with
    permuted labels the others would fall to kappa = 0 by default)."""
    partial = np.cumsum(frequencies(x[:, 0]), axis=1)
    return np.any((x[:, 1:2] > partial).astype(int) == labels[:, None], axis=1)


def learning_steps(record: np.ndarray, record_every: int) -> np.ndarray:
    """Per point, the step from which it stays correctly classified to the end of training,
    averaged over networks (a point never learned counts as one checkpoint past the end)."""
    stays = np.flip(np.cumprod(np.flip(record, axis=1), axis=1), axis=1).astype(bool)
    first = np.where(stays.any(axis=1), stays.argmax(axis=1), record.shape[1])
    return first.mean(axis=0) * record_every


def learning_order(seed: int, n: int, networks: int, width: int, depth: int, steps: int,
                   lr: float, record_every: int, learner: str = "mlp") -> dict[str, float]:
    """Spearman correlation over the training points (those with a critical frequency)
    between the critical frequency and the step at which the point is learned
    (DLN-CLAIM-17: low kappa first, rho > 0), the null's 3-sigma level 3 / sqrt(points - 1),
    and the mean learning step of kappa = 0 and
    kappa > 0 points. ``learner = "white"`` replaces the MLPs by a learner without spectral
    bias (:func:`white_kernel_curves`; a control)."""
    from scipy.stats import spearmanr  # noqa: PLC0415

    _check_run(n, networks, width, depth, steps, lr, record_every)
    x, labels, record = _trained_record(seed, n, networks, width, depth, steps, lr,
                                        record_every, False, learner)
    keep = _classifiable(x, labels)
    crit = critical_frequency(x, labels)[keep]
    learned = learning_steps(record, record_every)[keep]
    return {"spearman": float(spearmanr(crit, learned)[0]),
            "null_3sigma": 3.0 / np.sqrt(crit.size - 1),
            "step_kappa0": float(learned[crit == 0].mean()),
            "step_kappa_pos": float(learned[crit > 0].mean()),
            "final_accuracy": float(record[:, -1].mean())}


def group_pearson(crit: np.ndarray, score: np.ndarray, min_points: int) -> tuple[float, int]:
    """Pearson r between kappa and the mean score of the points with that critical frequency,
    over the kappa groups holding at least ``min_points`` points."""
    groups = [k for k in KAPPA if np.sum(crit == k) >= min_points]
    means = [score[crit == k].mean() for k in groups]
    return float(np.corrcoef(groups, means)[0, 1]), len(groups)


def accessibility_correlations(seed: int, n: int, networks: int, width: int, depth: int,
                               steps: int, lr: float, record_every: int, k_neighbours: int,
                               min_points: int, shuffle: bool = False) -> dict[str, float]:
    """DLN-CLAIM-18: Pearson r over critical-frequency groups between kappa and the group
    means of accessibility (fraction of checkpoints and networks at which a point is
    classified correctly: high = learned early) and of k-NN discriminability; and the
    two-sided p < 0.01 critical value of r for that many groups (the text reports
    p < 10^-2). ``shuffle`` permutes the labels (a control)."""
    from scipy.stats import t as student_t  # noqa: PLC0415

    _check_run(n, networks, width, depth, steps, lr, record_every)
    x, labels, record = _trained_record(seed, n, networks, width, depth, steps, lr,
                                        record_every, shuffle, "mlp")  # one cache key
    keep = _classifiable(x, labels)
    crit = critical_frequency(x, labels)[keep]
    r_access, groups = group_pearson(crit, record.mean(axis=(0, 1))[keep],
                                      validate.integer("min_points", min_points, 2))
    r_disc, _ = group_pearson(crit, discriminability(x, labels, k_neighbours)[keep],
                               min_points)
    df = groups - 2
    t = student_t.ppf(0.995, df) if df > 0 else np.inf
    return {"pearson_accessibility": r_access, "pearson_discriminability": r_disc,
            "groups": float(groups), "r_critical": float(t / np.sqrt(df + t * t))}
