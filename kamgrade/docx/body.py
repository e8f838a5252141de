"""The body walker: WordprocessingML blocks and runs -> `Paragraph`, `Table`, `Figure`.

One pass over the lxml tree, in document order. Text inside tracked deletions is dropped, text
inside tracked insertions is kept, and exactly one branch of every mc:AlternateContent is read so
that a text box written twice (DrawingML Choice + VML Fallback) counts once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from lxml import etree

from kamgrade.docx import altchunk, diagrams
from kamgrade.docx.numbering import Numbering
from kamgrade.docx.package import Package
from kamgrade.docx.styles import (
    StyleProps,
    Styles,
    heading_level_from_name,
    is_toc_name,
    on,
)
from kamgrade.model import Block, Cell, Figure, FigureKind, Origin, Paragraph, Table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
V = "urn:schemas-microsoft-com:vml"
OFFICE = "urn:schemas-microsoft-com:office:office"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = (_w(t) for t in ("p", "r", "t", "tbl", "tr", "tc"))
W_PPR, W_RPR, W_SDT, W_SDTCONTENT = (_w(t) for t in ("pPr", "rPr", "sdt", "sdtContent"))
W_TAB, W_PTAB, W_BR, W_CR = (_w(t) for t in ("tab", "ptab", "br", "cr"))
W_NBH, W_SOFTH, W_FLDCHAR, W_INSTR = (
    _w(t) for t in ("noBreakHyphen", "softHyphen", "fldChar", "instrText")
)
W_DRAWING, W_PICT, W_OBJECT, W_TXBX = (_w(t) for t in ("drawing", "pict", "object", "txbxContent"))
W_DEL, W_MOVEFROM, W_INS, W_MOVETO = (_w(t) for t in ("del", "moveFrom", "ins", "moveTo"))
W_HYPERLINK, W_SMARTTAG, W_CUSTOMXML, W_FLDSIMPLE = (
    _w(t) for t in ("hyperlink", "smartTag", "customXml", "fldSimple")
)
W_DIR, W_BDO, W_ALTCHUNK, W_SECTPR = (_w(t) for t in ("dir", "bdo", "altChunk", "sectPr"))
W_SUBDOC = _w("subDoc")
W_VAL = _w("val")
MC_ALT, MC_CHOICE, MC_FALLBACK = (
    f"{{{MC}}}{t}" for t in ("AlternateContent", "Choice", "Fallback")
)
M_OMATH, M_OMATHPARA, M_T = (f"{{{M}}}{t}" for t in ("oMath", "oMathPara", "t"))

_T_B = _w("b")
_T_CAPS = _w("caps")
_T_DOCPARTGALLERY = _w("docPartGallery")
_T_DOCPARTOBJ = _w("docPartObj")
_T_FLDCHARTYPE = _w("fldCharType")
_T_ILVL = _w("ilvl")
_T_INSTR = _w("instr")
_T_JC = _w("jc")
_T_IND = _w("ind")
_W_LEFT = _w("left")
_W_START = _w("start")
_T_NUMID = _w("numId")
_T_NUMPR = _w("numPr")
_T_OUTLINELVL = _w("outlineLvl")
_T_PSTYLE = _w("pStyle")
_T_PAGEBREAKBEFORE = _w("pageBreakBefore")
_T_RSTYLE = _w("rStyle")
_T_SDTPR = _w("sdtPr")
_T_SZ = _w("sz")
_T_TBLPR = _w("tblPr")
_T_TBLSTYLE = _w("tblStyle")
_T_TRPR = _w("trPr")
_T_TYPE = _w("type")

# Descend into these run containers (§17.5 structured document tags, §17.16 fields, §17.13.5
# revisions: w:ins and w:moveTo content is part of the current text).
_INLINE_CONTAINERS = {
    W_HYPERLINK,
    W_SMARTTAG,
    W_CUSTOMXML,
    W_FLDSIMPLE,
    W_INS,
    W_MOVETO,
    W_DIR,
    W_BDO,
}
_BLOCK_CONTAINERS = {W_CUSTOMXML, W_INS, W_MOVETO}
_DROPPED = {W_DEL, W_MOVEFROM}
# mc:Choice namespaces whose content this walker understands (MCE, ECMA-376 Part 3 §10.2).
_KNOWN_REQUIRES = {
    "wps",
    "wpg",
    "wpc",
    "wpi",
    "wp14",
    "w14",
    "w15",
    "w16",
    "w16cid",
    "w16cex",
    "a14",
    "c14",
    "v",
    "o",
    "w10",
    "m",
    "pic",
    "wp",
    "mc",
    "dgm14",
}


def choose_branch(alt: etree._Element) -> etree._Element | None:
    """The one branch of mc:AlternateContent to read: a Choice with a text box or understood
    namespaces, else the Fallback, else the first Choice (better than losing content)."""
    choices = [c for c in alt if c.tag == MC_CHOICE]
    fallback = next((c for c in alt if c.tag == MC_FALLBACK), None)
    for choice in choices:
        requires = set((choice.get("Requires") or "").split())
        if requires <= _KNOWN_REQUIRES or _contains(choice, W_TXBX):
            return choice
    if fallback is not None:
        return fallback
    return choices[0] if choices else None


def _contains(el: etree._Element, tag: str) -> bool:
    return next(el.iter(tag), None) is not None


@dataclass(slots=True)
class _Field:
    instr: str = ""
    in_result: bool = False


@dataclass(slots=True)
class _Para:
    parts: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    style: StyleProps | None = None
    bold_runs: list[bool] = field(default_factory=list)
    caps_runs: list[bool] = field(default_factory=list)
    max_size: float | None = None
    toc: bool = False
    break_here: bool = False  # page break before any text of this paragraph
    break_after: bool = False


class Walker:
    """Walks one part (main document, a note part, a header) into blocks."""

    def __init__(self, pkg: Package, part: str, styles: Styles, numbering: Numbering) -> None:
        self.pkg = pkg
        self.part = part
        self.styles = styles
        self.numbering = numbering
        self.fields: list[_Field] = []
        self.pending_break = False
        self.defaults = styles.defaults

    # ---- blocks -------------------------------------------------------------------------

    def blocks(
        self, container: etree._Element, origin: Origin = Origin.BODY, toc: bool = False
    ) -> list[Block]:
        """Blocks of a w:body, w:tc, w:txbxContent, w:sdtContent, note or header element."""
        out: list[Block] = []
        self._blocks_into(container, origin, toc, out)
        return out

    def _blocks_into(
        self, container: etree._Element, origin: Origin, toc: bool, out: list[Block]
    ) -> None:
        for child in container:
            tag = child.tag
            if tag == W_P:
                para = self.paragraph(child, origin, toc)
                if para is not None:
                    out.append(para[0])
                    out.extend(para[1])
            elif tag == W_TBL:
                out.append(self.table(child, toc))
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self._blocks_into(content, origin, toc or _is_toc_sdt(child), out)
            elif tag in _BLOCK_CONTAINERS:
                self._blocks_into(child, origin, toc, out)
            elif tag == MC_ALT:
                branch = choose_branch(child)
                if branch is not None:
                    self._blocks_into(branch, origin, toc, out)
            elif tag == W_SUBDOC:
                # §17.17.1.6: a master document's subdocument lives in another file.
                self.pkg.warn(
                    "KG-DOCX-SUBDOC",
                    "el documento es un documento maestro que enlaza subdocumentos externos; su "
                    "texto no está en el archivo y no se cuenta. Pide al estudiante un solo "
                    "archivo con todo el contenido.",
                    self.part,
                )
            elif tag == W_ALTCHUNK:
                target = self.pkg.target(self.part, child.get(f"{{{R}}}id"))
                for text in altchunk.chunk_texts(self.pkg, target):
                    out.append(
                        Paragraph(
                            text=text, origin=Origin.ALTCHUNK, page_break_before=self._take_break()
                        )
                    )

    def _take_break(self) -> bool:
        brk, self.pending_break = self.pending_break, False
        return brk

    def table(self, tbl: etree._Element, toc: bool) -> Table:
        """One w:tbl: rows of cells, nested tables kept on their cell, deleted rows dropped."""
        rows: list[tuple[Cell, ...]] = []
        for tr in _children(tbl, W_TR):
            trpr = tr.find(_T_TRPR)
            if trpr is not None and trpr.find(W_DEL) is not None:
                continue  # §17.13.5.12: a deleted table row
            cells = []
            for tc in _children(tr, W_TC):
                blocks = self.blocks(tc, Origin.TABLE, toc)
                paragraphs: list[Paragraph] = []
                tables: list[Table] = []
                figures: list[Figure] = []
                for b in blocks:
                    if isinstance(b, Paragraph):
                        paragraphs.append(b)
                    elif isinstance(b, Table):
                        tables.append(b)
                    else:
                        figures.append(b)
                        if b.counts_as_text:
                            paragraphs.extend(b.paragraphs)
                cells.append(Cell(tuple(paragraphs), tuple(tables), tuple(figures)))
            rows.append(tuple(cells))
        style_el = tbl.find(f"{_T_TBLPR}/{_T_TBLSTYLE}")
        style = self.styles.name(style_el.get(W_VAL)) if style_el is not None else None
        return Table(tuple(rows), style_name=style)

    # ---- paragraphs ---------------------------------------------------------------------

    def paragraph(
        self, p: etree._Element, origin: Origin, toc: bool
    ) -> tuple[Paragraph, list[Figure]] | None:
        """One w:p, or None when the whole paragraph is a tracked deletion."""
        ppr = p.find(W_PPR)
        style_id: str | None = None
        direct_outline: int | None = None
        num_id: str | None = None
        ilvl: int | None = None
        centered: bool | None = None
        indent: float | None = None
        pbb: bool | None = None
        mark_deleted = False
        section_break = False
        if ppr is not None:
            for c in ppr:
                tag = c.tag
                if tag == _T_PSTYLE:
                    style_id = c.get(W_VAL)
                elif tag == _T_OUTLINELVL:
                    direct_outline = _int(c.get(W_VAL))
                    if direct_outline is None:
                        direct_outline = -1
                elif tag == _T_NUMPR:
                    n = c.find(_T_NUMID)
                    lv = c.find(_T_ILVL)
                    num_id = n.get(W_VAL) if n is not None else None
                    ilvl = _int(lv.get(W_VAL)) if lv is not None else None
                    if num_id is None and ilvl is not None:
                        num_id = "__style__"
                elif tag == _T_JC:
                    centered = c.get(W_VAL) == "center"
                elif tag == _T_IND:
                    twips = _int(c.get(_W_LEFT) or c.get(_W_START))
                    indent = twips / 20 if twips is not None else None  # §17.3.1.12, in twentieths
                elif tag == _T_PAGEBREAKBEFORE:
                    pbb = on(c)
                elif tag == W_RPR:
                    mark_deleted = c.find(W_DEL) is not None or c.find(W_MOVEFROM) is not None
                elif tag == W_SECTPR:
                    typ = c.find(_T_TYPE)
                    section_break = typ is None or typ.get(W_VAL) != "continuous"
        style = self.styles.get(style_id or self.styles.default_paragraph)
        st = _Para(style=style, toc=toc or is_toc_name(style.name) or self._in_toc_field())
        st.break_here = self._take_break() or bool(
            pbb if pbb is not None else style.page_break_before
        )
        self._inline(p, st)
        text = "".join(st.parts)
        if mark_deleted and not text.strip() and not st.figures:
            return None  # §17.13.5.15: paragraph mark and all content deleted
        self.pending_break = st.break_after or section_break

        outline = direct_outline if direct_outline is not None else style.outline_level
        if outline is None:
            outline = heading_level_from_name(style.name)
        if outline is not None and not 0 <= outline <= 8:
            outline = None  # 9 = body text (§17.3.1.20)
        label, list_level = self._number(style_id, style, num_id, ilvl)
        is_center = centered if centered is not None else bool(style.centered)
        para = Paragraph(
            text=text,
            style_id=style_id,
            style_name=style.name,
            outline_level=outline,
            numbering=label,
            list_level=list_level,
            bold=bool(st.bold_runs) and all(st.bold_runs),
            all_caps=bool(st.caps_runs) and all(st.caps_runs),
            font_size=st.max_size,
            centered=is_center,
            indent=indent,
            origin=origin,
            is_toc=st.toc,
            page_break_before=st.break_here,
        )
        return para, st.figures

    def _number(
        self, style_id: str | None, style: StyleProps, num_id: str | None, ilvl: int | None
    ) -> tuple[str | None, int | None]:
        if num_id == "__style__":
            num_id = style.num_id
        if num_id is None:
            num_id = style.num_id
            if num_id is not None and ilvl is None:
                ilvl = (
                    style.ilvl
                    if style.ilvl is not None
                    else self.numbering.level_for_style(num_id, style_id)
                )
        if num_id is None or num_id == "0" or not self.numbering.knows(num_id):
            return None, None
        level = ilvl if ilvl is not None else (style.ilvl or 0)
        return self.numbering.next_label(num_id, level), level

    # ---- runs ---------------------------------------------------------------------------

    def _inline(self, el: etree._Element, st: _Para) -> None:
        for child in el:
            tag = child.tag
            if tag == W_R:
                self._run(child, st)
            elif tag in _INLINE_CONTAINERS:
                if tag == W_FLDSIMPLE and (child.get(_T_INSTR) or "").strip().upper().startswith(
                    "TOC"
                ):
                    st.toc = True
                self._inline(child, st)
            elif tag == W_SDT:
                content = child.find(W_SDTCONTENT)
                if content is not None:
                    self._inline(content, st)
            elif tag == MC_ALT:
                branch = choose_branch(child)
                if branch is not None:
                    self._inline(branch, st)
            elif tag == M_OMATHPARA or tag == M_OMATH:
                self._math(child, st)
            # w:del, w:moveFrom, w:pPr, bookmarks, proofErr, permStart...: no text

    def _math(self, el: etree._Element, st: _Para) -> None:
        texts = [t.text for t in el.iter(M_T) if t.text]
        if texts:
            if st.parts and not st.parts[-1].endswith((" ", "\n")):
                st.parts.append(" ")
            st.parts.append(" ".join(texts))

    def _in_toc_field(self) -> bool:
        return any(f.instr.lstrip().upper().startswith("TOC") for f in self.fields)

    def _suppressed(self) -> bool:
        return any(not f.in_result for f in self.fields)

    def _run(self, r: etree._Element, st: _Para) -> None:
        before = len(st.parts)
        rpr: etree._Element | None = None
        for c in r:
            tag = c.tag
            if tag == W_T:
                if c.text and (not self.fields or not self._suppressed()):
                    st.parts.append(c.text)
            elif tag == W_RPR:
                rpr = c
            elif tag == W_TAB or tag == W_PTAB:
                st.parts.append(" ")
            elif tag == W_BR:
                if c.get(_T_TYPE) == "page":
                    if any(p.strip() for p in st.parts):
                        st.break_after = True
                    else:
                        st.break_here = True
                else:
                    st.parts.append("\n")
            elif tag == W_CR:
                st.parts.append("\n")
            elif tag == W_NBH:
                st.parts.append("-")
            elif tag == W_FLDCHAR:
                self._field_char(c, st)
            elif tag == W_INSTR:
                if self.fields:
                    self.fields[-1].instr += c.text or ""
                    if self.fields[-1].instr.lstrip().upper().startswith("TOC"):
                        st.toc = True
            elif tag == W_DRAWING or tag == W_PICT or tag == W_OBJECT:
                self._figure(c, st)
            elif tag == MC_ALT:
                branch = choose_branch(c)
                if branch is not None:
                    self._run(branch, st)
            # w:delText, w:sym (§17.3.3.30, a glyph, not a word), footnote references: no text
        if len(st.parts) > before:
            added = "".join(st.parts[before:])
            if added.strip():
                self._run_format(rpr, st)
        if self.fields and self._in_toc_field():
            st.toc = True

    def _field_char(self, c: etree._Element, st: _Para) -> None:
        kind = c.get(_T_FLDCHARTYPE)
        if kind == "begin":
            if len(self.fields) < 64:
                self.fields.append(_Field())
        elif kind == "separate":
            if self.fields:
                self.fields[-1].in_result = True
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _run_format(self, rpr: etree._Element | None, st: _Para) -> None:
        style = st.style or self.defaults
        bold: bool | None = None
        caps: bool | None = None
        size: float | None = None
        if rpr is not None:
            for c in rpr:
                tag = c.tag
                if tag == _T_B:
                    bold = on(c)
                elif tag == _T_CAPS:
                    caps = on(c)
                elif tag == _T_SZ:
                    n = _int(c.get(W_VAL))
                    size = n / 2 if n is not None and 0 < n < 4000 else None
                elif tag == _T_RSTYLE:
                    cs = self.styles.get(c.get(W_VAL))
                    bold = cs.bold if bold is None else bold
                    caps = cs.caps if caps is None else caps
                    size = cs.size if size is None else size
        if bold is None:
            bold = style.bold if style.bold is not None else self.defaults.bold
        if caps is None:
            caps = style.caps if style.caps is not None else self.defaults.caps
        if size is None:
            size = style.size if style.size is not None else self.defaults.size
        st.bold_runs.append(bool(bold))
        st.caps_runs.append(bool(caps))
        if size is not None and (st.max_size is None or size > st.max_size):
            st.max_size = size

    # ---- figures ------------------------------------------------------------------------

    def _figure(self, el: etree._Element, st: _Para) -> None:
        """w:drawing, w:pict or w:object -> Figure(s) emitted after the anchoring paragraph."""
        boxes = list(_outer(el, W_TXBX))
        description = _description(el)
        if boxes:
            paragraphs: list[Paragraph] = []
            saved_fields, saved_break = self.fields, self.pending_break
            self.fields, self.pending_break = [], False
            try:
                for box in boxes:
                    paragraphs.extend(_flatten(self.blocks(box, Origin.TEXTBOX)))
            finally:
                self.fields, self.pending_break = saved_fields, saved_break
            st.figures.append(Figure(FigureKind.SHAPE, description, tuple(paragraphs), True))
            return
        if el.tag == W_OBJECT:
            st.figures.append(Figure(FigureKind.OBJECT, description))
            return
        uri = ""
        gd = next(el.iter(f"{{{A}}}graphicData"), None)
        if gd is not None:
            uri = gd.get("uri") or ""
        if uri.endswith("/picture") or _contains(el, f"{{{V}}}imagedata"):
            st.figures.append(Figure(FigureKind.IMAGE, description))
        elif "chart" in uri:
            st.figures.append(Figure(FigureKind.CHART, description))
        elif uri.endswith("/diagram"):
            rel_ids = next(el.iter(f"{{{DGM}}}relIds"), None)
            texts = diagrams.node_texts(self.pkg, self.part, rel_ids)
            st.figures.append(
                Figure(
                    FigureKind.DIAGRAM,
                    description,
                    tuple(Paragraph(text=t) for t in texts),
                    counts_as_text=False,
                )
            )
        elif el.tag == W_DRAWING and not uri:
            return  # an empty w:drawing holds nothing to report
        else:
            st.figures.append(Figure(FigureKind.SHAPE, description))


def _flatten(blocks: list[Block]) -> Iterator[Paragraph]:
    for b in blocks:
        if isinstance(b, Paragraph):
            yield _as_textbox(b)
        elif isinstance(b, Table):
            for p in b.iter_paragraphs():
                yield _as_textbox(p)
        elif b.counts_as_text:
            yield from b.paragraphs


def _as_textbox(p: Paragraph) -> Paragraph:
    if p.origin is Origin.TEXTBOX:
        return p
    return replace(p, origin=Origin.TEXTBOX)


def _outer(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Descendants with `tag`, not descending into matches, choosing one MCE branch."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == tag:
            yield child
        elif child.tag == MC_ALT:
            branch = choose_branch(child)
            if branch is not None:
                yield from _outer(branch, tag)
        else:
            yield from _outer(child, tag)


def _description(el: etree._Element) -> str:
    doc_pr = next(el.iter(f"{{{WP}}}docPr"), None)
    if doc_pr is not None:
        return str(doc_pr.get("descr") or doc_pr.get("title") or "").strip()
    for shape in el.iter(f"{{{V}}}shape", f"{{{V}}}rect", f"{{{V}}}imagedata"):
        alt = shape.get("alt") or shape.get(f"{{{OFFICE}}}title")
        if alt:
            return str(alt).strip()
    return ""


def _is_toc_sdt(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{_T_SDTPR}/{_T_DOCPARTOBJ}/{_T_DOCPARTGALLERY}")
    return gallery is not None and "contents" in (gallery.get(W_VAL) or "").lower()


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with `tag`, looking through sdt/customXml wrappers (rows, cells)."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag == W_SDT:
            content = child.find(W_SDTCONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in (W_CUSTOMXML, W_INS, W_MOVETO):
            yield from _children(child, tag)
        elif child.tag == MC_ALT:
            branch = choose_branch(child)
            if branch is not None:
                yield from _children(branch, tag)


def _int(val: str | None) -> int | None:
    try:
        return int(val) if val is not None else None
    except ValueError:
        return None
