"""Checks a rubric needs beyond field types: weights, ids, references, level bands.

They run on plain data (dicts and lists as YAML gives them, or `Rubric.model_dump(by_alias=True)`),
so the loader can report them with line numbers even when other fields are invalid, and the
`Rubric` model enforces the same rules when built from Python. Each problem is a `(loc, message)`
pair: `loc` is the path of the offending value, as in a pydantic error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kamgrade.textnorm import fold

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

COMBINATOR_LISTS = ("all", "any", "near")


def suggest(word: str, candidates: list[str], cutoff: float = 60) -> str | None:
    """The candidate closest to `word` (accent-folded, case-insensitive), or None."""
    from rapidfuzz import fuzz, process

    folded = {fold(c): c for c in candidates}
    if not folded:
        return None
    best = process.extractOne(fold(word), list(folded), scorer=fuzz.ratio, score_cutoff=cutoff)
    return folded[best[0]] if best else None


def fmt_number(value: float) -> str:
    """20.0 -> "20", 12.5 -> "12.5"."""
    return f"{value:g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _f(value: Any) -> float:
    """A value already checked with `_is_number`, as a float."""
    return float(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def semantic_problems(data: Any) -> list[Problem]:
    """Every cross-field problem of a rubric, in document order."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    sections = _list(data.get("sections"))
    section_ids = list(
        dict.fromkeys(
            s["id"] for s in sections if isinstance(s, dict) and isinstance(s.get("id"), str)
        )
    )

    problems += _weights(sections)
    problems += _levels(_list(data.get("levels")), ("levels",))
    problems += _overall(_list(data.get("overall_feedback")))

    seen_sections: dict[str, int] = {}
    seen_elements: dict[str, Loc] = {}
    seen_headings: dict[str, str] = {}
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        sid = section.get("id")
        if isinstance(sid, str):
            if sid in seen_sections:
                problems.append(
                    (
                        ("sections", i, "id"),
                        f"id de sección `{sid}` repetido: ya lo usa la sección "
                        f"{seen_sections[sid] + 1}; cada sección necesita un id distinto",
                    )
                )
            else:
                seen_sections[sid] = i
        for key in ("title", "aliases"):
            values = [section.get(key)] if key == "title" else _list(section.get(key))
            for k, text in enumerate(values):
                if not isinstance(text, str) or not text.strip():
                    continue
                where: Loc = ("sections", i, key) if key == "title" else ("sections", i, key, k)
                owner = seen_headings.get(fold(text).strip())
                if owner is not None and owner != sid:
                    problems.append(
                        (
                            where,
                            f"el encabezado «{text}» ya pertenece a la sección `{owner}`: "
                            "kamgrade no sabría a cuál asignarlo",
                        )
                    )
                elif isinstance(sid, str):
                    seen_headings[fold(text).strip()] = sid
        problems += _blank_text(section, ("sections", i), ("title",))
        problems += _levels(_list(section.get("levels")), ("sections", i, "levels"))
        for j, element in enumerate(_list(section.get("elements"))):
            if not isinstance(element, dict):
                continue
            loc: Loc = ("sections", i, "elements", j)
            eid = element.get("id")
            if isinstance(eid, str):
                if eid in seen_elements:
                    problems.append(
                        (
                            loc + ("id",),
                            f"id de elemento `{eid}` repetido: "
                            "cada elemento necesita un id distinto",
                        )
                    )
                else:
                    seen_elements[eid] = loc
                prefix = eid.split(".", 1)[0]
                if isinstance(sid, str) and "." in eid and prefix != sid:
                    problems.append(
                        (
                            loc + ("id",),
                            f"el elemento `{eid}` está en la sección `{sid}`: su id debe empezar "
                            f"por `{sid}.` (por ejemplo `{sid}.{eid.split('.', 1)[1]}`)",
                        )
                    )
            problems += _blank_text(
                element, loc, ("description", "feedback_missing", "feedback_met")
            )
            earlier = [
                e.get("id") for e in _list(section.get("elements"))[:j] if isinstance(e, dict)
            ]
            for k, required in enumerate(_list(element.get("requires"))):
                if isinstance(required, str) and required not in earlier:
                    close = suggest(required, [e for e in earlier if isinstance(e, str)])
                    hint = f". ¿Quisiste decir `{close}`?" if close else ""
                    problems.append(
                        (
                            loc + ("requires", k),
                            f"`requires` nombra `{required}`, que no es un elemento anterior de "
                            f"esta sección; un requisito debe escribirse antes del elemento que "
                            f"lo usa{hint}",
                        )
                    )
            detector = element.get("detector")
            if isinstance(detector, dict):
                for dloc, node in _detector_nodes(detector, loc + ("detector",)):
                    problems += _shared_terms(node, dloc, sid, section_ids)
    return problems


def _weights(sections: list[Any]) -> list[Problem]:
    weights = [
        (s.get("id", f"#{n + 1}"), s.get("weight"))
        for n, s in enumerate(sections)
        if isinstance(s, dict)
    ]
    if not weights or not all(_is_number(w) for _, w in weights):
        return []
    total = sum(_f(w) for _, w in weights)
    if abs(total - 100) <= 1e-6:
        return []
    parts = " + ".join(f"{sid} {fmt_number(_f(w))}" for sid, w in weights)
    return [
        (
            ("sections",),
            f"los pesos de las secciones suman {fmt_number(round(total, 6))} y deben sumar 100 "
            f"({parts}); ajusta `weight`",
        )
    ]


def _levels(levels: list[Any], loc: Loc) -> list[Problem]:
    problems: list[Problem] = []
    names: dict[str, int] = {}
    scores: dict[float, int] = {}
    for k, level in enumerate(levels):
        if not isinstance(level, dict):
            continue
        name, score = level.get("name"), level.get("min_score")
        if isinstance(name, str):
            if fold(name).strip() in names:
                problems.append((loc + (k, "name"), f"el nivel «{name}» está repetido"))
            names[fold(name).strip()] = k
        if _is_number(score):
            if _f(score) in scores:
                problems.append(
                    (
                        loc + (k, "min_score"),
                        f"dos niveles empiezan en {fmt_number(_f(score))}: "
                        "cada nivel necesita un `min_score` distinto",
                    )
                )
            scores[_f(score)] = k
        problems += _blank_text(level, loc + (k,), ("name", "descriptor"))
    numeric = [x.get("min_score") for x in levels if isinstance(x, dict)]
    if numeric and all(_is_number(v) for v in numeric) and len(numeric) == len(levels):
        if 0.0 not in scores:
            problems.append(
                (
                    loc,
                    "ningún nivel tiene `min_score: 0` "
                    f"(el más bajo empieza en {fmt_number(min(scores))}): "
                    "una calificación menor quedaría sin nivel; agrega un nivel con `min_score: 0`",
                )
            )
    return problems


def _overall(items: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[float] = set()
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        value = item.get("min_total")
        if _is_number(value):
            if _f(value) in seen:
                problems.append(
                    (
                        ("overall_feedback", k, "min_total"),
                        f"dos comentarios generales empiezan en "
                        f"{fmt_number(_f(value))}: cada uno necesita un `min_total` distinto",
                    )
                )
            seen.add(_f(value))
        problems += _blank_text(item, ("overall_feedback", k), ("text",))
    return problems


def _blank_text(node: dict[str, Any], loc: Loc, keys: tuple[str, ...]) -> list[Problem]:
    # Empty strings are caught by the models (min_length); only-blank ones are caught here.
    return [
        (loc + (key,), f"`{key}` está en blanco: escribe el texto")
        for key in keys
        if isinstance(node.get(key), str) and node[key] and not node[key].strip()
    ]


def _detector_nodes(node: dict[str, Any], loc: Loc) -> Iterator[tuple[Loc, dict[str, Any]]]:
    yield loc, node
    for key in COMBINATOR_LISTS:
        for k, child in enumerate(_list(node.get(key))):
            if isinstance(child, dict):
                yield from _detector_nodes(child, loc + (key, k))
    child = node.get("not")
    if isinstance(child, dict):
        yield from _detector_nodes(child, loc + ("not",))


def _shared_terms(
    node: dict[str, Any], loc: Loc, own: Any, section_ids: list[str]
) -> list[Problem]:
    spec = _dict(node.get("shared_terms"))
    problems: list[Problem] = []
    for k, name in enumerate(_list(spec.get("sections"))):
        if not isinstance(name, str):
            continue
        where = loc + ("shared_terms", "sections", k)
        if name == own:
            problems.append(
                (
                    where,
                    f"`shared_terms` compara con otras secciones: quita `{name}`, que es la propia",
                )
            )
        elif name not in section_ids:
            hint = suggest(name, section_ids)
            problems.append(
                (
                    where,
                    f"`shared_terms` nombra la sección `{name}`, que no existe (secciones: "
                    f"{', '.join(section_ids)})" + (f". ¿Quisiste decir `{hint}`?" if hint else ""),
                )
            )
    return problems
