"""Numbers in Spanish text, written in digits or in words ("treinta y cinco por ciento").

Works on the accent-folded, lower-case tokens of a `Sentence`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

_UNITS = {
    "cero": 0,
    "un": 1,
    "uno": 1,
    "una": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
    "dieciseis": 16,
    "diecisiete": 17,
    "dieciocho": 18,
    "diecinueve": 19,
    "veinte": 20,
    "veintiun": 21,
    "veintiuno": 21,
    "veintiuna": 21,
    "veintidos": 22,
    "veintitres": 23,
    "veinticuatro": 24,
    "veinticinco": 25,
    "veintiseis": 26,
    "veintisiete": 27,
    "veintiocho": 28,
    "veintinueve": 29,
    "treinta": 30,
    "cuarenta": 40,
    "cincuenta": 50,
    "sesenta": 60,
    "setenta": 70,
    "ochenta": 80,
    "noventa": 90,
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "doscientas": 200,
    "trescientos": 300,
    "trescientas": 300,
    "cuatrocientos": 400,
    "cuatrocientas": 400,
    "quinientos": 500,
    "quinientas": 500,
    "seiscientos": 600,
    "seiscientas": 600,
    "setecientos": 700,
    "setecientas": 700,
    "ochocientos": 800,
    "ochocientas": 800,
    "novecientos": 900,
    "novecientas": 900,
    "media": 0.5,
    "medio": 0.5,
}
_MULTIPLIERS = {"mil": 1000, "millon": 1_000_000, "millones": 1_000_000}
# "un" and "una" are articles far more often than numbers: only count them before a unit noun
# or a multiplier ("un año", "una persona", "un millón").
_ARTICLE_LIKE = {"un", "una", "uno", "media", "medio"}
_DIGITS = re.compile(r"^\$?(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d+))?(%?)$")
_PERCENT_WORDS = {"%", "porciento"}
_YEAR_WORDS = {"ano", "anos"}


class NumberKind(StrEnum):
    ANY = "any"
    COUNT = "count"
    PERCENT = "percent"
    YEARS = "years"


@dataclass(frozen=True, slots=True)
class FoundNumber:
    start: int  # token index
    end: int  # one past the last token of the number (and of "por ciento" / "%")
    value: float
    percent: bool
    years: bool  # followed by "año(s)", or a calendar year after "desde/en"
    calendar_year: bool
    frequency: bool = False  # "cada 3 años", "cada quince días": how often, not how many
    duration: bool = False  # "quince días", "dos semanas": a span of time, not a count

    def is_kind(self, kind: NumberKind | str) -> bool:
        kind = NumberKind(kind)
        if kind is NumberKind.ANY:
            return True
        if kind is NumberKind.PERCENT:
            return self.percent
        if kind is NumberKind.YEARS:
            return self.years and not self.frequency
        return not (
            self.percent or self.calendar_year or self.frequency or self.duration or self.years
        )


def _digit_value(token: str) -> tuple[float, bool] | None:
    m = _DIGITS.match(token)
    if not m:
        return None
    whole = re.sub(r"[.,]", "", m.group(1))
    value = float(whole)
    if m.group(2):
        value = float(f"{whole}.{m.group(2)}")
    return value, bool(m.group(3))


def find_numbers(tokens: Sequence[str]) -> list[FoundNumber]:
    """Every number in a sentence's folded tokens, with what follows it."""
    return list(_find_numbers(tuple(tokens)))


@lru_cache(maxsize=16_384)
def _find_numbers(tokens: tuple[str, ...]) -> tuple[FoundNumber, ...]:
    found: list[FoundNumber] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        start = i
        value: float | None = None
        percent = False
        digit = _digit_value(tok)
        if digit is not None:
            value, percent = digit
            i += 1
        elif tok in _UNITS or tok in _MULTIPLIERS:
            total = 0.0
            current = 0.0
            j = i
            while j < n:
                t = tokens[j]
                if t in _UNITS:
                    current += _UNITS[t]
                elif t in _MULTIPLIERS:
                    current = max(current, 1) * _MULTIPLIERS[t]
                    total += current
                    current = 0
                elif t == "y" and j + 1 < n and tokens[j + 1] in _UNITS and j > i:
                    pass  # "treinta y dos": the "y" joins two number words, add nothing
                else:
                    break
                j += 1
            value = total + current
            if tok in _ARTICLE_LIKE and j == i + 1:
                nxt = tokens[j] if j < n else ""
                if nxt not in _YEAR_WORDS and not _looks_countable(nxt):
                    i += 1
                    continue
            i = j
        else:
            i += 1
            continue
        end = i
        if end < n and tokens[end] in _PERCENT_WORDS:
            percent, end = True, end + 1
        elif end + 1 < n and tokens[end] == "por" and tokens[end + 1] == "ciento":
            percent, end = True, end + 2
        calendar_year = (
            digit is not None
            and not percent
            and 1950 <= value <= 2100
            and float(value).is_integer()
        )
        years = (
            (end < n and tokens[end] in _YEAR_WORDS)
            or (end + 1 < n and tokens[end] in {"y", "o"} and tokens[end + 1] in _YEAR_WORDS)
            or (end + 2 < n and tokens[end + 1] in {"y", "o"} and tokens[end + 2] in _YEAR_WORDS)
        )
        if calendar_year and start > 0 and tokens[start - 1] in {"desde", "en", "de"}:
            years = True
        frequency = start > 0 and tokens[start - 1] == "cada"
        duration = end < n and tokens[end] in _TIME_UNITS
        found.append(
            FoundNumber(start, end, value, percent, years, calendar_year, frequency, duration)
        )
        i = end
    return tuple(found)


_TIME_UNITS = {
    "dia",
    "dias",
    "semana",
    "semanas",
    "mes",
    "meses",
    "hora",
    "horas",
    "minuto",
    "minutos",
    "trimestre",
    "trimestres",
    "bimestre",
    "bimestres",
    "quincena",
    "quincenas",
    "semestre",
    "semestres",
}

_COUNT_NOUNS = {
    "persona",
    "personas",
    "vendedor",
    "vendedores",
    "vendedora",
    "vendedoras",
    "cliente",
    "clientes",
    "cuenta",
    "cuentas",
    "kam",
    "kams",
    "ejecutivo",
    "ejecutivos",
    "ejecutiva",
    "ejecutivas",
    "empleado",
    "empleados",
    "contacto",
    "contactos",
    "gerente",
    "gerentes",
    "area",
    "areas",
    "integrante",
    "integrantes",
    "puesto",
    "puestos",
    "mes",
    "meses",
    "vez",
    "millon",
    "millones",
}


def _looks_countable(token: str) -> bool:
    return token in _COUNT_NOUNS
