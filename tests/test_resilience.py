"""Batch resilience (issue 3, item 4): no bad file stops, stalls or loses a batch.

Crashing, hanging and memory-hungry submissions cannot be produced on demand with real
documents, so `mixed_grade` hands files whose first bytes are CRASH / HANG / HOG / GROW to the
fake grader of `tests.test_batch` and everything else to the real `kamgrade.grading.grade_file`
(or to the fake grader while that module is missing).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kamgrade.batch import MB, grade_batch
from kamgrade.outcome import SubmissionOutcome
from kamgrade.report import render_problems, write_batch_outputs
from kamgrade.rubric import LoadedRubric, load_rubric
from tests.test_batch import fake_grade, make_files, write_rubric

try:
    from tests import badfiles
except ImportError:  # pragma: no cover - the generators live in another module
    badfiles = None  # type: ignore[assignment]

REPO = Path(__file__).resolve().parents[1]
MISBEHAVING = (b"CRASH", b"HANG", b"HOG", b"GROW")


def mixed_grade(
    path: Path, loaded: LoadedRubric, *, convert_legacy: bool = False, limits: object = None
) -> SubmissionOutcome:
    """Misbehave on marker files, otherwise grade for real (when kamgrade.grading exists)."""
    head = Path(path).read_bytes()[:8]
    if head.startswith(MISBEHAVING):
        return fake_grade(path, loaded, convert_legacy=convert_legacy, limits=limits)
    try:
        from kamgrade.grading import grade_file
    except ImportError:
        return fake_grade(path, loaded, convert_legacy=convert_legacy, limits=limits)
    return grade_file(path, loaded, convert_legacy=convert_legacy, limits=limits)


def _have_real_grader() -> bool:
    try:
        import kamgrade.grading  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedRubric:
    return load_rubric(write_rubric(tmp_path))


def _good_docx() -> bytes:
    if badfiles is None:
        return b"ok"
    body = "".join(
        f"<w:p><w:r><w:t>Párrafo {i}: la organización atiende cuentas clave y describe "
        "sus problemas.</w:t></w:r></w:p>"
        for i in range(12)
    )
    return badfiles.build_docx(body)


def _bad_files() -> dict[str, bytes]:
    """One file of every hostile kind (the real generators when present)."""
    if badfiles is None:
        return {f"malo_{i}.docx": b"BAD" for i in range(21)}
    return {f"malo_{name}.docx": getattr(badfiles, name)() for name in sorted(badfiles.EXPECTED)}


def test_a_thousand_submissions_with_five_percent_bad_files_all_get_a_row(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    good = _good_docx()
    bad = _bad_files()
    files: dict[str, bytes] = {}
    kinds = list(bad.items())
    for i in range(42):  # every hostile kind, twice
        name, data = kinds[i % len(kinds)]
        files[f"e{i:04d}_{name}"] = data
    for i, marker in enumerate(
        [b"CRASH", b"CRASH", b"HANG", b"HOG", b"GROW", b"CRASH", b"HOG", b"GROW"]
    ):
        files[f"e{42 + i:04d}_raro.docx"] = marker
    assert len(files) == 50
    for i in range(950):
        files[f"g{i:04d}_alumno.docx"] = good
    make_files(tmp_path / "entregas", files)

    t0 = time.monotonic()
    batch = grade_batch(
        [tmp_path / "entregas"],
        loaded,
        jobs=2,
        grade_fn=mixed_grade,
        time_budget=3.0,
        memory_limit=1024 * MB,
    )
    elapsed = time.monotonic() - t0

    assert len(batch.outcomes) == 1000 and batch.submissions == 1000
    by_name = {Path(o.file).name: o for o in batch.outcomes}
    assert len(by_name) == 1000
    not_graded = [
        (n, by_name[n].error) for n in files if n.startswith("g") and not by_name[n].graded
    ]
    assert not_graded == [], "every good file is graded"
    bad_names = [n for n in files if n.startswith("e")]
    bad_rows = [by_name[n] for n in bad_names]
    graded_bad = [o.file for o in bad_rows if o.graded]
    # A macro .docm is read with a warning, not refused: the only hostile kind that may be graded.
    assert all("macro" in f for f in graded_bad), graded_bad
    assert batch.exit_code == 1 and batch.counts.errors == 50 - len(graded_bad)
    codes = {Path(o.file).name: o.error.code for o in bad_rows if o.error is not None}
    assert {codes[n] for n in codes if n.endswith("_raro.docx")} <= {
        "worker_crashed",
        "timeout",
        "too_large",
    }
    assert sum(c == "timeout" for c in codes.values()) >= 1
    assert sum(c == "worker_crashed" for c in codes.values()) >= 3
    if (
        badfiles is not None and _have_real_grader()
    ):  # the real reader refuses each kind with its code
        for n, o in zip(bad_names, bad_rows, strict=True):
            kind = n.split("_malo_", 1)[-1].removesuffix(".docx")
            if kind in badfiles.EXPECTED and o.error is not None:
                assert o.error.code == badfiles.EXPECTED[kind], (n, o.error)

    listing = render_problems(batch.outcomes)
    for o in bad_rows:
        if not o.graded:
            assert o.file in listing
    paths = write_batch_outputs(tmp_path / "out", batch.outcomes, loaded)
    assert len(json.loads(paths.results.read_text(encoding="utf-8"))) == 1000
    assert elapsed < 45, f"1,000 submissions took {elapsed:.1f} s"
    print(f"\n1,000 submissions (50 bad) graded in {elapsed:.1f} s with 2 workers")


def test_a_worker_that_dies_is_replaced_and_its_file_reported(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(
        tmp_path / "in",
        {
            "a.docx": b"ok1",
            "b.docx": b"CRASH",
            "c.docx": b"ok2",
            "d.docx": b"CRASH",
            "e.docx": b"ok3",
        },
    )
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade)
    assert [o.status for o in batch.outcomes] == ["graded", "error", "graded", "error", "graded"]
    crashed = batch.outcomes[1]
    assert crashed.error is not None and crashed.error.code == "worker_crashed"
    assert "código 7" in crashed.error.message and "resto del lote" in crashed.error.message
    assert batch.exit_code == 1


def test_a_segfaulting_worker_is_reported_with_the_signal(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {"a.docx": b"ok", "b.docx": b"SEGV"})
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=segfault_grade)
    err = batch.outcomes[1].error
    assert err is not None and err.code == "worker_crashed" and "SIGSEGV" in err.message
    assert batch.outcomes[0].graded


def segfault_grade(path: Path, loaded: LoadedRubric, **kw: object) -> SubmissionOutcome:
    if Path(path).read_bytes().startswith(b"SEGV"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return fake_grade(path, loaded)


def test_a_hanging_file_hits_the_time_budget_and_the_batch_goes_on(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(tmp_path / "in", {"a.docx": b"HANG", **{f"b{i}.docx": b"ok" for i in range(6)}})
    t0 = time.monotonic()
    batch = grade_batch([tmp_path / "in"], loaded, jobs=2, grade_fn=fake_grade, time_budget=1.0)
    assert time.monotonic() - t0 < 10
    first = batch.outcomes[0]
    assert (
        first.error is not None and first.error.code == "timeout" and "1 s" in first.error.message
    )
    assert all(o.graded for o in batch.outcomes[1:])


def test_memory_hungry_files_are_stopped_by_the_worker_cap(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    make_files(
        tmp_path / "in", {"a.docx": b"GROW", "b.docx": b"HOG", "c.docx": b"ok", "d.docx": b"ok"}
    )
    batch = grade_batch(
        [tmp_path / "in"],
        loaded,
        jobs=2,
        grade_fn=fake_grade,
        memory_limit=512 * MB,
        time_budget=30,
    )
    for o in batch.outcomes[:2]:
        assert o.error is not None and o.error.code in {"too_large", "worker_crashed"}, o.error
    assert batch.outcomes[0].error.code == "too_large"  # type: ignore[union-attr]
    assert all(o.graded for o in batch.outcomes[2:])


@pytest.mark.parametrize(
    ("marker", "code"),
    [(b"CRASH", "worker_crashed"), (b"HANG", "timeout"), (b"GROW", "too_large")],
    ids=["crash", "hang", "memory"],
)
def test_the_file_queued_behind_a_failing_one_is_graded_not_blamed(
    tmp_path: Path, loaded: LoadedRubric, marker: bytes, code: str
) -> None:
    # One worker, so the second file is already in its pipe when the first one fails.
    make_files(tmp_path / "in", {"a.docx": marker, **{f"b{i}.docx": b"ok" for i in range(4)}})
    batch = grade_batch(
        [tmp_path / "in"],
        loaded,
        jobs=1,
        grade_fn=fake_grade,
        time_budget=1.0 if marker == b"HANG" else 30,
        memory_limit=512 * MB,
    )
    names = [Path(o.file).name for o in batch.outcomes]
    assert names == ["a.docx", "b0.docx", "b1.docx", "b2.docx", "b3.docx"]
    first = batch.outcomes[0]
    assert first.error is not None and first.error.code == code, first.error
    assert all(o.graded for o in batch.outcomes[1:])


def test_each_worker_has_its_next_file_queued_until_the_last_few(
    tmp_path: Path, loaded: LoadedRubric
) -> None:
    from kamgrade import batch as batch_mod

    files = make_files(tmp_path / "in", {f"f{i}.docx": b"ok" for i in range(6)})
    tasks = [(i, batch_mod.Submission(f, f.name)) for i, f in enumerate(files)]
    options = batch_mod._Options(limits=batch_mod._make_limits(None), warm_up=False)
    pool = batch_mod._Pool(1, fake_grade, loaded, options, None)
    queued_at_emit: dict[int, int | None] = {}

    def emit(item: batch_mod.BatchItem) -> None:
        queued = pool.workers[0].queued if pool.workers else None
        queued_at_emit[item.index] = queued[0] if queued is not None else None

    pool.run(tasks, emit)
    # While the worker grades file i + 1, file i + 2 already waits in its pipe; the last files
    # are handed out one at a time, so that none waits behind a slow one on a busy worker.
    assert queued_at_emit == {0: 2, 1: 3, 2: 4, 3: None, 4: None, 5: None}
    assert pool.workers == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_on_a_real_run_exits_130_and_leaves_only_complete_files(
    tmp_path: Path, sig: int
) -> None:
    rubric = write_rubric(tmp_path)
    make_files(
        tmp_path / "in",
        {
            "y_lento.docx": b"HANG",
            "z_lento.docx": b"HANG",
            **{f"c{i}.docx": b"ok" for i in range(4)},
        },
    )
    out = tmp_path / "out"
    code = (
        "import sys, kamgrade.batch as b; from tests.test_batch import fake_grade; "
        "b.resolve_grade_fn = lambda: fake_grade; from kamgrade.cli import cli; cli()"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "grade", str(tmp_path / "in"), "--rubric", str(rubric),
         "--out", str(out), "--jobs", "2"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        # Both workers end up stuck on the HANG files once the four quick ones are done.
        while time.monotonic() < deadline and len(list((out / "feedback").glob("*.md"))) < 4:
            time.sleep(0.1)
        time.sleep(0.3)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
        else:
            os.kill(proc.pid, sig)
        _stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr.decode()
    assert "Interrumpido" in stderr.decode()
    rows = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert sorted(Path(r["file"]).name for r in rows) == [f"c{i}.docx" for i in range(4)]
    assert (out / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and PR_SET_PDEATHSIG")
def test_workers_do_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    rubric = write_rubric(tmp_path)
    make_files(tmp_path / "in", {"a.docx": b"HANG", "b.docx": b"HANG", "c.docx": b"ok"})
    code = (
        "import kamgrade.batch as b; from tests.test_batch import fake_grade; "
        "b.resolve_grade_fn = lambda: fake_grade; from kamgrade.cli import cli; cli()"
    )
    args = [
        "grade",
        str(tmp_path / "in"),
        "--rubric",
        str(rubric),
        "--out",
        str(tmp_path / "o"),
        "-j",
        "2",
    ]
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = _children(proc.pid)
            time.sleep(0.1)
        assert len(workers) == 2
        proc.kill()  # no chance to clean up
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(_alive(w) for w in workers), "orphaned workers kept running"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
