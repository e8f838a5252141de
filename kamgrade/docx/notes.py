"""Footnotes, endnotes, comments, headers and footers: read, but kept apart from body text."""

from __future__ import annotations

from lxml import etree

from kamgrade.docx.body import Walker
from kamgrade.docx.numbering import Numbering
from kamgrade.docx.package import Package
from kamgrade.docx.styles import Styles
from kamgrade.model import Note, block_paragraphs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
# §17.11.10: separator notes draw the line above the notes; they are not notes.
_SEPARATOR_TYPES = {"separator", "continuationSeparator", "continuationNotice"}


def _text(walker: Walker, el: etree._Element) -> str:
    return "\n".join(p.text for b in walker.blocks(el) for p in block_paragraphs(b))


def read_notes(pkg: Package, styles: Styles) -> list[Note]:
    """Footnotes, endnotes and comments of the main part, in that order."""
    out: list[Note] = []
    for rel_type, kind, tag in (
        ("footnotes", "footnote", "footnote"),
        ("endnotes", "endnote", "endnote"),
        ("comments", "comment", "comment"),
    ):
        for part in pkg.targets(pkg.main_part, rel_type):
            walker = Walker(pkg, part, styles, Numbering(None))
            for el in pkg.xml(part).iter(f"{_W}{tag}"):
                if el.get(f"{_W}type") in _SEPARATOR_TYPES:
                    continue
                text = _text(walker, el)
                if text.strip():
                    out.append(Note(kind, text))
    return out


def read_headers_footers(pkg: Package, styles: Styles) -> tuple[list[str], list[str]]:
    """Texts of every header and footer part (one string per part, blank parts skipped)."""
    result: tuple[list[str], list[str]] = ([], [])
    for rel_type, bucket in (("header", result[0]), ("footer", result[1])):
        for part in sorted(set(pkg.targets(pkg.main_part, rel_type))):
            walker = Walker(pkg, part, styles, Numbering(None))
            text = _text(walker, pkg.xml(part))
            if text.strip():
                bucket.append(text)
    return result
