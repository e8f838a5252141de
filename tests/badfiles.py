"""Generators of hostile and broken submissions, as bytes, for any test that needs them.

Every function returns the bytes of one file; write them under any name (the reader judges files
by content, except lock files, which Word also names `~$...`). The expected `ErrorCode` of each is
in `EXPECTED`. `build_docx` makes a small *valid* package that the other generators start from.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from kamgrade.errors import ErrorCode

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_CT = "application/vnd.ms-word.document.macroEnabled.main+xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

_NS_DECL = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
    'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"'
)


def part_xml(root: str, inner: str) -> str:
    """An XML part `<w:{root}>` with every namespace the tests use declared."""
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{root} {_NS_DECL}>' \
        f"{inner}</w:{root}>"


def build_docx(
    body_xml: str = "<w:p><w:r><w:t>Hola mundo</w:t></w:r></w:p>",
    *,
    styles_xml: str | None = None,
    numbering_xml: str | None = None,
    extra_parts: dict[str, bytes | str] | None = None,
    extra_rels: list[tuple[str, str, str]] | None = None,
    main_path: str = "word/document.xml",
    main_content_type: str = DOC_CT,
    document_xml: str | None = None,
    core_xml: str | None = None,
) -> bytes:
    """A valid .docx in memory.

    `body_xml` goes inside w:body; `document_xml` replaces the whole main part. `extra_rels` are
    (id, type suffix, target relative to the main part) added to the main part's relationships;
    `extra_parts` maps part names to content (overrides are not needed: defaults cover xml).
    """
    folder = main_path.rsplit("/", 1)[0] if "/" in main_path else ""
    base = main_path.rsplit("/", 1)[-1]
    doc = document_xml if document_xml is not None else part_xml(
        "document", f"<w:body>{body_xml}</w:body>")
    parts: dict[str, bytes | str] = {main_path: doc}
    rels: list[tuple[str, str, str]] = []
    if styles_xml is not None:
        parts[f"{folder}/styles.xml".lstrip("/")] = part_xml("styles", styles_xml)
        rels.append(("rIdStyles", "styles", "styles.xml"))
    if numbering_xml is not None:
        parts[f"{folder}/numbering.xml".lstrip("/")] = part_xml("numbering", numbering_xml)
        rels.append(("rIdNumbering", "numbering", "numbering.xml"))
    rels.extend(extra_rels or [])
    parts.update(extra_parts or {})
    rel_xml = "".join(
        f'<Relationship Id="{i}" Type="{RT}{t}" Target="{target}"/>' for i, t, target in rels
    )
    parts[f"{folder}/_rels/{base}.rels".lstrip("/")] = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">{rel_xml}'
        "</Relationships>"
    )
    core = core_xml or (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.'
        'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
        'elements/1.1/"><dc:title>Reporte KAM</dc:title><dc:creator>Ana Pérez</dc:creator>'
        "</cp:coreProperties>"
    )
    parts.setdefault("docProps/core.xml", core)
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Default Extension="png" ContentType="image/png"/>'
        '<Default Extension="html" ContentType="text/html"/>'
        f'<Override PartName="/{main_path}" ContentType="{main_content_type}"/></Types>'
    )
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{RT}officeDocument" Target="{main_path}"/>'
        f'<Relationship Id="rId2" Type="{PKG_RELS}/metadata/core-properties" '
        'Target="docProps/core.xml"/></Relationships>'
    )
    return zip_bytes({"[Content_Types].xml": content_types, "_rels/.rels": package_rels, **parts})


def zip_bytes(members: dict[str, bytes | str]) -> bytes:
    """A deflated zip of `members` (str values are UTF-8 encoded), in the given order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content.encode("utf-8") if isinstance(content, str) else content)
    return buf.getvalue()


# ---- not a Word file ---------------------------------------------------------------------


def renamed_text() -> bytes:
    """A plain-text file renamed to .docx."""
    return "Reporte de la actividad 8\nAquí va mi texto.\n".encode()


def renamed_png() -> bytes:
    """The first bytes of a PNG image renamed to .docx."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def pdf() -> bytes:
    """A (minimal) PDF renamed to .docx."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def empty() -> bytes:
    """A 0-byte file (an interrupted upload)."""
    return b""


def lock_file(user: str = "Joel Feria") -> bytes:
    """A 162-byte Word owner file (`~$name.docx`): user name twice, ASCII then UTF-16."""
    name = user.encode("latin-1")[:53]
    head = bytes([len(name)]) + name.ljust(53, b"\x00")
    wide = user.encode("utf-16-le")
    tail = struct.pack("<H", len(user)) + wide
    return (head + tail).ljust(162, b"\x00")[:162]


def zip_not_docx() -> bytes:
    """An ordinary zip of files (no OOXML package) renamed to .docx."""
    return zip_bytes({"reporte.txt": "hola", "foto.jpg": b"\xff\xd8\xff" + b"0" * 20})


# ---- OLE compound files ------------------------------------------------------------------


def _cfb(streams: dict[str, bytes]) -> bytes:
    """A minimal version-3 compound file (MS-CFB) holding `streams` in the root storage.

    Streams are padded to 4096 bytes so they live in ordinary sectors (no mini stream).
    """
    end, free, fatsect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\x00") for n in names]
    n_dir_sectors = (len(names) + 1 + 3) // 4
    fat: list[int] = [fatsect]
    dir_start = len(fat)
    for i in range(n_dir_sectors):
        fat.append(dir_start + i + 1 if i < n_dir_sectors - 1 else end)
    starts = []
    for data in datas:
        start = len(fat)
        n = len(data) // 512
        starts.append(start)
        fat.extend(start + k + 1 if k < n - 1 else end for k in range(n))
    assert len(fat) <= 128, "one FAT sector only"
    fat_sector = b"".join(struct.pack("<I", x) for x in fat).ljust(512, b"\xff")

    def entry(name: str, typ: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", free, right, child) + b"\x00" * 16 + b"\x00" * 4
                + b"\x00" * 16 + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, free, 1 if names else free, end, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append(entry(name, 2, right, free, starts[i], len(datas[i])))
    dir_bytes = b"".join(entries).ljust(512 * n_dir_sectors, b"\x00")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0) + b"\xff" * (109 * 4 - 4)
    )
    assert len(header) == 512
    return header + fat_sector + dir_bytes + b"".join(datas)


def encrypted_docx() -> bytes:
    """A password-protected .docx: an OLE file with EncryptionInfo and EncryptedPackage."""
    return _cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x40\x00\x00\x00",
                 "EncryptedPackage": b"\x00" * 64})


def legacy_doc() -> bytes:
    """A Word 97-2003 .doc (an OLE file with a WordDocument stream), possibly named .docx."""
    return _cfb({"WordDocument": b"\xec\xa5\xc1\x00" + b"\x00" * 60, "1Table": b"\x00" * 16})


def other_ole() -> bytes:
    """An OLE file that is not Word (an .xls-like Workbook stream)."""
    return _cfb({"Workbook": b"\x09\x08" + b"\x00" * 30})


# ---- broken packages ---------------------------------------------------------------------


def truncated_zip() -> bytes:
    """A valid .docx cut in half (an interrupted download)."""
    data = build_docx()
    return data[: len(data) // 2]


def bad_crc_zip() -> bytes:
    """A .docx whose document.xml is stored with one byte changed after its CRC was computed."""
    buf = io.BytesIO()
    doc = part_xml("document", "<w:body><w:p><w:r><w:t>Texto</w:t></w:r></w:p></w:body>")
    valid = zipfile.ZipFile(io.BytesIO(build_docx()))
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for info in valid.infolist():
            data = valid.read(info) if info.filename != "word/document.xml" else doc.encode()
            zf.writestr(info.filename, data)
    raw = bytearray(buf.getvalue())
    at = raw.find(b"Texto")
    raw[at] = ord("X")
    return bytes(raw)


def missing_main_part() -> bytes:
    """An OOXML package whose officeDocument relationship points to a part that is absent."""
    full = zipfile.ZipFile(io.BytesIO(build_docx()))
    return zip_bytes({i.filename: full.read(i) for i in full.infolist()
                      if i.filename != "word/document.xml"})


def malformed_xml() -> bytes:
    """A .docx whose document.xml is not well-formed XML."""
    return build_docx(document_xml=part_xml("document", "<w:body><w:p><w:r><w:t>sin cerrar"))


def xlsx_renamed() -> bytes:
    """An Excel workbook package renamed to .docx."""
    return build_docx(main_path="xl/workbook.xml", main_content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        document_xml='<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main"/>')


# ---- hostile packages --------------------------------------------------------------------


def xxe_docx(target: str = "file:///etc/passwd") -> bytes:
    """A .docx whose document.xml declares an external entity that would read `target`."""
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target}">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return build_docx(document_xml=doc)


def billion_laughs_docx() -> bytes:
    """A .docx whose document.xml is an entity-expansion bomb ("billion laughs")."""
    ents = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return build_docx(document_xml=doc)


def zip_bomb(megabytes: int = 5) -> bytes:
    """A .docx with an extra member of `megabytes` MB of zeros (ratio ~1000:1, ~5 KB per MB)."""
    return build_docx(extra_parts={"word/media/bomb.bin": b"\x00" * (megabytes * 1024 * 1024)})


def lying_size_zip(megabytes: int = 8) -> bytes:
    """A .docx whose document.xml declares 200 bytes but inflates to `megabytes` MB.

    The declared size is patched in both headers; a reader that trusts declared sizes for its
    cap but not for the stream would inflate everything.
    """
    doc = part_xml("document", "<w:body><w:p><w:r><w:t>" + "a" * (megabytes << 20)
                   + "</w:t></w:r></w:p></w:body>").encode()
    data = bytearray(build_docx(document_xml=doc.decode()))
    real = struct.pack("<I", len(doc))
    fake = struct.pack("<I", 200)
    start = 0
    while (at := data.find(real, start)) != -1:
        data[at:at + 4] = fake
        start = at + 4
    return bytes(data)


def traversal_names_zip() -> bytes:
    """A .docx that also holds members named `../../evil.sh` and `/etc/cron.d/evil`."""
    return build_docx(extra_parts={"../../evil.sh": "rm -rf ~", "/etc/cron.d/evil": "x"})


def too_many_members(n: int = 2100) -> bytes:
    """A .docx with `n` tiny extra members."""
    return build_docx(extra_parts={f"word/x/{i}.xml": "<a/>" for i in range(n)})


def many_pages(pages: int = 400) -> bytes:
    """A .docx whose docProps/app.xml says it has `pages` pages."""
    app = (
        '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/extended-properties"><Pages>{pages}</Pages>'
        "<Application>Microsoft Office Word</Application></Properties>"
    )
    return build_docx(extra_parts={"docProps/app.xml": app})


def macro_docm() -> bytes:
    """A macro-enabled document (.docm content type, with a vbaProject.bin that is never read)."""
    return build_docx(main_content_type=MACRO_CT,
                      extra_parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 60})


def crc32(data: bytes) -> int:
    """zlib CRC-32, exposed for tests that patch members."""
    return zlib.crc32(data)


EXPECTED: dict[str, ErrorCode] = {
    "renamed_text": ErrorCode.NOT_DOCX,
    "renamed_png": ErrorCode.NOT_DOCX,
    "zip_not_docx": ErrorCode.NOT_DOCX,
    "xlsx_renamed": ErrorCode.NOT_DOCX,
    "other_ole": ErrorCode.NOT_DOCX,
    "pdf": ErrorCode.PDF,
    "empty": ErrorCode.EMPTY,
    "lock_file": ErrorCode.LOCK_FILE,
    "encrypted_docx": ErrorCode.ENCRYPTED,
    "legacy_doc": ErrorCode.LEGACY_DOC,
    "truncated_zip": ErrorCode.CORRUPT,
    "bad_crc_zip": ErrorCode.CORRUPT,
    "missing_main_part": ErrorCode.CORRUPT,
    "malformed_xml": ErrorCode.CORRUPT,
    "lying_size_zip": ErrorCode.CORRUPT,
    "xxe_docx": ErrorCode.UNSAFE,
    "billion_laughs_docx": ErrorCode.UNSAFE,
    "zip_bomb": ErrorCode.UNSAFE,
    "traversal_names_zip": ErrorCode.UNSAFE,
    "too_many_members": ErrorCode.UNSAFE,
    "many_pages": ErrorCode.TOO_LARGE,
}
"""Generator name -> the code `read_submission` must refuse it with (default limits)."""
