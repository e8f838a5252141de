"""The second rubric (Tema 27, plan de premios) grades its example submissions as labelled.

This proves the grader is generic: everything about the activity is in
rubrics/premios_plan.kamgrade.yaml and examples/premios/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kamgrade.rubric import load_rubric

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "premios"
LABELS = json.loads((EXAMPLES / "labels.json").read_text(encoding="utf-8"))
RUBRIC = ROOT / LABELS["rubric"]

from kamgrade import grading  # noqa: E402
from tests import docbuilder  # noqa: E402


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    loaded = load_rubric(RUBRIC)
    out = tmp_path_factory.mktemp("premios")
    graded = {}
    for name, label in LABELS["submissions"].items():
        built = docbuilder.build_docx(docbuilder.load_spec(EXAMPLES / label["spec"]))
        path = out / f"{name}.docx"
        path.write_bytes(built.data)
        graded[name] = grading.grade_file(path, loaded)
    return graded


def test_labels_cover_every_element_of_the_rubric() -> None:
    ids = {e.id for s in load_rubric(RUBRIC).rubric.sections for e in s.elements}
    for name, label in LABELS["submissions"].items():
        assert set(label["met"]) | set(label["missed"]) == ids, name
        assert not set(label["met"]) & set(label["missed"]), name


def test_every_example_spec_is_labelled() -> None:
    specs = {p.stem for p in (EXAMPLES / "specs").glob("*.yaml")}
    assert specs == set(LABELS["submissions"])


@pytest.mark.parametrize("name", sorted(LABELS["submissions"]))
def test_example_is_graded_as_labelled(name: str, outcomes: dict[str, object]) -> None:
    label = LABELS["submissions"][name]
    outcome = outcomes[name]
    assert outcome.status == "graded", outcome.error
    assert outcome.rubric.id == "premios_plan"
    missing = sorted(s.id for s in outcome.sections if not s.found)
    assert missing == sorted(label["missing_sections"])
    met = {e.id for s in outcome.sections for e in s.elements if e.met}
    assert met == set(label["met"]), "elements met differ from the labels"
    low, high = label["total"]
    assert low <= outcome.total <= high
    if label["level"] is not None:
        assert outcome.level == label["level"]


def test_a_met_element_shows_the_sentence_that_satisfied_it(outcomes: dict[str, object]) -> None:
    outcome = outcomes["pr01_lala_completo"]
    element = next(e for s in outcome.sections for e in s.elements if e.id == "s2.proporcion")
    assert any("75 % fija" in sentence for sentence in element.evidence)


def test_a_negated_statement_does_not_count_as_a_budget(outcomes: dict[str, object]) -> None:
    outcome = outcomes["pr03_coppel_incompleto"]
    element = next(e for s in outcome.sections for e in s.elements if e.id == "s7.monto")
    assert not element.met
    assert "niegan" in element.explanation
