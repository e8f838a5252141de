"""The `kamgrade` command line: parse, call one library function, render, exit.

Only click is imported at module level so that `kamgrade --help` answers fast; everything
else is imported inside the commands. The logic lives in `kamgrade.batch` and
`kamgrade.report`.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from kamgrade.errors import ExitCode  # a small enum: cheap to import

DEFAULT_OUT = "kamgrade_resultados"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from kamgrade import __version__
    from kamgrade.rubric.model import SCHEMA_VERSION

    click.echo(f"kamgrade {__version__} (rubric schema {SCHEMA_VERSION})")
    ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Muestra la versión de kamgrade y del formato de rúbrica, y termina.",
)
def cli() -> None:
    """kamgrade: califica reportes de estudiantes (.docx) contra una rúbrica YAML
    y escribe retroalimentación en español para cada uno.

    Ejemplo: kamgrade grade entregas/ --out resultados/
    """


def _load_rubric_or_exit(ctx: click.Context, rubric_path: Path | None) -> Any:
    from kamgrade.errors import RubricError
    from kamgrade.rubric import default_rubric_path, load_rubric

    path = rubric_path if rubric_path is not None else default_rubric_path()
    try:
        return load_rubric(path)
    except RubricError as e:
        problems = getattr(e, "problems", None) or []
        click.echo(f"La rúbrica {path} tiene {len(problems) or 1} problema(s):", err=True)
        for problem in problems or [e]:
            render = getattr(problem, "render", None)
            click.echo(f"  {render() if callable(render) else problem}", err=True)
        click.echo("Corrige la rúbrica y vuelve a ejecutar kamgrade.", err=True)
        ctx.exit(ExitCode.BAD_RUBRIC)
    except FileNotFoundError:
        click.echo(f"No se encontró la rúbrica {path}; indica una con --rubric ARCHIVO.", err=True)
        ctx.exit(ExitCode.BAD_RUBRIC)
    except (OSError, UnicodeDecodeError, ValueError) as e:
        click.echo(f"No se pudo leer la rúbrica {path}: {e}", err=True)
        ctx.exit(ExitCode.BAD_RUBRIC)
    except Exception as e:  # ruamel.yaml parser/scanner errors
        if type(e).__module__.startswith("ruamel"):
            click.echo(f"La rúbrica {path} no es YAML válido:\n{e}", err=True)
            ctx.exit(ExitCode.BAD_RUBRIC)
        raise


def _interruptible(command: Callable[..., None]) -> Callable[..., None]:
    """Run `command(ctx, ...)` with SIGTERM/SIGHUP treated as Ctrl-C; an interruption outside
    the batch (which saves its own work) exits 130 with a message."""

    @functools.wraps(command)
    def run(ctx: click.Context, *args: Any, **kwargs: Any) -> None:
        try:
            with _stop_signals_interrupt():
                command(ctx, *args, **kwargs)
        except KeyboardInterrupt:
            click.echo("\nInterrumpido (Ctrl-C).", err=True)
            ctx.exit(ExitCode.INTERRUPTED)

    return run


@contextlib.contextmanager
def _stop_signals_interrupt() -> Iterator[None]:
    """Treat SIGTERM and SIGHUP (terminal closed) like Ctrl-C: save what was graded, exit 130."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {sig: signal.signal(sig, interrupt) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--rubric",
    "rubric_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="ARCHIVO",
    help="Rúbrica (*.kamgrade.yaml). Por omisión, la rúbrica incluida de la actividad KAM.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="CARPETA",
    help="Carpeta de resultados: results.json, summary.csv y feedback/. "
    f"Por omisión ./{DEFAULT_OUT} "
    "(con --json, solo si se indica).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    metavar="N",
    help="Procesos en paralelo. Por omisión, uno por núcleo.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Imprime el resultado en JSON (solo datos en stdout)."
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SEGUNDOS",
    help="Tiempo máximo por documento; al pasarlo, el archivo queda con error 'timeout'.",
)
@click.option(
    "--max-size",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MB",
    help="Tamaño máximo de un archivo entregado (MB); los mayores quedan con error 'too_large'.",
)
@click.option(
    "--memory-limit",
    type=click.FloatRange(min=64),
    default=1536,
    show_default=True,
    metavar="MB",
    help="Memoria máxima por proceso de calificación (MB).",
)
@click.option(
    "--convert-legacy",
    is_flag=True,
    help="Convierte copias de los .doc (Word 97-2003) a .docx con LibreOffice y las califica.",
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="CARPETA",
    help="Carpeta con plantillas de retroalimentación propias (jinja2).",
)
@click.option("--quiet", "-q", is_flag=True, help="Sin barra de progreso ni tabla; solo errores.")
@click.pass_context
@_interruptible
def grade(
    ctx: click.Context,
    paths: tuple[Path, ...],
    rubric_path: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    as_json: bool,
    time_budget: float,
    max_size: float | None,
    memory_limit: float,
    convert_legacy: bool,
    templates_dir: Path | None,
    quiet: bool,
) -> None:
    """Califica las entregas en PATHS contra una rúbrica.

    PATHS son archivos, carpetas (se recorren completas) o el .zip de entregas descargado de
    Canvas, Moodle o Blackboard (se extrae en una carpeta temporal; el original no se toca).
    Escribe OUT/results.json, OUT/summary.csv y OUT/feedback/ y muestra una tabla resumen.

    Código de salida: 0 todo calificado; 1 algún archivo no se pudo leer (se listan con el
    motivo); 2 error de uso; 3 rúbrica con problemas; 130 interrumpido con Ctrl-C.
    """
    import json
    import time

    from kamgrade import batch as batch_mod
    from kamgrade.errors import KamgradeError

    write_files = out_dir is not None or not as_json
    out = out_dir if out_dir is not None else Path(DEFAULT_OUT)
    hidden = as_json or quiet or not sys.stderr.isatty()
    stack = contextlib.ExitStack()
    bar: Any = None
    feedback_errors: list[str] = []

    def on_start(submissions: Any) -> None:
        nonlocal bar
        bar = stack.enter_context(
            click.progressbar(
                length=max(len(submissions), 1), label="Calificando", file=sys.stderr, hidden=hidden
            )
        )

    def on_result(item: Any) -> None:
        if bar is not None:
            bar.update(1)
        if write_files:
            if item.feedback:
                feedback_writer.write(item.outcome, item.feedback)
            checkpoint.add(item.index, item.outcome)
        if item.feedback_error:
            feedback_errors.append(f"{item.outcome.file}: {item.feedback_error}")

    started = time.monotonic()
    try:
        memory = int(memory_limit * batch_mod.MB)
        with batch_mod.collect(paths, max_size_mb=max_size, memory_limit=memory) as found:
            # The submissions are read ahead on the other core while the rubric loads.
            from kamgrade import report

            loaded = _load_rubric_or_exit(ctx, rubric_path)
            feedback_writer = report.FeedbackWriter(out / report.FEEDBACK_DIR)
            if write_files:
                warning = report.rubric_mismatch_warning(out / report.RESULTS_NAME, loaded)
                if warning:
                    click.echo(warning, err=True)
            checkpoint = report.Checkpoint(out, loaded)
            with stack:
                if not found.interrupted:
                    on_start(found.submissions)
                batch = found.grade(
                    loaded,
                    jobs=jobs,
                    time_budget=time_budget,
                    on_result=on_result,
                    convert_legacy=convert_legacy,
                    render_feedback=write_files,
                    templates_dir=templates_dir,
                )
    except KamgradeError as e:
        raise click.ClickException(str(e)) from e
    elapsed = time.monotonic() - started

    if batch.submissions == 0 and not batch.interrupted:
        raise click.ClickException(
            "no se encontró ningún archivo para calificar en: " + ", ".join(map(str, paths))
        )

    outputs = (
        report.write_batch_outputs(
            out, batch.outcomes, loaded, checkpoint.json_texts(batch.outcomes)
        )
        if write_files
        else None
    )

    if batch.interrupted:
        where = f" en {out}" if outputs else ""
        click.echo(
            f"\nInterrumpido (Ctrl-C): se guardaron {len(batch.outcomes)} de "
            f"{batch.submissions} resultado(s)"
            f"{where}; vuelve a ejecutar para calificar el resto.",
            err=True,
        )
        ctx.exit(ExitCode.INTERRUPTED)

    if feedback_errors:
        click.echo(
            f"Aviso: no se generó la retroalimentación de {len(feedback_errors)} entrega(s):",
            err=True,
        )
        for line in feedback_errors[:5]:
            click.echo(f"  - {line}", err=True)

    problems = report.render_problems(batch.outcomes)
    if as_json:
        single = (
            len(paths) == 1
            and paths[0].is_file()
            and paths[0].suffix.lower() != ".zip"
            and len(batch.outcomes) == 1
        )
        payload: Any = (
            batch.outcomes[0].to_json() if single else [o.to_json() for o in batch.outcomes]
        )
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        if problems:
            click.echo(problems, err=True)
    else:
        section_ids = [s.id for s in loaded.rubric.sections]
        if not quiet:
            click.echo(report.render_table(batch.outcomes, section_ids))
            click.echo()
            click.echo(report.render_counts(batch.counts, elapsed))
            if outputs is not None:
                click.echo(f"Resultados: {outputs.results}")
                click.echo(f"Resumen (Excel): {outputs.summary}")
                click.echo(f"Retroalimentación: {outputs.feedback}/")
            warnings = report.render_warnings(batch.outcomes)
            if warnings:
                click.echo(warnings)
        if problems:
            click.echo(problems, err=quiet)
    ctx.exit(batch.exit_code)


def main() -> None:
    """Console entry point: run `cli`, flush, and leave without tearing the interpreter down.

    A normal exit frees every object spaCy, numpy and the lemma dictionary created (~0.2 s
    after a batch that has nothing left to do); all outputs are already closed by then.
    """
    import gc
    import os

    from kamgrade import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)  # start-up imports spaCy: ~0.2 s less with fewer passes
    # spaCy brings numpy, but kamgrade does no linear algebra: OpenBLAS's thread pool would
    # only cost its start-up and the forks of the workers (~10 ms).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        cli.main(prog_name="kamgrade")
        code: object = 0
    except SystemExit as e:
        code = e.code
    if isinstance(code, str):  # what sys.exit("message") would print
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else 0 if code is None else 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`kamgrade … | head`)
            stream.flush()
    os._exit(status)


from kamgrade.cli_rubric import rubric as _rubric_group  # noqa: E402  (`kamgrade rubric …`)

cli.add_command(_rubric_group)
