"""The learned classifier: which entry (or "not my topic") a question belongs to, with a probability.

Classes are the FAQ entries plus `OUT_OF_SCOPE`, learned from `content/out-of-scope.tsv`. Up to
`MAX_LOGISTIC_ENTRIES` entries the weights come from logistic regression (scikit-learn, one-vs-rest,
stochastic gradient descent); above that, training one classifier per entry would take too long, so
each entry's weights are the centroid of its phrasings. Either way a question's scores are one sparse
dot product, turned into probabilities by a softmax whose temperature is calibrated (calibration.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from bot.faq.features import Floats, Ints

OUT_OF_SCOPE = "-"
MAX_LOGISTIC_ENTRIES = 400
_ALPHA = 3e-5  # L2 regularisation of the logistic regression
_EPOCHS = 10
_SEED = 0  # training is deterministic: the same content gives the same model


@dataclass(frozen=True)
class LinearModel:
    """Scores for every class: `x · weights + bias`, with `weights` features × classes (dense or CSR)."""

    classes: tuple[str, ...]
    weights: NDArray[np.float32] | sp.csr_matrix
    bias: Floats

    def scores(self, indices: Ints, values: Floats) -> NDArray[np.float64]:
        rows = self.weights[indices]
        product = rows.T @ values if isinstance(rows, np.ndarray) else rows.T.dot(values)
        return np.asarray(product, dtype=np.float64).ravel() + self.bias

    def score_matrix(self, x: sp.csr_matrix) -> NDArray[np.float64]:
        """Scores for many rows at once (calibration and evaluation)."""
        product = x @ self.weights
        dense = product.toarray() if sp.issparse(product) else np.asarray(product)
        return dense.astype(np.float64) + self.bias


def train(x: sp.csr_matrix, labels: Sequence[str]) -> LinearModel:
    """Logistic regression for a FAQ of ordinary size, centroids for a very large one."""
    if len(set(labels)) - 1 <= MAX_LOGISTIC_ENTRIES:
        return train_logistic(x, labels)
    return train_centroids(x, labels)


def train_logistic(x: sp.csr_matrix, labels: Sequence[str]) -> LinearModel:
    from sklearn.linear_model import SGDClassifier  # imported here: answering never needs scikit-learn

    clf = SGDClassifier(loss="log_loss", alpha=_ALPHA, max_iter=_EPOCHS, tol=None, random_state=_SEED, n_jobs=2)
    clf.fit(x, np.asarray(labels))
    weights = np.ascontiguousarray(clf.coef_.T, dtype=np.float32)
    return LinearModel(tuple(str(c) for c in clf.classes_), weights, clf.intercept_.astype(np.float32))


def train_centroids(x: sp.csr_matrix, labels: Sequence[str]) -> LinearModel:
    """Each class's weights: the normalised mean of its rows (a cosine to the class's centroid)."""
    classes = tuple(sorted(set(labels)))
    column = {c: i for i, c in enumerate(classes)}
    rows = np.fromiter((column[label] for label in labels), np.int32, len(labels))
    membership = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, np.arange(len(rows)))), (len(classes), len(rows))
    )
    centroids = sp.csr_matrix(membership @ x)
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    centroids = sp.csr_matrix(sp.diags(1 / np.maximum(norms, 1e-12)) @ centroids)
    return LinearModel(classes, sp.csr_matrix(centroids.T, dtype=np.float32), np.zeros(len(classes), np.float32))
