"""The read_submission façade and --convert-legacy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tests.badfiles as bad
from kamgrade.reader import convert_legacy


def test_convert_legacy_returns_none_without_soffice(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    original = tmp_path / "tarea.doc"
    original.write_bytes(bad.legacy_doc())
    assert convert_legacy(original, tmp_path / "work") is None
    assert original.read_bytes() == bad.legacy_doc()


def test_convert_legacy_works_on_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    original = tmp_path / "tarea.docx"
    original.write_bytes(bad.legacy_doc())
    calls: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: object) -> None:
        calls.append(cmd)
        src = Path(cmd[-1])
        assert src != original and src.read_bytes() == original.read_bytes()
        (Path(cmd[cmd.index("--outdir") + 1]) / (src.stem + ".docx")).write_bytes(
            bad.build_docx())

    monkeypatch.setattr(shutil, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(subprocess, "run", fake_run)
    out = convert_legacy(original, tmp_path / "work")
    assert out is not None and out.name == "tarea.docx" and out.parent != original.parent
    assert "--headless" in calls[0] and "docx" in calls[0]
    assert original.read_bytes() == bad.legacy_doc()
