"""w:altChunk (ECMA-376 Part 1 §17.17.2.1): content imported from an HTML, MHT or text part.

Word merges the chunk into the document when it opens it; until then the words live only in that
part. HTML is parsed with lxml.html with network access off and scripts dropped.
"""

from __future__ import annotations

import email
import email.policy
from email.message import Message as EmailMessage

import lxml.html
from lxml import etree

from kamgrade.docx.package import Package

_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "td",
    "th",
    "tr",
    "br",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "section",
    "article",
    "title",
    "dt",
    "dd",
    "hr",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "object", "iframe"}


def _html_parser(encoding: str | None) -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(
        encoding=encoding, no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )


def chunk_texts(pkg: Package, target: str | None) -> list[str]:
    """The paragraphs of one altChunk part; [] when it is missing or of an unknown kind."""
    if target is None:
        return []
    data = pkg.read(target)
    ct = pkg.content_type(target).lower()
    lower = target.lower()
    if "html" in ct or lower.endswith((".htm", ".html", ".xhtml")):
        return html_texts(data)
    if "message/rfc822" in ct or "multipart" in ct or lower.endswith((".mht", ".mhtml")):
        return html_texts(_mht_html(data))
    if ct.startswith("text/plain") or lower.endswith(".txt"):
        text = data.decode("utf-8", errors="replace")
        return [line for line in text.splitlines() if line.strip()]
    pkg.warn(
        "KG-DOCX-ALTCHUNK",
        f"el documento incluye contenido importado de tipo {ct or target!r} que kamgrade no lee; "
        "sus palabras no se cuentan. Si es importante, pide al estudiante que lo guarde de nuevo "
        "en Word.",
        target,
    )
    return []


def _mht_html(data: bytes) -> bytes:
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    parts: list[EmailMessage] = list(msg.walk()) if msg.is_multipart() else [msg]
    for part in parts:
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload
    return b""


def html_texts(data: bytes) -> list[str]:
    """Block-level texts of an HTML document, in order; nested blocks are not repeated."""
    if not data.strip():
        return []
    encoding: str | None = None
    if b"charset" not in data[:4096].lower():
        # Without a declared charset libxml2 assumes Latin-1; Word writes UTF-8 or cp1252.
        try:
            data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "windows-1252"
    try:
        root = lxml.html.fromstring(data, parser=_html_parser(encoding))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    body = root.find("body")
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        if text:
            out.append(text)
        buf.clear()

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _SKIP_TAGS:
            if el.tail:
                buf.append(el.tail)
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            flush()
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    walk(body if body is not None else root)
    flush()
    return out
