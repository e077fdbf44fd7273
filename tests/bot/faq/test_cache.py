"""The trained model is cached on disk and rebuilt whenever what it was trained from changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.faq import cache
from bot.faq.cache import cache_key, load_or_build
from bot.faq.content import Content
from tests.bot.faq.test_matching import CONTENT


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("faq-model-*.npz"))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    real = cache.build_model

    def counting(content: Content, analyzer: object) -> object:
        builds.append(1)
        return real(content, analyzer)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "build_model", counting)
    return builds


def test_a_second_start_loads_the_same_model_instead_of_training(tmp_path: Path, counted: list[int]) -> None:
    progress: list[float | None] = []
    first = load_or_build(CONTENT, tmp_path, progress.append)
    second = load_or_build(CONTENT, tmp_path, progress.append)
    assert len(counted) == 1 and len(_files(tmp_path)) == 1
    assert progress[0] is None and isinstance(progress[1], float) and len(progress) == 2
    assert second.linear.classes == first.linear.classes
    assert np.allclose(np.asarray(second.linear.weights), np.asarray(first.linear.weights))
    assert second.calibration == first.calibration


def test_changed_content_is_trained_again_and_the_old_file_removed(tmp_path: Path, counted: list[int]) -> None:
    load_or_build(CONTENT, tmp_path)
    old = _files(tmp_path)
    edited = replace(CONTENT, out_of_scope=(*CONTENT.out_of_scope, "cara masak opor ayam"))
    assert cache_key(edited) != cache_key(CONTENT)
    load_or_build(edited, tmp_path)
    assert len(counted) == 2
    assert _files(tmp_path) != old and len(_files(tmp_path)) == 1


def test_editing_an_answer_does_not_retrain(tmp_path: Path) -> None:
    entries = (replace(CONTENT.entries[0], answer="jawaban yang diperbaiki"), *CONTENT.entries[1:])
    assert cache_key(replace(CONTENT, entries=entries)) == cache_key(CONTENT)


@pytest.mark.parametrize("damage", [b"", b"not a zip file at all", b"PK\x03\x04broken"])
def test_a_corrupt_cache_file_is_rebuilt(tmp_path: Path, counted: list[int], damage: bytes) -> None:
    load_or_build(CONTENT, tmp_path)
    [path] = _files(tmp_path)
    path.write_bytes(damage)
    model = load_or_build(CONTENT, tmp_path)
    assert len(counted) == 2 and model.linear.classes
    assert path.stat().st_size > 1000  # rewritten whole


def test_a_file_with_another_key_inside_is_not_trusted(tmp_path: Path, counted: list[int]) -> None:
    load_or_build(CONTENT, tmp_path)
    [path] = _files(tmp_path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["key"] = np.array("someone-else")
    np.savez(path.open("wb"), **arrays)
    load_or_build(CONTENT, tmp_path)
    assert len(counted) == 2


def test_an_unwritable_cache_folder_still_gives_a_model(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    model = load_or_build(CONTENT, blocker / "cache")  # cannot be created: a file is in the way
    assert model.linear.classes
