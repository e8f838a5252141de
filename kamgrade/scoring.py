"""Score stage: element points and the length policy give each section 0-100; weights give the total.

The policy is the rubric's (`scoring:`), documented in the README:
- content = points of the elements met / points of all elements x 100;
- proportional: score = content x min(1, net length / minimum), never below `length_floor`;
- threshold: score = content x short_factor when the section is under its minimum;
- none: length is reported but never changes the score;
- development (`development_points`, optional): that many of the section's 100 points reward
  writing beyond the minimum, in proportion to the excess (full at `development_full_at` times the
  minimum) and to the elements met, so padding a weak section earns nothing;
- a section that was not found scores 0; total = sum(weight x score) / 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from kamgrade.rubric.model import LengthPolicy, Level, Rubric, Scoring


@dataclass(frozen=True, slots=True)
class SectionScore:
    content: float  # 0-100 from the elements alone
    development: float  # 0-1: how far past the minimum, towards development_full_at
    length_factor: float
    score: float
    notes: tuple[str, ...]


def development(policy: Scoring, measured: float, minimum: float) -> float:
    if minimum <= 0:
        return 1.0
    return max(0.0, min(1.0, (measured / minimum - 1) / (policy.development_full_at - 1)))


def length_factor(policy: Scoring, measured: float, minimum: float) -> float:
    if minimum <= 0 or measured >= minimum or policy.length_policy is LengthPolicy.NONE:
        return 1.0
    if policy.length_policy is LengthPolicy.THRESHOLD:
        return policy.short_factor
    return max(policy.length_floor, measured / minimum)


def score_section(
    policy: Scoring, earned: float, possible: float, cuartillas: float, min_cuartillas: float
) -> SectionScore:
    content = 100.0 * earned / possible if possible > 0 else 0.0
    factor = length_factor(policy, cuartillas, min_cuartillas)
    dev = development(policy, cuartillas, min_cuartillas)
    points = policy.development_points
    base = content * (100 - points) / 100 + points * dev * content / 100
    notes: list[str] = []
    if earned < possible:
        notes.append(f"Elementos: {earned:g} de {possible:g} puntos ({content:.0f}/100).")
    if points and dev < 1:
        notes.append(
            f"Desarrollo: {points * dev * content / 100:.1f} de {points:g} puntos; se ganan completos con "
            f"{policy.development_full_at * min_cuartillas:.2f} cuartillas y todos los elementos."
        )
    if factor < 1.0:
        pct = 100 * cuartillas / min_cuartillas if min_cuartillas else 100
        if policy.length_policy is LengthPolicy.THRESHOLD:
            notes.append(
                f"La sección tiene {cuartillas:.2f} de {min_cuartillas:g} cuartillas ({pct:.0f} % del mínimo): "
                f"la calificación se multiplica por {factor:.2f}."
            )
        else:
            notes.append(
                f"La sección tiene {cuartillas:.2f} de {min_cuartillas:g} cuartillas ({pct:.0f} % del mínimo): "
                f"la calificación de contenido se multiplica por {factor:.2f}."
            )
    return SectionScore(content, dev, factor, max(0.0, min(100.0, base * factor)), tuple(notes))


def total_score(rubric: Rubric, section_scores: dict[str, float]) -> float:
    return sum(s.weight * section_scores.get(s.id, 0.0) for s in rubric.sections) / 100.0


def level_for(levels: list[Level], score: float) -> Level | None:
    """The highest level whose band the score reaches."""
    for level in sorted(levels, key=lambda lv: -lv.min_score):
        if score >= level.min_score:
            return level
    return None
