"""The grading pipeline for one submission: read -> segment -> measure -> check -> score.

`grade_file` never raises for a bad submission: an unreadable file becomes an outcome with
status "error", a code and a Spanish message a teacher understands.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamgrade.checks.detectors import Scope, build_index, evaluate, negated_sentences
from kamgrade.cover import student_from_cover
from kamgrade.errors import ErrorCode, UnreadableSubmission
from kamgrade.measure import is_pasted, measure_blocks, pasted_fragments
from kamgrade.model import Block, DocModel, Figure, Paragraph, Table, block_paragraphs
from kamgrade.nlp import Sentence, analyse
from kamgrade.outcome import (
    DocumentStats,
    ElementOutcome,
    SectionOutcome,
    Student,
    SubmissionError,
    SubmissionOutcome,
)
from kamgrade.rubric.loader import LoadedRubric, rubric_ref
from kamgrade.rubric.model import LengthUnit, Rubric, Section
from kamgrade.scoring import level_for, score_section, total_score
from kamgrade.sections import LocatedSection, SectionedDoc, locate_sections, section_figures
from kamgrade.textnorm import count_characters, count_words

if TYPE_CHECKING:
    from kamgrade.intake import ReadLimits

log = logging.getLogger(__name__)
EVIDENCE_CHARS = 220


@lru_cache(maxsize=8)
def _prompt_lemmas(prompt: str) -> frozenset[str]:
    return frozenset(lem for s in analyse(prompt.splitlines()) for lem in s.lemmas)


def _sentences(blocks: Sequence[Block], rubric: Rubric, offset: int = 0) -> list[Sentence]:
    """The sentences detectors read: a table row is one sentence; pasted prompt text is left out."""
    texts: list[str] = []
    where: list[int] = []
    for i, block in enumerate(blocks):
        if isinstance(block, Table):
            lines = [" ; ".join(" ".join(c.text.split()) for c in row) for row in block.rows]
        elif isinstance(block, Figure):
            lines = [p.text for p in block.paragraphs]  # SmartArt text is not counted, but readable
        else:
            lines = [p.text for p in block_paragraphs(block)]
        for line in lines:
            if line.strip():
                texts.append(line)
                where.append(i + offset)
    suspects = {where[k] for k, t in enumerate(texts) if pasted_fragments(t, rubric)}
    return [
        s for s in analyse(texts, where) if s.block not in suspects or not is_pasted(s.text, rubric)
    ]


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return (
        text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    )


def _grade_section(
    section: Section,
    located: LocatedSection,
    rubric: Rubric,
    sentences: dict[str, list[Sentence]],
    common: frozenset[str],
) -> SectionOutcome:
    length = measure_blocks(located.body, rubric)
    cuartillas = length.cuartillas(rubric)
    figures, tables = section_figures(located.body)
    possible = sum(e.points for e in section.elements)
    if not located.found:
        elements = tuple(
            ElementOutcome(
                e.id,
                e.description,
                False,
                0.0,
                e.points,
                (),
                e.feedback_missing,
                "La sección no se encontró en el documento.",
            )
            for e in section.elements
        )
        return SectionOutcome(
            section.id,
            section.title,
            False,
            None,
            0.0,
            located.reason,
            0,
            0,
            0,
            0,
            0.0,
            section.min_cuartillas,
            False,
            0.0,
            0.0,
            0.0,
            section.weight,
            None,
            None,
            0,
            0,
            elements,
            (f"No se encontró la sección «{section.title}»: vale 0 puntos.",),
        )
    own = tuple(sentences[section.id])
    index = build_index(own)
    scope = Scope(
        sentences=own,
        index=index,
        negated=negated_sentences(own, index, rubric.negations),
        blocks=located.body,
        annex=located.annex,
        others={k: tuple(v) for k, v in sentences.items() if k != section.id},
        negations=tuple(rubric.negations),
        common_terms=common,
        pasted_blocks=frozenset(
            i
            for i, b in enumerate(located.body + located.annex)
            if isinstance(b, Paragraph) and b.text.strip() and is_pasted(b.text, rubric)
        ),
    )
    outcomes: list[ElementOutcome] = []
    earned = 0.0
    fired: dict[str, bool] = {}
    for element in section.elements:
        match = evaluate(element.detector, scope)
        reason = match.reason
        met = match.fired
        unmet = [r for r in element.requires if not fired.get(r, False)]
        if met and unmet:
            met = False
            reason = f"no cuenta porque requiere {', '.join(unmet)}, que no se cumple; " + reason
        fired[element.id] = met
        evidence = (
            tuple(_trim(scope.sentences[i].text) for i in sorted(match.sentences)[:2])
            + match.notes[:2]
        )
        if met:
            earned += element.points
            feedback = element.feedback_met or "Cumplido."
        else:
            feedback = element.feedback_missing
        outcomes.append(
            ElementOutcome(
                element.id,
                element.description,
                met,
                element.points if met else 0.0,
                element.points,
                evidence if met else (),
                feedback,
                reason,
            )
        )
    result = score_section(
        rubric.scoring_for(section.id), earned, possible, cuartillas, section.min_cuartillas
    )
    notes = list(result.notes)
    if length.prompt_words:
        notes.append(
            f"{length.prompt_words} palabras copiadas de la consigna no cuentan para la extensión."
        )
    levels = rubric.levels_for(section.id)
    level = level_for(levels, result.score)
    return SectionOutcome(
        id=section.id,
        title=section.title,
        found=True,
        heading=located.heading,
        confidence=located.confidence,
        heading_reason=located.reason,
        words=length.words,
        characters=length.characters,
        prompt_words=length.prompt_words,
        prompt_characters=length.prompt_characters,
        cuartillas=cuartillas,
        min_cuartillas=section.min_cuartillas,
        length_ok=cuartillas >= section.min_cuartillas,
        length_factor=result.length_factor,
        content_score=result.content,
        score=result.score,
        weight=section.weight,
        level=level.name if level else None,
        level_descriptor=level.descriptor if level else None,
        figures=figures,
        tables=tables,
        elements=tuple(outcomes),
        notes=tuple(notes),
    )


def document_stats(doc: DocModel) -> DocumentStats:
    paragraphs = list(doc.iter_paragraphs())
    return DocumentStats(
        words=sum(count_words(p.text) for p in paragraphs),
        paragraphs=sum(1 for p in paragraphs if p.text.strip()),
        tables=sum(1 for b in doc.blocks if isinstance(b, Table)),
        figures=sum(1 for b in doc.blocks if isinstance(b, Figure)),
        characters=sum(count_characters(p.text) for p in paragraphs),
    )


def grade_document(
    doc: DocModel, loaded: LoadedRubric, file: str, fallback_student: Student | None = None
) -> SubmissionOutcome:
    """Grade a document already read into the model."""
    rubric = loaded.rubric
    sectioned: SectionedDoc = locate_sections(doc, rubric)
    sentences = {
        ls.section_id: _sentences(ls.body, rubric)
        + _sentences(ls.annex, rubric, offset=len(ls.body))
        for ls in sectioned.sections
    }
    common = _prompt_lemmas(rubric.prompt)
    sections = tuple(
        _grade_section(s, sectioned.section(s.id), rubric, sentences, common)
        for s in rubric.sections
    )
    total = total_score(rubric, {s.id: s.score for s in sections})
    level = level_for(rubric.levels, total)
    summary = next(
        (
            o.text
            for o in sorted(rubric.overall_feedback, key=lambda o: -o.min_total)
            if total >= o.min_total
        ),
        None,
    )
    stats = document_stats(doc)
    warnings = [m.render() for m in doc.messages]
    warnings += _warnings(stats, sections, rubric)
    student = student_from_cover(doc.blocks[: max(sectioned.cover_end, 25)])
    if student is None or student.name is None or student.id is None:
        fb = fallback_student or Student(None, None)
        student = Student(
            name=(student.name if student and student.name else fb.name),
            id=(student.id if student and student.id else fb.id),
            source=(student.source if student else fb.source),
        )
    return SubmissionOutcome(
        file=file,
        student=student,
        status="graded",
        rubric=rubric_ref(loaded),
        total=total,
        level=level.name if level else None,
        summary=summary,
        warnings=tuple(warnings),
        document=stats,
        sections=sections,
    )


def _warnings(
    stats: DocumentStats, sections: tuple[SectionOutcome, ...], rubric: Rubric
) -> list[str]:
    out: list[str] = []
    if stats.words == 0:
        if stats.figures:
            out.append(
                "El documento solo contiene imágenes, sin texto que se pueda leer: revísalo a mano "
                "(quizá el estudiante pegó capturas de pantalla)."
            )
        else:
            out.append("El documento está vacío: no contiene texto.")
    for s in sections:
        if not s.found:
            out.append(f"No se encontró la sección «{s.title}» ({s.id}).")
        elif s.confidence < 0.75:
            out.append(
                f"La sección «{s.title}» se identificó con poca seguridad ({s.heading_reason}); revísala."
            )
    unit = "palabras" if rubric.cuartilla.unit is LengthUnit.WORDS else "caracteres"
    if stats.words and all(not s.found for s in sections):
        out.append(
            f"No se reconoció ninguna sección: el documento tiene {stats.words} palabras; "
            f"quizá no usa los títulos de la actividad. Revísalo a mano ({unit} contados: 0)."
        )
    return out


def error_outcome(
    file: str, loaded: LoadedRubric, code: str, message: str, student: Student | None = None
) -> SubmissionOutcome:
    return SubmissionOutcome(
        file=file,
        student=student or Student(None, None),
        status="error",
        rubric=rubric_ref(loaded),
        error=SubmissionError(code, message),
    )


def grade_file(
    path: Path,
    loaded: LoadedRubric,
    *,
    convert_legacy: bool = False,
    limits: ReadLimits | None = None,
    document: DocModel | None = None,
) -> SubmissionOutcome:
    """Read and grade one submission file; problems become an error outcome, never an exception.

    `document` is the file already read by `read_submission` (a batch reads some ahead).
    """
    from kamgrade.reader import read_submission

    path = Path(path)
    fallback = _student_from_filename(path)
    extra: dict[str, Any] = {}
    try:
        try:
            doc = document if document is not None else read_submission(path, limits)
        except UnreadableSubmission as e:
            if e.code != ErrorCode.LEGACY_DOC or not convert_legacy:
                raise
            doc, extra = _read_converted(path, limits)
        outcome = grade_document(doc, loaded, str(path), fallback)
        if extra:
            outcome = dataclasses.replace(outcome, extra=extra)
        return outcome
    except UnreadableSubmission as e:
        return error_outcome(str(path), loaded, str(e.code), e.message, fallback)
    except MemoryError:
        return error_outcome(
            str(path),
            loaded,
            ErrorCode.TOO_LARGE.value,
            "el documento es demasiado grande para calificarlo con la memoria disponible. "
            "Pide al estudiante una versión sin imágenes pesadas o revísalo a mano.",
            fallback,
        )
    except Exception as e:  # a bug must not stop the batch: record it and go on
        log.exception("internal error grading %s", path)
        return error_outcome(
            str(path),
            loaded,
            ErrorCode.INTERNAL.value,
            f"kamgrade falló al leer este archivo ({type(e).__name__}). Revísalo a mano y "
            "reporta el archivo al equipo de kamgrade.",
            fallback,
        )


def _read_converted(path: Path, limits: ReadLimits | None) -> tuple[DocModel, dict[str, Any]]:
    import tempfile

    from kamgrade.reader import convert_legacy, read_submission

    with tempfile.TemporaryDirectory(prefix="kamgrade-doc-") as tmp:
        converted = convert_legacy(path, Path(tmp))
        if converted is None:
            raise UnreadableSubmission(
                ErrorCode.LEGACY_DOC,
                "es un documento de Word 97-2003 (.doc) y LibreOffice no está instalado para "
                "convertirlo. Pide al estudiante que lo guarde como .docx.",
            )
        doc = read_submission(converted, limits)
    return doc, {
        "converted_from": "legacy_doc",
        "conversion": "soffice --headless --convert-to docx",
    }


def _student_from_filename(path: Path) -> Student:
    try:
        from kamgrade.lms import student_from_filename
    except ImportError:
        return Student(None, None)
    return student_from_filename(path)
