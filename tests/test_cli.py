from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot import PROJECT_ROOT
from tests.conftest import content_folder, faq_entry


def kawan(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_ask_json_prints_the_documented_object() -> None:
    result = kawan("ask", "--json", "npwp shutterstock wajib ga")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert {"question", "id", "confident", "score", "suggestions", "answer"} <= set(obj)
    assert obj["id"] == "npwp-daftar-shutterstock"
    assert obj["confident"] is True
    assert obj["id"] not in obj["suggestions"] and len(obj["suggestions"]) <= 3
    assert "NPWP" in obj["answer"]


def test_ask_json_reads_one_question_per_line_in_order() -> None:
    result = kawan("ask", "--json", "-", stdin="halo\napa itu pomodoro\nresep rendang padang\n")
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["question"] for o in objs] == ["halo", "apa itu pomodoro", "resep rendang padang"]
    assert objs[0]["id"] is None and objs[0]["confident"] is False
    assert objs[1]["id"] == "pomodoro"
    assert objs[2]["confident"] is False


def test_ask_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    kawan("ask", "resep rendang padang", env={"KAWAN_DB": str(db)})
    assert not db.exists()


def test_faq_json_lists_every_entry_with_the_required_fields() -> None:
    data = json.loads(kawan("faq", "--json").stdout)
    assert len(data) >= 50
    for item in data:
        assert {"id", "category", "question", "answer"} <= set(item)


def test_content_check_passes_on_the_shipped_content() -> None:
    result = kawan("content", "check")
    assert result.returncode == 0, result.stdout
    assert "content ok" in result.stdout


def test_content_check_exits_1_with_one_line_per_problem(tmp_path: Path) -> None:
    content_folder(
        tmp_path,
        x=(
            "entries:\n  - id: Bad Id\n    category: nope\n    question: q\n    alternates: [a]\n"
            "    answer: a\n    related: [ghost, other]\n    label: L\n"
            "    sources: [https://example.com/a]\n    reviewed: 2026-11-22\n"
        ),
    )
    result = kawan("content", "check", env={"KAWAN_CONTENT": str(tmp_path)})
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert all(line.startswith("x.yaml: Bad Id:") for line in lines)
    assert any("unknown category" in line for line in lines)
    assert any("alternate" in line for line in lines)


def test_content_check_warns_about_stale_entries_and_lists_them(tmp_path: Path) -> None:
    entries = faq_entry("a", related="b, c", reviewed="2020-01-01") + faq_entry("b", related="a, c")
    content_folder(tmp_path, x="entries:\n" + entries + faq_entry("c", related="a, b"))
    env = {"KAWAN_CONTENT": str(tmp_path)}
    result = kawan("content", "check", env=env)
    assert result.returncode == 0, result.stdout
    assert "warning: 1 entries were reviewed more than 180 days ago" in result.stdout
    assert "content ok: 3 entries" in result.stdout
    listed = kawan("content", "check", "--stale", env=env)
    assert listed.returncode == 0
    assert listed.stdout.startswith("a (mulai): reviewed 2020-01-01, ")


def test_eval_prints_the_four_figures(tmp_path: Path) -> None:
    tsv = tmp_path / "q.tsv"
    tsv.write_text("expected_id\tquestion\npomodoro\tteknik pomodoro itu apa\n-\tresep rendang padang\n")
    result = kawan("eval", str(tsv))
    assert result.returncode == 0, result.stderr
    for figure in ("top-1:", "top-3:", "out-of-scope declined:", "confidently-wrong:"):
        assert figure in result.stdout


def test_content_gaps_lists_what_the_bot_could_not_answer(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    script = "resep rendang padang\nresep rendang padang\nlevel\n"
    chat = kawan("chat", stdin=script, env={"KAWAN_DB": str(db)})
    assert chat.returncode == 0, chat.stderr
    result = kawan("content", "gaps", env={"KAWAN_DB": str(db)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert "2" in lines[0] and "resep rendang padang" in lines[0] and "decline" in lines[0]
    assert any("level" in line and "suggest" in line for line in lines[1:])


def _one_clear_line(result: subprocess.CompletedProcess[str], variable: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and variable in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_kawan_db_in_a_missing_folder_is_one_clear_line(tmp_path: Path) -> None:
    result = kawan("chat", stdin="/start\n", env={"KAWAN_DB": str(tmp_path / "nope" / "kawan.db")})
    _one_clear_line(result, "KAWAN_DB")


def test_kawan_db_that_is_a_folder_is_one_clear_line(tmp_path: Path) -> None:
    _one_clear_line(kawan("chat", stdin="/start\n", env={"KAWAN_DB": str(tmp_path)}), "KAWAN_DB")


def test_kawan_db_that_is_not_a_database_is_one_clear_line_and_never_hangs(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("belanja: telur, beras, minyak\n" * 100)
    _one_clear_line(kawan("chat", stdin="/start\n", env={"KAWAN_DB": str(notes)}), "KAWAN_DB")
    assert notes.read_text().startswith("belanja")  # untouched


def test_kawan_content_pointing_at_a_file_says_so(tmp_path: Path) -> None:
    file = tmp_path / "content.yaml"
    file.write_text("x: 1\n")
    result = kawan("content", "check", env={"KAWAN_CONTENT": str(file)})
    _one_clear_line(result, "KAWAN_CONTENT")
    assert "is a file" in result.stderr


def test_a_broken_yaml_file_is_reported_without_follow_on_errors(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "c")
    (tmp_path / "c" / "faq" / "ai.yaml").write_text("entries:\n  - id: [broken\n")
    result = kawan("content", "check", env={"KAWAN_CONTENT": str(tmp_path / "c")})
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("ai.yaml: line") and "not valid YAML" in lines[0]
    assert len(lines) == 2 and "does not exist" not in result.stdout


def test_run_gives_up_on_an_unreachable_bot_api_with_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 30,
        "TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot",
        "KAWAN_STARTUP_TIMEOUT": "3",
        "KAWAN_DB": str(tmp_path / "k.db"),
    }
    result = kawan("run", env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr
    attempts = [line for line in result.stderr.splitlines() if "not reachable (attempt" in line]
    assert 1 <= len(attempts) <= 4
    assert result.stderr.strip().splitlines()[-1].startswith("kawan: the Telegram Bot API did not answer within 3 s")
    assert "A" * 30 not in result.stderr  # the token never reaches a log line
