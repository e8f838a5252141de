"""Fuzzing the reader: mutated valid documents are read or refused, never anything else.

Documents go through `kamgrade.reader._read`, the reader without the catch-all that turns an
unexpected exception into `internal`/`corrupt`, so a bug cannot hide behind a refusal.
`make fuzz` runs this file with `--hypothesis-profile=long` (5,000 examples per test).
"""

from __future__ import annotations

import io
import random
import warnings
import zipfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from kamgrade.errors import ErrorCode, UnreadableSubmission
from kamgrade.intake import ReadLimits
from kamgrade.model import DocModel
from kamgrade.reader import _read
from tests.badfiles import build_docx, part_xml
from tests.docx.test_body import TEXTBOX_CHOICE_AND_FALLBACK
from tests.docx.test_diagrams import BODY as SMARTART_BODY
from tests.docx.test_diagrams import DATA as SMARTART_DATA
from tests.docx.test_notes import NOTES
from tests.docx.test_numbering import NUMBERING, STYLES, item

RICH = build_docx(
    TEXTBOX_CHOICE_AND_FALLBACK + SMARTART_BODY + item(1, 0, "uno") + item(1, 1, "dos")
    + item(2, 0, "tres")
    + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>celda</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r>"
    "<w:t>anidada</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>"
    '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC</w:instrText></w:r>'
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Índice</w:t></w:r><w:r>'
    '<w:fldChar w:fldCharType="end"/></w:r></w:p><w:altChunk r:id="rHtml"/>',
    styles_xml=STYLES,
    numbering_xml=NUMBERING,
    extra_parts={"word/diagrams/data1.xml": SMARTART_DATA, "word/footnotes.xml": NOTES,
                 "word/chunk.html": "<html><body><p>importado</p></body></html>",
                 "word/header1.xml": part_xml("hdr", "<w:p><w:r><w:t>enc</w:t></w:r></w:p>")},
    extra_rels=[("rDm", "diagramData", "diagrams/data1.xml"), ("rF", "footnotes", "footnotes.xml"),
                ("rHtml", "aFChunk", "chunk.html"), ("rH", "header", "header1.xml")],
)
SIMPLE = build_docx()
FIXTURES = {"rich": RICH, "simple": SIMPLE}
LIMITS = ReadLimits(max_part_uncompressed=8 << 20, max_total_uncompressed=16 << 20)


def check(data: bytes, tmp_path: Path) -> None:
    """Read through the reader without its catch-all: only deliberate refusals may escape."""
    path = tmp_path / "fuzz.docx"
    path.write_bytes(data)
    try:
        doc = _read(path, LIMITS)
    except UnreadableSubmission as e:
        assert e.code is not ErrorCode.INTERNAL, e.message
        assert e.message
    else:
        assert isinstance(doc, DocModel)
        for para in doc.iter_paragraphs():
            assert isinstance(para.text, str)


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def rezip(items: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of some mutations
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, content in items:
                zf.writestr(name, content)
    return buf.getvalue()


# Sampled by name so that a failure report stays short.
fixtures = st.sampled_from(sorted(FIXTURES))


@given(fixtures, st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), min_size=1,
                          max_size=20))
def test_byte_flips(tmp_path_factory: object, fixture: str, flips: list[tuple[int, int]]) -> None:
    base = FIXTURES[fixture]
    data = bytearray(base)
    for at, value in flips:
        data[at % len(data)] = value
    check(bytes(data), _tmp(tmp_path_factory))


@given(fixtures, st.integers(0, 10**7))
def test_truncation(tmp_path_factory: object, fixture: str, cut: int) -> None:
    base = FIXTURES[fixture]
    check(base[: cut % len(base)], _tmp(tmp_path_factory))


@given(fixtures, st.lists(st.tuples(st.sampled_from(["drop", "dup", "swap"]),
                                    st.integers(0, 100)), min_size=1, max_size=6))
def test_dropped_duplicated_and_reordered_members(
    tmp_path_factory: object, fixture: str, ops: list[tuple[str, int]]
) -> None:
    base = FIXTURES[fixture]
    items = members(base)
    for op, n in ops:
        if not items:
            break
        i = n % len(items)
        if op == "drop":
            items.pop(i)
        elif op == "dup":
            items.append((items[i][0], items[(i + 1) % len(items)][1]))
        else:
            items[0], items[i] = items[i], items[0]
    check(rezip(items), _tmp(tmp_path_factory))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Tags the walker treats specially: renaming an element to one of these builds the structural
# confusions (a run where a table is expected, a Choice outside AlternateContent...) a fuzzer
# flipping bytes in compressed data never reaches.
RETAGS = [_W + t for t in ("p", "r", "t", "tbl", "tr", "tc", "sdt", "sdtContent", "ins", "del",
                           "drawing", "pict", "txbxContent", "fldChar", "instrText", "numPr",
                           "numId", "ilvl", "pStyle", "altChunk", "body", "footnote", "style",
                           "lvl", "num", "abstractNum", "br", "sectPr", "pPr", "rPr")]
RETAGS += [_MC + "AlternateContent", _MC + "Choice", _MC + "Fallback",
           "{http://schemas.openxmlformats.org/drawingml/2006/diagram}relIds"]
ATTR_VALUES = ["begin", "separate", "end", "page", "0", "1", "-1", "99999999999", "", "rId1",
               "rDm", "TOC", "center", "wps", "continuous", "x" * 5000]


@given(fixtures, st.integers(0, 2**32), st.sampled_from(["shuffle", "huge_attr", "move",
                                                         "drop_attrs", "retag", "attr_value"]))
def test_xml_mutations(tmp_path_factory: object, fixture: str, seed: int, how: str) -> None:
    base = FIXTURES[fixture]
    rng = random.Random(seed)
    items = members(base)
    xml_items = [i for i, (n, _) in enumerate(items) if n.endswith((".xml", ".rels"))]
    index = rng.choice(xml_items)
    name, content = items[index]
    root = etree.fromstring(content)
    elements = list(root.iter())
    target = rng.choice(elements)
    if how == "shuffle":
        children = list(target)
        rng.shuffle(children)
        for child in children:
            target.append(child)
    elif how == "huge_attr":
        attrs = list(target.attrib) or ["{http://schemas.openxmlformats.org/wordprocessingml/"
                                        "2006/main}val"]
        target.set(rng.choice(attrs), rng.choice(["x", "9", "-1", "\u00e9"]) * rng.choice(
            [1, 1000, 200_000]))
    elif how == "move":
        other = rng.choice(elements)
        if other is not root and other is not target and other not in set(
                target.iterancestors()):
            target.append(other)
    elif how == "retag":
        for victim in rng.sample(elements, min(3, len(elements))):
            victim.tag = rng.choice(RETAGS)
    elif how == "attr_value":
        for victim in rng.sample(elements, min(5, len(elements))):
            for key in list(victim.attrib):
                victim.set(key, rng.choice(ATTR_VALUES))
    else:
        for key in list(target.attrib):
            del target.attrib[key]
    items[index] = (name, etree.tostring(root))
    check(rezip(items), _tmp(tmp_path_factory))


@given(fixtures, st.integers(0, 2**32), st.integers(1, 8))
def test_byte_flips_inside_xml_parts(tmp_path_factory: object, fixture: str, seed: int,
                                     n: int) -> None:
    rng = random.Random(seed)
    items = members(FIXTURES[fixture])
    index = rng.randrange(len(items))
    name, content = items[index]
    data = bytearray(content)
    for _ in range(n):
        data[rng.randrange(len(data))] = rng.choice(b"<>/\"=&; x\x00\xff")
    items[index] = (name, bytes(data))
    check(rezip(items), _tmp(tmp_path_factory))


def _tmp(factory: object) -> Path:
    return factory.mktemp("fuzz")  # type: ignore[attr-defined,no-any-return]


@given(st.sampled_from([b"", b"PK\x03\x04", b"PK\x05\x06", bytes.fromhex("D0CF11E0A1B11AE1"),
                        b"%PDF-1.7", b"~", b"\xef\xbb\xbf<?xml"]), st.binary(max_size=4096))
def test_random_bytes_behind_known_magic(tmp_path_factory: object, magic: bytes,
                                         tail: bytes) -> None:
    check(magic + tail, _tmp(tmp_path_factory))


@given(st.sampled_from(["encrypted_docx", "legacy_doc", "other_ole"]),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=12))
def test_byte_flips_in_ole_files(tmp_path_factory: object, kind: str,
                                 flips: list[tuple[int, int]]) -> None:
    import tests.badfiles as bad

    data = bytearray(getattr(bad, kind)())
    for at, value in flips:
        data[at % len(data)] = value
    check(bytes(data), _tmp(tmp_path_factory))
