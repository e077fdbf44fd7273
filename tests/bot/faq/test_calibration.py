from __future__ import annotations

import numpy as np

from bot.faq.calibration import calibrate
from bot.faq.decision import decide, probabilities


def _rows(n: int, label: int, top: int, strength: float, classes: int = 4) -> tuple[np.ndarray, list[int]]:
    scores = np.zeros((n, classes))
    scores[:, top] = strength
    return scores, [label] * n


def test_thresholds_answer_clear_cases_and_hold_back_where_answers_would_be_wrong() -> None:
    classes = ("a", "b", "c", "-")
    clear, clear_y = _rows(80, 0, 0, 6.0)  # confidently right
    risky, risky_y = _rows(20, 1, 2, 2.0)  # weakly pointing at the wrong entry
    oos, oos_y = _rows(30, 3, 3, 5.0)  # out of scope, recognised as such
    scores = np.vstack([clear, risky, oos])
    labels = [classes[i] for i in clear_y + risky_y + oos_y]
    cal = calibrate(scores, labels, classes)

    def outcome(row: np.ndarray) -> str:
        return decide(probabilities(row, cal.temperature), 3, cal).outcome

    assert outcome(clear[0]) == "answer"  # the clear cases are answered
    assert outcome(risky[0]) != "answer"  # answering them would be wrong, which costs more than it gains
    assert outcome(oos[0]) == "decline"


def test_the_suggestion_threshold_stays_below_the_answer_threshold() -> None:
    rng = np.random.default_rng(1)
    classes = ("a", "b", "-")
    scores = rng.normal(size=(300, 3))
    truth = rng.integers(0, 3, 300)
    scores[np.arange(300), truth] += 2
    cal = calibrate(scores, [classes[i] for i in truth], classes)
    assert 0 < cal.suggest <= cal.answer and cal.temperature > 0
