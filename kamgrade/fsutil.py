"""Atomic file writes: a reader (or a crash, or Ctrl-C) never sees a half-written output.

Every output kamgrade writes (results.json, summary.csv, feedback files) goes through
`atomic_write_bytes`: the data is written to a temporary file in the *same directory*, flushed
and fsync'ed, then renamed over the target with `os.replace` (atomic on POSIX and on Windows
for files on one volume). On any exception the temporary file is removed and the target is left
exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


@contextlib.contextmanager
def atomic_open(
    path: Path | str,
    *,
    text: bool = False,
    encoding: str = "utf-8",
    newline: str | None = None,
    durable: bool = True,
) -> Iterator[IO]:  # type: ignore[type-arg]
    """Open a temporary file next to `path`; on a clean exit it replaces `path` atomically.

    >>> with atomic_open("out/results.json", text=True) as fh:   # doctest: +SKIP
    ...     fh.write("[]")
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp creates 0600; give outputs the usual mode
        if text:
            fh: IO = os.fdopen(fd, "w", encoding=encoding, newline=newline)  # type: ignore[type-arg]
        else:
            fh = os.fdopen(fd, "wb")
        with fh:
            yield fh
            fh.flush()
            if durable:  # survive a power cut; a rename alone already survives Ctrl-C
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:  # also KeyboardInterrupt: never leave the temp file behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: Path | str, data: bytes, *, durable: bool = True) -> Path:
    """Write `data` to `path` atomically and return the path.

    `durable=False` skips the fsync: the file is still never half-written, but a power cut may
    lose it. Per-student feedback uses it (three files per submission; results.json does not).
    """
    with atomic_open(path, durable=durable) as fh:
        fh.write(data)
    return Path(path)


CACHE_ENV = "KAMGRADE_CACHE_DIR"  # overrides the per-user cache folder


def cache_dir() -> Path:
    """Folder of data kamgrade derives from its installed libraries (`$KAMGRADE_CACHE_DIR`,
    else the user cache folder). Anything in it can be deleted: it is rebuilt when missing."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("kamgrade", appauthor=False))


def atomic_write_text(path: Path | str, text: str, *, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (no newline translation) and return the path."""
    return atomic_write_bytes(path, text.encode(encoding))
