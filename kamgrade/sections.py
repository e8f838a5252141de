"""Segment stage: find the rubric's sections in a document, however the student wrote the headings.

A heading candidate is any short paragraph that looks like a heading (a Word heading style, bold
or all caps, a typed or automatic number, a colon at the end, a one-cell table). Each candidate
is scored against each rubric section by accent-folded fuzzy similarity, with a bonus when its
number agrees with the section's position; then the best *ordered* assignment is chosen by
dynamic programming, so a sub-heading that reuses another section's words ("Relaciones con
clientes externos" inside section 3) cannot take that section's place. A section with no
acceptable candidate is reported as not found: nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from kamgrade.model import Block, DocModel, Figure, Paragraph, Table, block_paragraphs
from kamgrade.rubric.model import Rubric
from kamgrade.textnorm import count_words, fold

_NUMBER_PREFIX = re.compile(
    r"^\s*(?:(?P<word>secci[oó]n|parte|punto|apartado|actividad|paso|inciso|cap[ií]tulo)\s*)?"
    r"(?P<num>\d{1,2}(?:\.\d{1,2})*|[IVX]{1,4})\s*(?:[.)\-:–—]+\s*|\s+(?=\S))(?P<rest>.*)$",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    r"^\s*(?P<word>secci[oó]n|parte|punto|apartado|actividad|cap[ií]tulo)\s+(?P<num>\d{1,2}|[IVX]{1,4})\s*[.:)\-–—]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_TOC_LINE = re.compile(r"(\.{3,}|…+|\t)\s*\d{1,3}\s*$")
_ROMAN = {
    "i": 1,
    "ii": 2,
    "iii": 3,
    "iv": 4,
    "v": 5,
    "vi": 6,
    "vii": 7,
    "viii": 8,
    "ix": 9,
    "x": 10,
}
_TOC_TITLES = ("indice", "contenido", "tabla de contenido", "indice general", "tabla de contenidos")
_ANNEX_REF = re.compile(r"\banexos?\s*(?:n[uo°º.]*\s*)?(\d{1,2}|[ivx]{1,4}\b|[a-e]\b)?")

MAX_HEADING_WORDS = 14


@dataclass(frozen=True, slots=True)
class HeadingCandidate:
    block: int
    text: str  # as the student wrote it, with the automatic number in front when there is one
    core: str  # folded, number prefix and trailing punctuation removed
    number: int | None
    depth: int  # 1 for "3.", 2 for "3.1"
    rank: int  # heading level: lower is higher in the hierarchy
    kind: str  # "estilo de título", "tabla de una celda", "negritas", ...
    words_after: int  # body words until the next candidate


@dataclass(frozen=True, slots=True)
class LocatedSection:
    section_id: str
    title: str
    found: bool
    heading: str | None
    confidence: float
    reason: str  # Spanish: how the heading was recognised, or why nothing was
    heading_block: int | None
    body: tuple[Block, ...]
    annex: tuple[Block, ...]  # annex blocks the section refers to ("ver Anexo 1")


@dataclass(frozen=True, slots=True)
class SectionedDoc:
    doc: DocModel
    sections: tuple[LocatedSection, ...]
    cover_end: int  # blocks [0, cover_end) are the cover page
    toc_blocks: frozenset[int]
    outside: tuple[str, ...]  # headings that belong to no section (introduction, conclusions…)

    def section(self, section_id: str) -> LocatedSection:
        return next(s for s in self.sections if s.section_id == section_id)


def _block_text(block: Block) -> str:
    return "\n".join(p.text for p in block_paragraphs(block))


def strip_number(text: str) -> tuple[str, int | None, int]:
    """'3.1.- Funciones' -> ('Funciones', 3, 2); 'II. Relaciones' -> ('Relaciones', 2, 1)."""
    for pattern in (_WORD_NUMBER, _NUMBER_PREFIX):
        m = pattern.match(text)
        if not m:
            continue
        num = m.group("num")
        rest = m.group("rest")
        if num.isdigit() or "." in num:
            parts = num.split(".")
            return rest, int(parts[0]), len([p for p in parts if p])
        roman = _ROMAN.get(num.lower())
        # A lone "I" or "V" only counts as a numeral when punctuation follows it.
        if roman is not None and (len(num) > 1 or re.match(r"^\s*[IVX]+\s*[.)\-:–—]", text)):
            return rest, roman, 1
    return text, None, 1


_CORE_MARKS = re.compile(r"[\"'“”«»¿?¡!*_]+")
_CORE_TRAILING = re.compile(r"[\s.:;,\-–—]+$")


def _core(text: str) -> str:
    folded = fold(text)
    folded = _CORE_MARKS.sub(" ", folded)
    folded = _CORE_TRAILING.sub("", folded)
    return " ".join(folded.split())


def _is_toc_paragraph(p: Paragraph) -> bool:
    return (
        p.is_toc
        # A TOC line ends in its page number: only those lines are worth the regex's scan.
        or (p.text.rstrip()[-1:].isdigit() and bool(_TOC_LINE.search(p.text)))
        or (p.style_name or "").lower().startswith(("toc", "tdc"))
    )


def _heading_shape(p: Paragraph, body_size: float | None) -> tuple[int, str] | None:
    """(rank, kind) when the paragraph looks like a heading, else None."""
    text = p.text.strip()
    if not text or count_words(text) > MAX_HEADING_WORDS or count_words(text) == 0:
        return None
    if p.outline_level is not None and p.outline_level <= 5:
        return p.outline_level, "estilo de título"
    style = fold(p.style_name or "")
    if style in ("title", "titulo", "subtitle", "subtitulo"):
        return 0, "estilo de título"
    ends_sentence = text.endswith(".") and count_words(text) > 6
    letters = [c for c in text if c.isalpha()]
    caps = p.all_caps or (len(letters) >= 4 and all(c.isupper() for c in letters))
    if ends_sentence:
        return None
    if caps and (p.bold or len(letters) >= 6):
        return 10, "mayúsculas"
    if p.bold:
        return 11, "negritas"
    if body_size and p.font_size and p.font_size >= body_size + 1.5:
        return 11, "letra más grande"
    if _numbered(p) and count_words(text) <= 8:
        return 12, "numeración automática"
    if text.endswith(":"):
        return 13, "línea terminada en dos puntos"
    if strip_number(text)[1] is not None and count_words(text) <= 8:
        return 13, "número escrito"
    if count_words(text) <= 6 and not text.endswith((".", ",", ";")):
        return 14, "línea corta"
    return None


def _numbered(p: Paragraph) -> bool:
    """Automatic numbering with a number or letter ("1.", "II.", "a)"), not a bullet."""
    return bool(p.numbering) and any(ch.isalnum() for ch in p.numbering or "")


def _body_font_size(doc: DocModel) -> float | None:
    sizes: dict[float, int] = {}
    for p in doc.iter_paragraphs():
        if p.font_size and count_words(p.text) > 15:
            sizes[p.font_size] = sizes.get(p.font_size, 0) + 1
    return max(sizes, key=lambda s: sizes[s]) if sizes else None


def find_cover_end(blocks: Sequence[Block]) -> int:
    """Blocks before the first page break, when they are few and short, are the cover page."""
    limit = min(len(blocks), 40)
    for i in range(1, limit):
        b = blocks[i]
        if isinstance(b, Paragraph) and b.page_break_before:
            earlier = [_block_text(x) for x in blocks[:i]]
            long_lines = sum(1 for t in earlier if count_words(t) > 30)
            if long_lines <= 1:
                return i
            return 0
    return 0


def _toc_blocks(blocks: Sequence[Block], start: int) -> set[int]:
    toc: set[int] = set()
    in_toc_list = False
    listed = 0
    for i in range(start, len(blocks)):
        b = blocks[i]
        if not isinstance(b, Paragraph):
            in_toc_list = False
            continue
        if _is_toc_paragraph(b):
            toc.add(i)
            continue
        # A TOC title has at most 3 words, and `_core` only ever splits words: skip the rest.
        if count_words(b.text) <= 3 and _core(b.text) in _TOC_TITLES:
            toc.add(i)
            in_toc_list, listed = True, 0
            continue
        if in_toc_list:
            if b.page_break_before or listed > 30 or count_words(b.text) > 14:
                in_toc_list = False
            elif b.text.strip():
                toc.add(i)
                listed += 1
    return toc


def heading_candidates(doc: DocModel, skip: set[int], start: int) -> list[HeadingCandidate]:
    body_size = _body_font_size(doc)
    blocks = doc.blocks
    raw: list[tuple[int, str, int, str]] = []
    for i in range(start, len(blocks)):
        if i in skip:
            continue
        b = blocks[i]
        if isinstance(b, Paragraph):
            if b.origin.value != "body":
                continue
            shape = _heading_shape(b, body_size)
            if shape is None:
                continue
            text = b.text.strip()
            if _numbered(b):
                text = f"{(b.numbering or '').strip()} {text}"
            raw.append((i, text, shape[0], shape[1]))
        elif isinstance(b, Table) and b.n_rows == 1 and b.n_cols == 1:
            text = " ".join(_block_text(b).split())
            if text and count_words(text) <= MAX_HEADING_WORDS:
                raw.append((i, text, 10, "tabla de una celda"))
    out: list[HeadingCandidate] = []
    for n, (i, text, rank, kind) in enumerate(raw):
        nxt = raw[n + 1][0] if n + 1 < len(raw) else len(blocks)
        words_after = sum(count_words(_block_text(b)) for b in blocks[i + 1 : nxt])
        rest, number, depth = strip_number(text)
        if depth > 1:
            rank += depth - 1
        out.append(HeadingCandidate(i, text, _core(rest), number, depth, rank, kind, words_after))
    return out


def similarity(core: str, names: Sequence[str]) -> float:
    """0-100: how well a heading's folded core text names a section."""
    return _similarity(core, tuple(names))


# Students of one class write the same few headings ("Introducción", the prompt's titles), so
# most look-ups repeat across the documents of a batch.
@lru_cache(maxsize=8192)
def _similarity(core: str, names: tuple[str, ...]) -> float:
    best = 0.0
    for name in names:
        a = fuzz.ratio(core, name)
        b = fuzz.token_set_ratio(core, name)
        best = max(best, a, (a + b) / 2)
    return best


def _section_names(rubric: Rubric) -> list[tuple[str, ...]]:
    return _names(tuple((s.title, *s.aliases) for s in rubric.sections))


@lru_cache(maxsize=32)
def _names(titles: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    return [tuple(_core(strip_number(n)[0]) for n in names) for names in titles]


@lru_cache(maxsize=32)
def _folded_boundaries(boundaries: tuple[str, ...]) -> list[str]:
    return [_core(b) for b in boundaries]


def _score(
    c: HeadingCandidate, position: int, names: Sequence[str], cutoff: float, top_rank: int | None
) -> float | None:
    sim = similarity(c.core, names)
    number_only = c.number is not None and c.core in ("", "seccion", "parte", "punto")
    if sim < cutoff and not (number_only and c.number == position):
        return None
    score = sim if not number_only else cutoff
    if c.number is not None:
        if c.depth > 1:
            score -= 20
        elif c.number == position:
            score += 10
        else:
            score -= 25
    if top_rank is not None and c.rank > top_rank:
        score -= 15 if c.rank - top_rank <= 2 else 25
    score += min(5.0, c.words_after / 60)
    return score if score >= cutoff - 25 else None


def _assign(
    cands: list[HeadingCandidate], rubric: Rubric, top_rank: int | None
) -> list[tuple[int, float] | None]:
    """Best ordered assignment of candidates to sections (each used at most once)."""
    names = _section_names(rubric)
    k, m = len(rubric.sections), len(cands)
    scores = [
        [_score(c, j + 1, names[j], rubric.heading_cutoff, top_rank) for j in range(k)]
        for c in cands
    ]
    # best[i][j]: best total using candidates[i:] for sections[j:]
    best = [[0.0] * (k + 1) for _ in range(m + 1)]
    choice: list[list[int]] = [
        [0] * (k + 1) for _ in range(m + 1)
    ]  # 0 skip cand, 1 skip section, 2 take
    for i in range(m, -1, -1):
        for j in range(k, -1, -1):
            if i == m or j == k:
                continue
            options = [(best[i + 1][j], 0), (best[i][j + 1], 1)]
            s = scores[i][j]
            if s is not None:
                options.append((best[i + 1][j + 1] + s, 2))
            best[i][j], choice[i][j] = max(options, key=lambda o: (o[0], -o[1]))
    result: list[tuple[int, float] | None] = [None] * k
    i = j = 0
    while i < m and j < k:
        c = choice[i][j]
        if c == 2:
            result[j] = (i, scores[i][j] or 0.0)
            i, j = i + 1, j + 1
        elif c == 0:
            i += 1
        else:
            j += 1
    return result


def _is_boundary(core: str, rubric: Rubric) -> bool:
    folded = _folded_boundaries(tuple(rubric.boundaries))
    first = core.split(" ")[0] if core else ""
    return any(core == b or first == b or core.startswith(b + " ") for b in folded) or any(
        fuzz.ratio(core, b) >= 90 for b in folded
    )


def locate_sections(doc: DocModel, rubric: Rubric) -> SectionedDoc:
    """Find every rubric section in the document (the segment stage)."""
    blocks = doc.blocks
    cover_end = find_cover_end(blocks)
    toc = _toc_blocks(blocks, cover_end)
    cands = heading_candidates(doc, toc, cover_end)
    first = _assign(cands, rubric, None)
    chosen_ranks = [cands[a[0]].rank for a in first if a is not None]
    top_rank = min(chosen_ranks) if chosen_ranks else None
    assignment = _assign(cands, rubric, top_rank) if top_rank is not None else first
    chosen = {a[0] for a in assignment if a is not None}
    section_rank = min((cands[a[0]].rank for a in assignment if a is not None), default=None)

    # Where each section ends: the next chosen heading, a boundary heading (conclusions, annexes…)
    # at the sections' level or above, or any heading above the sections' level.
    stops: list[int] = sorted(cands[i].block for i in chosen)
    outside: list[str] = []
    for idx, c in enumerate(cands):
        if idx in chosen or section_rank is None:
            continue
        boundary = _is_boundary(c.core, rubric)
        above = c.rank < section_rank and (
            c.rank < 10 or c.kind in ("mayúsculas", "tabla de una celda")
        )
        if (boundary and c.rank <= section_rank + 1) or above:
            stops.append(c.block)
            outside.append(c.text)
    stops.sort()
    located: list[LocatedSection] = []
    for j, section in enumerate(rubric.sections):
        a = assignment[j]
        if a is None:
            located.append(
                LocatedSection(
                    section.id,
                    section.title,
                    False,
                    None,
                    0.0,
                    f"Ningún encabezado se parece a «{section.title}» lo suficiente "
                    f"(similitud mínima {rubric.heading_cutoff:.0f}).",
                    None,
                    (),
                    (),
                )
            )
            continue
        c = cands[a[0]]
        end = next((s for s in stops if s > c.block), len(blocks))
        body = tuple(blocks[c.block + 1 : end])
        sim = similarity(c.core, _section_names(rubric)[j])
        confidence = max(0.0, min(1.0, a[1] / 100))
        reason = f"encabezado «{c.text}» ({c.kind}; similitud {sim:.0f}/100"
        if c.number is not None:
            reason += f"; número {c.number}"
        reason += ")"
        located.append(
            LocatedSection(
                section.id,
                section.title,
                True,
                c.text,
                confidence,
                reason,
                c.block,
                body,
                _referenced_annex(body, cands, blocks, rubric),
            )
        )
    return SectionedDoc(doc, tuple(located), cover_end, frozenset(toc), tuple(outside))


def _referenced_annex(
    body: tuple[Block, ...], cands: list[HeadingCandidate], blocks: Sequence[Block], rubric: Rubric
) -> tuple[Block, ...]:
    """Blocks of the annex(es) a section points to ("ver Anexo 1"), for detectors, not length."""
    refs: set[str] = set()
    for b in body:
        for m in _ANNEX_REF.finditer(fold(_block_text(b))):
            refs.add((m.group(1) or "").strip())
    if not refs:
        return ()
    out: list[Block] = []
    annex_heads = [c for c in cands if c.core.startswith(("anexo", "anexos", "apendice"))]
    for n, c in enumerate(annex_heads):
        label = c.core.split(" ")[1] if " " in c.core else ""
        label = re.sub(r"[^0-9a-z]", "", label)
        if refs & {label, ""} or "" in refs or not label:
            nxt = annex_heads[n + 1].block if n + 1 < len(annex_heads) else len(blocks)
            later = [x.block for x in cands if x.block > c.block and x.rank <= c.rank]
            end = min([nxt, *later]) if later else nxt
            out.extend(blocks[c.block + 1 : end])
    return tuple(out)


def section_figures(blocks: Sequence[Block]) -> tuple[int, int]:
    """(figures, tables) in a run of blocks; one-cell tables are layout, not tables."""
    figures = sum(1 for b in blocks if isinstance(b, Figure))
    tables = sum(
        1 for b in blocks if isinstance(b, Table) and not (b.n_rows == 1 and b.n_cols == 1)
    )
    return figures, tables
