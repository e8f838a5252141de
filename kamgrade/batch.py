"""Grade many submissions: expand inputs, run them in isolated workers, never lose one.

`grade_batch(paths, loaded)` takes files, folders (recursively) and LMS download .zip files,
sorts them, and grades each with a per-file function (`kamgrade.grading.grade_file` unless
another is given). Every submission gets exactly one `SubmissionOutcome`, in input order:

* Workers are our own `multiprocessing` processes, each fed one task at a time over its own
  pipe, so the parent always knows which file a worker is on and since when.
* A worker over the per-document time budget is killed: its file gets error `timeout` and a
  fresh worker takes its place. A worker that dies (segfault, `os._exit`, OOM kill) gives its
  file `worker_crashed`; a replacement starts and the batch goes on.
* Each worker's address space is capped with `RLIMIT_AS`: a file that needs more memory raises
  `MemoryError` inside the worker and becomes `too_large`, instead of taking the machine down.
* Ctrl-C (KeyboardInterrupt) kills the workers and returns what was graded so far with
  `interrupted=True` and exit code 130; the caller writes it atomically.

A single submission (or `in_process=True`) is graded in the calling process, with a SIGALRM
time budget.

>>> from kamgrade.rubric import load_rubric, default_rubric_path      # doctest: +SKIP
>>> batch = grade_batch([Path("entregas/")], load_rubric(default_rubric_path()), jobs=2)
>>> batch.exit_code, batch.counts.graded                               # doctest: +SKIP
(1, 38)
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamgrade import GC_THRESHOLDS
from kamgrade.errors import ErrorCode, ExitCode, KamgradeError
from kamgrade.inputs import MB, ZIP_MAX_MEMBER_BYTES, Submission, expand_inputs
from kamgrade.outcome import SubmissionOutcome
from kamgrade.preread import PreReadFolder, pre_read
from kamgrade.records import pickled_by_fields

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

    from kamgrade.rubric import LoadedRubric

DEFAULT_TIME_BUDGET = 60.0  # seconds per document
DEFAULT_MEMORY_LIMIT = 1536 * MB  # address space per worker (RLIMIT_AS)
MEMORY_HEADROOM = 512 * MB  # a worker may always grow this much past its size after start-up
LOCK_FILE_MAX_BYTES = 4096
# multiprocessing start method; None picks "fork" on Linux (workers share the warmed-up libraries
# copy-on-write) and "spawn" elsewhere. Worker entry points are top-level and their arguments
# picklable, so "spawn" and "forkserver" (the Linux default from Python 3.14) work too.
START_METHOD: str | None = None

GradeFn = Callable[..., SubmissionOutcome]


# --------------------------------------------------------------------------------------------
# Data


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class BatchItem:
    """One graded submission as it streams back from a worker."""

    index: int
    outcome: SubmissionOutcome
    feedback: Mapping[str, bytes] | None = None  # "md" / "html" / "docx" -> bytes, graded only
    feedback_error: str | None = None
    recycle: bool = False  # the worker should be replaced (after a MemoryError)


@dataclass(frozen=True, slots=True)
class BatchCounts:
    total: int
    graded: int
    errors: int
    by_code: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """Everything a batch produced: outcomes in input order, the exit code and counts.

    When `interrupted`, `outcomes` holds only the submissions finished before Ctrl-C.
    """

    outcomes: tuple[SubmissionOutcome, ...]
    exit_code: int
    counts: BatchCounts
    interrupted: bool = False
    submissions: int = 0  # how many were found (≥ len(outcomes) when interrupted)


@dataclass(frozen=True, slots=True)
class _Options:
    """What every worker needs besides the rubric; picklable."""

    convert_legacy: bool = False
    limits: Any = None
    render_feedback: bool = False
    templates_dir: Path | None = None
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    warm_up: bool = True  # load kamgrade's heavy libraries before the first file
    pre_read: PreReadFolder | None = None  # documents read ahead during start-up


# --------------------------------------------------------------------------------------------
# Results built here (not by the grade function)


def error_outcome(
    sub: Submission, loaded: LoadedRubric, code: str, message: str
) -> SubmissionOutcome:
    """A status "error" result for `sub`, with the student guessed from its name."""
    from kamgrade.grading import error_outcome as outcome_for
    from kamgrade.lms import student_from_filename

    return outcome_for(sub.display, loaded, str(code), message, student_from_filename(sub.display))


def _lock_file_message() -> str:
    try:
        from kamgrade.intake import refuse

        return refuse(ErrorCode.LOCK_FILE).message
    except Exception:  # the reader's module is optional here
        return (
            "es un archivo temporal de bloqueo de Word (~$...), no el reporte. Pide al estudiante "
            "el archivo .docx real, que tiene el mismo nombre sin '~$'."
        )


def _gradable(sub: Submission) -> bool:
    """Whether `sub` goes to a grader (not an input error, not a Word lock file)."""
    return sub.error is None and not _is_lock_file(sub)


def _is_lock_file(sub: Submission) -> bool:
    try:
        return sub.path.name.startswith("~$") and sub.path.stat().st_size <= LOCK_FILE_MAX_BYTES
    except OSError:
        return False


def _timeout_message(budget: float) -> str:
    return (
        f"leer este archivo tardó más de {budget:g} s (límite por documento) y se detuvo. Puede "
        "ser un documento dañado o patológico: ábrelo en Word y pide al estudiante que lo guarde "
        "de nuevo, o sube el límite con --time-budget."
    )


def _crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"por la señal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"por la señal {-exitcode}"
    elif exitcode is None:
        how = "al iniciar"
    else:
        how = f"con código {exitcode}"
    hint = " (posiblemente se quedó sin memoria)" if exitcode == -signal.SIGKILL else ""
    return (
        f"el proceso que leía este archivo terminó inesperadamente {how}{hint}. El archivo "
        "probablemente está dañado: ábrelo en Word y pide al estudiante una copia nueva. El resto "
        "del lote no se afectó."
    )


def _memory_message(limit: int | None) -> str:
    cap = f" ({limit / MB:.0f} MB)" if limit else ""
    return (
        f"leer este archivo necesitó más memoria que el límite por proceso{cap}. Probablemente es "
        "demasiado grande o está construido para agotar la memoria; pide al estudiante una versión "
        "más ligera (imágenes comprimidas)."
    )


# --------------------------------------------------------------------------------------------
# Grading one submission (in a worker or in-process)


def resolve_grade_fn() -> GradeFn:
    """The default per-file function: `kamgrade.grading.grade_file` (imported lazily)."""
    try:
        from kamgrade.grading import grade_file
    except ImportError as e:
        raise KamgradeError(
            f"el motor de calificación (kamgrade.grading) no está disponible: {e}. "
            "Reinstala kamgrade."
        ) from e
    return grade_file


def _takes_pre_read(grade_fn: GradeFn) -> bool:
    """Only kamgrade's own grader accepts a document read ahead (`document=`)."""
    try:
        from kamgrade.grading import grade_file
    except ImportError:
        return False
    return grade_fn is grade_file


def _warm_up() -> None:
    """Load heavy libraries once (before forking, and again harmlessly in each worker)."""
    for module in ("kamgrade.grading", "kamgrade.reader", "kamgrade.feedback", "kamgrade.nlp"):
        try:
            mod = __import__(module, fromlist=["_"])
        except Exception:
            continue
        warm = getattr(mod, "warm_up", None)
        if callable(warm):
            with contextlib.suppress(Exception):
                warm()


def _grade_one(
    grade_fn: GradeFn, loaded: LoadedRubric, options: _Options, index: int, sub: Submission
) -> BatchItem:
    recycle = False
    ahead: dict[str, Any] = {}
    if options.pre_read is not None:
        document = options.pre_read.load(index)
        if document is not None:
            ahead["document"] = document
    try:
        outcome = grade_fn(
            sub.path, loaded, convert_legacy=options.convert_legacy, limits=options.limits, **ahead
        )
    except MemoryError:
        outcome = error_outcome(
            sub, loaded, ErrorCode.TOO_LARGE, _memory_message(options.memory_limit)
        )
        recycle = True
    except Exception as e:  # grade_file should never raise; if it does, the batch goes on
        msg = (
            f"error interno de kamgrade al leer este archivo ({type(e).__name__}: {e}). Revisa el "
            "archivo a mano y reporta el problema con este mensaje."
        )
        outcome = error_outcome(sub, loaded, ErrorCode.INTERNAL, msg)
    changes: dict[str, Any] = {"file": sub.display}
    if outcome.student.name is None and outcome.student.id is None:
        from kamgrade.lms import student_from_filename

        changes["student"] = student_from_filename(sub.display)
    outcome = dataclasses.replace(outcome, **changes)
    item = BatchItem(index, outcome, recycle=recycle)
    return _with_feedback(item, loaded, options) if options.render_feedback else item


def _with_feedback(item: BatchItem, loaded: LoadedRubric, options: _Options) -> BatchItem:
    """Attach the rendered feedback (graded: the full report; error: a short notice)."""
    try:
        from kamgrade.feedback import render_feedback

        files = dict(render_feedback(item.outcome, loaded.rubric, options.templates_dir))
    except MemoryError:
        msg = "no hubo memoria suficiente para generar la retroalimentación."
        return dataclasses.replace(item, feedback_error=msg, recycle=True)
    except Exception as e:
        msg = f"no se pudo generar la retroalimentación ({type(e).__name__}: {e})."
        return dataclasses.replace(item, feedback_error=msg)
    return dataclasses.replace(item, feedback=files)


def _vm_size() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _apply_memory_limit(limit: int | None) -> None:
    """Cap this process's address space at `limit` (never below its size now plus headroom)."""
    if not limit:
        return
    try:
        import resource
    except ImportError:  # not on POSIX
        return
    cap = max(limit, _vm_size() + MEMORY_HEADROOM)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _child_process_setup() -> None:
    """In a worker or the pre-reader: die with the parent, leave Ctrl-C and a closed terminal
    to the parent (it kills its children), and crash quietly (the parent reports it)."""
    import faulthandler

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    faulthandler.disable()


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when the parent dies (even by SIGKILL)."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run with GC_THRESHOLDS (the results arriving in the parent are many small objects
    too), then restore the caller's thresholds."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _worker_main(
    conn: Connection,
    grade_fn: GradeFn,
    loaded: LoadedRubric,
    options: _Options,
    parent_pid: int | None = None,
) -> None:
    """Worker process: initialise once, then grade the tasks sent over `conn` one at a time."""
    _child_process_setup()
    if options.warm_up:
        _warm_up()
    # What the worker inherited (spaCy, the lexicon, the rubric) lives as long as it does: keep
    # it out of the garbage collector's passes, which would otherwise walk it (and copy its
    # pages) again and again.
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    _apply_memory_limit(options.memory_limit)
    try:
        conn.send(_READY)  # the time budget of the first file starts now, not at fork
    except OSError:
        return
    while True:
        try:
            # Other workers hold copies of the parent's pipe ends, so a dead parent does not
            # always show up as EOF here: look at the parent pid while idle.
            if not conn.poll(1.0):
                if parent_pid is not None and os.getppid() != parent_pid:
                    return
                continue
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, sub = task
        item = _grade_one(grade_fn, loaded, options, index, sub)
        try:
            conn.send(item)
        except MemoryError:
            conn.send(
                BatchItem(
                    index,
                    error_outcome(
                        sub, loaded, ErrorCode.TOO_LARGE, _memory_message(options.memory_limit)
                    ),
                )
            )
            return
        if item.recycle:
            return


_READY = "ready"  # a worker's first message: initialised, about to read its first task


def _pre_reader_main(
    tasks: Sequence[tuple[int, Path]],
    into: PreReadFolder,
    limits: Any,
    memory_limit: int | None,
) -> None:
    """Pre-reader process: read ahead until the parent, its start-up done, kills it."""
    _child_process_setup()
    _apply_memory_limit(memory_limit)
    pre_read(tasks, into, limits)


@dataclass(frozen=True, slots=True)
class _PreReader:
    """A running pre-reader, the folder it fills and the tasks it reads, in order."""

    folder: PreReadFolder
    process: BaseProcess
    tasks: tuple[tuple[int, Path], ...]

    def stop(self) -> None:
        """Stop reading ahead; what it stored stays usable until the folder is removed."""
        _stop(self.process)


@contextlib.contextmanager
def _reading_ahead(
    tasks: Sequence[tuple[int, Submission]], limits: Any, memory_limit: int | None
) -> Iterator[_PreReader | None]:
    """Fork a pre-reader over `tasks` (see kamgrade.preread); stop it and remove its folder on exit.

    Yields None where no temporary folder or process can be made: the workers then read every
    file themselves.
    """
    try:
        tmp = tempfile.TemporaryDirectory(prefix="kamgrade-ahead-")
    except OSError:
        yield None
        return
    with tmp:
        into = PreReadFolder(Path(tmp.name))
        paths = tuple((i, sub.path) for i, sub in tasks)
        proc = _start_context().Process(
            target=_pre_reader_main,
            args=(paths, into, limits, memory_limit),
            name="kamgrade-pre-reader",
            daemon=True,
        )
        try:
            proc.start()
        except OSError:
            yield None
            return
        try:
            yield _PreReader(into, proc, paths)
        finally:
            _stop(proc)


def _stop(proc: BaseProcess) -> None:
    """Kill and reap `proc` (a second call does nothing)."""
    if proc.is_alive():
        proc.kill()
    proc.join(timeout=5)


# BaseException, so that a grade function's `except Exception` lets it pass.
class _BudgetExceeded(BaseException):
    """The in-process time budget ran out (raised from the SIGALRM handler)."""


def _grade_in_process(
    grade_fn: GradeFn,
    loaded: LoadedRubric,
    options: _Options,
    index: int,
    sub: Submission,
    budget: float | None,
) -> BatchItem:
    if (
        budget is None
        or budget <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        return _grade_one(grade_fn, loaded, options, index, sub)
    seconds = float(budget)

    def on_alarm(signum: int, frame: object) -> None:
        raise _BudgetExceeded

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return _grade_one(grade_fn, loaded, options, index, sub)
    except _BudgetExceeded:
        timeout = error_outcome(sub, loaded, ErrorCode.TIMEOUT, _timeout_message(seconds))
        return BatchItem(index, timeout)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------------------------
# The worker pool


def _start_context() -> Any:
    method = START_METHOD or (
        "fork" if sys.platform == "linux" and "fork" in get_all_start_methods() else "spawn"
    )
    return get_context(method)


@dataclass(slots=True)
class _Worker:
    proc: BaseProcess
    conn: Connection
    task: tuple[int, Submission] | None = None  # the file being graded
    # The next file, already in the worker's pipe: it starts on it as soon as it has sent this
    # one's result, instead of waiting for the parent to receive that result and answer.
    queued: tuple[int, Submission] | None = None
    started: float = 0.0


class _Pool:
    """Own process pool: one pipe per worker, so a kill or crash is pinned to one file."""

    def __init__(
        self,
        jobs: int,
        grade_fn: GradeFn,
        loaded: LoadedRubric,
        options: _Options,
        budget: float | None,
    ) -> None:
        self.ctx = _start_context()
        self.jobs = jobs
        self.grade_fn = grade_fn
        self.loaded = loaded
        self.options = options
        self.budget = budget if budget and budget > 0 else None
        self.workers: list[_Worker] = []
        self.pending: deque[tuple[int, Submission]] = deque()  # files not yet sent to a worker

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child_conn, self.grade_fn, self.loaded, self.options, os.getpid()),
            name="kamgrade-worker",
            daemon=True,
        )
        proc.start()
        child_conn.close()
        worker = _Worker(proc, parent_conn)
        self.workers.append(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        # A worker that stops takes no file with it: its queued file goes back in front.
        if worker.queued is not None:
            self.pending.appendleft(worker.queued)
            worker.queued = None
        if kill and worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(timeout=5)
        if worker.proc.is_alive():
            worker.proc.kill()
            worker.proc.join(timeout=5)
        with contextlib.suppress(OSError):
            worker.conn.close()
        with contextlib.suppress(ValueError, AttributeError):
            worker.proc.close()
        self.workers.remove(worker)

    def _assign(self, worker: _Worker, task: tuple[int, Submission]) -> bool:
        try:
            worker.conn.send(task)
        except (OSError, ValueError):
            return False
        worker.task = task
        worker.started = time.monotonic()
        return True

    def _queue_next(self) -> None:
        """Send each busy worker its next file ahead, while more files wait than there are
        workers (at the end of the batch, a queued file could wait behind a slow one while
        another worker sits idle)."""
        pending = self.pending
        for w in self.workers:
            if len(pending) <= self.jobs:
                return
            if w.task is not None and w.queued is None and w.proc.is_alive():
                try:
                    w.conn.send(pending[0])
                except (OSError, ValueError):
                    continue
                w.queued = pending.popleft()

    def run(
        self, tasks: Sequence[tuple[int, Submission]], emit: Callable[[BatchItem], None]
    ) -> None:
        pending = self.pending = deque(tasks)
        try:
            while pending or any(w.task is not None for w in self.workers):
                for w in list(self.workers):
                    if w.task is None and pending:
                        if self._assign(w, pending[0]):
                            pending.popleft()
                        else:
                            self._retire(w, kill=True)
                self._queue_next()
                while pending and len(self.workers) < self.jobs:
                    w = self._spawn()
                    task = pending.popleft()
                    if not self._assign(w, task):  # a worker that cannot even start: its file
                        self._retire(w, kill=True)  # is reported, so the loop always progresses
                        msg = _crash_message(None)
                        sub = task[1]
                        emit(
                            BatchItem(
                                task[0],
                                error_outcome(sub, self.loaded, ErrorCode.WORKER_CRASHED, msg),
                            )
                        )
                busy = [w for w in self.workers if w.task is not None]
                if not busy:
                    continue
                timeout: float | None = 1.0
                if self.budget is not None:
                    now = time.monotonic()
                    timeout = max(0.0, min(min(w.started + self.budget - now for w in busy), 1.0))
                ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout))
                done: list[BatchItem] = []
                for w in busy:
                    if w.conn in ready or w.proc.sentinel in ready:
                        self._collect(w, done.append)
                # Hand out the next files before writing these results, so workers never wait
                # for the parent's disk writes.
                for w in list(self.workers):
                    if w.task is None and pending and w.proc.is_alive():
                        if self._assign(w, pending[0]):
                            pending.popleft()
                self._queue_next()
                for item in done:
                    emit(item)
                if self.budget is not None:
                    now = time.monotonic()
                    for w in [w for w in self.workers if w.task is not None]:
                        if now - w.started > self.budget:
                            index, sub = w.task  # type: ignore[misc]
                            self._retire(w, kill=True)
                            msg = _timeout_message(self.budget)
                            emit(
                                BatchItem(
                                    index, error_outcome(sub, self.loaded, ErrorCode.TIMEOUT, msg)
                                )
                            )
        finally:
            self.close()

    def _collect(self, w: _Worker, emit: Callable[[BatchItem], None]) -> None:
        assert w.task is not None
        index, sub = w.task
        item: object = None
        try:
            if w.conn.poll():
                item = w.conn.recv()
        except (EOFError, OSError, ValueError, TypeError, AttributeError, ImportError, MemoryError):
            item = None
        if isinstance(item, str) and item == _READY:
            w.started = time.monotonic()
            return
        if isinstance(item, BatchItem):
            emit(item)
            if item.recycle:  # the worker exits without reading its queued file
                w.task = None
                self._retire(w, kill=False)
            else:
                w.task, w.queued = w.queued, None
                w.started = time.monotonic()  # the worker went on to its queued file, if any
            return
        if w.proc.is_alive():
            w.proc.join(timeout=0.5)  # the pipe closed: the process is on its way out
        if w.proc.is_alive():
            return  # spurious wake-up
        exitcode = w.proc.exitcode
        w.task = None
        self._retire(w, kill=True)
        emit(
            BatchItem(
                index,
                error_outcome(sub, self.loaded, ErrorCode.WORKER_CRASHED, _crash_message(exitcode)),
            )
        )

    def close(self) -> None:
        for w in list(self.workers):
            if w.task is None:
                with contextlib.suppress(OSError, ValueError):
                    w.conn.send(None)
        deadline = time.monotonic() + 2.0
        for w in list(self.workers):
            busy = w.task is not None
            if not busy:
                w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            self._retire(w, kill=True)


# --------------------------------------------------------------------------------------------
# Public entry point


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may run on (not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _make_limits(max_size_mb: float | None) -> Any:
    if max_size_mb is None:
        return None
    try:
        from kamgrade.intake import ReadLimits
    except ImportError:
        return None
    return ReadLimits(max_file_bytes=int(max_size_mb * MB))


def grade_submissions(
    submissions: Sequence[Submission],
    loaded: LoadedRubric,
    *,
    jobs: int | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    grade_fn: GradeFn | None = None,
    on_result: Callable[[BatchItem], None] | None = None,
    convert_legacy: bool = False,
    limits: Any = None,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    render_feedback: bool = False,
    templates_dir: Path | None = None,
    in_process: bool | None = None,
    warm_up: bool = True,
    read_ahead: _PreReader | None = None,
) -> BatchOutcome:
    """Grade already-expanded `submissions` (see `grade_batch` for the options).

    `warm_up=False` skips loading kamgrade's NLP and reader before the first file (for grade
    functions that do not use them). `read_ahead` is the pre-reader that `collect` started over
    these same submissions; without one, the batch starts its own when it can use it.
    """
    results: dict[int, SubmissionOutcome] = {}

    options = _Options(convert_legacy, limits, render_feedback, templates_dir, memory_limit)

    def emit(item: BatchItem) -> None:
        if render_feedback and item.feedback is None and item.feedback_error is None:
            item = _with_feedback(item, loaded, options)  # errors decided here, not in a worker
        results[item.index] = item.outcome
        if on_result is not None:
            on_result(item)

    interrupted = False
    try:
        tasks: list[tuple[int, Submission]] = []
        for i, sub in enumerate(submissions):
            if sub.error is not None:
                emit(BatchItem(i, error_outcome(sub, loaded, sub.error.code, sub.error.message)))
            elif _is_lock_file(sub):
                emit(
                    BatchItem(
                        i, error_outcome(sub, loaded, ErrorCode.LOCK_FILE, _lock_file_message())
                    )
                )
            else:
                tasks.append((i, sub))
        if tasks:
            fn = grade_fn if grade_fn is not None else resolve_grade_fn()
            # Warm kamgrade's own libraries only for kamgrade's own grader (tests pass fakes).
            options = dataclasses.replace(options, warm_up=warm_up)
            n_jobs = max(1, min(jobs or default_jobs(), len(tasks)))
            if in_process is None:
                in_process = len(tasks) == 1
            with contextlib.ExitStack() as stack:
                usable = warm_up and not in_process and _takes_pre_read(fn)
                reader = read_ahead
                expected = tuple((i, sub.path) for i, sub in tasks)
                if reader is not None and (not usable or reader.tasks != expected):
                    reader.stop()
                    reader = None
                elif reader is None and usable:
                    reader = stack.enter_context(
                        _reading_ahead(tasks, options.limits, options.memory_limit)
                    )
                if reader is not None:
                    options = dataclasses.replace(options, pre_read=reader.folder)
                if warm_up:
                    _warm_up()  # in the parent, before forking: workers share the loaded libraries
                if reader is not None:
                    reader.stop()  # its core is the workers' now
                with _fewer_collections():
                    if in_process:
                        for i, sub in tasks:
                            emit(_grade_in_process(fn, loaded, options, i, sub, time_budget))
                    else:
                        _Pool(n_jobs, fn, loaded, options, time_budget).run(tasks, emit)
    except KeyboardInterrupt:
        interrupted = True
    outcomes = tuple(results[i] for i in sorted(results))
    codes = Counter(o.error.code for o in outcomes if o.error is not None)
    graded = sum(1 for o in outcomes if o.graded)
    counts = BatchCounts(len(outcomes), graded, len(outcomes) - graded, dict(sorted(codes.items())))
    if interrupted:
        exit_code = ExitCode.INTERRUPTED
    elif graded < len(outcomes):
        exit_code = ExitCode.SOME_UNREADABLE
    else:
        exit_code = ExitCode.OK
    return BatchOutcome(outcomes, int(exit_code), counts, interrupted, len(submissions))


@dataclass(frozen=True, slots=True)
class Collected:
    """The submissions found under a batch's inputs, being read ahead (see `collect`)."""

    submissions: tuple[Submission, ...]
    limits: Any = None
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    interrupted: bool = False  # Ctrl-C while the inputs were expanded
    pre_reader: _PreReader | None = None

    def grade(self, loaded: LoadedRubric, **options: Any) -> BatchOutcome:
        """`grade_submissions` over these submissions, with their read limits and pre-reader."""
        if self.interrupted:
            return BatchOutcome((), int(ExitCode.INTERRUPTED), BatchCounts(0, 0, 0), True, 0)
        return grade_submissions(
            self.submissions,
            loaded,
            limits=self.limits,
            memory_limit=self.memory_limit,
            read_ahead=self.pre_reader,
            **options,
        )


@contextlib.contextmanager
def collect(
    paths: Iterable[Path | str],
    *,
    max_size_mb: float | None = None,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    read_ahead: bool = True,
) -> Iterator[Collected]:
    """Expand `paths` (files, folders, LMS .zip) and start reading the submissions ahead.

    The pre-reader (kamgrade.preread) starts at once, on the core the caller leaves idle while
    it loads the rubric; `Collected.grade` hands what it read to the workers. On leaving the
    block the pre-reader is stopped and extracted zip members are removed.
    """
    member_cap = int(max_size_mb * MB) if max_size_mb else ZIP_MAX_MEMBER_BYTES
    with tempfile.TemporaryDirectory(prefix="kamgrade-") as tmp:
        try:
            submissions = tuple(expand_inputs(paths, Path(tmp), max_member_bytes=member_cap))
        except KeyboardInterrupt:
            yield Collected((), interrupted=True)
            return
        limits = _make_limits(max_size_mb)
        tasks = [(i, sub) for i, sub in enumerate(submissions) if _gradable(sub)]
        with contextlib.ExitStack() as stack:
            reader = None
            if read_ahead and len(tasks) > 1:  # a single file is graded in-process
                reader = stack.enter_context(_reading_ahead(tasks, limits, memory_limit))
            yield Collected(submissions, limits, memory_limit, pre_reader=reader)


def grade_batch(
    paths: Iterable[Path | str],
    loaded: LoadedRubric,
    *,
    jobs: int | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    grade_fn: GradeFn | None = None,
    on_result: Callable[[BatchItem], None] | None = None,
    on_start: Callable[[Sequence[Submission]], None] | None = None,
    convert_legacy: bool = False,
    max_size_mb: float | None = None,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    render_feedback: bool = False,
    templates_dir: Path | None = None,
    in_process: bool | None = None,
) -> BatchOutcome:
    """Grade every submission under `paths` (files, folders, LMS .zip) against `loaded`.

    `grade_fn(path, loaded, *, convert_legacy, limits)` grades one file (default
    `kamgrade.grading.grade_file`). `jobs` worker processes (default: CPU count); `time_budget`
    seconds per document (None: no limit); `memory_limit` bytes of address space per worker.
    `on_start(submissions)` is called once the inputs are expanded, `on_result(item)` as each
    result arrives (in completion order; `item.feedback` holds the rendered feedback when
    `render_feedback`). Zip members are extracted into a temporary folder removed on return.
    A caller with work of its own before grading (loading the rubric) uses `collect` instead.
    """
    read_ahead = in_process is not True and (grade_fn is None or _takes_pre_read(grade_fn))
    with collect(
        paths, max_size_mb=max_size_mb, memory_limit=memory_limit, read_ahead=read_ahead
    ) as found:
        if on_start is not None and not found.interrupted:
            on_start(found.submissions)
        return found.grade(
            loaded,
            jobs=jobs,
            time_budget=time_budget,
            grade_fn=grade_fn,
            on_result=on_result,
            convert_legacy=convert_legacy,
            render_feedback=render_feedback,
            templates_dir=templates_dir,
            in_process=in_process,
        )


__all__ = [
    "BatchCounts",
    "BatchItem",
    "BatchOutcome",
    "Collected",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_TIME_BUDGET",
    "MB",
    "Submission",
    "collect",
    "error_outcome",
    "expand_inputs",
    "grade_batch",
    "grade_submissions",
    "resolve_grade_fn",
]
