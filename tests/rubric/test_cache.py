"""A rubric that loaded once loads again from the cache, identically; nothing else is cached."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kamgrade.errors import RubricError
from kamgrade.fsutil import CACHE_ENV
from kamgrade.rubric import cache, load_rubric, loader
from kamgrade.rubric.model import Rubric
from tests.rubric.test_loader import GOOD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder / "rubrics"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.exists() else []


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, name: str) -> object:
        raise AssertionError("the rubric was parsed, not taken from the cache")

    monkeypatch.setattr(loader, "_validate_text", refuse)


@pytest.mark.parametrize("name", ["kam_actividad.kamgrade.yaml", "premios_plan.kamgrade.yaml"])
def test_a_bundled_rubric_from_the_cache_equals_the_one_from_the_file(
    name: str, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_rubric(ROOT / "rubrics" / name)
    assert len(_entries(cache_folder)) == 1
    _no_parsing(monkeypatch)
    again = load_rubric(ROOT / "rubrics" / name)
    assert again == first
    assert again.rubric.model_dump(by_alias=True) == first.rubric.model_dump(by_alias=True)


def test_edited_bytes_are_read_from_the_file_not_the_cache(
    tmp_path: Path, cache_folder: Path
) -> None:
    path = tmp_path / "r.kamgrade.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_rubric(path).rubric.sections[0].weight == 40
    path.write_text(GOOD.replace("weight: 40", "weight: 45").replace("weight: 60", "weight: 55"))
    assert load_rubric(path).rubric.sections[0].weight == 45
    assert len(_entries(cache_folder)) == 2


def test_a_rubric_with_problems_is_never_cached_and_always_reported(
    tmp_path: Path, cache_folder: Path
) -> None:
    path = tmp_path / "r.kamgrade.yaml"
    path.write_text(GOOD.replace("weight: 40", "weight: veinte"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RubricError) as raised:
            load_rubric(path)
        assert "8:13" in str(raised.value.problems[0].render())
    assert _entries(cache_folder) == []


def test_a_damaged_or_stale_entry_means_reading_the_file(
    tmp_path: Path, cache_folder: Path
) -> None:
    path = tmp_path / "r.kamgrade.yaml"
    path.write_text(GOOD, encoding="utf-8")
    expected = load_rubric(path).rubric
    (entry,) = _entries(cache_folder)
    for damage in (b'{"id": "mini", "cortado', b'{"schema_version": 1}', b""):
        entry.write_bytes(damage)
        assert load_rubric(path).rubric == expected
        assert Rubric.model_validate_json(entry.read_bytes()) == expected  # stored again


def test_an_unwritable_cache_folder_only_costs_the_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("un archivo, no una carpeta")
    monkeypatch.setenv(CACHE_ENV, str(blocked))
    path = tmp_path / "r.kamgrade.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_rubric(path).rubric.sections[1].weight == 60
    assert load_rubric(path).rubric.sections[1].weight == 60


def test_the_cache_keeps_only_the_newest_entries(
    tmp_path: Path, cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    path = tmp_path / "r.kamgrade.yaml"
    stored = []
    for n in range(5):
        before = set(_entries(cache_folder))
        path.write_text(GOOD.replace("title: Mini", f"title: Mini {n}"), encoding="utf-8")
        load_rubric(path)
        (entry,) = set(_entries(cache_folder)) - before
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))  # stored in this order, long ago
        stored.append(entry)
    assert _entries(cache_folder) == sorted(stored[-3:])
    _no_parsing(monkeypatch)
    assert load_rubric(path).rubric.title == "Mini 4"
