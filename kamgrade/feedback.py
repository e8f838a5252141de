"""Per-student feedback in Spanish: Markdown, HTML and Word (.docx) from editable templates.

The three formats come from jinja2 templates in `feedback_templates/` (instructors edit them
without touching code; `feedback_templates/README.md` lists every variable):

- ``feedback.md.j2`` and ``feedback.html.j2`` are the documents themselves;
- ``feedback.docx.j2`` renders a small line markup (``# `` headings, ``- `` bullets, ``> ``
  quotes, ``| a | b |`` tables, ``**bold**``) that `markup_to_docx` turns into a Word document
  with python-docx (docxtpl is avoided: LGPL, no escaping by default);
- ``error.{md,html,docx}.j2`` are the short notice for a submission that could not be graded.

Student text is never trusted as markup: HTML is autoescaped, and in the Markdown and line
markup templates every ``{{ value }}`` is escaped by the environment's ``finalize`` hook, so an
evidence quote starting with ``# `` stays text and never becomes a heading.

Example::

    files = render_feedback(outcome, rubric)
    stem = feedback_basename(outcome)
    for ext, data in files.items():
        (out / f"{stem}.{ext}").write_bytes(data)
"""

from __future__ import annotations

import functools
import math
import re
import traceback
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Final

import jinja2
from markupsafe import Markup

from kamgrade import __version__
from kamgrade.errors import ExitCode, KamgradeError
from kamgrade.outcome import (
    DocumentStats,
    ElementOutcome,
    RubricRef,
    SectionOutcome,
    Student,
    SubmissionError,
    SubmissionOutcome,
)
from kamgrade.rubric.model import LengthUnit, Rubric
from kamgrade.wordfile import markup_to_docx

__all__ = [
    "FORMATS",
    "TemplateProblem",
    "check_templates",
    "default_templates_dir",
    "escape_markup",
    "feedback_basename",
    "format_number",
    "markup_to_docx",
    "render_feedback",
    "trim_quote",
    "warm_up",
]

FORMATS: Final = ("md", "html", "docx")
QUOTE_LIMIT: Final = 160


class TemplateProblem(KamgradeError):
    """A feedback template that cannot be loaded or rendered; the text names file and line."""

    # A broken template is a configuration problem, like a bad rubric (exit 3).
    exit_code = ExitCode.BAD_RUBRIC

    DEFAULT_HINT: ClassVar[str] = (
        "Corrige la plantilla (las variables disponibles están en feedback_templates/README.md) "
        "o bórrala de tu carpeta de plantillas para usar la predeterminada."
    )

    def __init__(
        self, template: str, line: int | None, detail: str, hint: str | None = None
    ) -> None:
        self.template = template
        self.line = line
        self.detail = detail
        self.hint = self.DEFAULT_HINT if hint is None else hint
        super().__init__(self.render())

    def render(self) -> str:
        """``path:line: error en la plantilla de retroalimentación: <what>. <fix>``."""
        where = self.template if self.line is None else f"{self.template}, línea {self.line}"
        return f"{where}: error en la plantilla de retroalimentación: {self.detail}. {self.hint}"


# --------------------------------------------------------------------------- locations


def default_templates_dir() -> Path:
    """The default feedback templates.

    In a source checkout (or an editable install) this is the top-level `feedback_templates/`,
    the one copy instructors edit; an installed wheel carries the same folder as
    `kamgrade/_data/feedback_templates` (hatchling `force-include`, see pyproject.toml).
    """
    checkout = Path(__file__).resolve().parent.parent / "feedback_templates"
    if (checkout / "feedback.md.j2").is_file():
        return checkout
    return Path(str(resources.files("kamgrade") / "_data" / "feedback_templates"))


_WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {
    "CON", "PRN", "AUX", "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}  # fmt: skip


def feedback_basename(outcome: SubmissionOutcome) -> str:
    """A file stem for the feedback files, safe on Windows, macOS and Linux.

    Keeps accents and spaces (NFC), drops the folder part and the extension, removes characters
    Windows forbids, and avoids reserved device names::

        "entregas/Ana López: act 3?.docx"  ->  "Ana López act 3"
    """
    name = re.split(r"[/\\]", outcome.file)[-1]
    name = unicodedata.normalize("NFC", name)
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 1 <= len(ext) <= 5 and ext.isalnum():
        name = stem
    name = _WINDOWS_ILLEGAL.sub("", name)
    name = re.sub(r"\s+", " ", name).strip().rstrip(". ")
    name = name[:120].rstrip(". ")
    if not name:
        return "retroalimentacion"
    if name.split(".")[0].upper() in _WINDOWS_RESERVED:
        name = f"{name}_"
    return name


# --------------------------------------------------------------------------- filters


def format_number(value: float | int | None, decimals: int = 1) -> str:
    """Mexican Spanish number: comma for thousands, point for decimals, no trailing zeros.

    ``1700 -> "1,700"``, ``82.456 -> "82.5"``, ``3.0 -> "3"``, ``None -> "—"``.
    """
    if value is None:
        return "—"
    if isinstance(value, float) and not math.isfinite(value):
        return "—"
    rounded = round(float(value), decimals)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{decimals}f}".rstrip("0").rstrip(".")


def _quantity(value: float | int, singular: str, plural: str, decimals: int = 1) -> str:
    """``1 palabra``, ``1,700 palabras``, ``2.5 cuartillas``."""
    text = format_number(value, decimals)
    return f"{text} {singular if text == '1' else plural}"


def trim_quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word boundary and ended with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


# Characters that are markup anywhere in a line (CommonMark inline syntax, table cells).
_MARKUP_SPECIAL = re.compile(r"([\\`*\[\]<|])")
# `_` is emphasis only at a word edge (CommonMark flanking rules); "pedro_lopez" stays as is.
_UNDERSCORE_EDGE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Markup only at the start of a line: headings, quotes, bullets, ordered lists, rules.
_LEADING = re.compile(r"^([#>+=-])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Any character one of the substitutions in `escape_markup` acts on (controls, line breaks as
# `str.splitlines` sees them, markup) or a leading markup character.
_PLAIN = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029\\`*\[\]<|_&]|^[#>+=-]")


def escape_markup(value: object) -> str:
    """Neutralise markup in a value interpolated into the Markdown or .docx line markup.

    Line breaks become spaces (a value never starts a new line); ``\\ * ` [ ] < |``, ``_`` at a
    word edge and ``&`` before an entity are backslash-escaped (CommonMark escapes, which
    `markup_to_docx` also reads); a leading ``#``, ``>``, ``-`` or ``+`` cannot start a heading,
    quote or list; XML-illegal control characters are removed. Plain prose such as
    "Grupo Norte compra 3.5 millones" comes out unchanged.
    """
    text = str(value)
    if _PLAIN.search(text) is None:  # most values: nothing below would change them
        return text
    text = _CONTROL.sub("", text)
    text = " ".join(text.splitlines())
    text = _MARKUP_SPECIAL.sub(r"\\\1", text)
    text = _UNDERSCORE_EDGE.sub(r"\\_", text)
    text = _ENTITY.sub(r"\\&", text)
    return _LEADING.sub(r"\\\1", text)


def _finalize_markup(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):  # output of `|raw`: the template author vouches for it
        return str(value)
    return escape_markup(value)


def _finalize_html(value: object) -> object:
    return "" if value is None else value


def _raw(value: object) -> Markup:
    """Mark a value as already-formatted markup (only for text the instructor wrote)."""
    return Markup(str(value))


# --------------------------------------------------------------------------- template views


@dataclass(frozen=True, slots=True)
class UnitView:
    """How long a cuartilla is: ``sentence`` is "1 cuartilla = 250 palabras"."""

    kind: str  # "words" | "characters"
    per_cuartilla: int
    label: str  # "palabras" | "caracteres con espacios"
    sentence: str


@dataclass(frozen=True, slots=True)
class ElementView:
    id: str
    description: str
    met: bool
    points: float
    max_points: float
    quote: str | None  # first evidence sentence, trimmed to ~160 characters
    evidence: tuple[str, ...]  # every evidence sentence, trimmed
    feedback: str  # what to add (missing) or what was found (met)


@dataclass(frozen=True, slots=True)
class SectionView:
    id: str
    title: str
    aliases: tuple[str, ...]
    found: bool
    heading: str | None
    heading_reason: str
    score: float
    content_score: float
    weight: float
    points: float  # contribution to the total: score x weight / 100
    words: int
    characters: int
    cuartillas: float
    min_cuartillas: float
    min_amount: int  # the minimum in the rubric's unit (words or characters)
    measured: int  # words or characters, whichever the unit counts
    shortfall: int  # how many more words/characters reach the minimum (0 if met)
    prompt_words: int
    prompt_characters: int
    length_ok: bool
    length_factor: float
    length_penalised: bool  # the length policy cost points (found, content > score)
    length_points_lost: float  # content_score - score
    level: str | None
    level_descriptor: str | None
    figures: int
    tables: int
    elements: tuple[ElementView, ...]
    met: tuple[ElementView, ...]
    missing: tuple[ElementView, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ErrorView:
    code: str
    message: str


def _unit_view(rubric: Rubric) -> UnitView:
    per = rubric.cuartilla.per_cuartilla
    if rubric.cuartilla.unit == LengthUnit.CHARACTERS:
        label, kind = "caracteres con espacios", "characters"
    else:
        label, kind = "palabras", "words"
    return UnitView(kind, per, label, f"1 cuartilla = {format_number(per)} {label}")


def _element_view(element: ElementOutcome, rubric_missing: str | None) -> ElementView:
    evidence = tuple(trim_quote(e) for e in element.evidence if e.strip())
    feedback = element.feedback.strip()
    if not element.met and not feedback:
        feedback = rubric_missing or ""
    return ElementView(
        id=element.id,
        # The rubric writes descriptions as sentences; templates follow them with "(n pts)".
        description=element.description.strip().rstrip("."),
        met=element.met,
        points=element.points,
        max_points=element.max_points,
        quote=evidence[0] if evidence else None,
        evidence=evidence,
        feedback=feedback,
    )


def _section_view(section: SectionOutcome, rubric: Rubric, unit: UnitView) -> SectionView:
    spec = next((s for s in rubric.sections if s.id == section.id), None)
    missing_text = {}
    if spec is not None:
        missing_text = {e.id: e.feedback_missing for e in spec.elements}
    elements = tuple(_element_view(e, missing_text.get(e.id)) for e in section.elements)
    measured = section.words if unit.kind == "words" else section.characters
    min_amount = math.ceil(section.min_cuartillas * unit.per_cuartilla)
    shortfall = 0
    if not section.length_ok:
        shortfall = max(0, math.ceil(min_amount - section.cuartillas * unit.per_cuartilla))
    return SectionView(
        id=section.id,
        title=section.title,
        aliases=tuple(spec.aliases) if spec is not None else (),
        found=section.found,
        heading=section.heading,
        heading_reason=section.heading_reason,
        score=section.score,
        content_score=section.content_score,
        weight=section.weight,
        points=section.score * section.weight / 100,
        words=section.words,
        characters=section.characters,
        cuartillas=section.cuartillas,
        min_cuartillas=section.min_cuartillas,
        min_amount=min_amount,
        measured=measured,
        shortfall=shortfall,
        prompt_words=section.prompt_words,
        prompt_characters=section.prompt_characters,
        length_ok=section.length_ok,
        length_factor=section.length_factor,
        length_penalised=section.found and section.content_score - section.score > 0.005,
        length_points_lost=max(0.0, section.content_score - section.score),
        level=section.level,
        level_descriptor=section.level_descriptor,
        figures=section.figures,
        tables=section.tables,
        elements=elements,
        met=tuple(e for e in elements if e.met),
        missing=tuple(e for e in elements if not e.met),
        notes=section.notes,
    )


def _context(outcome: SubmissionOutcome, rubric: Rubric) -> dict[str, Any]:
    unit = _unit_view(rubric)
    name = (outcome.student.name or "").strip() or None
    level_descriptor = next(
        (lv.descriptor for lv in rubric.levels if outcome.level and lv.name == outcome.level), None
    )
    error = None
    if outcome.error is not None:
        error = ErrorView(outcome.error.code, outcome.error.message)
    elif not outcome.graded:
        error = ErrorView("internal", "el archivo no se pudo calificar.")
    return {
        "student_name": name,
        "student_id": outcome.student.id,
        "greeting": f"Hola, {name}:" if name else "Hola:",
        "file": re.split(r"[/\\]", outcome.file)[-1],
        "graded": outcome.graded,
        "total": outcome.total,
        "level": outcome.level,
        "level_descriptor": level_descriptor,
        "summary": (outcome.summary or "").strip() or None,
        "warnings": outcome.warnings,
        "unit": unit,
        "sections": tuple(_section_view(s, rubric, unit) for s in outcome.sections),
        "document": outcome.document,
        "error": error,
        "rubric_title": rubric.title,
        "rubric_version": rubric.version,
        "kamgrade_version": __version__,
        "outcome": outcome,
        "rubric": rubric,
    }


# --------------------------------------------------------------------------- environments


def _environment(templates_dir: Path | None, html: bool) -> jinja2.Environment:
    if templates_dir is not None and not Path(templates_dir).is_dir():
        raise TemplateProblem(
            str(templates_dir), None, "la carpeta de plantillas no existe o no es una carpeta"
        )
    return _cached_environment(None if templates_dir is None else Path(templates_dir), html)


@functools.lru_cache(maxsize=16)
def _cached_environment(templates_dir: Path | None, html: bool) -> jinja2.Environment:
    """One environment per folder and kind: templates compile once per batch (jinja2 still
    reloads a template whose file changed, so edits are picked up)."""
    default = default_templates_dir()
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    # The defaults fill in whatever a custom folder does not override.
    loaders.append(jinja2.FileSystemLoader(str(default)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=_compiled_templates(html),
        autoescape=jinja2.select_autoescape(["html", "html.j2", "htm"]) if html else False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize_html if html else _finalize_markup,
    )
    env.filters.update(
        num=format_number,
        quantity=_quantity,
        quote=trim_quote,
        raw=_raw,
    )
    if not html:
        env.filters["escape_markup"] = lambda v: Markup(escape_markup(v))
    return env


def _compiled_templates(html: bool) -> jinja2.BytecodeCache | None:
    """jinja2's cache of compiled templates (~50 ms of every start-up), in kamgrade's cache
    folder; None where it cannot be made. jinja2 recompiles a template whose source changed; the
    folder's name covers what else shapes the code: the environment below and jinja2's version."""
    import hashlib

    from kamgrade.fsutil import cache_dir

    try:
        tag = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode())
        folder = cache_dir() / f"templates-{tag.hexdigest()[:16]}-{'html' if html else 'text'}"
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        template = env.get_template(name)
    except jinja2.TemplateSyntaxError as e:
        raise TemplateProblem(e.filename or e.name or name, e.lineno, _spanish(e)) from e
    except jinja2.TemplateNotFound as e:
        folders = [str(f) for f in _search_path(env)]
        raise TemplateProblem(
            name,
            None,
            f"no se encontró el archivo en {' ni en '.join(folders)}",
            "Restaura la plantilla predeterminada (viene con kamgrade) o crea ese archivo en tu "
            "carpeta de plantillas.",
        ) from e
    try:
        return template.render(context)
    except jinja2.TemplateError as e:
        file, line = _template_frame(e, template.filename or name)
        raise TemplateProblem(file, line, _spanish(e)) from e
    except Exception as e:  # a filter or attribute raising inside the template
        file, line = _template_frame(e, template.filename or name)
        raise TemplateProblem(file, line, f"{type(e).__name__}: {e}") from e


def _search_path(env: jinja2.Environment) -> list[str]:
    loader = env.loader
    loaders = loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]
    found: list[str] = []
    for sub in loaders:
        if isinstance(sub, jinja2.FileSystemLoader):
            found.extend(str(p) for p in sub.searchpath)
    return found


def _template_frame(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """The template file and line where `error` happened (jinja rewrites tracebacks so)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if frame.filename.endswith(".j2"):
            return frame.filename, frame.lineno
    return fallback, None


def _spanish(error: jinja2.TemplateError) -> str:
    message = error.message or str(error)
    undefined = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", message)
    if isinstance(error, jinja2.UndefinedError) and undefined:
        missing = undefined.group(1) or undefined.group(2)
        return f"la variable o atributo «{missing}» no existe ({message})"
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"error de sintaxis jinja2 ({message})"
    return message


# --------------------------------------------------------------------------- public API


def render_feedback(
    outcome: SubmissionOutcome, rubric: Rubric, templates_dir: Path | None = None
) -> dict[str, bytes]:
    """Render one student's feedback as ``{"md": ..., "html": ..., "docx": ...}`` (bytes).

    A graded outcome uses ``feedback.<fmt>.j2``; an error outcome uses ``error.<fmt>.j2``, a short
    notice with the error message and what to do. Templates in `templates_dir` override the
    defaults file by file. Raises `TemplateProblem` (file and line in Spanish) when a template
    is missing, malformed or uses an unknown variable.

    Example::

        files = render_feedback(outcome, rubric, Path("mis_plantillas"))
        Path("ana.docx").write_bytes(files["docx"])
    """
    context = _context(outcome, rubric)
    stem = "feedback" if outcome.graded else "error"
    markup_env = _environment(templates_dir, html=False)
    html_env = _environment(templates_dir, html=True)
    md = _render(markup_env, f"{stem}.md.j2", context)
    html = _render(html_env, f"{stem}.html.j2", context)
    lines = _render(markup_env, f"{stem}.docx.j2", context)
    title = f"Retroalimentación: {context['file']}"
    reference = _reference_docx(templates_dir)
    return {
        "md": md.encode("utf-8"),
        "html": html.encode("utf-8"),
        "docx": markup_to_docx(lines, title=title, author="kamgrade", reference=reference),
    }


def check_templates(rubric: Rubric, templates_dir: Path | None = None) -> None:
    """Render a made-up graded and error outcome for `rubric`; raise `TemplateProblem` if any
    template is broken. Call it once before a batch so a typo stops the run at the start with
    one message, instead of failing for every student.
    """
    for sample in _sample_outcomes(rubric):
        render_feedback(sample, rubric, templates_dir)


def warm_up() -> None:
    """Compile the default templates and load the .docx shell (before the workers start)."""
    for html in (False, True):
        env = _environment(None, html)
        for stem in ("feedback", "error"):
            for fmt in FORMATS:
                if (fmt == "html") == html:
                    try:
                        env.get_template(f"{stem}.{fmt}.j2")
                    except jinja2.TemplateError:
                        pass  # reported with file and line when actually rendered
    from kamgrade.wordfile import warm_up as warm_word_shell

    warm_word_shell()


def _sample_outcomes(rubric: Rubric) -> tuple[SubmissionOutcome, SubmissionOutcome]:
    """Every branch a template has: met and missing elements, a short and a missing section."""
    ref = RubricRef(id=rubric.id, version=rubric.version, sha256="", path="")
    level = rubric.levels[0] if rubric.levels else None
    sections = []
    last = len(rubric.sections) - 1
    for index, spec in enumerate(rubric.sections):
        found = index != last or last == 0
        elements = tuple(
            ElementOutcome(
                id=e.id,
                description=e.description,
                met=found and i % 2 == 0,
                points=e.points if found and i % 2 == 0 else 0.0,
                max_points=e.points,
                evidence=("Ejemplo de oración del estudiante.",) if found and i % 2 == 0 else (),
                feedback=(e.feedback_met or "") if found and i % 2 == 0 else e.feedback_missing,
                explanation="",
            )
            for i, e in enumerate(spec.elements)
        )
        sections.append(
            SectionOutcome(
                id=spec.id,
                title=spec.title,
                found=found,
                heading=spec.title if found else None,
                confidence=1.0 if found else 0.0,
                heading_reason="",
                words=100 if found else 0,
                characters=600 if found else 0,
                prompt_words=10 if found else 0,
                prompt_characters=60 if found else 0,
                cuartillas=0.4 if found else 0.0,
                min_cuartillas=spec.min_cuartillas,
                length_ok=not found or spec.min_cuartillas <= 0.4,
                length_factor=0.5 if found else 0.0,
                content_score=50.0 if found else 0.0,
                score=25.0 if found else 0.0,
                weight=spec.weight,
                level=level.name if level else None,
                level_descriptor=level.descriptor if level else None,
                figures=0,
                tables=0,
                elements=elements,
                notes=("Ejemplo de nota.",) if found else (),
            )
        )
    student = Student(name="Estudiante de prueba", id="A0000000")
    graded = SubmissionOutcome(
        file="ejemplo.docx",
        student=student,
        status="graded",
        rubric=ref,
        total=25.0,
        level=level.name if level else None,
        summary=rubric.overall_feedback[0].text if rubric.overall_feedback else None,
        warnings=("Ejemplo de aviso.",),
        document=DocumentStats(words=100, paragraphs=5, tables=0, figures=0, characters=600),
        sections=tuple(sections),
    )
    error = SubmissionOutcome(
        file="ejemplo.docx",
        student=student,
        status="error",
        rubric=ref,
        error=SubmissionError(code="corrupt", message="ejemplo de mensaje de error."),
    )
    return graded, error


REFERENCE_DOCX: Final = "feedback.reference.docx"


def _reference_docx(templates_dir: Path | None) -> Path | None:
    """An optional Word file whose styles the feedback .docx uses (like pandoc's reference doc)."""
    for folder in (templates_dir, default_templates_dir()):
        if folder is not None and (Path(folder) / REFERENCE_DOCX).is_file():
            return Path(folder) / REFERENCE_DOCX
    return None


# --------------------------------------------------------------------------- line markup → .docx
