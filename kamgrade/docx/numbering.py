"""Automatic numbering (ECMA-376 Part 1 §17.9): render the label Word would display.

Counters are kept per list: paragraphs whose w:num instances share an abstractNum continue one
another's numbering, as Word does, unless the instance restarts with w:startOverride (§17.9.26).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

_ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def to_roman(n: int) -> str:
    """Upper-case roman numeral for 1..3999; other values as decimal."""
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def to_letters(n: int) -> str:
    """Word's letter numbering: A..Z, AA..ZZ, AAA.. (§17.18.59: a repeated letter, not base 26)."""
    if n <= 0:
        return str(n)
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """One counter value in a ST_NumberFormat; unknown formats fall back to decimal."""
    if fmt == "upperRoman":
        return to_roman(n)
    if fmt == "lowerRoman":
        return to_roman(n).lower()
    if fmt == "upperLetter":
        return to_letters(n)
    if fmt == "lowerLetter":
        return to_letters(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        return f"{n}º"
    if fmt == "none":
        return ""
    return str(n)


def _bullet(text: str) -> str:
    # Symbol/Wingdings bullets live in the private use area; show a plain bullet instead.
    if not text or any(0xE000 <= ord(c) <= 0xF8FF for c in text):
        return "•"
    return text


@dataclass(frozen=True, slots=True)
class Level:
    """One w:lvl of an abstract numbering definition."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 never
    is_legal: bool = False
    pstyle: str | None = None


@dataclass(slots=True)
class _Instance:
    key: str
    levels: dict[int, Level]
    overrides: dict[int, int] = field(default_factory=dict)


def _int(val: str | None, default: int) -> int:
    try:
        return int(val) if val is not None else default
    except ValueError:
        return default


def _levels(el: etree._Element) -> dict[int, Level]:
    out: dict[int, Level] = {}
    for lvl in el.iter(f"{_W}lvl"):
        ilvl = _int(lvl.get(f"{_W}ilvl"), 0)

        def val(tag: str, lvl: etree._Element = lvl) -> str | None:
            child = lvl.find(f"{_W}{tag}")
            return child.get(f"{_W}val") if child is not None else None

        restart = val("lvlRestart")
        out[ilvl] = Level(
            fmt=val("numFmt") or "decimal",
            text=val("lvlText") if val("lvlText") is not None else "",  # type: ignore[arg-type]
            start=_int(val("start"), 1),
            restart=_int(restart, 0) if restart is not None else None,
            is_legal=lvl.find(f"{_W}isLgl") is not None,
            pstyle=val("pStyle"),
        )
    return out


class Numbering:
    """Numbering definitions plus the running counters of one document walk."""

    def __init__(self, root: etree._Element | None) -> None:
        self._instances: dict[str, _Instance] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._started: set[str] = set()
        if root is None:
            return
        abstract: dict[str, etree._Element] = {}
        for a in root.iter(f"{_W}abstractNum"):
            abstract.setdefault(a.get(f"{_W}abstractNumId") or "", a)
        for num in root.iter(f"{_W}num"):
            nid = num.get(f"{_W}numId")
            ref = num.find(f"{_W}abstractNumId")
            aid = ref.get(f"{_W}val") if ref is not None else None
            if nid is None or aid is None or aid not in abstract:
                continue
            a_el = abstract[aid]
            levels = _levels(a_el)
            overrides: dict[int, int] = {}
            for ov in num.iter(f"{_W}lvlOverride"):
                ilvl = _int(ov.get(f"{_W}ilvl"), 0)
                so = ov.find(f"{_W}startOverride")
                if so is not None:
                    overrides[ilvl] = _int(so.get(f"{_W}val"), 1)
                lvl_el = ov.find(f"{_W}lvl")
                if lvl_el is not None:
                    levels = {**levels, **_levels(ov)}
            key = f"num:{nid}" if overrides else f"abs:{aid}"
            self._instances[nid] = _Instance(key, levels, overrides)

    def knows(self, num_id: str | None) -> bool:
        """True when `num_id` names a w:num whose abstract definition exists."""
        return num_id is not None and num_id in self._instances

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        """The level whose w:pStyle names `style_id` (numbering linked through a style)."""
        inst = self._instances.get(num_id)
        if inst is not None and style_id:
            for ilvl, lvl in inst.levels.items():
                if lvl.pstyle == style_id:
                    return ilvl
        return 0

    def next_label(self, num_id: str, ilvl: int) -> str | None:
        """Advance the counter for (list, level) and return the rendered label."""
        inst = self._instances.get(num_id)
        if inst is None:
            return None
        ilvl = max(0, min(ilvl, 8))
        level = inst.levels.get(ilvl, Level())
        counters = self._counters.setdefault(inst.key, {})
        if inst.key not in self._started and inst.overrides:
            self._started.add(inst.key)
            for lv, start in inst.overrides.items():
                counters[lv] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in range(ilvl + 1, 9):
            dl = inst.levels.get(deeper)
            # §17.9.10 lvlRestart: by default a level restarts after any shallower level.
            if dl is None or dl.restart is None or (dl.restart != 0 and dl.restart <= ilvl + 1):
                counters.pop(deeper, None)
        if level.fmt == "bullet":
            return _bullet(level.text)
        label = level.text
        for lv in range(ilvl, -1, -1):
            token = f"%{lv + 1}"
            if token in label:
                lvdef = inst.levels.get(lv, Level())
                value = counters.get(lv, lvdef.start)
                fmt = "decimal" if level.is_legal else lvdef.fmt  # §17.9.4 isLgl
                label = label.replace(token, format_number(value, fmt))
        return label
