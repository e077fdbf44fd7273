"""The FAQ engine's measured quality must not slip when content or code changes.

The bars are issue 4's targets, checked on the project's own labelled questions
(`tests/data/heldout-questions.tsv`) and, when the checkout sits beside ../shared, on the dev set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.faq.engine import FaqEngine
from bot.faq.evaluate import evaluate, read_cases

SETS = [
    PROJECT_ROOT / "tests" / "data" / "heldout-questions.tsv",
    PROJECT_ROOT.parent / "shared" / "spec" / "dev-questions.tsv",
]


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_answers_meet_the_quality_bar(engine: FaqEngine, path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} is not beside this checkout")
    report = evaluate(engine, read_cases(path))
    top1 = report.top1 / report.in_scope
    top3 = report.top3 / report.in_scope
    declined = report.oos_declined / report.oos
    wrong = report.confidently_wrong / report.total
    summary = "\n".join(report.lines())
    assert top1 >= 0.90, summary
    assert top3 >= 0.97, summary
    assert declined >= 0.90, summary
    assert wrong <= 0.03, summary
    if report.slang >= 10:
        assert report.slang_top1 / report.slang >= 0.85, summary
