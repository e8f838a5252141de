"""`make bench`: speed and memory of a batch, next to the bare floor (issue 2, item 11).

1. Generates 200 realistic ~3,000-word submissions (benchmarks/make_corpus.py; deterministic).
2. Start-up: `kamgrade --help`, best of 7 runs.
3. Batch: `kamgrade grade CORPUS --jobs 2` (reading, grading and writing md/html/docx feedback):
   documents per second, and the peak resident memory of any of its processes (each worker).
   This 2-core machine is shared and its speed varies by ±20 % from one minute to the next, so
   the batch runs KAMGRADE_BENCH_RUNS times (default 5), each right after a floor run: the
   median is the figure, with every run beside it, and the ratio is taken run by run.
4. Per document: median of read + grade + render in one warm process.
5. Floor: python-docx load plus spaCy tokenising of the same documents, two processes: the least
   any .docx grader in Python must spend, so the ratio shows what kamgrade adds.

Results are printed and written to benchmarks/results.json; the README records them.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
CORPUS = WORK / "corpus"
BIN = Path(sys.executable).parent
N_DOCS = int(os.environ.get("KAMGRADE_BENCH_DOCS", "200"))
RUNS = max(1, int(os.environ.get("KAMGRADE_BENCH_RUNS", "5")))
JOBS = 2
# Runs a command and prints the peak resident memory (kB) of the processes it waited for.
_PEAK_OF = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def _make_corpus() -> list[Path]:
    existing = sorted(CORPUS.glob("*.docx"))
    if len(existing) != N_DOCS:
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_corpus.py"),
                str(CORPUS),
                "-n",
                str(N_DOCS),
                "--jobs",
                str(JOBS),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        existing = sorted(CORPUS.glob("*.docx"))
    return existing


def _startup() -> float:
    best = float("inf")
    for _ in range(7):
        t = time.perf_counter()
        subprocess.run([str(BIN / "kamgrade"), "--help"], check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
    return best


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _batch(files: list[Path]) -> tuple[float, float, float]:
    """(documents per second, peak MB of its processes, seconds) of one `kamgrade grade` run."""
    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    command = [str(BIN / "kamgrade"), "grade", *map(str, files), "--jobs", str(JOBS)]
    t = time.perf_counter()
    peak = subprocess.run(
        [sys.executable, "-c", _PEAK_OF, *command, "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    elapsed = time.perf_counter() - t
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    graded = sum(1 for r in results if r["status"] == "graded")
    if graded != len(files):
        raise SystemExit(f"only {graded} of {len(files)} benchmark documents were graded")
    return len(files) / elapsed, int(peak.split()[-1]) / 1024, elapsed


def _per_document(files: list[Path]) -> float:
    import gc

    from kamgrade import GC_THRESHOLDS
    from kamgrade.feedback import render_feedback
    from kamgrade.grading import grade_file
    from kamgrade.rubric import default_rubric_path, load_rubric

    # As in kamgrade's own processes; this is the bench's last measurement, nothing to restore.
    gc.set_threshold(*GC_THRESHOLDS)
    loaded = load_rubric(default_rubric_path())
    for f in files[:3]:
        render_feedback(grade_file(f, loaded), loaded.rubric)
    times = []
    for f in files[:60]:
        t = time.perf_counter()
        render_feedback(grade_file(f, loaded), loaded.rubric)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _floor_one(path: str) -> tuple[float, int]:
    import docx
    from spacy.lang.es import Spanish

    nlp = _floor_one.nlp if hasattr(_floor_one, "nlp") else Spanish()  # type: ignore[attr-defined]
    _floor_one.nlp = nlp  # type: ignore[attr-defined]
    t = time.perf_counter()
    document = docx.Document(path)
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for table in document.tables for row in table.rows for c in row.cells]
    tokens = sum(len(d) for d in nlp.pipe(texts))
    return time.perf_counter() - t, tokens


def _floor(files: list[Path]) -> tuple[float, float, float, float]:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import docx, spacy.lang.es"], check=True)
    startup = time.perf_counter() - t
    before = _children_peak_mb()
    t = time.perf_counter()
    with ProcessPoolExecutor(JOBS) as pool:
        times = [dt for dt, _ in pool.map(_floor_one, [str(f) for f in files], chunksize=8)]
    rate = len(files) / (time.perf_counter() - t)
    return rate, statistics.median(times), startup, max(before, _children_peak_mb())


def main() -> int:
    WORK.mkdir(exist_ok=True)
    files = _make_corpus()
    words = (
        json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))
        if (CORPUS / "labels.json").exists()
        else {}
    )
    startup = _startup()
    floors = []
    rates: list[float] = []
    marginals: list[float] = []
    ratios: list[float] = []
    peak = 0.0
    for _ in range(RUNS):  # floor and kamgrade side by side, so both see the machine's speed
        floors.append(_floor(files))
        rate, run_peak, elapsed = _batch(files)
        _, _, half_elapsed = _batch(files[: len(files) // 2])
        rates.append(rate)
        ratios.append(floors[-1][0] / rate)
        # The second half's documents per second: the batch without its one-time loading.
        marginals.append((len(files) - len(files) // 2) / max(1e-9, elapsed - half_elapsed))
        peak = max(peak, run_peak)
    floor_rate = statistics.median(f[0] for f in floors)
    floor_median = statistics.median(f[1] for f in floors)
    floor_startup = min(f[2] for f in floors)
    floor_mem = max(f[3] for f in floors)
    rate = statistics.median(rates)
    marginal = statistics.median(marginals)
    median = _per_document(files)
    figures = {
        "documents": len(files),
        "jobs": JOBS,
        "mean_section_words": round(
            statistics.mean(
                sum(
                    sec.get("words", 0)
                    for sec in truth.values()
                    if isinstance(sec, dict) and "words" in sec
                )
                for truth in words.values()
            )
        )
        if words
        else None,
        "kamgrade": {
            "docs_per_second": round(rate, 1),
            "docs_per_second_runs": [round(r, 1) for r in rates],
            "docs_per_second_after_startup": round(marginal, 1),
            "batch_seconds": round(len(files) / rate, 2),
            "median_ms_per_document": round(1000 * median, 1),
            "startup_s": round(startup, 3),
            "peak_mb_per_process": round(peak, 0),
        },
        "floor": {
            "docs_per_second": round(floor_rate, 1),
            "median_ms_per_document": round(1000 * floor_median, 1),
            "startup_s": round(floor_startup, 3),
            "peak_mb_per_process": round(floor_mem, 0),
        },
    }
    figures["ratio_docs_per_second"] = round(statistics.median(ratios), 2)
    figures["ratio_runs"] = [round(r, 2) for r in ratios]
    (HERE / "results.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    k, f = figures["kamgrade"], figures["floor"]
    print(f"{len(files)} documentos, --jobs {JOBS}; mediana de {RUNS} corridas")
    print(f"{'':28}{'kamgrade':>12}{'piso':>12}")
    print(f"{'documentos por segundo':28}{k['docs_per_second']:>12}{f['docs_per_second']:>12}")
    runs = sorted(k["docs_per_second_runs"])
    print(f"{'  corridas (de menor a mayor)':28} {' · '.join(map(str, runs))}")
    print(f"{'  sin la carga inicial':28}{k['docs_per_second_after_startup']:>12}")
    print(
        f"{'mediana por documento (ms)':28}{k['median_ms_per_document']:>12}{f['median_ms_per_document']:>12}"
    )
    print(f"{'arranque (s)':28}{k['startup_s']:>12}{f['startup_s']:>12}")
    print(
        f"{'memoria pico por proceso (MB)':28}{k['peak_mb_per_process']:>12}{f['peak_mb_per_process']:>12}"
    )
    print(f"razón piso/kamgrade en documentos por segundo: {figures['ratio_docs_per_second']}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
