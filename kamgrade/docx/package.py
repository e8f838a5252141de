"""The OPC package (ECMA-376 Part 2): content types, relationships, the main part.

Parts are read lazily from the zip, capped in size and parsed with `intake.parse_xml`. ISO/IEC
29500 Strict namespaces are rewritten to their Transitional equivalents before parsing, so the rest
of the reader sees one vocabulary.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from kamgrade.errors import ErrorCode
from kamgrade.intake import ReadLimits, parse_xml, read_member, refuse
from kamgrade.results import Message, Severity

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
R_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = R_BASE + "officeDocument"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = R_BASE + "extended-properties"

MACRO_CONTENT_TYPES = ("macroEnabled",)
WORD_MAIN_MARKERS = ("wordprocessingml", "ms-word")

# ISO/IEC 29500-1 Strict -> Transitional (Part 1 §A and Part 4); longest first so that
# ".../drawingml/main" does not shadow ".../drawingml/wordprocessingDrawing".
_STRICT = [
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/customProperties",
        b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
        b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/math",
        b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    ),
    (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/picture",
        b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/chart",
        b"http://schemas.openxmlformats.org/drawingml/2006/chart",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/diagram",
        b"http://schemas.openxmlformats.org/drawingml/2006/diagram",
    ),
    (
        b"http://purl.oclc.org/ooxml/drawingml/main",
        b"http://schemas.openxmlformats.org/drawingml/2006/main",
    ),
]


def destrict(data: bytes) -> bytes:
    """Rewrite Strict namespace URIs to Transitional ones (a no-op for Transitional parts)."""
    if b"purl.oclc.org/ooxml" not in data:
        return data
    for strict, transitional in _STRICT:
        data = data.replace(strict, transitional)
    return data


@dataclass(frozen=True, slots=True)
class Relationship:
    """One relationship of a part; `target` is a resolved part name unless `external`."""

    id: str
    type: str  # Transitional type URI
    target: str  # resolved part name without leading "/", or the raw target when external
    external: bool


@dataclass(slots=True)
class Package:
    """An open .docx package. Create with `open_package`."""

    zf: zipfile.ZipFile
    limits: ReadLimits
    names: set[str]
    content_types: dict[str, str]  # part name -> content type (overrides and defaults applied)
    main_part: str
    messages: list[Message] = field(default_factory=list)
    _rels_cache: dict[str, dict[str, Relationship]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """True when the zip holds a part called `name`."""
        return name in self.names

    def read(self, name: str) -> bytes:
        """Raw bytes of a part, capped by the limits."""
        return read_member(self.zf, name, self.limits)

    def xml(self, name: str, prefilter: Callable[[bytes], bytes] | None = None) -> etree._Element:
        """A part parsed safely, with Strict namespaces mapped to Transitional.

        `prefilter` may only remove content (see `styles.slim_styles`); the DOCTYPE checks run on
        its output, and the parsed tree is checked again.
        """
        data = destrict(self.read(name))
        return parse_xml(prefilter(data) if prefilter else data, name)

    def xml_or_none(self, name: str | None) -> etree._Element | None:
        """Like `xml`, but None when the part is absent (a warning has been recorded)."""
        if name is None or name not in self.names:
            return None
        return self.xml(name)

    def content_type(self, name: str) -> str:
        """The part's content type ("" when [Content_Types].xml says nothing about it)."""
        return self.content_types.get(name, "")

    def rels(self, part: str) -> dict[str, Relationship]:
        """Relationships of `part` by id (empty when it has none)."""
        cached = self._rels_cache.get(part)
        if cached is not None:
            return cached
        rels = _read_rels(self, part)
        self._rels_cache[part] = rels
        return rels

    def target(self, part: str, rel_id: str | None) -> str | None:
        """The internal part `rel_id` of `part` points to, when it exists in the package."""
        if not rel_id:
            return None
        rel = self.rels(part).get(rel_id)
        if rel is None or rel.external or rel.target not in self.names:
            return None
        return rel.target

    def targets(self, part: str, rel_type_suffix: str) -> list[str]:
        """Existing internal targets of `part` whose type ends with `/rel_type_suffix`."""
        return [
            r.target
            for r in self.rels(part).values()
            if not r.external and r.type.endswith("/" + rel_type_suffix) and r.target in self.names
        ]

    def warn(self, code: str, text: str, where: str | None = None) -> None:
        """Record a warning once per (code, where): a construct repeated 40 times is one message."""
        if not any(m.code == code and m.where == where for m in self.messages):
            self.messages.append(Message(code, Severity.WARNING, text, where))


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(source_part)
    joined = posixpath.normpath(posixpath.join(base, target))
    return joined.lstrip("/") if joined != "." else ""


def _read_rels(pkg: Package, part: str) -> dict[str, Relationship]:
    name = _rels_name(part)
    if name not in pkg.names:
        return {}
    root = pkg.xml(name)
    out: dict[str, Relationship] = {}
    missing: list[str] = []
    for el in root.iter(f"{{{PR_NS}}}Relationship"):
        rid = el.get("Id") or ""
        rtype = el.get("Type") or ""
        raw = el.get("Target") or ""
        external = el.get("TargetMode") == "External" or "://" in raw or raw.startswith("#")
        target = raw if external else _resolve(part, raw.split("#")[0])
        out[rid] = Relationship(rid, rtype, target, external)
        if not external and target not in pkg.names:
            missing.append(target)
    if missing:
        pkg.warn(
            "KG-DOCX-MISSING-PART",
            "el documento hace referencia a partes que no existen ("
            + ", ".join(sorted(missing)[:5])
            + "); se ignoraron. Si falta texto o alguna imagen, pide al estudiante que lo guarde "
            "de nuevo en Word.",
            name,
        )
    return out


def _content_types(pkg_names: set[str], root: etree._Element | None) -> dict[str, str]:
    if root is None:
        return {}
    defaults: dict[str, str] = {}
    out: dict[str, str] = {}
    for el in root:
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "Default":
            defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
        elif tag == "Override":
            out[(el.get("PartName") or "").lstrip("/")] = el.get("ContentType") or ""
    for name in pkg_names:
        if name not in out:
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if ext in defaults:
                out[name] = defaults[ext]
    return out


def open_package(zf: zipfile.ZipFile, limits: ReadLimits) -> Package:
    """Find the main document part by following the officeDocument relationship.

    Refuses (not_docx) packages whose main part is a workbook, presentation or anything but a
    Word document, and (corrupt) Word packages without a main part.
    """
    # Not ZipInfo.is_dir(): it raises IndexError on an empty member name (found by fuzzing).
    names = {i.filename for i in zf.infolist() if i.filename and not i.filename.endswith("/")}
    ct_root = (
        parse_xml(destrict(read_member(zf, "[Content_Types].xml", limits)), "[Content_Types].xml")
        if "[Content_Types].xml" in names
        else None
    )
    pkg = Package(zf, limits, names, _content_types(names, ct_root), main_part="")
    main = None
    for rel in pkg.rels("").values():
        if rel.type.endswith("/officeDocument") and not rel.external:
            main = rel.target
            break
    if main is None or main not in names:
        # Some writers omit or break _rels/.rels; Word itself still opens word/document.xml.
        candidates = [
            n for n, ct in pkg.content_types.items() if ct.endswith(".main+xml") and n in names
        ]
        fallback = "word/document.xml" if "word/document.xml" in names else None
        main = fallback or (candidates[0] if candidates else main)
    if main is None or main not in names:
        if ct_root is None and "_rels/.rels" not in names:
            raise refuse(
                ErrorCode.NOT_DOCX,
                "es un archivo zip, pero no un documento de Word (.docx). Pide al estudiante que "
                "entregue el reporte como .docx, no comprimido.",
            )
        raise refuse(
            ErrorCode.CORRUPT,
            "el paquete .docx no contiene el documento principal (word/document.xml o la parte "
            "a la que apunta _rels/.rels). Pide al estudiante que lo abra en Word, lo guarde de "
            "nuevo y lo vuelva a entregar.",
        )
    ct = pkg.content_type(main)
    lowered = main.lower()
    if (
        "spreadsheetml" in ct
        or "presentationml" in ct
        or lowered.startswith(("xl/", "ppt/"))
        or (ct and not any(m in ct for m in WORD_MAIN_MARKERS))
    ):
        what = (
            "un libro de Excel"
            if "spreadsheet" in ct or lowered.startswith("xl/")
            else "una presentación de PowerPoint"
            if "presentation" in ct or lowered.startswith("ppt/")
            else "un paquete de Office que no es de Word"
        )
        raise refuse(
            ErrorCode.NOT_DOCX,
            f"no es un documento de Word: es {what}. Pide al estudiante el reporte en .docx.",
        )
    pkg.main_part = main
    return pkg


def is_macro_enabled(pkg: Package) -> bool:
    """True for .docm/.dotm content (judged by content type, never by file name)."""
    ct = pkg.content_type(pkg.main_part)
    return any(m in ct for m in MACRO_CONTENT_TYPES) or any(
        n.lower().endswith("vbaproject.bin") for n in pkg.names
    )
