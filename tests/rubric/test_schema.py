"""The JSON Schema of the rubric format is valid, describes the models and is committed current."""

from __future__ import annotations

import json
from pathlib import Path

from kamgrade.rubric.model import COMBINATORS, PRIMITIVES
from kamgrade.rubric.schema import rubric_json_schema, rubric_json_schema_text

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "kamgrade-rubric.schema.json"


def test_the_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == rubric_json_schema_text(), (
        "docs/kamgrade-rubric.schema.json is stale: "
        "run `kamgrade rubric schema -o docs/kamgrade-rubric.schema.json`"
    )


def test_schema_is_2020_12_with_a_spanish_title_and_description() -> None:
    schema = json.loads(rubric_json_schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"].startswith("Rúbrica de kamgrade")
    assert "docs/rubric-authoring.md" in schema["description"]
    assert schema["type"] == "object"
    assert {"schema_version", "id", "title", "version", "sections"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


def test_detector_keys_in_the_schema_are_the_rubric_vocabulary() -> None:
    detector = rubric_json_schema()["$defs"]["Detector"]
    keys = set(detector["properties"])
    assert set(PRIMITIVES) | set(COMBINATORS) <= keys
    assert "not_" not in keys  # the YAML key is `not`
    assert {"window", "min_matches", "allow_negated"} <= keys


def test_every_property_has_a_description_for_editor_hovers() -> None:
    defs = rubric_json_schema()["$defs"]
    undocumented = [
        f"{name}.{prop}"
        for name, model in defs.items()
        for prop, spec in model.get("properties", {}).items()
        if "description" not in spec and "$ref" not in spec and "allOf" not in spec
    ]
    top = rubric_json_schema()["properties"]
    undocumented += [p for p, spec in top.items() if "description" not in spec]
    assert undocumented == []
