"""Measure stage: length of each section body and the part of it pasted from the prompt.

Words and characters follow `kamgrade.textnorm`. Pasted prompt text is found sentence by
sentence: a sentence of the body that is (nearly) a sentence of the assignment prompt, also
slightly edited, is reported and does not count toward the minimum.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from kamgrade.model import Block, block_paragraphs
from kamgrade.rubric.model import LengthUnit, Rubric
from kamgrade.textnorm import count_characters, count_words, fold

# Every alternative starts at white space: the leading look-ahead skips other positions fast.
_SPLIT = re.compile(r"(?=\s)(?:(?<=[?.!:;])\s+|\n+|\s+[•▪●◦·-]\s+)")
PASTE_CUTOFF = 85.0
MIN_PASTE_WORDS = 4


@dataclass(frozen=True, slots=True)
class Length:
    words: int
    characters: int
    prompt_words: int
    prompt_characters: int
    pasted: tuple[str, ...]  # the pasted fragments, as found

    @property
    def net_words(self) -> int:
        return self.words - self.prompt_words

    @property
    def net_characters(self) -> int:
        return self.characters - self.prompt_characters

    def cuartillas(self, rubric: Rubric) -> float:
        unit = rubric.cuartilla
        measured = self.net_words if unit.unit is LengthUnit.WORDS else self.net_characters
        return measured / unit.per_cuartilla


def _fragments(text: str) -> list[str]:
    return [f.strip(" \t•▪●◦·-–—*") for f in _SPLIT.split(text) if f and f.strip()]


@lru_cache(maxsize=16)
def prompt_fragments(prompt: str) -> tuple[str, ...]:
    """The prompt's sentences and questions, folded, long enough to be recognisable."""
    out = []
    for line in prompt.splitlines():
        for frag in _fragments(line):
            if count_words(frag) >= MIN_PASTE_WORDS:
                out.append(" ".join(fold(frag).split()))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=8192)
def _pasted(text: str, prompt: tuple[str, ...]) -> tuple[str, ...]:
    if not prompt or count_words(text) < MIN_PASTE_WORDS:
        return ()
    found = []
    for frag in _fragments(text):
        if count_words(frag) < MIN_PASTE_WORDS:
            continue
        folded = " ".join(fold(frag).split())
        hit = process.extractOne(folded, prompt, scorer=fuzz.ratio, score_cutoff=PASTE_CUTOFF)
        if hit is not None:
            found.append(frag)
    return tuple(found)


def measure_blocks(blocks: Sequence[Block], rubric: Rubric) -> Length:
    """Words, characters and pasted-prompt share of a run of body blocks."""
    prompt = prompt_fragments(rubric.prompt)
    words = chars = pwords = pchars = 0
    pasted: list[str] = []
    for block in blocks:
        for p in block_paragraphs(block):
            words += count_words(p.text)
            chars += count_characters(p.text)
            for frag in _pasted(p.text, prompt):
                pasted.append(frag)
                pwords += count_words(frag)
                pchars += count_characters(frag)
    return Length(words, chars, min(pwords, words), min(pchars, chars), tuple(pasted))


def pasted_fragments(text: str, rubric: Rubric) -> tuple[str, ...]:
    """The fragments of a paragraph copied from the prompt."""
    return _pasted(text, prompt_fragments(rubric.prompt))


def is_pasted(sentence: str, rubric: Rubric) -> bool:
    """The sentence was copied from the prompt (a question or a bullet), also slightly edited."""
    return bool(_pasted(sentence, prompt_fragments(rubric.prompt)))
