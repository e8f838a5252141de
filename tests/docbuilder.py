"""Render submission specs (tests/SUBMISSION_SPEC.md) into .docx files with their ground truth.

python-docx writes the bulk; raw OOXML (lxml) covers what it cannot: automatic numbering, tracked
changes, footnotes, text boxes, the TOC field, Spanish style ids, SmartArt. The ground truth is
computed from the spec alone (`compute_truth`), never by reading the .docx back, so labels do not
depend on the reader under test. LibreOffice is never needed.

Example::

    built = build_docx(load_spec("examples/specs/ex01_femsa.yaml"))
    Path("ex01_femsa.docx").write_bytes(built.data)
    built.truth["s1"]["words"]  # body words of section s1, heading excluded

Command line::

    python tests/docbuilder.py examples/specs/*.yaml --out out/submissions [--truth labels.json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import functools
import io
import json
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

if __name__ == "__main__":
    # Run as a script, sys.path[0] is tests/, whose docx/ test package would shadow python-docx.
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
    sys.path.insert(0, str(_HERE.parent))

import docx  # noqa: E402
from docx.document import Document as DocxDocument  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK  # noqa: E402
from docx.opc.constants import CONTENT_TYPE as CT  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.opc.packuri import PackURI  # noqa: E402
from docx.opc.part import Part  # noqa: E402
from docx.oxml.parser import oxml_parser  # noqa: E402
from docx.shared import Inches, Pt, RGBColor  # noqa: E402
from lxml import etree  # noqa: E402

from kamgrade.textnorm import count_characters, count_words  # noqa: E402

__all__ = [
    "BLOCK_KINDS",
    "HEADING_FORMS",
    "PROMPT_BULLETS",
    "BuiltDocx",
    "SpecError",
    "build_docx",
    "compute_truth",
    "heading_text",
    "load_spec",
    "main",
    "make_docx",
]

HEADING_FORMS: tuple[str, ...] = (
    "word-styles",
    "localized-style-ids",
    "numbered-auto",
    "caps-bold",
    "bold",
    "plain-colon",
    "table-banner",
    "roman",
    "dash-number",
    "paren-number",
    "seccion",
    "under-desarrollo",
)

# Block kind -> optional keys allowed beside it. Keys marked "added" are extensions documented in
# tests/SUBMISSION_SPEC.md ("Optional keys added by the builder").
BLOCK_KINDS: dict[str, frozenset[str]] = {
    "cover": frozenset(),
    "toc": frozenset(),
    "heading": frozenset(),
    "section": frozenset({"title", "number"}),
    "subheading": frozenset(),
    "p": frozenset({"footnote", "inserted", "deleted", "split_runs"}),  # split_runs: added
    "deleted_p": frozenset(),
    "bullets": frozenset(),
    "numbered": frozenset(),
    "indented": frozenset({"bullets"}),  # added
    "table": frozenset(),
    "image": frozenset({"caption"}),  # added
    "smartart": frozenset(),
    "textboxes": frozenset(),
    "page_break": frozenset(),
    "pasted_prompt": frozenset({"as"}),  # added: "bullets" (default) | "paragraphs"
}
_TOP_KEYS = frozenset({"file", "application", "headings", "student", "blocks", "prompts"})

# The assignment's bullets for each section, verbatim from the prompt (seed 003): the question
# sub-bullets where the section has them, else its instructions. `pasted_prompt: sN` pastes these.
PROMPT_BULLETS: dict[str, tuple[str, ...]] = {
    "s1": (
        "¿Cómo se organiza el departamento de cuentas clave? ¿Por línea de producto, cliente o "
        "zona geográfica?",
        "¿Cuántos vendedores tiene? ¿Qué tamaño tiene el departamento de cuentas clave comparado "
        "con la fuerza de ventas total de la empresa?",
        "¿Cuántos clientes tiene cada KAM?",
        "¿Qué porcentaje de las ventas totales representa al departamento de cuentas clave?",
    ),
    "s2": (
        "¿Cuántas cuentas clave atiende cada vendedor?",
        "¿Cuántos contactos tiene cada vendedor en cada empresa cliente?",
        "¿Cuántos años en promedio tiene cada vendedor atendiendo a cada cliente?",
        "¿Qué porcentaje de sus ventas representa cada cliente para cada vendedor?",
        "¿Cuál es su rutina para atender a cada cliente?",
        "Pregunta a cada KAM cuál es su aproximación con sus clientes y qué estrategias siguen "
        "para conseguir información sobre nuevas ventas o proyectos.",
    ),
    "s3": (
        "¿En qué parte de la organización encaja el departamento de cuentas clave? Incluye un "
        "organigrama completo de la organización en tu respuesta.",
        "Justifica tu decisión con argumentos completos y convincentes.",
        "Estructura el departamento de cuentas clave definiendo cuántos empleados debe tener y el "
        "organigrama interno; considera que el departamento puede tener áreas adicionales como "
        "soporte de ventas, análisis financiero, proyectos especiales, entre otras.",
        "Define las funciones del departamento completo, especificando con claridad las "
        "actividades con las que el departamento de cuentas clave produce valor para la "
        "organización.",
        "Establece las relaciones internas que el departamento de cuentas clave debe tener con el "
        "resto de la organización.",
        "Define las relaciones externas a la organización que debe mantener el departamento de "
        "cuentas clave.",
    ),
    "s4": (
        "A partir de toda la información que recabaste, elabora una propuesta para la empresa en "
        "la que señales estrategias para evitar los diferentes problemas a los que se puede "
        "enfrentar el departamento de cuentas clave. Mínimo dos cuartillas.",
    ),
}

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
}
_DECLS = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())
_W = "{" + _NS["w"] + "}"

# Fixed so that the same spec always gives the same bytes (idempotent example builds).
_DATE = "2026-10-12T10:00:00Z"
_ZIP_TIME = (2026, 10, 12, 10, 0, 0)
_WORDS_PER_PAGE = 330  # only for the cached page numbers of the TOC

# Spanish Word localises style ids but keeps the built-in (English, lower-case) names.
_LOCALIZED_IDS: dict[str, str] = {
    **{f"Heading{n}": f"Ttulo{n}" for n in range(1, 10)},
    **{f"Heading{n}Char": f"Ttulo{n}Car" for n in range(1, 10)},
    **{f"TOC{n}": f"TDC{n}" for n in range(1, 4)},
    "Title": "Ttulo",
    "TitleChar": "TtuloCar",
    "Subtitle": "Subttulo",
    "ListParagraph": "Prrafodelista",
    "ListBullet": "Listaconvietas",
    "ListNumber": "Listaconnmeros",
    "Caption": "Descripcin",
    "TableGrid": "Tablaconcuadrcula",
    "TOCHeading": "TtulodeTDC",
}


class SpecError(ValueError):
    """A spec that does not follow tests/SUBMISSION_SPEC.md; the message says where and the fix."""


@dataclass(frozen=True)
class BuiltDocx:
    """A rendered submission: the .docx bytes and the ground truth computed from its spec."""

    data: bytes
    truth: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the .docx to `path` (a file, or a folder to receive "submission.docx")."""
        path = Path(path)
        if path.is_dir():
            path = path / "submission.docx"
        path.write_bytes(self.data)
        return path


# --------------------------------------------------------------------------------------------
# Spec loading and validation


def load_spec(path: str | Path) -> dict[str, Any]:
    """Read a YAML spec with ruamel's safe loader; `file` defaults to the spec's stem + ".docx"."""
    from ruamel.yaml import YAML

    path = Path(path)
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a spec is a mapping with `blocks:`; see tests/SUBMISSION_SPEC.md")
    data.setdefault("file", f"{path.stem}.docx")
    _validate(data, str(path))
    return data


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _block_kind(block: Any, where: str) -> str:
    if not isinstance(block, dict):
        raise SpecError(f'{where}: a block is a mapping such as `- p: "text"`, got {block!r}')
    kinds = [k for k in block if k in BLOCK_KINDS]
    if len(kinds) != 1:
        unknown = [k for k in block if k not in BLOCK_KINDS]
        hint = _suggest(unknown[0], BLOCK_KINDS) if unknown else ""
        raise SpecError(
            f"{where}: a block needs exactly one kind key ({', '.join(BLOCK_KINDS)}), "
            f"found {sorted(block)}.{hint}"
        )
    kind = kinds[0]
    for key in block:
        if key != kind and key not in BLOCK_KINDS[kind]:
            raise SpecError(
                f"{where}: `{kind}` blocks take no key {key!r}.{_suggest(key, BLOCK_KINDS[kind])}"
            )
    return kind


def _validate(spec: dict[str, Any], where: str = "spec") -> None:
    for key in spec:
        if key not in _TOP_KEYS:
            raise SpecError(f"{where}: unknown top-level key {key!r}.{_suggest(key, _TOP_KEYS)}")
    form = spec.get("headings", "word-styles")
    if form not in HEADING_FORMS:
        raise SpecError(
            f"{where}: headings: {form!r} is not a heading form."
            f"{_suggest(str(form), HEADING_FORMS)}"
        )
    blocks = spec.get("blocks")
    if not isinstance(blocks, list):
        raise SpecError(f"{where}: `blocks:` must be a list of blocks")
    prompts = spec.get("prompts") or {}
    if not isinstance(prompts, dict) or not all(isinstance(v, list) for v in prompts.values()):
        raise SpecError(f"{where}: `prompts:` maps section ids to lists of pasted lines")
    known_prompts = {*PROMPT_BULLETS, *map(str, prompts)}
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        at = f"{where}: blocks[{i}]"
        kind = _block_kind(block, at)
        if kind == "section":
            sid = str(block["section"])
            if sid in seen:
                raise SpecError(f"{at}: section {sid!r} appears twice")
            if "title" not in block:
                raise SpecError(f"{at}: section {sid!r} needs a `title:`")
            seen.add(sid)
        if kind == "pasted_prompt" and str(block["pasted_prompt"]) not in known_prompts:
            raise SpecError(
                f"{at}: no prompt for {block['pasted_prompt']!r}; use one of "
                f"{sorted(known_prompts)} or give its lines under the top-level `prompts:`"
            )
        if kind == "pasted_prompt" and block.get("as", "bullets") not in ("bullets", "paragraphs"):
            raise SpecError(f"{at}: pasted_prompt `as:` is 'bullets' or 'paragraphs'")


def _expanded_blocks(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks as rendered: `under-desarrollo` gets its "Desarrollo" heading if missing."""
    blocks = [dict(b) for b in spec["blocks"]]
    if spec.get("headings") != "under-desarrollo":
        return blocks
    for i, block in enumerate(blocks):
        if "heading" in block and str(block["heading"]).strip().casefold() == "desarrollo":
            return blocks
        if "section" in block:
            return [*blocks[:i], {"heading": "Desarrollo"}, *blocks[i:]]
    return blocks


# --------------------------------------------------------------------------------------------
# Heading text and ground truth (from the spec only)


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def heading_text(form: str, title: str, number: int | str | None = None) -> str:
    """The heading paragraph's text as written in a document of heading form `form`.

    `heading_text("dash-number", "Cuentas clave", 1)` -> "1.- Cuentas clave". With
    "numbered-auto" the number comes from numbering.xml and is not part of the text.
    """
    title = str(title)
    if number is None or form == "numbered-auto":
        text = title
    elif form == "roman":
        text = f"{_roman(number) if isinstance(number, int) else number}. {title}"
    elif form == "dash-number":
        text = f"{number}.- {title}"
    elif form == "paren-number":
        text = f"{number}) {title}"
    elif form == "seccion":
        text = f"Sección {number}: {title}"
    else:
        text = f"{number}. {title}"
    if form == "caps-bold":
        text = text.upper()
    elif form == "plain-colon" and not text.endswith(":"):
        text += ":"
    return text


def _prompts(spec: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """PROMPT_BULLETS, with the spec's own `prompts:` (another activity's questions) on top."""
    own = spec.get("prompts") or {}
    return {**PROMPT_BULLETS, **{str(k): tuple(str(t) for t in v) for k, v in own.items()}}


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value)


def _countable_texts(
    kind: str, block: dict[str, Any], prompts: dict[str, tuple[str, ...]]
) -> list[str]:
    """The paragraphs/cells of a block that count as body text, one string each."""
    value = block[kind]
    if kind in ("subheading", "cover"):
        return [str(value)] if kind == "subheading" else [str(x) for x in value]
    if kind == "p":
        # ECMA-376 Part 1 §17.13.5 (revisions): w:ins runs are text, w:delText never is.
        return [str(value) + str(block.get("inserted", ""))]
    if kind in ("bullets", "numbered", "textboxes"):
        return [str(x) for x in value]
    if kind == "indented":
        return [str(text) for _level, text in value]
    if kind == "table":
        return [_cell_text(c) for row in value for c in row]
    if kind == "image":
        return [str(block["caption"])] if block.get("caption") else []
    if kind == "pasted_prompt":
        return list(prompts[str(block["pasted_prompt"])])
    # toc (field result, not body), deleted_p, smartart, page_break: nothing countable.
    return []


def compute_truth(spec: dict[str, Any]) -> dict[str, Any]:
    """Ground truth of a spec, without rendering it.

    Returns `{section_id: {...}, "student": {...}}`. Per section: `heading` (text as written),
    `title`, `number`, `words` and `characters` of the body (heading excluded; everything up to
    the next section or unnumbered `heading:`, pasted prompt included), `prompt_words` and
    `prompt_characters` (the pasted-prompt part of those counts), `has_figure` (image or
    SmartArt), `has_table`, `has_textbox`. Characters are summed per paragraph or table cell.
    """
    _validate(spec)
    form = spec.get("headings", "word-styles")
    truth: dict[str, Any] = {}
    current: dict[str, Any] | None = None
    prompts = _prompts(spec)
    for block in _expanded_blocks(spec):
        kind = _block_kind(block, "spec")
        if kind == "section":
            number = block.get("number")
            current = {
                "heading": heading_text(form, block["title"], number),
                "title": str(block["title"]),
                "number": number,
                "words": 0,
                "characters": 0,
                "prompt_words": 0,
                "prompt_characters": 0,
                "has_figure": False,
                "has_table": False,
                "has_textbox": False,
            }
            truth[str(block["section"])] = current
            continue
        if kind == "heading":
            current = None
            continue
        if current is None:
            continue
        texts = _countable_texts(kind, block, prompts)
        words = sum(count_words(t) for t in texts)
        chars = sum(count_characters(t) for t in texts)
        current["words"] += words
        current["characters"] += chars
        if kind == "pasted_prompt":
            current["prompt_words"] += words
            current["prompt_characters"] += chars
        current["has_figure"] |= kind in ("image", "smartart")
        current["has_table"] |= kind == "table"
        current["has_textbox"] |= kind == "textboxes"
    truth["student"] = dict(spec.get("student") or {})
    return truth


# --------------------------------------------------------------------------------------------
# Rendering


def _x(xml: str) -> etree._Element:
    """Parse one element written with the usual prefixes (declared on a throwaway wrapper)."""
    wrapper = etree.fromstring(f"<wrapper {_DECLS}>{xml}</wrapper>", oxml_parser)
    el = wrapper[0]
    wrapper.remove(el)
    etree.cleanup_namespaces(el)
    return el


def _t(text: str, tag: str = "w:t") -> str:
    return f'<{tag} xml:space="preserve">{escape(text)}</{tag}>'


@functools.lru_cache(maxsize=64)
def _png(seed: str, width: int = 96, height: int = 64) -> bytes:
    """A small RGB PNG (three boxes, an organigram at a glance); colour derived from `seed`."""
    crc = zlib.crc32(seed.encode("utf-8"))
    fg = bytes(((crc >> 16) & 0x7F, (crc >> 8) & 0x7F, crc & 0x7F))
    bg = b"\xff\xff\xff"
    boxes = [(36, 60, 6, 22), (8, 40, 38, 58), (56, 88, 38, 58)]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type 0 for every scanline
        for x in range(width):
            inside = any(x0 <= x < x1 and y0 <= y < y1 for x0, x1, y0, y1 in boxes)
            row += fg if inside else bg
        rows.append(bytes(row))

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


class _Numbering:
    """Adds abstractNum/num definitions to numbering.xml on demand (ECMA-376 Part 1 §17.9)."""

    _LEVELS: dict[str, list[tuple[str, str, str | None]]] = {
        "bullet": [("bullet", "•", None), ("bullet", "o", "Courier New"), ("bullet", "▪", None)],
        "decimal": [("decimal", "%1.", None), ("lowerLetter", "%2)", None),
                    ("lowerRoman", "%3.", None)],
        "heading": [("decimal", "%1.", None), ("decimal", "%1.%2.", None),
                    ("decimal", "%1.%2.%3.", None)],
    }  # fmt: skip

    def __init__(self, doc: DocxDocument) -> None:
        self.root = doc.part.numbering_part.element
        abstract_ids = [int(x) for x in self.root.xpath("./w:abstractNum/@w:abstractNumId")]
        num_ids = [int(x) for x in self.root.xpath("./w:num/@w:numId")]
        self._next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        self._abstract: dict[str, int] = {}
        self._shared: dict[str, int] = {}

    def _abstract_id(self, kind: str) -> int:
        if kind not in self._abstract:
            aid = self._next_abstract
            self._next_abstract += 1
            lvls = []
            for ilvl, (fmt, text, font) in enumerate(self._LEVELS[kind]):
                rpr = (
                    f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
                )
                lvls.append(
                    f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:ind w:left="{720 * (ilvl + 1)}" w:hanging="360"/></w:pPr>'
                    f"{rpr}</w:lvl>"
                )
            el = _x(
                f'<w:abstractNum w:abstractNumId="{aid}"><w:nsid w:val="{0x1A2B3C00 + aid:08X}"/>'
                f'<w:multiLevelType w:val="hybridMultilevel"/>{"".join(lvls)}</w:abstractNum>'
            )
            # §17.9.16: every w:abstractNum precedes every w:num in the numbering part.
            first_num = self.root.find(f"{_W}num")
            if first_num is not None:
                first_num.addprevious(el)
            else:
                self.root.append(el)
            self._abstract[kind] = aid
        return self._abstract[kind]

    def new_num(self, kind: str, start: int | None = None) -> int:
        """A fresh w:num for `kind` (numbered lists restart at 1 with their own num)."""
        nid = self._next_num
        self._next_num += 1
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if start is not None
            else ""
        )
        self.root.append(
            _x(
                f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{self._abstract_id(kind)}"/>'
                f"{override}</w:num>"
            )
        )
        return nid

    def shared_num(self, kind: str) -> int:
        if kind not in self._shared:
            self._shared[kind] = self.new_num(kind)
        return self._shared[kind]


def _set_num(paragraph: Any, num_id: int, ilvl: int = 0) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


@dataclass
class _TocEntry:
    text: str
    level: int
    page: int
    bookmark: str


class _Renderer:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.form: str = spec.get("headings", "word-styles")
        self.blocks = _expanded_blocks(spec)
        self.prompts = _prompts(spec)
        student = spec.get("student") or {}
        self.author = str(student.get("name") or "Estudiante")
        self.doc = docx.Document()
        self._ids = iter(range(1000, 10**6))  # docPr, revision and bookmark ids
        self._textbox_n = 0
        self._diagram_n = 0
        self.footnotes: list[str] = []
        self._section_no = 0
        self._toc_rendered = False
        self._prepare_package()
        self.numbering = _Numbering(self.doc)
        self.toc_entries = self._plan_toc()

    # -- package-level set-up ------------------------------------------------------------
    def _prepare_package(self) -> None:
        part = self.doc.part
        # Word 2013+ no longer writes stylesWithEffects.xml; it would also keep English ids.
        for rid, rel in list(part.rels.items()):
            if rel.reltype.endswith("/stylesWithEffects"):
                part.drop_rel(rid)
        styles = self.doc.styles.element
        if any("toc" in b for b in self.blocks):
            for n in (1, 2, 3):
                styles.append(
                    _x(
                        f'<w:style w:type="paragraph" w:styleId="TOC{n}"><w:name w:val="toc {n}"/>'
                        f'<w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
                        f'<w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
                        f'<w:pPr><w:spacing w:after="100"/>'
                        f'<w:ind w:left="{220 * (n - 1)}"/></w:pPr>'
                        f"</w:style>"
                    )
                )
        if self.form == "localized-style-ids":
            self._localize_style_ids()
        cp = self.doc.core_properties
        cp.author = self.author
        cp.last_modified_by = self.author
        cp.title = "Actividad: cuentas clave"
        cp.revision = 1
        when = dt.datetime(2026, 10, 12, 10, 0, 0)
        cp.created = when
        cp.modified = when
        cp.last_printed = when

    def _localize_style_ids(self) -> None:
        """Rename style ids the way Spanish Word writes them; names stay "heading 1" etc."""
        styles = self.doc.styles.element
        for style in styles.iterfind(f"{_W}style"):
            sid = style.get(f"{_W}styleId")
            if sid in _LOCALIZED_IDS:
                style.set(f"{_W}styleId", _LOCALIZED_IDS[sid])
        refs = ("basedOn", "next", "link", "pStyle", "rStyle")
        for root in (styles, self.doc.part.numbering_part.element):
            for tag in refs:
                for el in root.iter(f"{_W}{tag}"):
                    val = el.get(f"{_W}val")
                    if val in _LOCALIZED_IDS:
                        el.set(f"{_W}val", _LOCALIZED_IDS[val])

    def _style_id(self, name: str) -> str:
        return str(self.doc.styles[name].style_id)

    # -- planning -------------------------------------------------------------------------
    def _heading_level(self, kind: str) -> int:
        deep = self.form == "under-desarrollo"
        return {"heading": 1, "section": 2 if deep else 1, "subheading": 3 if deep else 2}[kind]

    def _display(self, kind: str, block: dict[str, Any], section_no: int) -> str:
        if kind == "section":
            text = heading_text(self.form, block["title"], block.get("number"))
            if self.form == "numbered-auto":
                text = f"{block.get('number', section_no)}.\t{text}"
            return text
        if kind == "heading":
            return heading_text(self.form, str(block["heading"]))
        return str(block[kind])

    def _plan_toc(self) -> list[_TocEntry]:
        """Headings after the first `toc:` block, with estimated page numbers for its cache."""
        entries: list[_TocEntry] = []
        seen_toc = False
        page, words_on_page, section_no = 1, 0, 0
        for block in self.blocks:
            kind = _block_kind(block, "spec")
            if kind in ("cover", "page_break"):
                page, words_on_page = page + 1, 0
                continue
            if kind == "toc":
                seen_toc = True
                continue
            if kind == "section":
                section_no += 1
            if kind in ("section", "heading", "subheading") and seen_toc:
                entries.append(
                    _TocEntry(
                        text=self._display(kind, block, section_no),
                        level=self._heading_level(kind),
                        page=page,
                        bookmark=f"_Toc{212000000 + len(entries) * 7:09d}",
                    )
                )
            texts = _countable_texts(kind, block, self.prompts)
            words_on_page += sum(count_words(t) for t in texts) + 8
            page += words_on_page // _WORDS_PER_PAGE
            words_on_page %= _WORDS_PER_PAGE
        return entries

    # -- body helpers ---------------------------------------------------------------------
    def _append(self, el: etree._Element) -> None:
        body = self.doc.element.body
        sect = body.find(f"{_W}sectPr")
        if sect is not None:
            sect.addprevious(el)
        else:
            body.append(el)

    def _rev_attrs(self) -> str:
        return f'w:id="{next(self._ids)}" w:author={quoteattr(self.author)} w:date="{_DATE}"'

    def _bold_paragraph(self, text: str) -> Any:
        p = self.doc.add_paragraph()
        p.add_run(text).bold = True
        return p

    def _bookmark(self, p_el: etree._Element, name: str) -> None:
        bid = next(self._ids)
        ppr = p_el.find(f"{_W}pPr")
        start = _x(f'<w:bookmarkStart w:id="{bid}" w:name="{name}"/>')
        if ppr is not None:
            ppr.addnext(start)
        else:
            p_el.insert(0, start)
        p_el.append(_x(f'<w:bookmarkEnd w:id="{bid}"/>'))

    # -- blocks ---------------------------------------------------------------------------
    def render(self) -> bytes:
        toc_i = 0
        for block in self.blocks:
            kind = _block_kind(block, "spec")
            if kind in ("section", "heading", "subheading"):
                if kind == "section":
                    self._section_no += 1
                p_el = self._heading(kind, block)
                if self._toc_rendered and toc_i < len(self.toc_entries):
                    self._bookmark(p_el, self.toc_entries[toc_i].bookmark)
                    toc_i += 1
                continue
            getattr(self, f"_block_{kind}")(block)
        self._write_footnotes()
        buf = io.BytesIO()
        self.doc.save(buf)
        return _normalise_zip(buf.getvalue(), str(self.spec.get("application") or ""))

    def _heading(self, kind: str, block: dict[str, Any]) -> etree._Element:
        form = self.form
        if kind == "section":
            text = heading_text(form, block["title"], block.get("number"))
        elif kind == "heading":
            text = heading_text(form, str(block["heading"]))
        else:
            text = str(block["subheading"])
        styled = form in ("word-styles", "localized-style-ids", "numbered-auto", "roman",
                          "under-desarrollo")  # fmt: skip
        if styled:
            p = self.doc.add_paragraph(text, style=f"Heading {self._heading_level(kind)}")
            if kind == "section" and form == "numbered-auto":
                number = block.get("number")
                expected = self._section_no
                if isinstance(number, int) and number != expected:
                    num_id = self.numbering.new_num("heading", start=number)
                else:
                    num_id = self.numbering.shared_num("heading")
                _set_num(p, num_id)
            return p._p
        if kind == "subheading":
            return self._bold_paragraph(text)._p
        if form == "table-banner":
            table = self.doc.add_table(rows=1, cols=1)
            table.style = self.doc.styles["Table Grid"]
            cell = table.cell(0, 0)
            para = cell.paragraphs[0]
            run = para.add_run(text)
            run.bold = True
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
            run.font.size = Pt(13)
            cell._tc.get_or_add_tcPr().append(
                _x('<w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/>')
            )
            return para._p
        if form == "plain-colon":
            return self.doc.add_paragraph(text)._p
        return self._bold_paragraph(text)._p

    def _block_cover(self, block: dict[str, Any]) -> None:
        p = None
        for i, line in enumerate(block["cover"]):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(str(line))
            if i == 0:
                run.bold = True
                run.font.size = Pt(16)
        (p or self.doc.add_paragraph()).add_run().add_break(WD_BREAK.PAGE)

    def _block_toc(self, block: dict[str, Any]) -> None:
        if not block["toc"]:
            return
        self._toc_rendered = True
        style = {n: self._style_id(f"toc {n}") for n in (1, 2, 3)}
        title_style = self._style_id("TOC Heading")
        instr = ' TOC \\o "1-3" \\h \\z \\u '
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f"<w:r>{_t(instr, 'w:instrText')}</w:r>"
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
        paras = []
        for i, e in enumerate(self.toc_entries):
            pageref = _t(f" PAGEREF {e.bookmark} \\h ", "w:instrText")
            # §17.16.5.68 TOC: the cached result is ordinary paragraphs between "separate" and
            # "end"; \h makes each entry a hyperlink to the heading's _Toc bookmark.
            entry = "".join(_t(part) if j == 0 else f"<w:tab/>{_t(part)}"
                            for j, part in enumerate(e.text.split("\t")))  # fmt: skip
            paras.append(
                f'<w:p><w:pPr><w:pStyle w:val="{style[min(e.level, 3)]}"/><w:tabs>'
                f'<w:tab w:val="right" w:leader="dot" w:pos="8630"/></w:tabs></w:pPr>'
                f"{begin if i == 0 else ''}"
                f'<w:hyperlink w:anchor="{e.bookmark}" w:history="1">'
                f"<w:r>{entry}</w:r><w:r><w:tab/></w:r>"
                f'<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                f"<w:r>{pageref}</w:r>"
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                f"<w:r>{_t(str(e.page))}</w:r>"
                f'<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>'
            )
        if not paras:
            paras.append(f"<w:p>{begin}</w:p>")
        paras.append('<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
        # Word wraps the TOC in a "Table of Contents" building-block content control (§17.5.2.12).
        self._append(
            _x(
                '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
                "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent>"
                f'<w:p><w:pPr><w:pStyle w:val="{title_style}"/></w:pPr>'
                f"<w:r>{_t('Contenido')}</w:r></w:p>{''.join(paras)}</w:sdtContent></w:sdt>"
            )
        )

    def _block_p(self, block: dict[str, Any]) -> None:
        text = str(block["p"])
        p = self.doc.add_paragraph()
        if block.get("split_runs"):
            # Word splits runs at arbitrary points (spell-check, rsids), even inside words.
            pos, sizes = 0, (7, 3, 11, 5)
            while pos < len(text):
                size = sizes[len(p.runs) % len(sizes)]
                p.add_run(text[pos : pos + size])
                pos += size
        elif text:
            p.add_run(text)
        if block.get("inserted"):
            # §17.13.5.18 ins: inserted run content; it is part of the text once accepted.
            p._p.append(
                _x(f"<w:ins {self._rev_attrs()}><w:r>{_t(str(block['inserted']))}</w:r></w:ins>")
            )
        if block.get("deleted"):
            # §17.13.5.14 del: deleted runs keep their text in w:delText (§17.3.3.7), never w:t.
            p._p.append(
                _x(
                    f"<w:del {self._rev_attrs()}><w:r>{_t(str(block['deleted']), 'w:delText')}"
                    "</w:r></w:del>"
                )
            )
        if block.get("footnote"):
            self.footnotes.append(str(block["footnote"]))
            fid = len(self.footnotes)
            p._p.append(
                _x(
                    f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{fid}"/></w:r>'
                )
            )

    def _block_deleted_p(self, block: dict[str, Any]) -> None:
        # §17.13.5.15: a w:del in the paragraph mark's rPr deletes the mark itself as well.
        self._append(
            _x(
                f"<w:p><w:pPr><w:rPr><w:del {self._rev_attrs()}/></w:rPr></w:pPr>"
                f"<w:del {self._rev_attrs()}><w:r>{_t(str(block['deleted_p']), 'w:delText')}</w:r>"
                "</w:del></w:p>"
            )
        )

    def _list(self, items: Iterable[tuple[int, str]], kind: str | None, restart: bool) -> None:
        num_id = None
        if kind is not None:
            num_id = self.numbering.new_num(kind) if restart else self.numbering.shared_num(kind)
        for level, text in items:
            if num_id is None:
                p = self.doc.add_paragraph(text)
                p.paragraph_format.left_indent = Inches(0.5 * level)
            else:
                p = self.doc.add_paragraph(text, style="List Paragraph")
                _set_num(p, num_id, level)

    def _block_bullets(self, block: dict[str, Any]) -> None:
        self._list(((0, str(x)) for x in block["bullets"]), "bullet", restart=False)

    def _block_numbered(self, block: dict[str, Any]) -> None:
        self._list(((0, str(x)) for x in block["numbered"]), "decimal", restart=True)

    def _block_indented(self, block: dict[str, Any]) -> None:
        items = [(int(level), str(text)) for level, text in block["indented"]]
        self._list(items, "bullet" if block.get("bullets") else None, restart=True)

    def _block_pasted_prompt(self, block: dict[str, Any]) -> None:
        texts = ((0, t) for t in self.prompts[str(block["pasted_prompt"])])
        as_bullets = block.get("as", "bullets") == "bullets"
        self._list(texts, "bullet" if as_bullets else None, restart=False)

    def _block_table(self, block: dict[str, Any]) -> None:
        rows = block["table"]
        cols = max((len(r) for r in rows), default=1)
        table = self.doc.add_table(rows=len(rows), cols=cols)
        table.style = self.doc.styles["Table Grid"]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                para = table.cell(r, c).paragraphs[0]
                run = para.add_run(_cell_text(value))
                run.bold = r == 0

    def _block_image(self, block: dict[str, Any]) -> None:
        alt = str(block["image"])
        shape = self.doc.add_picture(io.BytesIO(_png(alt)), width=Inches(3.5))
        doc_pr = shape._inline.docPr
        doc_pr.set("name", f"Imagen {doc_pr.get('id')}")
        doc_pr.set("descr", alt)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        if block.get("caption"):
            self.doc.add_paragraph(str(block["caption"]), style="Caption")

    def _block_page_break(self, block: dict[str, Any]) -> None:
        if block["page_break"]:
            self.doc.add_page_break()

    def _block_textboxes(self, block: dict[str, Any]) -> None:
        runs = []
        for i, text in enumerate(str(x) for x in block["textboxes"]):
            self._textbox_n += 1
            n, did = self._textbox_n, next(self._ids)
            y = 640080 * i  # stacked 0.7" apart
            content = (
                f'<w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
                f"<w:r>{_t(text)}</w:r></w:p></w:txbxContent>"
            )
            # Markup Compatibility (ECMA-376 Part 3 §10.2): a consumer processes exactly one
            # branch, so the same text sits in the wps Choice and in the VML Fallback.
            runs.append(
                "<w:r><mc:AlternateContent>"
                '<mc:Choice Requires="wps"><w:drawing>'
                '<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0"'
                f' relativeHeight="{251659264 + n}" behindDoc="0" locked="0" layoutInCell="1"'
                ' allowOverlap="1"><wp:simplePos x="0" y="0"/>'
                '<wp:positionH relativeFrom="column"><wp:posOffset>1371600</wp:posOffset>'
                '</wp:positionH><wp:positionV relativeFrom="paragraph">'
                f"<wp:posOffset>{y}</wp:posOffset></wp:positionV>"
                '<wp:extent cx="2743200" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:wrapTopAndBottom/><wp:docPr id="{did}" name="Cuadro de texto {n}"/>'
                "<wp:cNvGraphicFramePr/><a:graphic>"
                '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
                '<a:ext cx="2743200" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
                '</a:prstGeom><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
                '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln>'
                f"</wps:spPr><wps:txbx>{content}</wps:txbx>"
                '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720"'
                ' rIns="91440" bIns="45720" anchor="t" anchorCtr="0"><a:noAutofit/></wps:bodyPr>'
                "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
                "<mc:Fallback><w:pict>"
                f'<v:rect id="Cuadro de texto {n}" o:spid="_x0000_s{1025 + n}"'
                ' style="position:absolute;'
                f"margin-left:108pt;margin-top:{y / 12700:.1f}pt;width:216pt;height:36pt;"
                f'z-index:{n}" strokeweight=".75pt"><v:textbox>{content}</v:textbox></v:rect>'
                "</w:pict></mc:Fallback></mc:AlternateContent></w:r>"
            )
        self._append(_x(f"<w:p>{''.join(runs)}</w:p>"))

    def _block_smartart(self, block: dict[str, Any]) -> None:
        self._diagram_n += 1
        n, items = self._diagram_n, [str(x) for x in block["smartart"]]
        dgm = _NS["dgm"]
        a = _NS["a"]
        pts = [
            '<dgm:pt modelId="{00000000-0000-0000-0000-000000000000}" type="doc"><dgm:prSet/>'
            '<dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="es-MX"/></a:p>'
            "</dgm:t></dgm:pt>"
        ]
        cxns = []
        for i, text in enumerate(items, start=1):
            mid = f"{{{n:08X}-0000-0000-0000-{i:012X}}}"
            pts.append(
                f'<dgm:pt modelId="{mid}"><dgm:prSet phldrT="[Texto]"/><dgm:spPr/><dgm:t>'
                f'<a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="es-MX"/>{_t(text, "a:t")}'
                "</a:r></a:p></dgm:t></dgm:pt>"
            )
            # Each item hangs from the previous one: a chain, as an organigram's spine.
            src = (
                "{00000000-0000-0000-0000-000000000000}"
                if i == 1
                else (f"{{{n:08X}-0000-0000-0000-{i - 1:012X}}}")
            )
            cxns.append(
                f'<dgm:cxn modelId="{{{n:08X}-1111-0000-0000-{i:012X}}}" srcId="{src}"'
                f' destId="{mid}" srcOrd="0" destOrd="0"/>'
            )
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        parts = {
            "dm": (
                RT.DIAGRAM_DATA, CT.DML_DIAGRAM_DATA, f"data{n}.xml",
                f'<dgm:dataModel xmlns:dgm="{dgm}" xmlns:a="{a}"><dgm:ptLst>{"".join(pts)}'
                f'</dgm:ptLst><dgm:cxnLst>{"".join(cxns)}</dgm:cxnLst><dgm:bg/><dgm:whole/>'
                "</dgm:dataModel>",
            ),
            "lo": (
                RT.DIAGRAM_LAYOUT, CT.DML_DIAGRAM_LAYOUT, f"layout{n}.xml",
                f'<dgm:layoutDef xmlns:dgm="{dgm}" xmlns:a="{a}"'
                ' uniqueId="urn:microsoft.com/office/officeart/2005/8/layout/hierarchy1">'
                '<dgm:title val=""/><dgm:desc val=""/><dgm:layoutNode name="hierarchy1"/>'
                "</dgm:layoutDef>",
            ),
            "qs": (
                RT.DIAGRAM_QUICK_STYLE, CT.DML_DIAGRAM_STYLE, f"quickStyle{n}.xml",
                f'<dgm:styleDef xmlns:dgm="{dgm}" xmlns:a="{a}"'
                ' uniqueId="urn:microsoft.com/office/officeart/2005/8/quickstyle/simple1">'
                '<dgm:title val=""/><dgm:desc val=""/><dgm:scene3d>'
                '<a:camera prst="orthographicFront"/><a:lightRig rig="threePt" dir="t"/>'
                "</dgm:scene3d></dgm:styleDef>",
            ),
            "cs": (
                RT.DIAGRAM_COLORS, CT.DML_DIAGRAM_COLORS, f"colors{n}.xml",
                f'<dgm:colorsDef xmlns:dgm="{dgm}" xmlns:a="{a}"'
                ' uniqueId="urn:microsoft.com/office/officeart/2005/8/colors/accent1_2">'
                '<dgm:title val=""/><dgm:desc val=""/></dgm:colorsDef>',
            ),
        }  # fmt: skip
        rids = {}
        package = self.doc.part.package
        for key, (reltype, content_type, name, xml) in parts.items():
            part = Part(
                PackURI(f"/word/diagrams/{name}"), content_type, (head + xml).encode(), package
            )
            rids[key] = self.doc.part.relate_to(part, reltype)
        did = next(self._ids)
        self._append(
            _x(
                '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing>'
                '<wp:inline distT="0" distB="0" distL="0" distR="0">'
                '<wp:extent cx="5486400" cy="3200400"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
                f'<wp:docPr id="{did}" name="Diagrama {n}"/><wp:cNvGraphicFramePr/>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
                f'<dgm:relIds r:dm="{rids["dm"]}" r:lo="{rids["lo"]}" r:qs="{rids["qs"]}"'
                f' r:cs="{rids["cs"]}"/></a:graphicData></a:graphic></wp:inline></w:drawing>'
                "</w:r></w:p>"
            )
        )

    def _write_footnotes(self) -> None:
        if not self.footnotes:
            return
        notes = [
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            "</w:footnote>",
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            "<w:continuationSeparator/></w:r></w:p></w:footnote>",
        ]
        for fid, text in enumerate(self.footnotes, start=1):
            notes.append(
                f'<w:footnote w:id="{fid}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                f"</w:rPr><w:footnoteRef/></w:r><w:r>{_t(' ' + text)}</w:r></w:p></w:footnote>"
            )
        xml = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:footnotes xmlns:w="{_NS["w"]}" xmlns:r="{_NS["r"]}">{"".join(notes)}</w:footnotes>'
        )
        # §17.11.10: footnotes live in their own part, related from the main document part.
        part = Part(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode(), self.doc.part.package
        )
        self.doc.part.relate_to(part, RT.FOOTNOTES)


def _normalise_zip(data: bytes, application: str) -> bytes:
    """Fixed timestamps (byte-identical rebuilds) and docProps/app.xml's Application."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/app.xml" and application:
                blob = re.sub(
                    rb"<Application>.*?</Application>",
                    b"<Application>" + escape(application).encode() + b"</Application>",
                    blob,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


def build_docx(spec: dict[str, Any]) -> BuiltDocx:
    """Render `spec` (tests/SUBMISSION_SPEC.md) to .docx bytes, with its ground truth.

    The truth comes from `compute_truth(spec)`, never from reading the result back.
    """
    _validate(spec)
    return BuiltDocx(data=_Renderer(spec).render(), truth=compute_truth(spec))


def make_docx(
    blocks: list[dict[str, Any]],
    *,
    headings: str = "word-styles",
    application: str = "Microsoft Office Word",
    student: dict[str, str] | None = None,
    **extra: Any,
) -> BuiltDocx:
    """Build a document from blocks alone, in the spirit of mammoth's `xml_element(...)`::

    built = make_docx([{"section": "s1", "title": "Cuentas clave"}, {"p": "Tiene 12."}])
    assert built.truth["s1"]["words"] == 2
    """
    spec = {
        "file": "submission.docx",
        "application": application,
        "headings": headings,
        "student": student or {"name": "Ana López Ruiz", "matricula": "AL02934817"},
        "blocks": blocks,
        **extra,
    }
    return build_docx(spec)


# --------------------------------------------------------------------------------------------
# Command line


def build_files(specs: Iterable[Path], out: Path) -> Iterator[tuple[Path, BuiltDocx, bool]]:
    """Build each spec into `out`, yielding (path, built, changed); skips rewriting same bytes."""
    out.mkdir(parents=True, exist_ok=True)
    for spec_path in specs:
        spec = load_spec(spec_path)
        built = build_docx(spec)
        target = out / str(spec["file"])
        changed = not target.exists() or target.read_bytes() != built.data
        if changed:
            target.write_bytes(built.data)
        yield target, built, changed


def main(argv: list[str] | None = None) -> int:
    """`python tests/docbuilder.py SPEC.yaml... --out DIR [--truth FILE.json]`."""
    parser = argparse.ArgumentParser(description="Build .docx submissions from YAML specs.")
    parser.add_argument("specs", nargs="+", type=Path, help="spec files (tests/SUBMISSION_SPEC.md)")
    parser.add_argument("--out", type=Path, required=True, help="directory for the .docx files")
    parser.add_argument("--truth", type=Path, help="also write {file: truth} as JSON here")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    truths: dict[str, Any] = {}
    try:
        for target, built, changed in build_files(sorted(args.specs), args.out):
            truths[target.name] = built.truth
            if not args.quiet:
                print(f"{'wrote' if changed else 'unchanged'} {target}")
    except (SpecError, OSError) as e:
        print(f"docbuilder: {e}", file=sys.stderr)
        return 1
    if args.truth:
        args.truth.write_text(json.dumps(truths, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
