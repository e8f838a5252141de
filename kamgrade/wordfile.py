"""Word files from kamgrade's line markup: the feedback .docx a student opens in Word.

python-docx builds the package (styles, theme, settings, from its default template or the
instructor's `feedback.reference.docx`) once per reference (the default one once per machine,
kept in kamgrade's cache folder); the body is written here as
WordprocessingML, because building it paragraph by paragraph with python-docx cost ~50 ms per
student, as much as grading the submission. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import contextlib
import functools
import io
import marshal
import re
import struct
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

# Fixed so that the same outcome always gives the same .docx bytes (tests compare them).
FIXED_DATE: Final = datetime(2026, 1, 1, tzinfo=UTC)
_ZIP_DATE: Final = (2026, 1, 1, 0, 0, 0)


_HEADING = re.compile(r"^(#{1,3}) (.*)$")
_BULLET = re.compile(r"^( *)[-*] (.*)$")
_TABLE_SEPARATOR = re.compile(r"^\|[\s:|-]*-[\s:|-]*\|?$")


def markup_to_docx(
    text: str, *, title: str = "", author: str = "kamgrade", reference: Path | None = None
) -> bytes:
    """Convert kamgrade's line markup into a Word document, byte-for-byte deterministic.

    One construct per line: ``# ``/``## ``/``### `` headings (Heading 1-3), ``- `` bullets
    (two leading spaces per nesting level), ``> `` quotes (Quote style), consecutive ``| a | b |``
    lines a table whose first row is the header (a ``|---|`` separator line is skipped), ``---``
    a page break, anything else a Normal paragraph; blank lines are ignored. Inline:
    ``**bold**``, ``*italic*``, and ``\\x`` for a literal ``x``.

    `reference` is an optional .docx whose styles are used (its body is discarded).

    The package (styles, theme, settings) comes from python-docx once per reference; only the
    body is written here, as WordprocessingML, because building it paragraph by paragraph with
    python-docx cost ~50 ms per student, as much as grading the submission.
    """
    shell = _shell(str(reference) if reference is not None else None)
    body: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line.strip():
            i += 1
            continue
        if line.lstrip().startswith("|"):
            rows: list[list[str]] = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                row = lines[i].strip()
                if not _TABLE_SEPARATOR.match(row):
                    rows.append(_split_row(row))
                i += 1
            body.append(_table_xml(rows, shell.style_ids.get("Table Grid")))
            continue
        i += 1
        if line.strip() == "---":
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            continue
        if m := _HEADING.match(line):
            body.append(
                _paragraph_xml(shell.style_ids.get(f"Heading {len(m.group(1))}"), m.group(2))
            )
            continue
        if m := _BULLET.match(line):
            depth = min(len(m.group(1)) // 2, 2)
            name = "List Bullet" if depth == 0 else f"List Bullet {depth + 1}"
            style = shell.style_ids.get(name) or shell.style_ids.get("List Bullet")
            body.append(_paragraph_xml(style, m.group(2)))
            continue
        if line.lstrip().startswith(">"):
            body.append(_paragraph_xml(shell.style_ids.get("Quote"), line.lstrip()[1:].lstrip()))
            continue
        body.append(_paragraph_xml(None, line.strip()))
    document = shell.head + "".join(body) + shell.tail
    core = shell.core.replace(_TITLE_MARK, _xml_text(title)).replace(
        _AUTHOR_MARK, _xml_text(author)
    )
    # The package is assembled from per-member zip records: the template's members (styles
    # alone are ~800 kB of XML) are compressed once per shell, only the two that change are
    # compressed here. The bytes are exactly those of writing every member with `zipfile`.
    members = []
    for name, _data in shell.parts:
        if name == "word/document.xml":
            members.append(_zip_member(name, document.encode("utf-8")))
        elif name == "docProps/core.xml":
            members.append(_zip_member(name, core.encode("utf-8")))
        else:
            members.append(shell.members[name])
    return _assemble_zip(members)


def _zip_member(name: str, data: bytes) -> tuple[bytes, bytes]:
    """(local header + compressed data, central directory entry at offset 0) of one member."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        member = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
        member.compress_type = zipfile.ZIP_DEFLATED
        member._compresslevel = 1  # type: ignore[attr-defined]  # 4x faster; files stay small
        member.external_attr = 0o600 << 16
        dst.writestr(member, data)
        start = dst.start_dir
    raw = out.getvalue()
    end = raw.rindex(b"PK\x05\x06")  # the end-of-central-directory record
    return raw[:start], raw[start:end]


def _assemble_zip(members: list[tuple[bytes, bytes]]) -> bytes:
    """A zip archive of `members` (see `_zip_member`), as `zipfile` writes it."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for record, entry in members:
        central.append(entry[:42] + struct.pack("<L", offset) + entry[46:])
        local.append(record)
        offset += len(record)
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0
    )
    return b"".join(local) + directory + end


_TITLE_MARK: Final = "KAMGRADE-TITLE-MARK"
_AUTHOR_MARK: Final = "KAMGRADE-AUTHOR-MARK"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class _Shell:
    parts: tuple[tuple[str, bytes], ...]  # every package member, in order
    head: str  # word/document.xml up to and including <w:body>
    tail: str  # the body's sectPr and the closing tags
    core: str  # docProps/core.xml with the title and author marks
    style_ids: dict[str, str]  # style name -> style id
    members: dict[str, tuple[bytes, bytes]]  # name -> its zip records (see `_zip_member`)


@functools.lru_cache(maxsize=8)
def _shell(reference: str | None) -> _Shell:
    """The package shell for `reference` (None: python-docx's default template).

    The default shell is kept in kamgrade's cache folder: building it means importing
    python-docx (~0.15 s) in every run, before the first feedback file.
    """
    if reference is not None:
        return _build_shell(reference)
    cached = _cached_default_shell()
    if cached is not None:
        return cached
    shell = _build_shell(None)
    _store_default_shell(shell)
    return shell


def warm_up() -> None:
    """Load (or build and cache) the default shell, so forked workers inherit it."""
    with contextlib.suppress(Exception):  # a problem shows, in Spanish, when a file is written
        _shell(None)


_SHELL_FORMAT: Final = 1  # bump when _Shell's fields or their meaning change


def _default_shell_path() -> Path:
    import sys
    from importlib.metadata import version

    from kamgrade.fsutil import cache_dir

    python = f"{sys.version_info[0]}{sys.version_info[1]}"
    tag = f"v{_SHELL_FORMAT}-python-docx-{version('python-docx')}-py{python}"
    return cache_dir() / f"feedback-shell-{tag}.marshal"


def _cached_default_shell() -> _Shell | None:
    """The default shell from the cache folder; None when missing, unreadable or malformed."""
    try:
        fields = marshal.loads(_default_shell_path().read_bytes())
        shell = _Shell(*fields)
    except (OSError, EOFError, ValueError, TypeError, ImportError):
        return None
    ok = (
        isinstance(shell.parts, tuple)
        and any(name == "word/document.xml" for name, _ in shell.parts)
        and shell.head.endswith("<w:body>")
        and isinstance(shell.style_ids, dict)
        and {name for name, _ in shell.parts} == set(shell.members)
    )
    return shell if ok else None


def _store_default_shell(shell: _Shell) -> None:
    from kamgrade.fsutil import atomic_write_bytes

    try:
        fields = (shell.parts, shell.head, shell.tail, shell.core, shell.style_ids, shell.members)
        atomic_write_bytes(_default_shell_path(), marshal.dumps(fields))
    except (OSError, ImportError, ValueError):
        pass  # no cache folder: the shell is built again next run


def _build_shell(reference: str | None) -> _Shell:
    from docx import Document

    try:
        doc = Document(reference) if reference is not None else Document()
    except Exception as e:  # python-docx raises several types for a bad package
        from kamgrade.feedback import TemplateProblem  # the one error type of feedback rendering

        raise TemplateProblem(
            str(reference),
            None,
            f"no es un documento de Word (.docx) válido ({e})",
            "Guarda el documento de estilos desde Word como .docx o bórralo para usar los estilos "
            "predeterminados.",
        ) from e
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    _set_properties(doc, _TITLE_MARK, _AUTHOR_MARK)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        parts = tuple((info.filename, z.read(info.filename)) for info in z.infolist())
    document = dict(parts)["word/document.xml"].decode("utf-8")
    m = re.search(r"<w:body>|<w:body/>", document)
    if m is None:  # pragma: no cover - python-docx always writes a body
        from kamgrade.feedback import TemplateProblem

        raise TemplateProblem(str(reference), None, "el documento no tiene cuerpo", "")
    if m.group() == "<w:body/>":
        head, tail = document[: m.start()] + "<w:body>", "</w:body>" + document[m.end() :]
    else:
        head, rest = document[: m.end()], document[m.end() :]
        tail = rest  # only the sectPr is left in the body
    style_ids = {st.name: st.style_id for st in doc.styles if st.name}
    core = dict(parts).get("docProps/core.xml", b"").decode("utf-8")
    members = {name: _zip_member(name, data) for name, data in parts}
    return _Shell(parts, head, tail, core, style_ids, members)


def _xml_text(text: str) -> str:
    text = _XML_INVALID.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _runs_xml(text: str, bold: bool = False) -> str:
    out = []
    for chunk, b, it in _inline_runs(text):
        props = ("<w:b/>" if b or bold else "") + ("<w:i/>" if it else "")
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_xml_text(chunk)}</w:t></w:r>')
    return "".join(out)


def _paragraph_xml(style_id: str | None, text: str, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{_xml_text(style_id)}"/></w:pPr>' if style_id else ""
    return f"<w:p>{ppr}{_runs_xml(text, bold)}</w:p>"


def _table_xml(rows: Sequence[Sequence[str]], style_id: str | None) -> str:
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    width = 9000 // ncols  # twentieths of a point across a letter page's text width
    style = f'<w:tblStyle w:val="{_xml_text(style_id)}"/>' if style_id else ""
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(ncols))
    out = [
        f'<w:tbl><w:tblPr>{style}<w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    for r, row in enumerate(rows):
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"{_paragraph_xml(None, row[c] if c < len(row) else '', bold=r == 0)}</w:tc>"
            for c in range(ncols)
        )
        out.append(f"<w:tr>{cells}</w:tr>")
    out.append("</w:tbl><w:p/>")  # Word merges adjacent tables; keep a paragraph after each one
    return "".join(out)


def _split_row(row: str) -> list[str]:
    """Cells of ``| a | b |``, honouring ``\\|`` escapes; cell text keeps its escapes."""
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    cells: list[str] = []
    current: list[str] = []
    j = 0
    while j < len(body):
        ch = body[j]
        if ch == "\\" and j + 1 < len(body):
            current.append(body[j : j + 2])
            j += 2
            continue
        if ch == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        j += 1
    tail = "".join(current).strip()
    if tail:
        cells.append(tail)
    return cells


def _inline_runs(text: str) -> Iterable[tuple[str, bool, bool]]:
    """(text, bold, italic) runs of a markup line; ``\\x`` is a literal ``x``."""
    if "*" not in text and "\\" not in text:  # most lines: one plain run
        if text:
            yield text, False, False
        return
    bold = italic = False
    buf: list[str] = []
    pos = 0
    for m in _INLINE_MARK.finditer(text):
        buf.append(text[pos : m.start()])
        pos = m.end()
        escaped = m.group(1)
        if escaped is not None:
            buf.append(escaped)
            continue
        chunk = "".join(buf)
        if chunk:
            yield chunk, bold, italic
        buf = []
        if m.group() == "**":
            bold = not bold
        else:
            italic = not italic
    chunk = "".join(buf) + text[pos:]
    if chunk:
        yield chunk, bold, italic


_INLINE_MARK = re.compile(r"\\(.)|\*\*|\*", re.DOTALL)


def _set_properties(doc: DocxDocument, title: str, author: str) -> None:
    props = doc.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    props.language = "es-MX"
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
