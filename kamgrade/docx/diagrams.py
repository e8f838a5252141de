"""SmartArt (DrawingML diagrams, ECMA-376 Part 1 §21.4): node text from the data part.

The drawing in the body only points at its parts through dgm:relIds; the words live in
word/diagrams/data*.xml as a:t runs inside dgm:pt/dgm:t text bodies.
"""

from __future__ import annotations

from lxml import etree

from kamgrade.docx.package import Package

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def node_texts(pkg: Package, part: str, rel_ids: etree._Element | None) -> list[str]:
    """One string per SmartArt text paragraph, in data-model order; [] when unreadable."""
    if rel_ids is None:
        return []
    target = pkg.target(part, rel_ids.get(f"{{{R}}}dm"))
    if target is None:
        return []
    root = pkg.xml(target)
    out: list[str] = []
    for pt in root.iter(f"{{{DGM}}}pt"):
        if pt.get("type") not in (None, "node", "asst"):
            continue
        body = pt.find(f"{{{DGM}}}t")
        if body is None:
            continue
        for para in body.iter(f"{{{A}}}p"):
            text = "".join(t.text or "" for t in para.iter(f"{{{A}}}t"))
            if text.strip():
                out.append(text)
    return out
