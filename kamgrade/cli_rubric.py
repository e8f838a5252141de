"""`kamgrade rubric …`: write, check, show and try rubrics.

Only click is imported at module level so `kamgrade --help` stays fast; each command imports
what it needs. Registered by `kamgrade/cli.py` with `cli.add_command(rubric)`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

_BAD_RUBRIC = 3  # kamgrade.errors.ExitCode.BAD_RUBRIC (not imported here: start-up time)
_UNREADABLE = 1  # ExitCode.SOME_UNREADABLE


def _fail_rubric(error: Any) -> NoReturn:
    for problem in error.problems:
        click.echo(problem.render(), err=True)
    n = len(error.problems)
    click.echo(
        f"La rúbrica tiene {n} problema{'s' if n != 1 else ''}; corrígela y vuelve a intentarlo.",
        err=True,
    )
    sys.exit(_BAD_RUBRIC)


def _interactive() -> bool:
    """Whether `rubric new` may ask questions (stdin is a terminal)."""
    return sys.stdin.isatty()


def _load(path: Path) -> Any:
    from kamgrade.errors import RubricError
    from kamgrade.rubric import load_rubric

    try:
        return load_rubric(path)
    except RubricError as e:
        _fail_rubric(e)


@click.group()
def rubric() -> None:
    """Escribe, revisa y prueba rúbricas (*.kamgrade.yaml)."""


@rubric.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
def validate(files: tuple[Path, ...]) -> None:
    """Revisa una o varias rúbricas y muestra todos sus problemas.

    Cada problema sale como `archivo:línea:columna: mensaje`. Termina con código 0 si todas son
    válidas y 3 si alguna tiene problemas.
    """
    from kamgrade.rubric import validate_rubric_file

    bad = 0
    for path in files:
        problems = validate_rubric_file(path)
        for problem in problems:
            click.echo(problem.render())
        if problems:
            bad += 1
            n = len(problems)
            click.echo(f"{path}: {n} problema{'s' if n != 1 else ''}", err=True)
        else:
            click.echo(f"{path}: rúbrica válida", err=True)
    sys.exit(_BAD_RUBRIC if bad else 0)


@rubric.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def show(file: Path) -> None:
    """Muestra una rúbrica como tabla: secciones, pesos, mínimos, elementos, puntos y niveles."""
    from kamgrade.rubric.render import render_rubric

    loaded = _load(file)
    click.echo(render_rubric(loaded.rubric), nl=False)


@rubric.command()
@click.option("--title", help="Título de la actividad.")
@click.option(
    "--id", "rubric_id", help="Identificador de la rúbrica (por defecto, derivado del título)."
)
@click.option("--author", help="Autor de la rúbrica.")
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar='"Título:peso:mínimo"',
    help="Una sección (repetible). Peso y mínimo (cuartillas) son opcionales: el peso que falte "
    "se reparte para sumar 100.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Archivo de salida (si no, la pantalla).",
)
@click.option("--force", is_flag=True, help="Sobrescribe el archivo de salida si ya existe.")
def new(
    title: str | None,
    rubric_id: str | None,
    author: str | None,
    sections: tuple[str, ...],
    output: Path | None,
    force: bool,
) -> None:
    """Crea una rúbrica comentada lista para completar.

    Ejemplo: kamgrade rubric new --title "Plan de premios" --section "Participantes:20:0.5"
    --section "Presupuesto:80:1" -o premios.kamgrade.yaml

    Si faltan datos y la entrada es una terminal, los pregunta.
    """
    from kamgrade.rubric import load_rubric_text
    from kamgrade.rubric.scaffold import SectionDraft, parse_section_flag, scaffold_rubric, slug

    interactive = _interactive()
    if not title:
        if not interactive:
            raise click.UsageError("falta --title (el título de la actividad)")
        title = click.prompt("Título de la actividad")
    if not rubric_id:
        rubric_id = slug(title)
        if interactive and not sections:
            rubric_id = click.prompt("Identificador de la rúbrica", default=rubric_id)
    drafts: list[SectionDraft] = []
    try:
        drafts = [parse_section_flag(s) for s in sections]
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--section") from e
    if not drafts:
        if not interactive:
            raise click.UsageError('falta al menos una --section "Título:peso:mínimo"')
        count = click.prompt("¿Cuántas secciones?", type=click.IntRange(1, 30), default=3)
        for n in range(1, count + 1):
            t = click.prompt(f"Sección {n}: título")
            w = click.prompt(
                f"Sección {n}: peso (vacío = repartir)", default="", show_default=False
            )
            m = click.prompt(f"Sección {n}: mínimo en cuartillas", type=float, default=0.0)
            try:
                drafts.append(parse_section_flag(f"{t}:{w}:{m}"))
            except ValueError as e:
                raise click.BadParameter(str(e)) from e
    try:
        text = scaffold_rubric(title, rubric_id, drafts, author=author)
        load_rubric_text(text, "<nueva rúbrica>")
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    except Exception as e:  # RubricError: a bad --id, for example
        problems = getattr(e, "problems", None)
        if problems is None:
            raise
        raise click.UsageError("; ".join(p.message for p in problems)) from e
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not force:
        raise click.UsageError(f"{output} ya existe; usa --force para sobrescribirlo")
    output.write_text(text, encoding="utf-8")
    click.echo(
        f"Rúbrica escrita en {output}. Revísala con: kamgrade rubric validate {output}", err=True
    )


@rubric.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Archivo de salida (si no, la pantalla).",
)
def schema(output: Path | None) -> None:
    """Imprime el JSON Schema (2020-12) del formato de rúbrica, para editores como VS Code.

    Pon en la primera línea de la rúbrica:
    # yaml-language-server: $schema=kamgrade-rubric.schema.json
    """
    from kamgrade.rubric.schema import rubric_json_schema_text

    text = rubric_json_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@rubric.command("try")
@click.argument("rubric_file", metavar="RUBRIC", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("submission", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Imprime el resultado completo en JSON.")
def try_(rubric_file: Path, submission: Path, as_json: bool) -> None:
    """Califica una entrega y explica cada decisión: qué encabezado se asignó a cada sección y por
    qué, y para cada elemento si se cumplió y en qué oración, o por qué no.

    Es la forma más rápida de depurar un detector.
    """
    loaded = _load(rubric_file)
    try:
        from kamgrade.grading import grade_file
    except ImportError as e:
        raise click.ClickException(
            f"esta instalación de kamgrade no incluye el calificador ({e})"
        ) from e
    outcome = grade_file(submission, loaded)
    if as_json:
        import json

        click.echo(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    else:
        from kamgrade.rubric.render import render_try

        click.echo(render_try(outcome), nl=False)
    if not outcome.graded:
        sys.exit(_UNREADABLE)
