"""The validity figures `make validate` prints, and the README's promises about commands."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from kamgrade.validity import pearson, spearman

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_spearman_uses_ranks_and_handles_ties():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [40, 30, 20, 10]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3], [1, 1, 2]) == pytest.approx(0.866, abs=1e-3)
    assert spearman([1, 2, 3, 4], [1, 4, 9, 16]) == pytest.approx(1.0)  # monotone, not linear
    assert pearson([1, 2, 3, 4], [1, 4, 9, 16]) < 1.0


def test_correlation_of_a_constant_is_undefined():
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))


@pytest.mark.parametrize(
    "command",
    ["kamgrade grade", "rubric validate", "rubric show", "rubric new", "rubric schema", "rubric try"],
)
def test_every_command_is_documented_in_the_readme(command):
    assert command in README


def test_the_readme_quick_start_is_two_make_commands():
    quick = README.split("## Inicio rápido", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
