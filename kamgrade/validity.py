"""Validity of kamgrade's grades against an instructor's labels (`make validate`).

A labelled set is a folder of submissions plus a labels file (the dev-corpus format): per
submission the true elements, the true section word counts and the instructor's section grades.
The figures are the ones `../shared/docs/anchors.md` recommends: element precision and recall,
section detection, word-count error, Spearman and mean absolute error of totals, and the share of
totals within 5 and 10 points.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kamgrade.outcome import SubmissionOutcome


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    n = len(x)
    if n < 2:
        return float("nan")
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sx = math.sqrt(sum((a - mx) ** 2 for a in x))
    sy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sx * sy) if sx and sy else float("nan")


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    return pearson(_ranks(x), _ranks(y))


@dataclass
class ValidityReport:
    submissions: int = 0
    graded: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    sections_expected: int = 0
    sections_found: int = 0
    sections_invented: int = 0
    word_errors: list[float] = field(default_factory=list)  # |pred - true| / true per section
    totals: list[tuple[float, float]] = field(default_factory=list)  # (kamgrade, instructor)
    section_grades: list[tuple[float, float]] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def total_mae(self) -> float:
        return (
            sum(abs(a - b) for a, b in self.totals) / len(self.totals)
            if self.totals
            else float("nan")
        )

    @property
    def section_mae(self) -> float:
        g = self.section_grades
        return sum(abs(a - b) for a, b in g) / len(g) if g else float("nan")

    @property
    def total_spearman(self) -> float:
        return spearman([a for a, _ in self.totals], [b for _, b in self.totals])

    def within(self, points: float) -> float:
        if not self.totals:
            return float("nan")
        return sum(1 for a, b in self.totals if abs(a - b) <= points) / len(self.totals)

    def render(self, title: str) -> str:
        we = self.word_errors
        word_line = (
            f"error de palabras por sección: medio {100 * sum(we) / len(we):.2f} %, máximo {100 * max(we):.2f} %"
            if we
            else "error de palabras por sección: — (las etiquetas no traen conteos)"
        )
        section_line = (
            f"secciones: error absoluto medio {self.section_mae:.2f} puntos"
            if self.section_grades
            else "secciones: — (las etiquetas no traen calificaciones por sección)"
        )
        lines = [
            f"== {title} ==",
            f"entregas: {self.submissions} (calificadas: {self.graded})",
            f"elementos: precisión {self.precision:.3f}, exhaustividad {self.recall:.3f} "
            f"(VP {self.tp}, FP {self.fp}, FN {self.fn}, VN {self.tn})",
            f"secciones encontradas: {self.sections_found}/{self.sections_expected}; inventadas: {self.sections_invented}",
            word_line,
            f"totales: Spearman {self.total_spearman:.3f}, Pearson {pearson(*zip(*self.totals, strict=True)) if len(self.totals) > 1 else float('nan'):.3f}, "
            f"error absoluto medio {self.total_mae:.2f} puntos; a ≤5 puntos {100 * self.within(5):.0f} %, a ≤10 puntos {100 * self.within(10):.0f} %",
            section_line,
        ]
        if self.disagreements:
            lines.append("desacuerdos:")
            lines.extend(f"  {d}" for d in self.disagreements)
        return "\n".join(lines)


def compare(
    report: ValidityReport, key: str, outcome: SubmissionOutcome, label: Mapping[str, Any]
) -> None:
    """Add one submission's comparison to the report."""
    report.submissions += 1
    if not outcome.graded:
        report.disagreements.append(f"{key}: no se calificó ({outcome.error})")
        return
    report.graded += 1
    truth_elements: Mapping[str, bool] = label.get("elements", {})
    truth_sections: Mapping[str, Any] = label.get("sections", {})
    grades: Mapping[str, float] = label.get("grades", {})
    for section in outcome.sections:
        expected = section.id in truth_sections
        if expected:
            report.sections_expected += 1
            if section.found:
                report.sections_found += 1
                true_words = truth_sections[section.id].get("words")
                if true_words:
                    report.word_errors.append(abs(section.words - true_words) / true_words)
            else:
                report.disagreements.append(f"{key} {section.id}: sección no encontrada")
        elif section.found:
            report.sections_invented += 1
            report.disagreements.append(
                f"{key} {section.id}: sección inventada ({section.heading!r})"
            )
        if section.id in grades:
            report.section_grades.append((section.score, float(grades[section.id])))
        for element in section.elements:
            if element.id not in truth_elements:
                continue
            truth = bool(truth_elements[element.id])
            if element.met and truth:
                report.tp += 1
            elif element.met:
                report.fp += 1
                report.disagreements.append(
                    f"{key} {element.id}: detectado sin estar ({element.explanation[:140]})"
                )
            elif truth:
                report.fn += 1
                report.disagreements.append(
                    f"{key} {element.id}: no detectado ({element.explanation[:140]})"
                )
            else:
                report.tn += 1
    if "total" in label and outcome.total is not None:
        report.totals.append((outcome.total, float(label["total"])))
