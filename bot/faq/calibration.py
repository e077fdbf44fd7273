"""Choosing the decision points by cross-validation over the phrasings and the out-of-scope corpus.

Each fold trains on the rest and scores the rows it holds out, so every phrasing and out-of-scope
message gets a score from a model that never saw it. On those out-of-fold scores we fit the softmax
temperature (lowest log-loss), then pick the answer threshold and margin that maximise correct answers
while a confidently wrong answer costs `WRONG_COST` correct ones, then the suggestion threshold that
offers buttons to in-scope questions more often than to out-of-scope ones. No reported set is used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from bot.faq.decision import Calibration, probabilities
from bot.faq.model import OUT_OF_SCOPE, LinearModel

FOLDS = 5
MAX_ROWS = 6_000  # a very large FAQ is calibrated on a sample: the thresholds need hundreds, not millions
WRONG_COST = 4.0  # a confidently wrong answer is worse than "maksud kamu…?": it costs four right answers
_TEMPERATURE_ROWS = 5_000
_ANSWER = np.arange(0.10, 0.96, 0.025)
_MARGIN = np.arange(0.0, 0.81, 0.05)
_SUGGEST = np.arange(0.01, 0.96, 0.01)
_SEED = 0

Trainer = Callable[[sp.csr_matrix, Sequence[str]], LinearModel]


def out_of_fold_scores(
    x: sp.csr_matrix, labels: Sequence[str], trainer: Trainer, classes: tuple[str, ...], folds: int = FOLDS
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Scores of each (sampled) row by a model trained without it, and the sampled rows' positions."""
    rng = np.random.default_rng(_SEED)
    rows = np.arange(x.shape[0])
    if len(rows) > MAX_ROWS:
        rows = np.sort(rng.choice(rows, MAX_ROWS, replace=False))
    fold_of = _stratified_folds([labels[i] for i in rows], folds, rng)
    column = {c: i for i, c in enumerate(classes)}
    scores = np.full((len(rows), len(classes)), -np.inf)
    for fold in range(folds):
        held = rows[fold_of == fold]
        kept = np.setdiff1d(np.arange(x.shape[0]), held, assume_unique=True)
        model = trainer(x[kept], [labels[i] for i in kept])
        fold_scores = model.score_matrix(x[held])
        for j, c in enumerate(model.classes):
            scores[fold_of == fold, column[c]] = fold_scores[:, j]
    return scores, rows


def _stratified_folds(labels: Sequence[str], folds: int, rng: np.random.Generator) -> NDArray[np.int64]:
    """A fold number per row, spreading each class's rows evenly over the folds."""
    fold_of = np.zeros(len(labels), np.int64)
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    start = 0
    for members in by_class.values():
        shuffled = rng.permutation(members)
        fold_of[shuffled] = (np.arange(len(shuffled)) + start) % folds
        start += len(shuffled)
    return fold_of


def calibrate(scores: NDArray[np.float64], labels: Sequence[str], classes: tuple[str, ...]) -> Calibration:
    """The temperature and thresholds for out-of-fold `scores` of rows labelled `labels`."""
    column = {c: i for i, c in enumerate(classes)}
    truth = np.fromiter((column[label] for label in labels), np.int64, len(labels))
    finite = np.where(np.isfinite(scores), scores, scores[np.isfinite(scores)].min())
    temperature = _fit_temperature(finite, truth)
    probs = probabilities(finite, temperature)
    oos = column.get(OUT_OF_SCOPE, -1)
    in_scope = truth != oos
    entry_probs = probs.copy()
    if oos >= 0:
        entry_probs[:, oos] = -1.0
    order = np.argsort(-entry_probs, axis=1, kind="stable")
    rows = np.arange(len(truth))
    p1, p2 = entry_probs[rows, order[:, 0]], np.maximum(entry_probs[rows, order[:, 1]], 0.0)
    correct = (order[:, 0] == truth) & in_scope
    in_top3 = (order[:, :3] == truth[:, None]).any(axis=1) & in_scope

    n, n_in = len(truth), max(int(in_scope.sum()), 1)
    best = (-np.inf, 0.5, 0.0)
    for answer in _ANSWER:
        for margin in _MARGIN:
            answered = (p1 >= answer) & (p1 - p2 >= margin)
            value = (answered & correct).sum() / n_in - WRONG_COST * (answered & ~correct).sum() / n
            if value > best[0] + 1e-12:
                best = (value, float(answer), float(margin))
    _value, answer, margin = best
    answered = (p1 >= answer) & (p1 - p2 >= margin)
    suggest_best = (-np.inf, answer)
    for suggest in _SUGGEST[answer > _SUGGEST]:
        offered = ~answered & (p1 >= suggest)
        value = int((offered & in_top3).sum()) - int((offered & ~in_scope).sum())
        if value > suggest_best[0]:
            suggest_best = (value, float(suggest))
    return Calibration(temperature, answer, margin, suggest_best[1])


def _fit_temperature(scores: NDArray[np.float64], truth: NDArray[np.int64]) -> float:
    """The temperature with the lowest log-loss (a few thousand rows pin it down well enough)."""
    from scipy.optimize import minimize_scalar

    if len(truth) > _TEMPERATURE_ROWS:
        pick = np.random.default_rng(_SEED).choice(len(truth), _TEMPERATURE_ROWS, replace=False)
        scores, truth = scores[pick], truth[pick]
    centred = scores - scores.max(axis=1, keepdims=True)
    true_scores = centred[np.arange(len(truth)), truth]

    def loss(log_t: float) -> float:
        t = float(np.exp(log_t))
        return float(np.mean(np.log(np.exp(t * centred).sum(axis=1)) - t * true_scores))

    found = minimize_scalar(loss, bounds=(np.log(0.05), np.log(200.0)), method="bounded", options={"xatol": 0.01})
    return float(np.exp(found.x))
