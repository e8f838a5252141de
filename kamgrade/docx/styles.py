"""Styles (ECMA-376 Part 1 §17.7): id -> name, with basedOn inheritance resolved once.

Spanish Word writes ids such as `Ttulo1` for the built-in "heading 1": everything downstream
matches on the resolved *name*.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

_HEADING_NAME = re.compile(
    r"^\s*(?:heading|t[ií]tulo|encabezado|titre|[üu]berschrift|kop|intestazione)\s*(\d)\s*$",
    re.IGNORECASE,
)
_TOC_NAME = re.compile(
    r"^\s*(?:toc|tdc|contents|índice|indice|verzeichnis)\s*(\d)\s*$", re.IGNORECASE
)


_TABLE_STYLE = b'<w:style w:type="table"'
_STYLE_END = b"</w:style>"


_LATENT_START = b"<w:latentStyles"
_LATENT_END = b"</w:latentStyles>"


def slim_styles(data: bytes) -> bytes:
    """Cut the bodies of table styles out of styles.xml bytes, keeping each style's name, and
    the latent styles (Word's ~370 UI defaults for styles the document does not define).

    Word's default template carries about 100 table styles, 80 % of a 350 KB styles.xml, and
    parsing them is most of the read time of a short report; the latent styles are half of
    what remains in a typical document (median 14 of 28 KB in the real-docx corpus) and
    kamgrade never reads them. Only the common serialisation (`w:` prefix, `w:type` first) is
    slimmed; anything else is parsed as it is.
    """
    data = _without_table_style_bodies(data)
    start = data.find(_LATENT_START)
    if start != -1 and (end := data.find(_LATENT_END, start)) != -1:
        return data[:start] + data[end + len(_LATENT_END) :]
    return data


def _without_table_style_bodies(data: bytes) -> bytes:
    if _TABLE_STYLE not in data:
        return data
    out: list[bytes] = []
    pos = 0
    while (start := data.find(_TABLE_STYLE, pos)) != -1:
        head_end = data.find(b">", start)
        end = data.find(_STYLE_END, start)
        if head_end == -1 or end == -1 or data[head_end - 1 : head_end] == b"/":
            break
        name = b""
        name_start = data.find(b"<w:name ", head_end, end)
        if name_start != -1:
            name_end = data.find(b"/>", name_start, end)
            if name_end != -1:
                name = data[name_start : name_end + 2]
        out += [data[pos : head_end + 1], name, _STYLE_END]
        pos = end + len(_STYLE_END)
    out.append(data[pos:])
    return b"".join(out)


def on(el: etree._Element | None) -> bool | None:
    """A ST_OnOff toggle (§17.17.4): present means on unless val says otherwise."""
    if el is None:
        return None
    val = el.get(f"{_W}val")
    return val not in ("0", "false", "off", "none")


@dataclass(frozen=True, slots=True)
class StyleProps:
    """The resolved properties kamgrade needs from a paragraph or character style."""

    name: str | None = None
    outline_level: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    bold: bool | None = None
    caps: bool | None = None
    size: float | None = None  # points
    centered: bool | None = None
    page_break_before: bool | None = None


_EMPTY = StyleProps()


def _int(val: str | None) -> int | None:
    try:
        return int(val) if val is not None else None
    except ValueError:
        return None


def _size(rpr: etree._Element | None) -> float | None:
    if rpr is None:
        return None
    sz = rpr.find(f"{_W}sz")
    n = _int(sz.get(f"{_W}val")) if sz is not None else None
    return n / 2 if n is not None and 0 < n < 4000 else None


def _own_props(style: etree._Element) -> dict[str, object]:
    out: dict[str, object] = {}
    ppr = style.find(f"{_W}pPr")
    rpr = style.find(f"{_W}rPr")
    if ppr is not None:
        lvl = ppr.find(f"{_W}outlineLvl")
        if lvl is not None:
            out["outline_level"] = _int(lvl.get(f"{_W}val"))
        num = ppr.find(f"{_W}numPr")
        if num is not None:
            nid = num.find(f"{_W}numId")
            ilvl = num.find(f"{_W}ilvl")
            if nid is not None:
                out["num_id"] = nid.get(f"{_W}val")
            if ilvl is not None:
                out["ilvl"] = _int(ilvl.get(f"{_W}val"))
        jc = ppr.find(f"{_W}jc")
        if jc is not None:
            out["centered"] = jc.get(f"{_W}val") == "center"
        pbb = on(ppr.find(f"{_W}pageBreakBefore"))
        if pbb is not None:
            out["page_break_before"] = pbb
    if rpr is not None:
        b = on(rpr.find(f"{_W}b"))
        if b is not None:
            out["bold"] = b
        caps = on(rpr.find(f"{_W}caps"))
        if caps is not None:
            out["caps"] = caps
        size = _size(rpr)
        if size is not None:
            out["size"] = size
    return out


def canonical_name(name: str | None) -> str | None:
    """Built-in heading names in Word's canonical lower-case form: "Heading 1" -> "heading 1"."""
    if name is None:
        return None
    m = _HEADING_NAME.match(name)
    return f"heading {m.group(1)}" if m and name.lower().startswith("heading") else name


def heading_level_from_name(name: str | None) -> int | None:
    """0-based outline level implied by a heading style name ("heading 2" -> 1)."""
    if not name:
        return None
    m = _HEADING_NAME.match(name)
    return int(m.group(1)) - 1 if m and int(m.group(1)) >= 1 else None


def is_toc_name(name: str | None) -> bool:
    """True for table-of-contents entry styles: "toc 1", "TDC 2" (Spanish Word), ..."""
    return bool(name and _TOC_NAME.match(name))


class Styles:
    """Resolved paragraph and character styles of one document."""

    def __init__(self, root: etree._Element | None) -> None:
        self._raw: dict[str, etree._Element] = {}
        self._resolved: dict[str, StyleProps] = {}
        self.default_paragraph: str | None = None
        self.defaults = _EMPTY
        if root is None:
            return
        for style in root.iter(f"{_W}style"):
            sid = style.get(f"{_W}styleId")
            if sid is None:
                continue
            self._raw.setdefault(sid, style)
            if style.get(f"{_W}type", "paragraph") == "paragraph" and style.get(f"{_W}default") in (
                "1",
                "true",
                "on",
            ):
                self.default_paragraph = self.default_paragraph or sid
        dd = root.find(f"{_W}docDefaults")
        if dd is not None:
            merged: dict[str, object] = {}
            for part in (dd.find(f"{_W}pPrDefault"), dd.find(f"{_W}rPrDefault")):
                if part is not None:
                    fake = etree.Element(f"{_W}style")
                    for child in part:
                        fake.append(deepcopy(child))
                    merged.update(_own_props(fake))
            self.defaults = StyleProps(**merged)  # type: ignore[arg-type]

    def get(self, style_id: str | None) -> StyleProps:
        """Resolved properties of `style_id` (basedOn chain applied); empty when unknown."""
        if not style_id:
            return _EMPTY
        cached = self._resolved.get(style_id)
        if cached is not None:
            return cached
        chain: list[etree._Element] = []
        seen: set[str] = set()
        sid: str | None = style_id
        while sid and sid not in seen and sid in self._raw and len(chain) < 50:
            seen.add(sid)
            el = self._raw[sid]
            chain.append(el)
            based = el.find(f"{_W}basedOn")
            sid = based.get(f"{_W}val") if based is not None else None
        merged: dict[str, object] = {}
        for el in reversed(chain):
            merged.update(_own_props(el))
        name_el = chain[0].find(f"{_W}name") if chain else None
        name = name_el.get(f"{_W}val") if name_el is not None else None
        props = StyleProps(name=canonical_name(name), **merged)  # type: ignore[arg-type]
        self._resolved[style_id] = props
        return props

    def name(self, style_id: str | None) -> str | None:
        """The resolved name of a defined style, None for unknown ids."""
        return self.get(style_id).name if style_id in self._raw else None

    def exists(self, style_id: str | None) -> bool:
        """True when styles.xml defines `style_id`."""
        return style_id is not None and style_id in self._raw
