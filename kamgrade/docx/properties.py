"""Document properties: docProps/core.xml (title, author) and docProps/app.xml (producer, pages)."""

from __future__ import annotations

from dataclasses import dataclass

from kamgrade.docx.package import REL_APP, REL_CORE, Package

DC = "http://purl.org/dc/elements/1.1/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


@dataclass(frozen=True, slots=True)
class Properties:
    """The document properties the reader reports; None when absent."""

    title: str | None = None
    author: str | None = None
    application: str | None = None
    pages: int | None = None


def _part(pkg: Package, rel_type: str, default: str) -> str | None:
    for rel in pkg.rels("").values():
        if rel.type == rel_type and not rel.external and pkg.has(rel.target):
            return rel.target
    return default if pkg.has(default) else None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def read_properties(pkg: Package) -> Properties:
    """Core and extended properties; absent parts or fields give None."""
    title = author = application = None
    pages: int | None = None
    core = pkg.xml_or_none(_part(pkg, REL_CORE, "docProps/core.xml"))
    if core is not None:
        title = _clean(core.findtext(f"{{{DC}}}title"))
        author = _clean(core.findtext(f"{{{DC}}}creator"))
    app = pkg.xml_or_none(_part(pkg, REL_APP, "docProps/app.xml"))
    if app is not None:
        application = _clean(app.findtext(f"{{{EP}}}Application"))
        try:
            pages = int((app.findtext(f"{{{EP}}}Pages") or "").strip())
        except ValueError:
            pages = None
    return Properties(title, author, application, pages)
