"""What crosses a process boundary comes back equal (kamgrade.records)."""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kamgrade import batch, model, outcome, results
from kamgrade.feedback import render_feedback
from kamgrade.grading import grade_file
from kamgrade.reader import read_submission
from kamgrade.records import pickled_by_fields
from kamgrade.rubric import LoadedRubric
from tests.fixtures import kam_report_spec

Build = Callable[[dict[str, Any]], tuple[Path, dict[str, Any]]]
TRAVELLERS = [
    *(getattr(model, n) for n in ("Paragraph", "Cell", "Table", "Figure", "Note", "DocModel")),
    results.Message,
    *(
        getattr(outcome, n)
        for n in (
            "Student",
            "ElementOutcome",
            "SectionOutcome",
            "DocumentStats",
            "RubricRef",
            "SubmissionError",
            "SubmissionOutcome",
        )
    ),
    batch.BatchItem,
]


def _round_trip(value: object) -> object:
    return pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


@pytest.mark.parametrize("cls", TRAVELLERS, ids=lambda c: c.__name__)
def test_every_travelling_class_is_pickled_by_its_fields(cls: type) -> None:
    assert cls.__getstate__ is not getattr(dataclasses, "_dataclass_getstate", None)
    assert cls.__getstate__.__module__ == "kamgrade.records"


def test_a_read_document_and_its_graded_batch_item_come_back_equal(
    build: Build, kam: LoadedRubric
) -> None:
    path, _ = build(kam_report_spec())
    document = read_submission(path)
    assert _round_trip(document) == document
    graded = grade_file(path, kam)
    item = batch.BatchItem(3, graded, feedback=render_feedback(graded, kam.rubric))
    back = _round_trip(item)
    assert back == item and back.outcome.to_json() == graded.to_json()
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.index = 4  # type: ignore[misc]


def test_the_state_is_the_field_values_in_order() -> None:
    @pickled_by_fields
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: int

    @pickled_by_fields
    @dataclasses.dataclass(frozen=True, slots=True)
    class Single:
        only: tuple[int, ...]

    assert Point(1, 2).__getstate__() == (1, 2)
    assert Single((1,)).__getstate__() == ((1,),)
    for value in (Point(1, 2), Single((1, 2))):
        copy = type(value).__new__(type(value))
        copy.__setstate__(value.__getstate__())
        assert copy == value
