"""The rubric format (schema_version 1): pydantic models, frozen once loaded.

A rubric is data written by an instructor in YAML; nothing here is specific to one activity.
`docs/rubric-authoring.md` documents every key; `kamgrade rubric schema` exports these models
as JSON Schema for editors.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LengthUnit(StrEnum):
    WORDS = "words"
    CHARACTERS = "characters"


class Cuartilla(_Strict):
    """How long one cuartilla is."""

    unit: LengthUnit = Field(
        default=LengthUnit.WORDS,
        description="Unidad de medida: words (palabras) o characters (caracteres con espacios).",
    )
    per_cuartilla: int = Field(
        default=250, gt=0, description="Palabras o caracteres que forman una cuartilla."
    )


class LengthPolicy(StrEnum):
    PROPORTIONAL = "proportional"  # score x min(1, measured/minimum)
    THRESHOLD = "threshold"  # score x short_factor when under the minimum
    NONE = "none"  # length is reported, never penalised


class Scoring(_Strict):
    length_policy: LengthPolicy = Field(
        default=LengthPolicy.PROPORTIONAL,
        description="Cómo se penaliza una sección más corta que su mínimo.",
    )
    short_factor: float = Field(
        default=0.5, ge=0, le=1, description="Con threshold: factor aplicado a una sección corta."
    )
    length_floor: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Con proportional: el factor de extensión nunca baja de este valor.",
    )
    development_points: float = Field(
        default=0,
        ge=0,
        le=100,
        description=(
            "Puntos (de los 100 de cada sección) que premian escribir más allá del mínimo, "
            "en proporción al exceso y a los elementos cumplidos."
        ),
    )
    development_full_at: float = Field(
        default=1.5,
        gt=1,
        description="Veces el mínimo con las que se ganan completos los puntos de desarrollo.",
    )


class NumberKind(StrEnum):
    ANY = "any"  # any number: digits or Spanish number words
    COUNT = "count"  # a whole number that is not a percentage or a year
    PERCENT = "percent"  # "30 %", "30 por ciento", "treinta por ciento"
    YEARS = "years"  # a number of years: "5 años", "desde 2015"


class NumberNear(_Strict):
    words: list[str] = Field(
        min_length=1, description="Lemas o frases junto a los que debe haber un número."
    )
    window: int = Field(
        default=8,
        ge=1,
        le=60,
        description="Distancia máxima en palabras entre el número y la palabra.",
    )
    kind: NumberKind = Field(
        default=NumberKind.ANY,
        description="any, count (cantidad), percent (porcentaje) o years (años).",
    )


class People(_Strict):
    """Distinct people (named, or labelled "vendedor 1", "segundo vendedor") in context."""

    context: list[str] = Field(
        min_length=1, description="Lemas que deben aparecer en la oración: entrevistar, vendedor…"
    )
    at_least: int = Field(default=2, ge=1, description="Personas distintas mínimas.")


class FigureKindName(StrEnum):
    IMAGE = "image"
    DIAGRAM = "diagram"
    CHART = "chart"
    SHAPE = "shape"
    TABLE = "table"
    LIST = "list"


class FigureSpec(_Strict):
    """A picture, diagram, chart, shape, table or list in the section (or an annex it cites)."""

    kinds: list[FigureKindName] = Field(min_length=1, description="Tipos de figura aceptados.")
    context: list[str] = Field(
        default_factory=list,
        description="Lemas o frases que deben estar en la figura, su pie o a pocas líneas de ella.",
    )
    window: int = Field(
        default=3,
        ge=0,
        le=20,
        description="Párrafos alrededor de la figura donde buscar el contexto.",
    )
    min_items: int = Field(
        default=3, ge=1, description="Filas de tabla o elementos de lista mínimos."
    )


class SharedTerms(_Strict):
    """Specific terms (names, figures, rare words) shared with other sections."""

    sections: list[str] = Field(
        min_length=1, description="Ids de las secciones con las que compartir términos."
    )
    at_least: int = Field(default=3, ge=1, description="Términos compartidos mínimos.")


class Detector(_Strict):
    """One node of a detector: exactly one primitive or combinator, plus modifiers."""

    phrases: list[str] | None = Field(
        default=None,
        description=(
            "Alguna de estas frases (sin acentos ni mayúsculas; admite lemas y '*' al final)."
        ),
    )
    lemmas: list[str] | None = Field(
        default=None, description="Alguna palabra cuyo lema sea uno de estos."
    )
    regex: str | None = Field(
        default=None, description="Expresión regular sobre la oración en minúsculas y sin acentos."
    )
    number_near: NumberNear | None = Field(
        default=None, description="Un número (cifra o palabra) cerca de alguna de estas palabras."
    )
    people: People | None = Field(
        default=None, description="Al menos N personas distintas mencionadas en contexto."
    )
    figure: FigureSpec | None = Field(
        default=None,
        description="Una imagen, diagrama, gráfica, forma, tabla o lista en la sección.",
    )
    shared_terms: SharedTerms | None = Field(
        default=None,
        description="Términos específicos (nombres, cifras) compartidos con otras secciones.",
    )
    all: list[Detector] | None = Field(
        default=None, description="Todos los detectores encuentran algo en la sección."
    )
    any: list[Detector] | None = Field(default=None, description="Al menos uno encuentra algo.")
    not_: Detector | None = Field(
        default=None, alias="not", description="Se cumple cuando el detector no encuentra nada."
    )
    near: list[Detector] | None = Field(
        default=None, description="Todos encuentran algo a no más de `window` oraciones entre sí."
    )
    window: int = Field(default=1, ge=0, le=10, description="Con near: distancia en oraciones.")
    min_matches: int = Field(
        default=1, ge=1, description="Oraciones distintas que deben coincidir."
    )
    allow_negated: bool = Field(
        default=False, description="Cuenta también oraciones que niegan tener el dato."
    )

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as e:
                raise ValueError(regex_error_message(e)) from None
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Detector:
        chosen = [k for k in PRIMITIVES + COMBINATORS if getattr(self, _attr(k)) is not None]
        if len(chosen) != 1:
            raise ValueError(
                "un detector lleva exactamente una de estas claves: "
                + ", ".join(PRIMITIVES + COMBINATORS)
                + (f" (tiene: {', '.join(chosen)})" if chosen else " (no tiene ninguna)")
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in PRIMITIVES + COMBINATORS if getattr(self, _attr(k)) is not None)


PRIMITIVES = ["phrases", "lemmas", "regex", "number_near", "people", "figure", "shared_terms"]
COMBINATORS = ["all", "any", "not", "near"]


def _attr(key: str) -> str:
    return "not_" if key == "not" else key


def regex_error_message(e: re.error) -> str:
    """Spanish text for a regular expression that does not compile."""
    where = f" (posición {e.pos + 1})" if e.pos is not None else ""
    return f"la expresión regular no compila: {e.msg}{where}"


class Element(_Strict):
    """Something the section must contain, worth `points`, found by a `detector`."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$",
        description="`<id de sección>.<nombre>`, por ejemplo `s1.participantes`.",
    )
    description: str = Field(
        min_length=1, description="Qué se busca, en una línea (aparece en los reportes)."
    )
    points: float = Field(gt=0, description="Puntos del elemento dentro de su sección.")
    feedback_missing: str = Field(
        min_length=1, description="Qué debe agregar el estudiante cuando falta."
    )
    feedback_met: str | None = Field(
        default=None, description="Comentario cuando se cumple (opcional)."
    )
    detector: Detector = Field(description="Cómo reconocer el elemento en el texto de la sección.")
    requires: list[str] = Field(
        default_factory=list,
        description=(
            "Ids de elementos de la misma sección que deben cumplirse para que este cuente "
            "(por ejemplo, los patrones comunes requieren dos entrevistas)."
        ),
    )


class Level(_Strict):
    """A performance level (Canvas / Moodle style): a score band and a descriptor."""

    name: str = Field(min_length=1, description="Nombre del nivel: Excelente, Satisfactorio…")
    min_score: float = Field(
        ge=0, le=100, description="Puntaje mínimo (0-100) para alcanzar el nivel."
    )
    descriptor: str = Field(
        min_length=1, description="Qué significa el nivel; aparece en la retroalimentación."
    )


class Section(_Strict):
    """A part of the report, found by its heading, scored from its elements and length."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9_]+$",
        description="Identificador corto: letras, números y '_' (s1, s2…).",
    )
    title: str = Field(min_length=1, description="El encabezado esperado.")
    aliases: list[str] = Field(default_factory=list, description="Otras formas del encabezado.")
    weight: float = Field(
        gt=0, le=100, description="Peso en la calificación total; los pesos suman 100."
    )
    min_cuartillas: float = Field(
        default=0, ge=0, description="Extensión mínima en cuartillas (0: sin mínimo)."
    )
    elements: list[Element] = Field(
        min_length=1, description="Lo que la sección debe contener; al menos uno."
    )
    levels: list[Level] | None = Field(
        default=None,
        description=(
            "Niveles de desempeño propios de esta sección; si faltan, se usan los de la rúbrica."
        ),
    )
    scoring: Scoring | None = Field(
        default=None,
        description=(
            "Política de extensión propia de esta sección; si falta, se usa la de la rúbrica."
        ),
    )


class OverallFeedback(_Strict):
    min_total: float = Field(
        ge=0, le=100, description="Calificación total mínima para este comentario."
    )
    text: str = Field(min_length=1, description="Comentario general para el estudiante.")


DEFAULT_BOUNDARIES = [
    "introduccion",
    "conclusion",
    "conclusiones",
    "conclusion general",
    "referencias",
    "referencias bibliograficas",
    "bibliografia",
    "fuentes",
    "fuentes consultadas",
    "anexo",
    "anexos",
    "apendice",
    "glosario",
    "indice",
    "contenido",
    "tabla de contenido",
    "resumen",
    "objetivo",
    "objetivos",
    "reflexion",
    "reflexion final",
]

DEFAULT_NEGATIONS = [
    "no fue posible",
    "no me fue posible",
    "no se pudo",
    "no pude",
    "no pudimos",
    "no logre",
    "no se logro",
    "no cuento con",
    "no contamos con",
    "no se cuenta con",
    "no tengo",
    "no tenemos",
    "no se tiene",
    "no me proporcionaron",
    "no nos proporcionaron",
    "no se me proporciono",
    "no me compartieron",
    "no nos compartieron",
    "no quisieron",
    "no quiso",
    "no conozco",
    "desconozco",
    "no existe",
    "no hay",
    "no se incluye",
    "no incluyo",
    "no se obtuvo",
    "no obtuve",
    "no fue proporcionad*",
    "es confidencial",
    "informacion confidencial",
    "no esta disponible",
    "no estaba disponible",
    "no dispongo",
]


class Rubric(_Strict):
    """Rúbrica de kamgrade (schema_version 1): secciones, elementos con detectores y niveles."""

    model_config = ConfigDict(title="Rúbrica de kamgrade")

    schema_version: Literal[1] = Field(description="Versión del formato de rúbrica; hoy siempre 1.")
    id: str = Field(
        pattern=r"^[A-Za-z0-9_.-]+$",
        description=(
            "Identificador estable de la rúbrica (letras, números, '_', '.', '-'); "
            "va en cada resultado."
        ),
    )
    title: str = Field(min_length=1, description="Título de la actividad.")
    version: str = Field(
        min_length=1,
        description='Versión de la rúbrica, entre comillas ("1.0"); va en cada resultado.',
    )
    description: str | None = Field(
        default=None, description="Notas para otros docentes; no se muestra al estudiante."
    )
    language: str = Field(default="es", description="Idioma de los textos (código ISO 639-1).")
    author: str | None = Field(default=None, description="Quién escribió la rúbrica.")
    cuartilla: Cuartilla = Field(
        default_factory=lambda: Cuartilla(), description="Cómo se mide una cuartilla."
    )
    scoring: Scoring = Field(
        default_factory=lambda: Scoring(), description="Cómo se penaliza la extensión insuficiente."
    )
    prompt: str = Field(
        default="",
        description="Texto de la consigna: lo que se copie de aquí no cuenta para la extensión.",
    )
    heading_cutoff: float = Field(
        default=80,
        ge=50,
        le=100,
        description="Similitud mínima (0-100) para aceptar un encabezado.",
    )
    boundaries: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BOUNDARIES),
        description="Encabezados que cierran una sección y no pertenecen a ninguna.",
    )
    negations: list[str] = Field(
        default_factory=lambda: list(DEFAULT_NEGATIONS),
        description="Frases que convierten una mención en ausencia ('no fue posible obtener…').",
    )
    levels: list[Level] = Field(
        default_factory=list,
        description="Niveles de desempeño (Excelente, Satisfactorio…) con su puntaje mínimo.",
    )
    overall_feedback: list[OverallFeedback] = Field(
        default_factory=list, description="Comentario general según la calificación total."
    )
    sections: list[Section] = Field(
        min_length=1, description="Secciones del trabajo; sus pesos suman 100."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        # Same checks the loader reports with line numbers (kamgrade.rubric.semantics).
        from kamgrade.rubric.semantics import semantic_problems

        problems = semantic_problems(self.model_dump(by_alias=True, mode="json"))
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)

    def scoring_for(self, section_id: str) -> Scoring:
        """The length policy of a section: its own `scoring`, else the rubric's."""
        return self.section(section_id).scoring or self.scoring

    def levels_for(self, section_id: str) -> list[Level]:
        """The performance levels of a section: its own `levels`, else the rubric's."""
        own = self.section(section_id).levels
        return list(own) if own is not None else list(self.levels)


Detector.model_rebuild()

RubricId = Annotated[str, "rubric id"]
