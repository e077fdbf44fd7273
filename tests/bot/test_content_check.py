"""`kawan content check` across files: the FAQ, the lexicon and the level tables agree."""

from __future__ import annotations

from pathlib import Path

from bot.content_check import check_folder
from tests.conftest import content_folder, faq_entry


def _three_entries(tmp_path: Path) -> Path:
    entries = "".join(faq_entry(i, related=", ".join(o for o in "abc" if o != i)) for i in "abc")
    return content_folder(tmp_path, main="entries:\n" + entries)


def test_the_shipped_folder_passes() -> None:
    from bot import PROJECT_ROOT

    content, problems = check_folder(PROJECT_ROOT / "content")
    assert problems == [] and content is not None


def test_a_broken_level_table_is_a_problem_of_the_folder(tmp_path: Path) -> None:
    folder = _three_entries(tmp_path)
    (folder / "shutterstock-levels.yaml").write_text("levels: {}\n")
    _, problems = check_folder(folder)
    assert any(p.startswith("shutterstock-levels.yaml") for p in problems)


def test_the_level_answer_must_state_the_level_tables_percentages(tmp_path: Path) -> None:
    folder = _three_entries(tmp_path)
    (folder / "faq" / "levels.yaml").write_text(
        "entries:\n"
        + faq_entry("level-shutterstock", related="a, b").replace("Jawaban", "Dari 15% sampai 40%. Jawaban")
    )
    _, problems = check_folder(folder)
    assert "level-shutterstock: answer does not state 20%, 25%, 30%, 35% from shutterstock-levels.yaml" in problems
