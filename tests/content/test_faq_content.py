"""The shipped FAQ against the inventory in ../shared/spec and the seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.faq.content import FaqEntry, check_content
from tests.conftest import content_folder

SHARED = PROJECT_ROOT.parent / "shared"
INVENTORY = SHARED / "spec" / "faq-inventory.yaml"
SEEDS = SHARED / "seeds"
needs_shared = pytest.mark.skipif(not INVENTORY.is_file(), reason="../shared/spec is not beside this checkout")
COPY_RUN = 6  # words in a row that count as copied


@pytest.fixture(scope="module")
def entries() -> dict[str, FaqEntry]:
    content, problems = check_content(PROJECT_ROOT / "content")
    assert problems == []
    assert content is not None
    return {e.id: e for e in content.entries}


@pytest.fixture(scope="module")
def inventory() -> list[dict[str, object]]:
    return list(yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))["entries"])


@needs_shared
def test_every_inventory_topic_is_there_with_its_category(
    entries: dict[str, FaqEntry], inventory: list[dict[str, object]]
) -> None:
    assert len(inventory) == 50
    for item in inventory:
        entry = entries.get(str(item["id"]))
        assert entry is not None, item["id"]
        assert entry.category == item["category"]


@needs_shared
def test_every_answer_states_its_must_mention_facts(
    entries: dict[str, FaqEntry], inventory: list[dict[str, object]]
) -> None:
    missing = []
    for item in inventory:
        answer = entries[str(item["id"])].answer.lower()
        for fact in item["must_mention"]:  # type: ignore[attr-defined]
            options = [o.strip().lower() for o in str(fact).split("|")]
            if not any(o in answer for o in options):
                missing.append(f"{item['id']}: {fact}")
    assert missing == []


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + COPY_RUN]) for i in range(len(words) - COPY_RUN + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_no_entry_copies_six_words_in_a_row_from_a_seed(entries: dict[str, FaqEntry]) -> None:
    seed_runs: set[tuple[str, ...]] = set()
    for path in SEEDS.glob("*.txt"):
        seed_runs |= _runs(_words(path.read_text(encoding="utf-8")))
    copied = []
    for entry in entries.values():
        for text in (entry.question, entry.answer, *entry.alternates):
            for run in _runs(_words(text)) & seed_runs:
                copied.append(f"{entry.id}: {' '.join(run)}")
    assert copied == []


def test_answers_fit_a_phone(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        assert 200 <= len(entry.answer) <= 1500, entry.id
        longest_line = max(len(line) for line in entry.answer.splitlines())
        assert longest_line <= 400, entry.id  # a wall of text is unreadable on a phone


def test_every_entry_has_enough_phrasings_and_related_questions(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        assert len(entry.alternates) >= 6, entry.id
        assert 2 <= len(entry.related) <= 4, entry.id
        assert entry.reviewed, entry.id


def test_tax_and_money_answers_say_they_are_general_information(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        if entry.category == "pajak":
            assert "info umum" in entry.answer.lower(), entry.id
    assert "djp" in entries["potongan-pajak-shutterstock"].answer.lower()


def test_the_known_fotolia_error_is_corrected(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        text = entry.answer.lower()
        if "fotolia" in text:
            assert "2008" not in text, entry.id
            assert "2014" in text or "2015" in text, entry.id


def test_content_check_reports_a_duplicate_phrasing_and_a_broken_yaml(tmp_path: Path) -> None:
    content_folder(tmp_path)
    entry = (
        "  - id: {id}\n    category: mulai\n    question: Pertanyaan {id}\n"
        "    alternates: [sama persis, b{id}, c{id}, d{id}, e{id}, f{id}]\n"
        "    answer: jawaban\n    related: [{other}, {other}]\n    source: s\n    reviewed: 2026-11-22\n"
    )
    (tmp_path / "faq" / "a.yaml").write_text(
        "entries:\n" + entry.format(id="satu", other="dua") + entry.format(id="dua", other="satu")
    )
    (tmp_path / "faq" / "b.yaml").write_text("entries:\n  - id: [unclosed\n")
    _, problems = check_content(tmp_path)
    assert any(p == "a.yaml: dua: phrasing 'sama persis' is also used by satu" for p in problems)
    assert any(p.startswith("b.yaml: line") and "not valid YAML" in p for p in problems)


def test_content_check_rejects_markup_that_would_break_rendering(tmp_path: Path) -> None:
    content_folder(
        tmp_path,
        a=(
            "entries:\n  - id: x\n    category: mulai\n    question: q\n    alternates: [a, b, c, d, e, f]\n"
            "    answer: 'pakai <b>tebal</b>'\n    related: [y, z]\n    source: s\n    reviewed: 2026-11-22\n"
        ),
    )
    _, problems = check_content(tmp_path)
    assert any("x: answer contains '<' or '>'" in p for p in problems)


def test_content_check_names_an_unknown_field(tmp_path: Path) -> None:
    content_folder(
        tmp_path,
        a=(
            "entries:\n  - id: x\n    category: mulai\n    question: q\n    alternates: [a, b, c, d, e, f]\n"
            "    alternate: [typo]\n    answer: a\n    related: [y, z]\n    source: s\n    reviewed: 2026-11-22\n"
        ),
    )
    _, problems = check_content(tmp_path)
    assert "a.yaml: x: unknown field(s) alternate (a typo?)" in problems


def test_content_check_refuses_slang_that_maps_to_another_slang_key(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "c")
    with (tmp_path / "c" / "lexicon" / "slang.tsv").open("a", encoding="utf-8") as fh:
        fh.write("zzgmn\tgmn\n")
    _, problems = check_content(tmp_path / "c")
    assert any(p.startswith("slang.tsv: 'zzgmn'") and "'gmn' is itself a key" in p for p in problems)
