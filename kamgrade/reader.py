"""The read stage: one .docx (or .docm/.dotx/.dotm, judged by content) -> `DocModel`.

`read_submission` raises only `UnreadableSubmission`, whose code is stable and whose message is
Spanish and says what the teacher can do.
"""

from __future__ import annotations

import shutil
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from kamgrade.docx.body import Walker
from kamgrade.docx.notes import read_headers_footers, read_notes
from kamgrade.docx.numbering import Numbering
from kamgrade.docx.package import Package, is_macro_enabled, open_package
from kamgrade.docx.properties import read_properties
from kamgrade.docx.styles import Styles, slim_styles
from kamgrade.errors import ErrorCode, UnreadableSubmission
from kamgrade.intake import ReadLimits, open_zip, refuse, sniff
from kamgrade.model import DocModel, block_paragraphs
from kamgrade.results import Message, Severity
from kamgrade.textnorm import count_words

__all__ = ["ReadLimits", "convert_legacy", "read_submission"]

_CORRUPT = (
    "el archivo .docx está dañado ({detail}). Pide al estudiante que lo abra en Word, lo guarde "
    "de nuevo y lo vuelva a entregar."
)


DEFAULT_LIMITS = ReadLimits()


def read_submission(path: Path, limits: ReadLimits | None = None) -> DocModel:
    """Read one submission into a `DocModel` (`limits` None: `DEFAULT_LIMITS`).

    >>> doc = read_submission(Path("alumno_07.docx"))          # doctest: +SKIP
    >>> sum(count_words(p.text) for p in doc.iter_paragraphs())  # doctest: +SKIP
    3012

    Raises `UnreadableSubmission` (and nothing else) with one of the codes in
    `docs/input-safety.md`: not_found, empty, lock_file, pdf, encrypted, legacy_doc, not_docx,
    corrupt, too_large, unsafe, internal.
    """
    try:
        return _read(Path(path), DEFAULT_LIMITS if limits is None else limits)
    except UnreadableSubmission:
        raise
    except (
        zlib.error,
        EOFError,
        etree.LxmlError,
        UnicodeError,
        KeyError,
        ValueError,
        IndexError,
        OSError,
        NotImplementedError,
        RecursionError,
    ) as e:
        raise refuse(ErrorCode.CORRUPT, _CORRUPT.format(detail=type(e).__name__)) from None
    except MemoryError:
        raise refuse(
            ErrorCode.TOO_LARGE,
            "el archivo necesita más memoria de la disponible para leerse. Pide una copia más "
            "ligera o ajusta los límites de lectura.",
        ) from None
    except Exception as e:  # the batch must go on; the code says this is kamgrade's bug
        raise refuse(
            ErrorCode.INTERNAL,
            f"error interno de kamgrade al leer el archivo ({type(e).__name__}: {str(e)[:80]}). "
            "Repórtalo a quien mantiene kamgrade junto con el archivo; mientras tanto califícalo "
            "a mano.",
        ) from e


def _read(path: Path, limits: ReadLimits) -> DocModel:
    """`read_submission` without its safety net: the fuzz tests call this to prove that every
    refusal is deliberate (only UnreadableSubmission escapes) rather than a caught bug."""
    return _read_zip(sniff(path, limits), limits)


def _read_zip(data: bytes, limits: ReadLimits) -> DocModel:
    with open_zip(data, limits) as zf:
        pkg = open_package(zf, limits)
        props = read_properties(pkg)
        if props.pages is not None and props.pages > limits.max_pages:
            raise _too_many_pages(props.pages, limits)
        macro = is_macro_enabled(pkg)
        styles = Styles(_optional_part(pkg, "styles", slim_styles))
        numbering = Numbering(_optional_part(pkg, "numbering"))
        root = pkg.xml(pkg.main_part)
        body = root.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body")
        blocks = (
            Walker(pkg, pkg.main_part, styles, numbering).blocks(body) if body is not None else []
        )
        if props.pages is None:
            words = sum(count_words(p.text) for b in blocks for p in block_paragraphs(b))
            estimate = words // max(limits.words_per_page, 1)
            if estimate > limits.max_pages:
                raise _too_many_pages(estimate, limits, estimated=True)
        notes = read_notes(pkg, styles)
        headers, footers = read_headers_footers(pkg, styles)
        messages = list(pkg.messages)
        if macro:
            messages.insert(
                0,
                Message(
                    "KG-DOCX-MACROS",
                    Severity.WARNING,
                    "el documento contiene macros (.docm/.dotm). kamgrade solo leyó el texto y nunca "
                    "ejecuta macros; no lo abras en Word con las macros habilitadas.",
                ),
            )
        return DocModel(
            blocks=tuple(blocks),
            notes=tuple(notes),
            headers=tuple(headers),
            footers=tuple(footers),
            title=props.title,
            author=props.author,
            application=props.application,
            macro_enabled=macro,
            messages=tuple(messages),
        )


def _optional_part(
    pkg: Package, rel_type: str, prefilter: Callable[[bytes], bytes] | None = None
) -> etree._Element | None:
    targets = pkg.targets(pkg.main_part, rel_type)
    return pkg.xml(targets[0], prefilter) if targets else None


def _too_many_pages(
    pages: int, limits: ReadLimits, estimated: bool = False
) -> UnreadableSubmission:
    how = "unas " if estimated else ""
    return refuse(
        ErrorCode.TOO_LARGE,
        f"el documento tiene {how}{pages} páginas y el límite es {limits.max_pages}. "
        "Revisa que sea el archivo correcto; si lo es, sube el límite de páginas.",
    )


def convert_legacy(path: Path, tmpdir: Path) -> Path | None:
    """Convert a Word 97-2003 .doc to .docx with LibreOffice, working on a copy in `tmpdir`.

    Returns the converted file, or None when `soffice` is not on PATH or the conversion fails.
    The original file is never modified.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    tmpdir = Path(tmpdir)
    src_dir = tmpdir / "src"
    out_dir = tmpdir / "out"
    src_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = src_dir / (Path(path).stem + ".doc")
    shutil.copyfile(path, copy)
    try:
        subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{tmpdir / 'profile'}",
                "--convert-to",
                "docx",
                "--outdir",
                str(out_dir),
                str(copy),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    result = out_dir / (copy.stem + ".docx")
    return result if result.is_file() else None
