"""Load a rubric file: YAML 1.2 (ruamel), validated by the pydantic models.

Minimal first version; see issue 4 for line-numbered errors.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML

from kamgrade.errors import RubricError, RubricProblem
from kamgrade.rubric.model import Rubric


@dataclass(frozen=True, slots=True)
class LoadedRubric:
    rubric: Rubric
    path: Path
    sha256: str


def default_rubric_path() -> Path:
    here = Path(__file__).resolve().parents[2] / "rubrics" / "kam_actividad.kamgrade.yaml"
    if here.exists():
        return here
    return Path(str(resources.files("kamgrade") / "_data" / "rubrics" / "kam_actividad.kamgrade.yaml"))


def load_rubric(path: Path | str) -> LoadedRubric:
    path = Path(path)
    raw = path.read_bytes()
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(raw.decode("utf-8"))
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as e:
        raise RubricError(
            [RubricProblem(str(path), None, None, f"{'.'.join(map(str, err['loc']))}: {err['msg']}") for err in e.errors()]
        ) from e
    return LoadedRubric(rubric=rubric, path=path, sha256=hashlib.sha256(raw).hexdigest())
