"""The document model: what the .docx reader produces and every later stage reads.

Body blocks come in document order. Text that is not body text (footnotes, endnotes, comments,
headers, footers) is kept apart so that counts include or exclude it by rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from kamgrade.records import pickled_by_fields
from kamgrade.results import Message


class Origin(StrEnum):
    """Where a paragraph's text was found in the package."""

    BODY = "body"
    TABLE = "table"
    TEXTBOX = "textbox"  # w:txbxContent (one branch of mc:AlternateContent only)
    ALTCHUNK = "altchunk"  # imported HTML/text chunk


class FigureKind(StrEnum):
    IMAGE = "image"  # pic:pic, VML imagedata
    DIAGRAM = "diagram"  # SmartArt (dgm:relIds)
    CHART = "chart"  # c:chart
    SHAPE = "shape"  # wps shapes / VML shapes, text boxes included
    OBJECT = "object"  # embedded OLE objects


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    style_id: str | None = None
    style_name: str | None = None  # resolved through styles.xml: "heading 1", never "Ttulo1"
    outline_level: int | None = None  # 0 = top heading level; None = body text
    numbering: str | None = None  # rendered automatic number, e.g. "1." or "II." (not in text)
    list_level: int | None = None  # w:ilvl when the paragraph is a numbered or bulleted item
    bold: bool = False  # every non-blank run is bold
    all_caps: bool = False  # w:caps on every non-blank run
    font_size: float | None = None  # largest run size in points, when stated
    centered: bool = False
    indent: float | None = None  # direct left indentation in points (w:ind), for indented lists
    origin: Origin = Origin.BODY
    is_toc: bool = False  # inside a TOC field result or styled "toc N"
    page_break_before: bool = False  # page break or section break right before this paragraph

    @property
    def is_list_item(self) -> bool:
        return self.list_level is not None


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Cell:
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...] = ()
    # Pictures, charts, SmartArt and shapes anchored in the cell; text-box text is also in
    # `paragraphs` (origin TEXTBOX) so that it counts once as body text.
    figures: tuple[Figure, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    style_name: str | None = None

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def iter_paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph in the table, nested tables included, row by row."""
        for row in self.rows:
            for cell in row:
                yield from cell.paragraphs
                for nested in cell.tables:
                    yield from nested.iter_paragraphs()


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Figure:
    """A picture, SmartArt, chart, shape or embedded object anchored in the body.

    `paragraphs` holds text drawn inside it (text-box paragraphs, SmartArt node text). For text
    boxes that text is body text and counts as words; SmartArt, chart and picture text does not
    (`counts_as_text` says which).
    """

    kind: FigureKind
    description: str = ""  # alt text / name given by the author
    paragraphs: tuple[Paragraph, ...] = ()
    counts_as_text: bool = False

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


Block = Paragraph | Table | Figure


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class Note:
    """A footnote, endnote or comment; never body text."""

    kind: str  # "footnote" | "endnote" | "comment"
    text: str


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class DocModel:
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...] = ()
    headers: tuple[str, ...] = ()
    footers: tuple[str, ...] = ()
    title: str | None = None  # docProps/core.xml dc:title
    author: str | None = None  # docProps/core.xml dc:creator
    application: str | None = None  # docProps/app.xml Application
    macro_enabled: bool = False
    messages: tuple[Message, ...] = field(default=())

    def iter_paragraphs(self) -> Iterator[Paragraph]:
        """Every body paragraph in order: tables and text boxes included."""
        for block in self.blocks:
            yield from block_paragraphs(block)


def block_paragraphs(block: Block) -> Iterator[Paragraph]:
    """The paragraphs of one block whose text counts as body text."""
    if isinstance(block, Paragraph):
        yield block
    elif isinstance(block, Table):
        yield from block.iter_paragraphs()
    elif block.counts_as_text:
        yield from block.paragraphs
