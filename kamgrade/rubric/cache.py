"""Rubrics already validated, remembered by their exact bytes.

Parsing a rubric with ruamel's round-trip loader (which keeps the line of every value, for
messages) and checking it takes about 0.1 s, on the path of every `kamgrade grade` before a
worker can start. A rubric that passed is stored in kamgrade's cache folder as the model's own
JSON, under a key made of the file's bytes and of everything that decides how they are read:
kamgrade's version, pydantic's and ruamel's, and the source of the rubric package. Loading it
back is pydantic's JSON validation (under a millisecond), which runs the model's cross-field checks
again. A rubric with problems is never stored, so its problems are always reported from the
file itself. Anything wrong with the cache (missing, unreadable, stale) means: read the file.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import lru_cache
from pathlib import Path

from kamgrade.rubric.model import Rubric

_FORMAT = 1  # bump when what is stored changes
KEEP = 64  # entries kept; the oldest go when a new one is stored (an author edits and reloads)


@lru_cache(maxsize=1)
def _fingerprint() -> bytes:
    """What, besides a rubric's bytes, decides the model it loads into."""
    from importlib.metadata import PackageNotFoundError, version

    from kamgrade import __version__

    digest = hashlib.sha256(f"{_FORMAT}|{__version__}".encode())
    for package in ("pydantic", "pydantic-core", "ruamel.yaml"):
        with contextlib.suppress(PackageNotFoundError):
            digest.update(f"|{package} {version(package)}".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.digest()


def _entry(raw: bytes) -> Path:
    from kamgrade.fsutil import cache_dir

    key = hashlib.sha256(_fingerprint() + raw).hexdigest()
    return cache_dir() / "rubrics" / f"{key}.json"


def recall(raw: bytes) -> Rubric | None:
    """The rubric these bytes loaded into before, or None."""
    try:
        return Rubric.model_validate_json(_entry(raw).read_bytes())
    except (OSError, ValueError):  # pydantic's ValidationError is a ValueError
        return None


def remember(raw: bytes, rubric: Rubric) -> None:
    """Store a rubric that loaded without problems; a cache that cannot be written is skipped."""
    from kamgrade.fsutil import atomic_write_bytes

    entry = _entry(raw)
    with contextlib.suppress(OSError):
        atomic_write_bytes(entry, rubric.model_dump_json(by_alias=True).encode(), durable=False)
        _prune(entry.parent)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
