"""The shipped FAQ against the inventory in ../shared/spec and the seed articles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.faq.content import FaqEntry, check_content
from tests.conftest import content_folder, faq_entry

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
    assert len(inventory) == 62
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


# Money and legal answers outside the tax category that must also say they are general information.
GENERAL_INFO_ALSO = {
    "biaya-fiverr",
    "pencairan-fiverr",
    "penipuan-freelancer",
    "akun-diblokir",
    "karya-dicuri",
    "klien-toxic",
    "ditolak-merek-model-release",
}


def test_tax_money_and_legal_answers_end_with_the_general_information_line(entries: dict[str, FaqEntry]) -> None:
    needing = {e.id for e in entries.values() if e.category == "pajak"} | GENERAL_INFO_ALSO
    missing = [i for i in sorted(needing) if not entries[i].answer.splitlines()[-1].startswith("ℹ️ Ini info umum")]
    assert missing == []
    for entry_id in needing:
        text = entries[entry_id].answer.lower()
        if "pajak" in entries[entry_id].answer.splitlines()[-1].lower():
            assert "djp" in text, entry_id
    assert "djp" in entries["potongan-pajak-shutterstock"].answer.lower()


def _lines(entries: dict[str, FaqEntry]) -> list[tuple[str, str]]:
    return [(e.id, line) for e in entries.values() for line in e.answer.splitlines() if line.strip()]


_US_BUYERS = re.compile(r"pembeli (dari|di|asal) (AS|Amerika)", re.IGNORECASE)


def test_the_us_withholding_rate_is_always_tied_to_buyers_in_the_us(entries: dict[str, FaqEntry]) -> None:
    untied = [
        f"{entry_id}: {line}"
        for entry_id, line in _lines(entries)
        if re.search(r"\b(30|10) ?%", line) and re.search(r"pajak|potong", line, re.IGNORECASE)
        if not _US_BUYERS.search(line)
    ]
    assert untied == []


def test_the_1042s_is_not_presented_as_total_income(entries: dict[str, FaqEntry]) -> None:
    text = entries["lapor-spt-luar-negeri"].answer
    assert "1042-S" in text and _US_BUYERS.search(text)
    assert re.search(r"riwayat (pembayaran|penghasilan|pendapatan)|payment history|earnings", text, re.IGNORECASE)


SOFTENERS = ("umumnya tidak", "biasanya tidak", "pada umumnya", "kebanyakan tidak", "tidak selalu", "sebagian besar")


def test_no_answer_softens_shutterstocks_ban_on_ai_uploads(entries: dict[str, FaqEntry]) -> None:
    soft = [
        f"{entry_id}: {line}"
        for entry_id, line in _lines(entries)
        if "Shutterstock" in line and re.search(r"\bAI\b", line) and any(w in line.lower() for w in SOFTENERS)
    ]
    assert soft == []
    assert "tidak menerima" in entries["shutterstock-dan-ai"].answer


def test_the_openai_partnership_is_dated_from_2021(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        if "OpenAI" in entry.answer:
            assert "2021" in entry.answer, entry.id
            assert not re.search(r"(sejak|mulai|pada) 2022", entry.answer), entry.id


def test_no_fiverr_answer_states_the_old_60_day_rule(entries: dict[str, FaqEntry]) -> None:
    stale = [e.id for e in entries.values() if "fiverr" in e.answer.lower() and re.search(r"60 ?hari", e.answer)]
    assert stale == []
    promoted = [e.id for e in entries.values() if re.search(r"promoted? gigs?", e.answer, re.IGNORECASE)]
    assert all("Fiverr Ads" in entries[i].answer for i in promoted), promoted


def test_nik_as_npwp_is_dated_2022(entries: dict[str, FaqEntry]) -> None:
    saying = [e for e in entries.values() if re.search(r"NIK[^.\n]*NPWP|NPWP[^.\n]*NIK", e.answer)]
    assert saying, "some answer should explain that the NIK serves as NPWP"
    for entry in saying:
        assert "2022" in entry.answer, entry.id
        assert not re.search(r"NIK[^.\n]*(sejak|mulai) 2024", entry.answer), entry.id


def test_seasonal_content_has_one_lead_time_everywhere(entries: dict[str, FaqEntry]) -> None:
    lead = re.compile(r"(\d+(?:[–-]\d+)?) bulan sebelum")
    canonical = set(lead.findall(entries["tren-musiman"].answer))
    assert canonical, "tren-musiman states how many months ahead to upload"
    for entry in entries.values():
        assert set(lead.findall(entry.answer)) <= canonical, entry.id


def test_shutterstock_levels_name_both_media_tables(entries: dict[str, FaqEntry]) -> None:
    text = entries["level-shutterstock"].answer.lower()
    assert "video" in text and ("foto" in text or "gambar" in text)


def test_every_entry_names_its_sources_and_new_topics_cite_public_pages(
    entries: dict[str, FaqEntry], inventory: list[dict[str, object]]
) -> None:
    for entry in entries.values():
        assert entry.sources, entry.id
    without_seed = [str(item["id"]) for item in inventory if "source" not in item]
    assert len(without_seed) == 12
    for entry_id in without_seed:
        assert any(s.startswith("https://") for s in entries[entry_id].sources), entry_id


def test_every_seed_named_as_a_source_exists(entries: dict[str, FaqEntry]) -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    named = {s for e in entries.values() for s in e.sources if not s.startswith("http")}
    assert {n for n in named if not (SEEDS / n).is_file()} == set()


def test_retired_ids_open_the_entry_that_replaced_them() -> None:
    content, _ = check_content(PROJECT_ROOT / "content")
    assert content is not None
    for old, new in content.redirects.items():
        entry = content.entry(old)
        assert entry is not None and entry.id == new
        assert content.canonical_id(old) == new
        assert all(old not in e.related for e in content.entries)
    assert content.entry("batas-gig-fiverr") == content.entry("level-fiverr")


def test_every_entry_has_a_short_button_label(entries: dict[str, FaqEntry]) -> None:
    for entry in entries.values():
        assert 3 <= len(entry.label) <= 24, entry.id
    labels = [e.label.lower() for e in entries.values()]
    assert len(labels) == len(set(labels))


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
        "    answer: jawaban\n    related: [{other}, {other}]\n    label: L {id}\n"
        "    sources: [https://example.com/a]\n    reviewed: 2026-11-22\n"
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
            "    answer: 'pakai <b>tebal</b>'\n    related: [y, z]\n    label: L\n"
            "    sources: [https://example.com/a]\n    reviewed: 2026-11-22\n"
        ),
    )
    _, problems = check_content(tmp_path)
    assert any("x: answer contains '<' or '>'" in p for p in problems)


def test_content_check_names_an_unknown_field(tmp_path: Path) -> None:
    content_folder(
        tmp_path,
        a=(
            "entries:\n  - id: x\n    category: mulai\n    question: q\n    alternates: [a, b, c, d, e, f]\n"
            "    alternate: [typo]\n    answer: a\n    related: [y, z]\n    label: L\n"
            "    sources: [https://example.com/a]\n    reviewed: 2026-11-22\n"
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


def _three_entries(tmp_path: Path, **extra: str) -> Path:
    entries = "".join(
        faq_entry(i, related=", ".join(o for o in "abc" if o != i), extra=extra.get(i, "")) for i in "abc"
    )
    return content_folder(tmp_path, main="entries:\n" + entries)


def test_a_valid_folder_has_no_problems(tmp_path: Path) -> None:
    content, problems = check_content(_three_entries(tmp_path))
    assert problems == []
    assert content is not None and [e.sources for e in content.entries] == [("003_192e0b8389934350.txt",)] * 3


def _problems_after_editing_a(tmp_path: Path, old: str, new: str) -> list[str]:
    """Check a valid three-entry folder after replacing `old` with `new` in entry a."""
    folder = _three_entries(tmp_path)
    path = folder / "faq" / "main.yaml"
    path.write_text(path.read_text().replace(old, new, 1))
    return check_content(folder)[1]


def test_content_check_refuses_an_entry_without_sources(tmp_path: Path) -> None:
    problems = _problems_after_editing_a(tmp_path, "    sources: [003_192e0b8389934350.txt]\n", "")
    assert "main.yaml: a: missing field(s) sources" in problems


def test_content_check_refuses_a_source_that_is_neither_a_seed_nor_a_web_page(tmp_path: Path) -> None:
    problems = _problems_after_editing_a(tmp_path, "[003_192e0b8389934350.txt]", "[kata teman]")
    assert any(p.startswith("main.yaml: a: source 'kata teman' is neither a seed file") for p in problems)


def test_content_check_refuses_a_review_date_in_the_future(tmp_path: Path) -> None:
    problems = _problems_after_editing_a(tmp_path, "reviewed: 2026-11-22", "reviewed: 2999-01-01")
    assert "main.yaml: a: reviewed 2999-01-01 is in the future" in problems


def test_content_check_refuses_a_long_button_label(tmp_path: Path) -> None:
    problems = _problems_after_editing_a(tmp_path, "label: Label a", "label: " + "x" * 25)
    assert any(p.startswith("main.yaml: a: label 'xxx") and "the limit is 24" in p for p in problems)


def test_stale_entries_are_those_reviewed_more_than_180_days_ago(tmp_path: Path) -> None:
    from datetime import date

    from bot.faq.content import stale_entries

    folder = _three_entries(tmp_path)
    text = (folder / "faq" / "main.yaml").read_text()
    text = text.replace("reviewed: 2026-11-22", "reviewed: 2026-01-01", 1)  # a: 334 days before 1 Dec 2026
    (folder / "faq" / "main.yaml").write_text(text.replace("reviewed: 2026-11-22", "reviewed: 2026-06-04", 1))
    content, problems = check_content(folder)
    assert problems == [] and content is not None
    stale = stale_entries(content, date(2026, 12, 1))
    assert [(e.id, age) for e, age in stale] == [("a", 334)]  # b, 180 days old, is not stale yet


def test_retired_ids_must_point_at_a_live_entry_and_not_shadow_one(tmp_path: Path) -> None:
    folder = _three_entries(tmp_path)
    (folder / "retired.yaml").write_text("retired:\n  old: a\n  lost: ghost\n  b: c\n")
    content, problems = check_content(folder)
    assert "retired.yaml: lost: redirects to 'ghost', which is not an entry" in problems
    assert "retired.yaml: b: is retired but still an entry; remove one of them" in problems
    assert content is not None and content.redirects == {"old": "a"}
