"""Batch outputs: results.json, summary.csv, feedback files and the terminal summary.

Every file is written atomically (`kamgrade.fsutil`): a crash or Ctrl-C leaves either the old
file or the new one, never half of one.

* `results.json`: a JSON list, one object per submission (`SubmissionOutcome.to_json()`, the
  result contract).
* `summary.csv`: one row per submission, UTF-8 with a BOM so that Excel in Spanish shows accents.
* `feedback/<basename>.{md,html,docx}`: per graded submission, from `kamgrade.feedback`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from pydantic_core import to_json

from kamgrade.fsutil import atomic_write_bytes

if TYPE_CHECKING:
    from kamgrade.outcome import SubmissionOutcome
    from kamgrade.rubric import LoadedRubric

RESULTS_NAME = "results.json"
SUMMARY_NAME = "summary.csv"
FEEDBACK_DIR = "feedback"
FEEDBACK_FORMATS = ("md", "html", "docx")

STATUS_ES = {"graded": "calificado", "error": "error"}


def results_json_bytes(
    outcomes: Iterable[SubmissionOutcome], texts: Sequence[str | None] | None = None
) -> bytes:
    """results.json content: a list of result objects, UTF-8, accents kept.

    `texts[i]`, when given and not None, is `results_json_item(outcomes[i])` computed earlier
    (while the batch was running); the bytes are the same either way.
    """
    items = list(outcomes)
    if not items:
        return (json.dumps([], ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    done = list(texts) if texts is not None and len(texts) == len(items) else [None] * len(items)
    parts = [t if t is not None else results_json_item(o) for o, t in zip(items, done, strict=True)]
    return ("[\n" + ",\n".join(parts) + "\n]\n").encode("utf-8")


def results_json_item(outcome: SubmissionOutcome) -> str:
    """One result object as results.json holds it: `json.dumps(indent=2)` one level deep."""
    # JSON strings never hold a raw line break, so every one here is the encoder's own.
    return "  " + outcome_json(outcome).replace("\n", "\n  ")


def write_results_json(
    path: Path, outcomes: Iterable[SubmissionOutcome], texts: Sequence[str | None] | None = None
) -> Path:
    """Write results.json atomically."""
    return atomic_write_bytes(path, results_json_bytes(outcomes, texts))


def outcome_json(outcome: SubmissionOutcome) -> str:
    """One result object as JSON text (what `grade FILE --json` prints).

    The text `json.dumps(..., ensure_ascii=False, indent=2)` gives (only floats under 1e-4,
    which kamgrade's rounded figures never are, write their exponent as "1e-7", not "1e-07"),
    made by pydantic-core's serializer: the standard library encodes indented JSON in pure
    Python, ~0.4 ms per result in the batch's parent, which competes with the workers for CPU.
    """
    return to_json(outcome.to_json(), indent=2).decode("utf-8")


def previous_rubrics(results_path: Path) -> set[tuple[str, str, str]]:
    """(id, version, sha256) of every rubric named in an existing results.json (empty if none)."""
    try:
        data = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    found: set[tuple[str, str, str]] = set()
    if isinstance(data, list):
        for row in data:
            rub = row.get("rubric") if isinstance(row, dict) else None
            if isinstance(rub, dict):
                found.add((str(rub.get("id")), str(rub.get("version")), str(rub.get("sha256"))))
    return found


def rubric_mismatch_warning(results_path: Path, loaded: LoadedRubric) -> str | None:
    """A Spanish warning when `results_path` holds results of another rubric (id/version/sha)."""
    current = (loaded.rubric.id, str(loaded.rubric.version), loaded.sha256)
    others = sorted(r for r in previous_rubrics(results_path) if r != current)
    if not others:
        return None
    names = ", ".join(f"{i} versión {v} (sha256 {h[:12]})" for i, v, h in others)
    return (
        f"Aviso: {results_path} contiene resultados calificados con otra rúbrica ({names}); "
        f"la actual es {current[0]} versión {current[1]} (sha256 {current[2][:12]}). Se "
        "reemplazarán con los de esta ejecución; usa otro --out si quieres conservar los "
        "anteriores."
    )


# ----------------------------------------------------------------------------- summary.csv


def _fmt_score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def summary_rows(
    outcomes: Iterable[SubmissionOutcome], section_ids: Sequence[str]
) -> list[list[str]]:
    """Rows of summary.csv (header first)."""
    header = [
        "archivo",
        "estudiante",
        "matricula",
        *section_ids,
        "total",
        "estado",
        "codigo_error",
        "mensaje_error",
    ]
    rows = [header]
    for o in outcomes:
        scores = {s.id: s.score for s in o.sections}
        rows.append(
            [
                o.file,
                o.student.name or "",
                o.student.id or "",
                *(_fmt_score(scores.get(sid)) for sid in section_ids),
                _fmt_score(o.total),
                STATUS_ES.get(o.status, o.status),
                o.error.code if o.error else "",
                o.error.message if o.error else "",
            ]
        )
    return rows


def write_summary_csv(
    path: Path, outcomes: Iterable[SubmissionOutcome], section_ids: Sequence[str]
) -> Path:
    """Write summary.csv atomically: UTF-8 with BOM (Excel), comma-separated, CRLF rows."""
    buf = io.StringIO()
    csv.writer(buf).writerows(summary_rows(outcomes, section_ids))
    return atomic_write_bytes(path, buf.getvalue().encode("utf-8-sig"))


# ----------------------------------------------------------------------------- feedback


def _safe_basename(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return name[:150] or "retroalimentacion"


def default_feedback_basename(outcome: SubmissionOutcome) -> str:
    """The feedback file name without extension (from `kamgrade.feedback` when available)."""
    try:
        from kamgrade.feedback import feedback_basename
    except ImportError:
        return _safe_basename(PurePath(outcome.file).stem)
    return _safe_basename(feedback_basename(outcome))


class FeedbackWriter:
    """Writes each submission's feedback files atomically, with unique base names."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._used: set[str] = set()

    def write(self, outcome: SubmissionOutcome, files: Mapping[str, bytes]) -> list[Path]:
        """Write `files` ("md"/"html"/"docx" -> bytes); returns the paths written."""
        base = default_feedback_basename(outcome)
        who = outcome.student.id or outcome.student.name
        if base.casefold() in self._used and who:
            base = _safe_basename(
                f"{who}_{base}"
            )  # Moodle folders: every student's "Actividad 3.docx"
        unique, k = base, 1
        while unique.casefold() in self._used:
            k += 1
            unique = f"{base}_{k}"
        self._used.add(unique.casefold())
        written = []
        for ext in FEEDBACK_FORMATS:
            if ext in files:
                target = self.directory / f"{unique}.{ext}"
                written.append(atomic_write_bytes(target, files[ext], durable=False))
        return written


@dataclass(frozen=True, slots=True)
class OutputPaths:
    results: Path
    summary: Path
    feedback: Path


def write_batch_outputs(
    out_dir: Path,
    outcomes: Sequence[SubmissionOutcome],
    loaded: LoadedRubric,
    json_texts: Sequence[str | None] | None = None,
) -> OutputPaths:
    """Write results.json and summary.csv for `outcomes` into `out_dir` (atomically).

    `json_texts` optionally holds each outcome's `results_json_item`, already computed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    section_ids = [s.id for s in loaded.rubric.sections]
    return OutputPaths(
        write_results_json(out_dir / RESULTS_NAME, outcomes, json_texts),
        write_summary_csv(out_dir / SUMMARY_NAME, outcomes, section_ids),
        out_dir / FEEDBACK_DIR,
    )


class Checkpoint:
    """Rewrites results.json and summary.csv every `every` seconds while a batch runs.

    If the run dies without a chance to clean up (terminal closed, process killed), what was
    graded so far is on disk, complete and parseable; the final write replaces it.
    """

    def __init__(self, out_dir: Path, loaded: LoadedRubric, every: float = 15.0) -> None:
        import time

        self._clock = time.monotonic
        self.out_dir = out_dir
        self.loaded = loaded
        self.every = every
        self._done: dict[int, SubmissionOutcome] = {}
        # Each result's results.json text, made as it arrives (while the workers grade) so that
        # the final write does not encode them all at the end.
        self._texts: dict[int, tuple[SubmissionOutcome, str]] = {}
        self._last = self._clock()

    def add(self, index: int, outcome: SubmissionOutcome) -> None:
        """Record one result; write the files when the interval has passed."""
        self._done[index] = outcome
        self._texts[id(outcome)] = (outcome, results_json_item(outcome))
        if self._clock() - self._last >= self.every:
            self.flush()

    def json_texts(self, outcomes: Sequence[SubmissionOutcome]) -> list[str | None]:
        """The results.json texts made so far for `outcomes` (None where there is none)."""
        out: list[str | None] = []
        for o in outcomes:
            made = self._texts.get(id(o))
            out.append(made[1] if made is not None and made[0] is o else None)
        return out

    def flush(self) -> None:
        """Write what has been graded so far, in input order."""
        done = [self._done[i] for i in sorted(self._done)]
        write_batch_outputs(self.out_dir, done, self.loaded, self.json_texts(done))
        self._last = self._clock()


# ----------------------------------------------------------------------------- terminal


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(outcomes: Sequence[SubmissionOutcome], section_ids: Sequence[str]) -> str:
    """The summary table shown after a batch (plain text, one row per submission)."""
    header = ["Archivo", "Estudiante", *section_ids, "Total", "Estado"]
    rows: list[list[str]] = []
    for o in outcomes:
        scores = {s.id: (s.score if s.found else None) for s in o.sections}
        cells = [
            _cut(PurePath(o.file).name, 40),
            _cut(o.student.name or o.student.id or "—", 28),
            *(
                ("—" if scores.get(sid) is None else f"{scores[sid]:.0f}") if o.graded else ""
                for sid in section_ids
            ),
            f"{o.total:.1f}" if o.total is not None else "",
            STATUS_ES.get(o.status, o.status) + (f" ({o.error.code})" if o.error else ""),
        ]
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = set(range(2, len(header) - 1))

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def render_problems(outcomes: Iterable[SubmissionOutcome]) -> str:
    """The unreadable submissions, one per line with its code and Spanish reason ("" if none)."""
    bad = [o for o in outcomes if not o.graded]
    if not bad:
        return ""
    lines = [f"No se pudieron calificar {len(bad)} archivo(s):"]
    for o in bad:
        code = o.error.code if o.error else "?"
        msg = o.error.message if o.error else ""
        lines.append(f"  - {o.file} [{code}]: {msg}")
    return "\n".join(lines)


def render_warnings(outcomes: Iterable[SubmissionOutcome], limit: int = 20) -> str:
    """Graded submissions that carry warnings (first warning each; "" if none)."""
    warned = [o for o in outcomes if o.graded and o.warnings]
    if not warned:
        return ""
    lines = [f"Avisos en {len(warned)} entrega(s) calificada(s) (detalle en results.json):"]
    for o in warned[:limit]:
        more = f" (+{len(o.warnings) - 1} más)" if len(o.warnings) > 1 else ""
        lines.append(f"  - {o.file}: {o.warnings[0]}{more}")
    if len(warned) > limit:
        lines.append(f"  … y {len(warned) - limit} más.")
    return "\n".join(lines)


def render_counts(counts: Any, elapsed: float | None = None) -> str:
    """One line: how many were graded and how many failed."""
    text = f"{counts.total} entrega(s): {counts.graded} calificada(s), {counts.errors} con error"
    if elapsed is not None:
        text += f" en {elapsed:.1f} s"
    return text + "."
