"""From class probabilities to what the bot does: answer, "maksud kamu…?" with buttons, or decline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Outcome = Literal["answer", "suggest", "decline"]
MAX_SUGGESTIONS = 3
SUGGESTION_FLOOR = 0.03  # an entry this unlikely is no useful button


@dataclass(frozen=True)
class Calibration:
    """The decision points, chosen by cross-validation (calibration.py), never on a reported set."""

    temperature: float  # probabilities are softmax(temperature × scores)
    answer: float  # the best entry's probability needed to answer outright...
    margin: float  # ...with at least this lead over the second entry
    suggest: float  # below `answer`, the probability needed to offer the best entries as buttons


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    best: int | None  # class index of the best entry (None when declining)
    probability: float  # the best entry's probability
    others: tuple[int, ...]  # next-best entries, best first


def probabilities(scores: NDArray[np.float64], temperature: float) -> NDArray[np.float64]:
    z = temperature * (scores - scores.max(axis=-1, keepdims=True))
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def decide(probs: NDArray[np.float64], out_of_scope: int, calibration: Calibration) -> Decision:
    """Answer when the best entry is likely and clearly ahead; suggest when it is plausible; else decline.

    `out_of_scope` is the index of the "not my topic" class, or -1 when the model has none.
    """
    entry_probs = probs.copy()
    if out_of_scope >= 0:
        entry_probs[out_of_scope] = -1.0  # "not my topic" is never an entry to answer with or suggest
    order = np.argsort(-entry_probs, kind="stable")
    best = int(order[0])
    p1 = float(entry_probs[best])
    p2 = max(float(entry_probs[order[1]]), 0.0) if len(order) > 1 else 0.0
    if p1 >= calibration.answer and p1 - p2 >= calibration.margin:
        outcome: Outcome = "answer"
        limit = MAX_SUGGESTIONS
    elif p1 >= calibration.suggest:
        outcome = "suggest"
        limit = MAX_SUGGESTIONS - 1  # the best entry is the first button
    else:
        return Decision("decline", None, p1, ())
    others = tuple(int(i) for i in order[1 : 1 + limit] if entry_probs[i] >= SUGGESTION_FLOOR)
    return Decision(outcome, best, p1, others)
