"""Shared helpers for the pipeline tests: build a spec, read it, grade it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamgrade.grading import grade_file
from kamgrade.model import DocModel
from kamgrade.outcome import SubmissionOutcome
from kamgrade.reader import read_submission
from kamgrade.rubric import LoadedRubric, load_rubric
from tests.docbuilder import build_docx

REPO = Path(__file__).resolve().parents[2]
KAM_RUBRIC = REPO / "rubrics" / "kam_actividad.kamgrade.yaml"


@pytest.fixture(scope="session")
def kam() -> LoadedRubric:
    return load_rubric(KAM_RUBRIC)


Built = tuple[Path, dict[str, Any]]


@pytest.fixture
def build(tmp_path: Path) -> Callable[[dict[str, Any]], Built]:
    """Render a spec to a .docx in tmp_path; returns (path, truth)."""

    def _build(spec: dict[str, Any]) -> Built:
        built = build_docx(spec)
        path = tmp_path / spec.get("file", "submission.docx")
        path.write_bytes(built.data)
        return path, built.truth

    return _build


@pytest.fixture
def read(
    build: Callable[[dict[str, Any]], Built],
) -> Callable[[dict[str, Any]], tuple[DocModel, dict[str, Any]]]:
    def _read(spec: dict[str, Any]) -> tuple[DocModel, dict[str, Any]]:
        path, truth = build(spec)
        return read_submission(path), truth

    return _read


@pytest.fixture
def grade(
    build: Callable[[dict[str, Any]], Built], kam: LoadedRubric
) -> Callable[[dict[str, Any]], tuple[SubmissionOutcome, dict[str, Any]]]:
    def _grade(spec: dict[str, Any]) -> tuple[SubmissionOutcome, dict[str, Any]]:
        path, truth = build(spec)
        return grade_file(path, kam), truth

    return _grade
