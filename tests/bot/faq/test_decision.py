from __future__ import annotations

import numpy as np

from bot.faq.decision import Calibration, decide, probabilities

CAL = Calibration(temperature=1.0, answer=0.6, margin=0.2, suggest=0.2)
OOS = 3  # index of the out-of-scope class in these examples


def test_a_likely_entry_clearly_ahead_is_answered() -> None:
    d = decide(np.array([0.8, 0.1, 0.05, 0.05]), OOS, CAL)
    assert (d.outcome, d.best) == ("answer", 0)
    assert d.others == (1, 2)


def test_a_likely_entry_without_a_clear_lead_is_suggested() -> None:
    d = decide(np.array([0.62, 0.45, 0.0, 0.0]), OOS, CAL)
    assert (d.outcome, d.best, d.others) == ("suggest", 0, (1,))


def test_an_unlikely_entry_is_declined() -> None:
    d = decide(np.array([0.1, 0.05, 0.05, 0.8]), OOS, CAL)
    assert (d.outcome, d.best, d.others) == ("decline", None, ())


def test_out_of_scope_is_never_an_answer_or_a_suggestion() -> None:
    d = decide(np.array([0.3, 0.01, 0.0, 0.69]), OOS, CAL)
    assert d.outcome == "suggest" and d.best == 0 and OOS not in d.others


def test_suggestions_leave_out_very_unlikely_entries() -> None:
    d = decide(np.array([0.9, 0.05, 0.01, 0.04]), OOS, CAL)
    assert d.others == (1,)


def test_a_model_without_an_out_of_scope_class_still_decides() -> None:
    assert decide(np.array([0.9, 0.1]), -1, CAL).outcome == "answer"


def test_probabilities_sum_to_one_and_sharpen_with_temperature() -> None:
    scores = np.array([2.0, 1.0, 0.0])
    soft, sharp = probabilities(scores, 1.0), probabilities(scores, 5.0)
    assert soft.sum() == sharp.sum() == 1.0 or np.isclose(soft.sum(), 1.0)
    assert sharp[0] > soft[0]
