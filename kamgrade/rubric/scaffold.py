"""A commented starting rubric (`kamgrade rubric new`) that validates as written.

>>> text = scaffold_rubric("Plan de premios", "premios", [SectionDraft("Participantes", 40, 0.5),
...                                                       SectionDraft("Presupuesto", None, 1)])
>>> "weight: 60" in text
True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from kamgrade.rubric.semantics import fmt_number
from kamgrade.textnorm import fold

_STOP = {
    "del",
    "las",
    "los",
    "una",
    "uno",
    "unos",
    "unas",
    "para",
    "por",
    "con",
    "que",
    "sus",
    "este",
    "esta",
}


@dataclass(frozen=True, slots=True)
class SectionDraft:
    title: str
    weight: float | None = None  # None: share what the others leave of 100
    min_cuartillas: float = 0


def parse_section_flag(value: str) -> SectionDraft:
    """`"Título:peso:mínimo"` (peso and mínimo optional) -> SectionDraft; ValueError in Spanish."""
    parts = value.split(":")
    numbers: list[str] = []
    while (
        len(parts) > 1 and len(numbers) < 2 and re.fullmatch(r"\s*(\d+([.,]\d+)?)?\s*", parts[-1])
    ):
        numbers.insert(0, parts.pop().strip().replace(",", "."))
    title = ":".join(parts).strip()
    if not title:
        raise ValueError(f"«{value}»: falta el título de la sección (formato «Título:peso:mínimo»)")
    weight = float(numbers[0]) if numbers and numbers[0] else None
    minimum = float(numbers[1]) if len(numbers) > 1 and numbers[1] else 0.0
    if weight is not None and not 0 < weight <= 100:
        raise ValueError(f"«{value}»: el peso debe estar entre 0 y 100")
    return SectionDraft(title, weight, minimum)


def slug(text: str) -> str:
    """ "Plan de premios (Tema 27)" -> "plan_de_premios_tema_27"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_") or "rubrica"


def distribute_weights(drafts: list[SectionDraft]) -> list[float]:
    """Given weights kept; the rest of 100 shared in whole numbers among sections without one."""
    given = sum(d.weight for d in drafts if d.weight is not None)
    free = [i for i, d in enumerate(drafts) if d.weight is None]
    if not free:
        if abs(given - 100) > 1e-6:
            raise ValueError(f"los pesos suman {fmt_number(given)} y deben sumar 100")
        return [float(d.weight or 0) for d in drafts]
    rest = 100 - given
    if rest < len(free):
        raise ValueError(
            f"los pesos indicados suman {fmt_number(given)}: "
            f"no queda peso para las {len(free)} secciones sin peso"
        )
    share, extra = divmod(int(rest), len(free))
    leftover = rest - int(rest)
    weights = [float(d.weight) if d.weight is not None else 0.0 for d in drafts]
    for n, i in enumerate(free):
        weights[i] = share + (1 if n < extra else 0) + (leftover if n == 0 else 0)
    return weights


def _q(text: str) -> str:
    return json.dumps(
        text, ensure_ascii=False
    )  # a JSON string is a valid YAML double-quoted scalar


def _keywords(title: str) -> list[str]:
    words = [w for w in re.findall(r"[a-z0-9]+", fold(title)) if len(w) > 3 and w not in _STOP]
    return words[:3] or [fold(title).strip()]


def scaffold_rubric(
    title: str,
    rubric_id: str,
    sections: list[SectionDraft],
    *,
    author: str | None = None,
    schema_path: str = "kamgrade-rubric.schema.json",
) -> str:
    """YAML text of a new rubric with one placeholder element per section, commented."""
    if not sections:
        raise ValueError("hace falta al menos una sección")
    weights = distribute_weights(sections)
    lines = [
        f"# yaml-language-server: $schema={schema_path}",
        "# Rúbrica de kamgrade. Escribe el esquema junto a este archivo con",
        "#   kamgrade rubric schema > kamgrade-rubric.schema.json",
        "# y tu editor (VS Code con la extensión YAML) completará y revisará las claves.",
        "# Compruébala con `kamgrade rubric validate` y pruébala con `kamgrade rubric try`.",
        "# Referencia completa: docs/rubric-authoring.md",
        "schema_version: 1",
        f"id: {rubric_id}                 # identificador estable; va en cada resultado",
        f"title: {_q(title)}",
        'version: "1.0"              # súbela cuando cambies la rúbrica (siempre entre comillas)',
        "language: es",
    ]
    if author:
        lines.append(f"author: {_q(author)}")
    lines += [
        "cuartilla:",
        "  unit: words               # words (palabras) o characters (caracteres con espacios)",
        "  per_cuartilla: 250",
        "scoring:",
        "  length_policy: proportional   # proportional, threshold o none",
        "  length_floor: 0.0",
        "# prompt: |                 # la consigna: lo que el estudiante copie de ella no cuenta",
        "#   …",
        "levels:                     # niveles de desempeño (como en Canvas o Moodle)",
        '  - {name: Excelente, min_score: 90, descriptor: "Cubre todo con detalle."}',
        '  - {name: Satisfactorio, min_score: 70, descriptor: "Cubre lo esencial."}',
        '  - {name: En desarrollo, min_score: 50, descriptor: "Faltan elementos importantes."}',
        '  - {name: Insuficiente, min_score: 0, descriptor: "No cubre lo que pide la actividad."}',
        "overall_feedback:",
        '  - {min_total: 85, text: "Muy buen trabajo."}',
        '  - {min_total: 0, text: "Revisa los elementos marcados como faltantes."}',
        "sections:                   # los pesos suman 100",
    ]
    for n, (draft, weight) in enumerate(zip(sections, weights, strict=True), start=1):
        sid = f"s{n}"
        phrases = ", ".join(_q(w) for w in _keywords(draft.title))
        lines += [
            f"  - id: {sid}",
            f"    title: {_q(draft.title)}",
            "    aliases: []             # otras formas en que los estudiantes titulan la sección",
            f"    weight: {fmt_number(weight)}",
            f"    min_cuartillas: {fmt_number(draft.min_cuartillas)}",
            "    elements:               # lo que la sección debe contener; reemplaza este ejemplo",
            f"      - id: {sid}.contenido",
            f"        description: {_q('Desarrolla «' + draft.title + '»')}",
            "        points: 1",
            f"        feedback_missing: {_q('Desarrolla el apartado «' + draft.title + '».')}",
            "        detector:",
            f"          phrases: [{phrases}]   # sin acentos; '*' al final admite terminaciones",
        ]
    return "\n".join(lines) + "\n"
