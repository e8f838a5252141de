"""Load a rubric file: YAML 1.2 (ruamel, round-trip), validated by the pydantic models.

Every problem is reported at once, each located as `file:line:col` and worded in Spanish:
the pydantic error `loc` is walked through ruamel's `.lc` positions (`ecosystem.md`, "Rubric
YAML"), and the cross-field checks of `kamgrade.rubric.semantics` run on the raw data even when
some fields are invalid. YAML 1.2 keeps `no` and `sí` as text. A file whose exact bytes loaded
before comes from `kamgrade.rubric.cache` instead, without parsing.

    >>> loaded = load_rubric("rubrics/premios_plan.kamgrade.yaml")  # doctest: +SKIP
    >>> loaded.rubric.sections[0].weight, loaded.sha256[:12]         # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import typing
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from kamgrade.errors import RubricError, RubricProblem
from kamgrade.outcome import RubricRef
from kamgrade.rubric import cache
from kamgrade.rubric.model import SCHEMA_VERSION, Rubric
from kamgrade.rubric.semantics import Loc, fmt_number, semantic_problems, suggest
from kamgrade.textnorm import fold


@dataclass(frozen=True, slots=True)
class LoadedRubric:
    rubric: Rubric
    path: Path
    sha256: str


def default_rubric_path() -> Path:
    here = Path(__file__).resolve().parents[2] / "rubrics" / "kam_actividad.kamgrade.yaml"
    if here.exists():
        return here
    return Path(
        str(resources.files("kamgrade") / "_data" / "rubrics" / "kam_actividad.kamgrade.yaml")
    )


def load_rubric(path: Path | str) -> LoadedRubric:
    """Load and validate a rubric file; raise `RubricError` listing every problem with its place."""
    path = Path(path)
    raw, problems = _read(path)
    rubric = None
    if raw is not None:
        rubric = cache.recall(raw)  # the same bytes, validated before (kamgrade.rubric.cache)
        if rubric is None:
            rubric, problems = _validate_text(raw.decode("utf-8-sig"), str(path))
            if rubric is not None:
                cache.remember(raw, rubric)
    if rubric is None or raw is None:
        raise RubricError(problems)
    return LoadedRubric(rubric=rubric, path=path, sha256=hashlib.sha256(raw).hexdigest())


def validate_rubric_file(path: Path | str) -> list[RubricProblem]:
    """Every problem of a rubric file, sorted by line (an empty list when it is valid)."""
    path = Path(path)
    raw, problems = _read(path)
    if raw is None:
        return problems
    return _validate_text(raw.decode("utf-8-sig"), str(path))[1]


def load_rubric_text(text: str, name: str = "<rúbrica>") -> Rubric:
    """Validate rubric YAML given as text (`name` is used in messages); raise `RubricError`."""
    rubric, problems = _validate_text(text, name)
    if rubric is None:
        raise RubricError(problems)
    return rubric


def rubric_ref(loaded: LoadedRubric) -> RubricRef:
    """What a result records about the rubric that produced it: id, version, content hash, path."""
    return RubricRef(
        id=loaded.rubric.id,
        version=loaded.rubric.version,
        sha256=loaded.sha256,
        path=str(loaded.path),
    )


# --- reading and parsing -------------------------------------------------------------------


def _read(path: Path) -> tuple[bytes | None, list[RubricProblem]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [RubricProblem(str(path), None, None, "no existe el archivo; revisa la ruta")]
    except IsADirectoryError:
        return None, [
            RubricProblem(str(path), None, None, "es una carpeta, no un archivo de rúbrica")
        ]
    except OSError as e:
        return None, [
            RubricProblem(str(path), None, None, f"no se pudo leer el archivo: {e.strerror}")
        ]
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        return None, [
            RubricProblem(
                str(path),
                line,
                None,
                "el archivo no está en UTF-8; guárdalo como «UTF-8» en tu editor",
            )
        ]
    return raw, []


_YAML_HINTS = [
    ("found character '\\t'", "hay un tabulador: YAML solo admite espacios para sangrar"),
    (
        "mapping values are not allowed",
        "aquí no puede ir «: »; si el texto lo contiene, ponlo entre comillas",
    ),
    (
        "could not find expected ':'",
        "falta «:» después de una clave, o hay un texto de varias líneas sin comillas",
    ),
    (
        "expected <block end>",
        "sangría inconsistente: las claves del mismo nivel deben empezar en la misma columna",
    ),
    ("expected ',' or ']'", "falta cerrar la lista «[ … ]» o separar sus valores con comas"),
    ("expected ',' or '}'", "falta cerrar el mapeo «{ … }» o separar sus claves con comas"),
    ("found unexpected end of stream", "hay unas comillas sin cerrar"),
    (
        "found unknown escape character",
        "secuencia de escape no válida entre comillas dobles; usa comillas simples",
    ),
    ("found undefined alias", "alias «*nombre» sin ancla «&nombre» definida antes"),
    (
        "block sequence entries are not allowed",
        "aquí no puede empezar una lista «- »; revisa la sangría",
    ),
]


def _parse(text: str, name: str) -> tuple[Any, list[RubricProblem]]:
    from ruamel.yaml import YAML  # imported here: a rubric from the cache needs no parser
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")  # YAML 1.2: `no`, `sí`, `on` stay strings
    try:
        return yaml.load(text), []
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        problem = str(e.problem or "")
        dup = re.search(r'found duplicate key "(.*?)"', problem)
        if dup:
            first = e.context_mark.line + 1 if e.context_mark is not None else None
            message = f"la clave `{dup.group(1)}` está repetida en el mismo mapeo" + (
                f" (el mapeo empieza en la línea {first})" if first else ""
            )
        else:
            hint = next((h for key, h in _YAML_HINTS if key in problem), None)
            detail = problem + (f" ({e.context})" if e.context else "")
            message = f"YAML no válido: {hint or detail}"
        return None, [RubricProblem(name, line, col, message)]
    except YAMLError as e:
        return None, [RubricProblem(name, None, None, f"YAML no válido: {e}")]


def _plain(node: Any) -> Any:
    """ruamel's round-trip nodes as plain Python values (same shape, no positions)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _validate_text(text: str, name: str) -> tuple[Rubric | None, list[RubricProblem]]:
    raw, problems = _parse(text, name)
    if problems:
        return None, problems
    if raw is None:
        return None, [
            RubricProblem(
                name, 1, 1, "el archivo está vacío: una rúbrica empieza con `schema_version: 1`"
            )
        ]
    if not isinstance(raw, dict):
        return None, [
            RubricProblem(
                name,
                1,
                1,
                "una rúbrica es un mapeo de claves (`schema_version: 1`, `id: …`, "
                "`sections: …`), no una lista ni un texto suelto",
            )
        ]
    data = _plain(raw)
    rubric: Rubric | None = None
    located: list[tuple[int, int, RubricProblem]] = []
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as e:
        errors = [
            err for err in e.errors(include_url=False) if err["loc"] or err["type"] != "value_error"
        ]
        # (the rubric-wide value_error repeats the semantic checks reported below with places)
        misspelt = _misspelt_keys(errors)
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] == "missing" and loc in misspelt:
                continue  # "clave desconocida `wieght`. ¿Quisiste decir `weight`?" says it all
            line, col = _position(raw, loc, at_key=err["type"] == "extra_forbidden")
            located.append((line, col, RubricProblem(name, line, col, _message(err, data))))
    for loc, message in semantic_problems(data):
        line, col = _position(raw, loc, at_key=False)
        located.append((line, col, RubricProblem(name, line, col, message)))
    located.sort(key=lambda t: (t[0], t[1]))
    problems = [p for _, _, p in located]
    return (rubric if not problems else None), problems


def _misspelt_keys(errors: list[Any]) -> set[Loc]:
    """Locs of required keys that are missing because the author misspelt them."""
    found: set[Loc] = set()
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        loc = tuple(err["loc"])
        parent = _model_at(loc[:-1])
        hint = _closest(str(loc[-1]), _keys(parent)) if parent is not None else None
        if hint is not None:
            found.add(loc[:-1] + (hint,))
    return found


# --- locating ------------------------------------------------------------------------------


def _position(raw: Any, loc: Loc, *, at_key: bool) -> tuple[int, int]:
    """1-based (line, column) of the value at `loc` (or of its key, for unknown keys)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    line, col = 0, 0
    node = raw
    for n, seg in enumerate(loc):
        if isinstance(node, CommentedMap) and isinstance(seg, str) and seg in node:
            key_pos, value_pos = node.lc.key(seg), node.lc.value(seg)
            # An unknown key points at the key; a block collection (which starts on the next
            # line) at its key; anything else at the value.
            use_key = (at_key and n == len(loc) - 1) or (
                isinstance(node[seg], CommentedMap | CommentedSeq) and value_pos[0] != key_pos[0]
            )
            line, col = key_pos if use_key else value_pos
            node = node[seg]
        elif isinstance(node, CommentedSeq) and isinstance(seg, int) and 0 <= seg < len(node):
            line, col = node.lc.item(seg)
            node = node[seg]
        else:
            break
    return line + 1, col + 1


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at `loc` (indices skipped)."""
    model: type[BaseModel] | None = Rubric
    for seg in loc:
        if isinstance(seg, int) or model is None:
            continue
        field = next((f for n, f in model.model_fields.items() if seg in (n, f.alias)), None)
        model = _find_model(field.annotation) if field is not None else None
    return model


def _find_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _find_model(arg)
        if found is not None:
            return found
    return None


def _keys(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


# --- Spanish messages ----------------------------------------------------------------------

# Spanish words an author may write for a key or a value; used before fuzzy matching.
_SPANISH = {
    "frases": "phrases",
    "frase": "phrases",
    "lemas": "lemmas",
    "lema": "lemmas",
    "expresion": "regex",
    "expresion_regular": "regex",
    "numero_cerca": "number_near",
    "personas": "people",
    "figura": "figure",
    "terminos_compartidos": "shared_terms",
    "todos": "all",
    "todas": "all",
    "alguno": "any",
    "alguna": "any",
    "cualquiera": "any",
    "cerca": "near",
    "ventana": "window",
    "minimo_coincidencias": "min_matches",
    "titulo": "title",
    "peso": "weight",
    "secciones": "sections",
    "seccion": "sections",
    "elementos": "elements",
    "puntos": "points",
    "descripcion": "description",
    "retroalimentacion": "feedback_missing",
    "niveles": "levels",
    "nivel": "levels",
    "minimo": "min_cuartillas",
    "cuartillas": "min_cuartillas",
    "alias": "aliases",
    "autor": "author",
    "idioma": "language",
    "version": "version",
    "consigna": "prompt",
    "negaciones": "negations",
    "palabras": "words",
    "contexto": "context",
    "tipos": "kinds",
    "caracteres": "characters",
    "proporcional": "proportional",
    "umbral": "threshold",
    "ninguna": "none",
    "ninguno": "none",
    "imagen": "image",
    "diagrama": "diagram",
    "grafica": "chart",
    "grafico": "chart",
    "forma": "shape",
    "tabla": "table",
    "lista": "list",
    "porcentaje": "percent",
    "anos": "years",
    "cantidad": "count",
    "cualquier": "any",
    "nombre": "name",
    "texto": "text",
    "descriptor": "descriptor",
}


def _closest(word: str, candidates: list[str]) -> str | None:
    spanish = _SPANISH.get(fold(word).strip().replace(" ", "_"))
    if spanish in candidates:
        return spanish
    return suggest(word, candidates)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "un mapeo"
    if isinstance(value, list):
        return "una lista"
    if value is None:
        return "un valor vacío"
    if isinstance(value, dt.date):
        return f"la fecha `{value.isoformat()}`"
    return f"`{value}`"


_PATTERNS = {
    "element": (
        "debe tener la forma `<id de sección>.<nombre>` con letras, números y `_`, "
        "por ejemplo `s1.participantes`"
    ),
    "section": (
        "solo admite letras, números y `_`, sin espacios (por ejemplo `s1` o `participantes`)"
    ),
    "rubric": (
        "solo admite letras, números, `_`, `.` y `-`, sin espacios (por ejemplo `premios_plan`)"
    ),
}


def _message(err: Any, data: Any) -> str:
    kind: str = err["type"]
    loc: Loc = tuple(err["loc"])
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    field = next((s for s in reversed(loc) if isinstance(s, str)), "")
    q = f"`{field}`"

    if kind == "missing":
        parent = _model_at(loc[:-1])
        info = parent.model_fields.get(field) if parent is not None else None
        if field == "schema_version":
            return f"falta `schema_version: {SCHEMA_VERSION}` (la versión del formato de rúbrica)"
        if field == "elements":
            return (
                "la sección no tiene `elements`: una sección vacía no se puede calificar; "
                "agrega al menos un elemento"
            )
        if field == "feedback_missing":
            return (
                "falta `feedback_missing`: el texto que leerá el estudiante "
                "cuando falte este elemento"
            )
        extra = f" ({info.description})" if info is not None and info.description else ""
        return f"falta la clave obligatoria {q}{extra}"
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        keys = _keys(parent) if parent is not None else []
        hint = _closest(field, keys)
        text = f"clave desconocida {q}"
        if hint:
            text += f". ¿Quisiste decir `{hint}`?"
        if keys:
            text += f" (claves válidas aquí: {', '.join(keys)})"
        return text
    if kind == "too_short":
        if field == "elements":
            return "la sección está vacía: `elements` necesita al menos un elemento"
        return f"{q} no puede ser una lista vacía: necesita al menos {ctx.get('min_length', 1)}"
    if kind == "string_too_short":
        if field == "feedback_missing":
            return (
                "`feedback_missing` está vacío: escribe qué debe agregar el estudiante cuando falte"
            )
        return f"{q} está vacío: escribe el texto"
    if kind == "string_type":
        text = f"{q} debe ser un texto, no {_show(value)}"
        if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
            shown = value.isoformat() if isinstance(value, dt.date) else value
            text += f'; escríbelo entre comillas: `{field}: "{shown}"`'
        return text
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{q} debe ser un número entero, no {_show(value)}"
    if kind in ("float_parsing", "float_type"):
        return f"{q} debe ser un número (por ejemplo `20`), no {_show(value)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{q} debe ser `true` o `false`, no {_show(value)}"
    if kind in ("list_type", "tuple_type"):
        return (
            f"{q} debe ser una lista (una línea `- valor` por elemento, o `[a, b]`), "
            f"no {_show(value)}"
        )
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{q} debe ser un mapeo de claves (`clave: valor`), no {_show(value)}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()))
        words = {
            "greater_than": "mayor que",
            "greater_than_equal": "al menos",
            "less_than": "menor que",
            "less_than_equal": "como máximo",
        }[kind]
        return f"{q} debe ser {words} {fmt_number(float(bound))}, no {_show(value)}"
    if kind == "string_pattern_mismatch":
        which = "rubric" if len(loc) == 1 else ("element" if "elements" in loc else "section")
        return f"el id {_show(value)} no es válido: {_PATTERNS[which]}"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "`")
        hint = _closest(str(value), re.findall(r"`([^`]+)`", expected))
        return f"{q} no admite {_show(value)}: usa {expected.replace(' or ', ' o ')}" + (
            f". ¿Quisiste decir `{hint}`?" if hint else ""
        )
    if kind == "literal_error" and field == "schema_version":
        if isinstance(value, int) and not isinstance(value, bool) and value > SCHEMA_VERSION:
            return (
                f"esta rúbrica usa `schema_version: {value}`, más nueva que la que entiende "
                "esta versión de "
                f"kamgrade ({SCHEMA_VERSION}); actualiza kamgrade (`pip install -U kamgrade`)"
            )
        return (
            f"`schema_version` debe ser {SCHEMA_VERSION}, no {_show(value)}; "
            "consulta docs/rubric-authoring.md "
            "para pasar la rúbrica al formato actual"
        )
    if kind == "value_error":
        text = str(ctx.get("error", err.get("msg", "")))
        return text[:1].lower() + text[1:]
    return f"{q}: {err.get('msg', kind)}"
