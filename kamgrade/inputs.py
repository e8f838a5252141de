"""Input stage of a batch: files, folders and LMS download zips become a sorted list of submissions.

Zip members are extracted into a temporary folder, never outside it (absolute paths, `..` and
links are refused with code `unsafe`), with member-count and size caps; the original zip is
never modified. Hidden files and `__MACOSX` are skipped; every other file is a submission, so a
renamed PDF or a Word lock file gets a clear error instead of disappearing.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kamgrade.errors import ErrorCode
from kamgrade.outcome import SubmissionError

MB = 1024 * 1024
ZIP_MAX_MEMBERS = 20_000
ZIP_MAX_MEMBER_BYTES = 100 * MB  # default when no --max-size is given
ZIP_MAX_TOTAL_BYTES = 4096 * MB


@dataclass(frozen=True, slots=True)
class Submission:
    """One file to grade: where it is on disk and how results name it.

    `display` is the path as the instructor knows it ("entregas.zip/Ana_123_…/KAM.docx" for a
    zip member). `error` is set when the file was refused before grading (unsafe zip member…).
    """

    path: Path
    display: str
    error: SubmissionError | None = None


# --------------------------------------------------------------------------------------------
# Input expansion


_UNSAFE_MEMBER = (
    "el .zip contiene una entrada con ruta absoluta o con '..' ({name}); kamgrade no la extrajo "
    "para no escribir fuera de su carpeta temporal. Descarga de nuevo las entregas desde la "
    "plataforma; si persiste, revisa ese archivo a mano."
)
_CORRUPT_ZIP = (
    "no se pudo abrir el .zip de entregas ({detail}). Descárgalo de nuevo desde la plataforma; "
    "la descarga probablemente se interrumpió."
)


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"


def _is_zip_bundle(path: Path) -> bool:
    return path.suffix.lower() == ".zip"


def expand_inputs(
    paths: Iterable[Path | str],
    workdir: Path,
    *,
    max_member_bytes: int = ZIP_MAX_MEMBER_BYTES,
    max_zip_total: int = ZIP_MAX_TOTAL_BYTES,
) -> list[Submission]:
    """Turn files, folders and LMS .zip downloads into a sorted list of submissions.

    Folders are walked recursively (hidden files and folders skipped; Word lock files `~$x`
    kept, so they are reported). Each .zip is extracted safely into `workdir` (never next to
    the original, which is never modified): members with absolute or `..` paths, symbolic
    links, or sizes past the caps are not written and come back as error submissions.
    Missing paths come back as `not_found` errors.
    """
    found: list[Submission] = []
    seen: set[str] = set()
    zip_count = 0

    def add_file(f: Path, display: str) -> None:
        nonlocal zip_count
        key = os.path.realpath(f)
        if key in seen:
            return
        seen.add(key)
        if _is_zip_bundle(f):
            zip_count += 1
            found.extend(
                _extract_zip(
                    f, display, workdir / f"zip{zip_count}", max_member_bytes, max_zip_total
                )
            )
        else:
            found.append(Submission(f, display))

    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
                for name in sorted(files):
                    if not _is_hidden(name):
                        add_file(Path(root) / name, str(Path(root) / name))
        elif p.is_file():
            add_file(p, str(p))
        else:
            found.append(
                Submission(
                    p,
                    str(p),
                    SubmissionError(
                        ErrorCode.NOT_FOUND, "no existe el archivo o la carpeta; revisa la ruta."
                    ),
                )
            )
    found.sort(key=lambda s: s.display)
    return found


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the student wrote it.

    Without the UTF-8 flag (bit 11) zipfile decodes names as cp437; many tools write UTF-8
    anyway, and Windows' own "compressed folder" writes the OEM code page (cp850 in Spanish),
    so "López" would show as "L¢pez".
    """
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("cp850")
    return name


def _member_is_unsafe(name: str, info: zipfile.ZipInfo) -> bool:
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return True
    if ".." in PurePosixPath(name).parts:
        return True
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def _extract_zip(
    zpath: Path, display: str, dest: Path, max_member: int, max_total: int
) -> list[Submission]:
    out: list[Submission] = []
    try:
        zf = zipfile.ZipFile(zpath)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        return [
            Submission(
                zpath, display, SubmissionError(ErrorCode.CORRUPT, _CORRUPT_ZIP.format(detail=e))
            )
        ]
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_MEMBERS:
            msg = (
                f"el .zip tiene {len(infos)} entradas (límite {ZIP_MAX_MEMBERS}); no parece una "
                "descarga de entregas."
            )
            return [Submission(zpath, display, SubmissionError(ErrorCode.TOO_LARGE, msg))]
        dest.mkdir(parents=True, exist_ok=True)
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            name = _member_name(info).replace("\\", "/")
            member_display = f"{display}/{name}"
            if _member_is_unsafe(name, info):
                err = SubmissionError(ErrorCode.UNSAFE, _UNSAFE_MEMBER.format(name=info.filename))
                out.append(Submission(zpath, member_display, err))
                continue
            parts = PurePosixPath(name).parts
            if not parts or any(_is_hidden(part) for part in parts):
                continue
            if info.file_size > max_member or total + info.file_size > max_total:
                limit = max_member if info.file_size > max_member else max_total
                msg = (
                    f"la entrada pesa {info.file_size / MB:.1f} MB descomprimida y el límite es "
                    f"{limit / MB:.0f} MB; no se extrajo. Ábrela a mano o sube el límite con "
                    "--max-size."
                )
                out.append(
                    Submission(zpath, member_display, SubmissionError(ErrorCode.TOO_LARGE, msg))
                )
                continue
            target = dest.joinpath(*parts)
            k = 1
            while target.exists():
                k += 1
                target = dest / f"_dup{k}" / Path(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                written = _copy_capped(zf, info, target, min(max_member, max_total - total))
            except _CapExceeded:
                msg = (
                    "la entrada declara un tamaño menor del que realmente tiene (posible bomba "
                    "zip); no se extrajo."
                )
                out.append(
                    Submission(zpath, member_display, SubmissionError(ErrorCode.UNSAFE, msg))
                )
                continue
            except (
                zipfile.BadZipFile,
                zlib.error,
                OSError,
                RuntimeError,
                NotImplementedError,
                EOFError,
            ) as e:
                err = SubmissionError(
                    ErrorCode.CORRUPT, _CORRUPT_ZIP.format(detail=f"{info.filename}: {e}")
                )
                out.append(Submission(zpath, member_display, err))
                continue
            total += written
            out.append(Submission(target, member_display))
    return out


class _CapExceeded(Exception):
    """A zip member grew past its size cap while being extracted."""


def _copy_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int) -> int:
    written = 0
    try:
        with zf.open(info) as src, open(target, "xb") as dst:
            while chunk := src.read(1024 * 1024):
                written += len(chunk)
                if written > cap:
                    raise _CapExceeded
                dst.write(chunk)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return written
