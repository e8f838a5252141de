"""The rubric format as JSON Schema 2020-12, for editors (VS Code + YAML extension) and tools.

`docs/kamgrade-rubric.schema.json` is this output, committed; a test keeps it current. Point a
rubric at it with a first line such as
`# yaml-language-server: $schema=../docs/kamgrade-rubric.schema.json`.
"""

from __future__ import annotations

import json
from typing import Any

from kamgrade.rubric.model import SCHEMA_VERSION, Rubric

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def rubric_json_schema() -> dict[str, Any]:
    """JSON Schema 2020-12 of a rubric file (`schema_version: 1`), with Spanish descriptions."""
    body = Rubric.model_json_schema(mode="validation")
    head = {
        "$schema": SCHEMA_DIALECT,
        "title": f"Rúbrica de kamgrade (schema_version {SCHEMA_VERSION})",
        "description": (
            "Formato de las rúbricas *.kamgrade.yaml: metadatos, cuartilla, secciones con peso y "
            "mínimo, elementos con detectores, niveles de desempeño y comentarios generales. "
            "Referencia: docs/rubric-authoring.md. Valida de verdad con "
            "`kamgrade rubric validate`: "
            "el esquema no expresa todas las reglas (pesos que suman 100, ids únicos…)."
        ),
    }
    body.pop("title", None)
    body.pop("description", None)
    return {**head, **body}


def rubric_json_schema_text() -> str:
    """The schema as the committed file holds it: indented JSON, UTF-8, trailing newline."""
    return json.dumps(rubric_json_schema(), ensure_ascii=False, indent=2) + "\n"
