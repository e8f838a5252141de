"""docs/rubric-authoring.md cannot drift: every YAML example is loaded and validated, the error
example's output is the real output, and every key and detector of the format is documented."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel
from ruamel.yaml import YAML

from kamgrade.cli_rubric import rubric
from kamgrade.errors import RubricError
from kamgrade.rubric import load_rubric_text
from kamgrade.rubric.model import (
    COMBINATORS,
    PRIMITIVES,
    Cuartilla,
    Detector,
    Element,
    FigureKindName,
    FigureSpec,
    LengthPolicy,
    LengthUnit,
    Level,
    NumberKind,
    NumberNear,
    OverallFeedback,
    People,
    Rubric,
    Scoring,
    Section,
    SharedTerms,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "rubric-authoring.md"
TEXT = DOC.read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ATTR = re.compile(r'(\w+)="([^"]*)"')


def blocks() -> list[tuple[str, dict[str, str], str]]:
    return [(m.group(1), dict(ATTR.findall(m.group(2))), m.group(3)) for m in FENCE.finditer(TEXT)]


YAML_BLOCKS = [(attrs, body) for lang, attrs, body in blocks() if lang == "yaml"]
TEMPLATE = next(body for attrs, body in YAML_BLOCKS if attrs.get("title") == "Plantilla")


def _data(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def wrap(kind: str, fragment: str) -> str:
    """The documented template with the fragment put in its place, as YAML (JSON is YAML 1.2)."""
    data = _data(TEMPLATE)
    part = _data(fragment)
    if kind == "top":
        data.update(part)
    elif kind == "section":
        data["sections"] = [part]
    elif kind == "element":
        data["sections"][0]["elements"] = [part]
    elif kind == "detector":
        data["sections"][0]["elements"][0]["detector"] = part
    else:
        raise AssertionError(f"unknown example kind {kind!r}")
    return json.dumps(data, ensure_ascii=False)


def test_every_yaml_example_says_how_it_is_tested() -> None:
    assert len(YAML_BLOCKS) >= 25
    for attrs, body in YAML_BLOCKS:
        assert attrs.get("kamgrade") in {
            "rubric",
            "invalid",
            "top",
            "section",
            "element",
            "detector",
        }, body[:60]
        assert attrs.get("title"), body[:60]


@pytest.mark.parametrize(
    ("kind", "body"),
    [(a["kamgrade"], b) for a, b in YAML_BLOCKS if a.get("kamgrade") != "invalid"],
    ids=[a["title"] for a, _ in YAML_BLOCKS if a.get("kamgrade") != "invalid"],
)
def test_documented_example_is_a_valid_rubric(kind: str, body: str) -> None:
    text = body if kind == "rubric" else wrap(kind, body)
    try:
        load_rubric_text(text, "ejemplo")
    except RubricError as e:  # pragma: no cover - the message is the point
        pytest.fail(e.render())


def test_the_error_example_prints_exactly_what_the_docs_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    all_blocks = blocks()
    i = next(
        n for n, (lang, attrs, _) in enumerate(all_blocks) if attrs.get("kamgrade") == "invalid"
    )
    invalid, (lang, _, expected) = all_blocks[i][2], all_blocks[i + 1]
    assert lang == "text"
    monkeypatch.chdir(tmp_path)
    Path("rubrica.kamgrade.yaml").write_text(invalid, encoding="utf-8")
    result = CliRunner().invoke(rubric, ["validate", "rubrica.kamgrade.yaml"])
    assert result.exit_code == 3
    assert result.stdout == expected


def _headings() -> str:
    return "\n".join(line for line in TEXT.splitlines() if line.startswith("#"))


@pytest.mark.parametrize(
    "model",
    [
        Rubric,
        Section,
        Element,
        Level,
        OverallFeedback,
        Cuartilla,
        Scoring,
        Detector,
        NumberNear,
        People,
        FigureSpec,
        SharedTerms,
    ],
    ids=lambda m: m.__name__,
)
def test_every_key_of_the_format_has_a_reference_heading(model: type[BaseModel]) -> None:
    headings = _headings()
    missing = [
        key
        for key in (f.alias or name for name, f in model.model_fields.items())
        if f"`{key}`" not in headings
    ]
    assert missing == [], f"document these keys of {model.__name__} in a heading of {DOC.name}"


@pytest.mark.parametrize(
    "enum", [LengthPolicy, LengthUnit, NumberKind, FigureKindName], ids=lambda e: e.__name__
)
def test_every_allowed_value_is_documented(enum: Any) -> None:
    assert [v.value for v in enum if f"`{v.value}`" not in TEXT] == []


def _detector_keys(node: Any) -> set[str]:
    keys: set[str] = set()
    if isinstance(node, dict):
        keys |= set(node)
        for value in node.values():
            keys |= _detector_keys(value)
    elif isinstance(node, list):
        for value in node:
            keys |= _detector_keys(value)
    return keys


def test_every_detector_has_an_example_titled_after_it() -> None:
    examples = {a["title"]: _data(b) for a, b in YAML_BLOCKS if a["kamgrade"] == "detector"}
    for key in PRIMITIVES + COMBINATORS:
        assert key in examples, f"no detector example titled {key!r}"
        assert key in _detector_keys(examples[key])
    used = set().union(*(_detector_keys(e) for e in examples.values()))
    assert {"window", "min_matches", "allow_negated"} <= used


def test_the_template_is_the_one_used_for_fragments() -> None:
    original = copy.deepcopy(_data(TEMPLATE))
    assert json.loads(wrap("top", "{}")) == original


def test_the_tutorial_scaffold_command_works(tmp_path: Path) -> None:
    line = next(line for line in TEXT.splitlines() if line.startswith("$ kamgrade rubric new"))
    assert '--title "Reseña de un libro de negocios" --id resena_libro' in line
    out = tmp_path / "resena.kamgrade.yaml"
    result = CliRunner().invoke(
        rubric,
        [
            "new",
            "--title",
            "Reseña de un libro de negocios",
            "--id",
            "resena_libro",
            "--section",
            "Resumen:60:1",
            "--section",
            "Opinión:40:0.5",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0
    assert load_rubric_text(out.read_text(encoding="utf-8")).id == "resena_libro"
