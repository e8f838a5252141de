"""Plain-text views of a rubric (`kamgrade rubric show`) and of one graded submission
(`kamgrade rubric try`), in Spanish. They return strings; the CLI prints them."""

from __future__ import annotations

from kamgrade.outcome import ElementOutcome, SectionOutcome, SubmissionOutcome
from kamgrade.rubric.model import COMBINATORS, Detector, Level, Rubric
from kamgrade.rubric.semantics import fmt_number

_WIDTH = 96


def detector_summary(detector: Detector) -> str:
    """A one-line description of a detector tree: `all(phrases, number_near[percent])`."""
    kind = detector.kind
    if kind in COMBINATORS:
        children = [detector.not_] if kind == "not" else list(getattr(detector, kind) or [])
        inner = ", ".join(detector_summary(c) for c in children if c is not None)
        text = f"{kind}({inner})"
        if kind == "near":
            text += f"~{detector.window}"
    elif kind in ("phrases", "lemmas"):
        values = list(getattr(detector, kind) or [])
        shown = ", ".join(values[:3]) + (", …" if len(values) > 3 else "")
        text = f"{kind}[{shown}]"
    elif kind == "number_near" and detector.number_near is not None:
        text = f"number_near[{detector.number_near.kind.value}]"
    elif kind == "figure" and detector.figure is not None:
        text = f"figure[{', '.join(k.value for k in detector.figure.kinds)}]"
    elif kind == "people" and detector.people is not None:
        text = f"people[≥{detector.people.at_least}]"
    elif kind == "shared_terms" and detector.shared_terms is not None:
        text = f"shared_terms[{', '.join(detector.shared_terms.sections)}]"
    else:
        text = kind
    if detector.min_matches > 1:
        text += f" ×{detector.min_matches}"
    if detector.allow_negated:
        text += " (+negadas)"
    return text


def _levels_line(levels: list[Level]) -> str:
    ordered = sorted(levels, key=lambda lv: -lv.min_score)
    return " · ".join(f"{lv.name} ≥ {fmt_number(lv.min_score)}" for lv in ordered)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_rubric(rubric: Rubric) -> str:
    """A readable table of a rubric: sections, weights, minimums, elements, points, levels."""
    unit = "palabras" if rubric.cuartilla.unit.value == "words" else "caracteres"
    out = [rubric.title, "=" * min(len(rubric.title), _WIDTH)]
    meta = f"id: {rubric.id} · versión: {rubric.version} · idioma: {rubric.language}"
    if rubric.author:
        meta += f" · autor: {rubric.author}"
    out.append(meta)
    out.append(
        f"1 cuartilla = {rubric.cuartilla.per_cuartilla} {unit} · extensión: "
        f"{rubric.scoring.length_policy.value}" + _policy_detail(rubric)
    )
    out.append("")
    header = f"{'Sección':<40} {'Peso':>6} {'Mínimo':>8} {'Elementos':>10} {'Puntos':>7}"
    out += [header, "-" * len(header)]
    for s in rubric.sections:
        points = sum(e.points for e in s.elements)
        out.append(
            f"{_clip(f'{s.id}  {s.title}', 40):<40} {fmt_number(s.weight):>6} "
            f"{fmt_number(s.min_cuartillas) + ' c.':>8} {len(s.elements):>10} "
            f"{fmt_number(points):>7}"
        )
    out.append("-" * len(header))
    total = sum(s.weight for s in rubric.sections)
    minimum = sum(s.min_cuartillas for s in rubric.sections)
    out.append(f"{'Total':<40} {fmt_number(total):>6} {fmt_number(minimum) + ' c.':>8}")
    for s in rubric.sections:
        out.append("")
        line = (
            f"{s.id} · {s.title} (peso {fmt_number(s.weight)}, "
            f"mínimo {fmt_number(s.min_cuartillas)} cuartillas)"
        )
        out.append(line)
        if s.aliases:
            out.append(f"  también se reconoce como: {', '.join('«' + a + '»' for a in s.aliases)}")
        if s.scoring is not None:
            out.append(f"  extensión: {s.scoring.length_policy.value} (propia de la sección)")
        for e in s.elements:
            out.append(f"  {e.id:<28} {fmt_number(e.points):>5} pt  {_clip(e.description, 52)}")
            out.append(f"  {'':<28} {'':>5}     ↳ {_clip(detector_summary(e.detector), 60)}")
        if s.levels:
            out.append(f"  niveles: {_levels_line(s.levels)}")
    if rubric.levels:
        out += ["", f"Niveles: {_levels_line(rubric.levels)}"]
        for lv in sorted(rubric.levels, key=lambda lv: -lv.min_score):
            out.append(f"  {lv.name}: {lv.descriptor}")
    if rubric.overall_feedback:
        out += ["", "Comentario general según el total:"]
        for fb in sorted(rubric.overall_feedback, key=lambda f: -f.min_total):
            out.append(f"  ≥ {fmt_number(fb.min_total)}: {_clip(fb.text, 80)}")
    return "\n".join(out) + "\n"


def _policy_detail(rubric: Rubric) -> str:
    sc = rubric.scoring
    if sc.length_policy.value == "proportional":
        return f" (nunca por debajo de ×{fmt_number(sc.length_floor)})"
    if sc.length_policy.value == "threshold":
        return f" (×{fmt_number(sc.short_factor)} si es corta)"
    return ""


def render_try(outcome: SubmissionOutcome) -> str:
    """What `rubric try` prints: per section the heading matched and why, per element whether it
    fired and on which sentence(s), or why not."""
    r = outcome.rubric
    out = [
        f"Entrega: {outcome.file}",
        f"Rúbrica: {r.id} versión {r.version} (sha256 {r.sha256[:12]})",
    ]
    if not outcome.graded:
        err = outcome.error
        out.append(
            f"No se pudo calificar: {err.message if err else 'error desconocido'}"
            + (f" [{err.code}]" if err else "")
        )
        return "\n".join(out) + "\n"
    if outcome.student.name or outcome.student.id:
        out.append(
            f"Estudiante: {outcome.student.name or '—'} ({outcome.student.id or 'sin matrícula'})"
        )
    total = "—" if outcome.total is None else f"{outcome.total:.1f}"
    out.append(f"Total: {total} / 100" + (f" · nivel {outcome.level}" if outcome.level else ""))
    for w in outcome.warnings:
        out.append(f"Aviso: {w}")
    for s in outcome.sections:
        out.append("")
        out += _section_lines(s)
    return "\n".join(out) + "\n"


def _section_lines(s: SectionOutcome) -> list[str]:
    head = f"[{s.id}] {s.title} · peso {fmt_number(s.weight)}"
    if not s.found:
        return [
            f"{head} · NO ENCONTRADA → 0",
            f"  Encabezado: ninguno. {s.heading_reason}",
            *(_element_lines(e) for e in s.elements),
        ]
    lines = [
        f"{head} · {s.score:.1f}/100 "
        f"(contenido {s.content_score:.1f} × extensión {s.length_factor:.2f})"
    ]
    lines.append(f"  Encabezado: «{s.heading}» (confianza {s.confidence:.2f}): {s.heading_reason}")
    pasted = (
        f"; {s.prompt_words} palabras copiadas de la consigna no cuentan" if s.prompt_words else ""
    )
    mark = "✓" if s.length_ok else "✗ corta"
    lines.append(
        f"  Extensión: {s.words} palabras, {s.characters} caracteres = "
        f"{s.cuartillas:.2f} cuartillas "
        f"(mínimo {fmt_number(s.min_cuartillas)}) {mark}{pasted}"
    )
    if s.figures or s.tables:
        lines.append(f"  Figuras: {s.figures} · tablas: {s.tables}")
    if s.level:
        lines.append(
            f"  Nivel: {s.level}" + (f" — {s.level_descriptor}" if s.level_descriptor else "")
        )
    lines += [_element_lines(e) for e in s.elements]
    lines += [f"  Nota: {n}" for n in s.notes]
    return lines


def _element_lines(e: ElementOutcome) -> str:
    mark = "✓ cumple" if e.met else "✗ falta "
    lines = [
        f"  {mark} {e.id} ({fmt_number(e.points)}/{fmt_number(e.max_points)} pt): {e.description}"
    ]
    for sentence in e.evidence:
        lines.append(f"      en: «{_clip(sentence, 140)}»")
    if e.explanation:
        lines.append(f"      {'por qué' if e.met else 'por qué no'}: {e.explanation}")
    return "\n".join(lines)
