"""spaCy imported without its command line (kamgrade.lazy_spacy): same tokens, CLI still there."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kamgrade.lazy_spacy import import_with_lazy_cli

SAMPLE = "Entrevisté a 2 vendedores (¿cuántos clientes?): 30 %… del Sr. Pérez, p. ej. en CDMX."


def _run(code: str, cwd: Path | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_kamgrade_tokenises_like_plain_spacy_without_loading_its_command_line() -> None:
    lazy = _run(
        f"""
        import json, sys
        from kamgrade.nlp import _pipeline, warm_up
        warm_up()  # how a batch first imports spaCy: analysing a sentence
        tokens = [t.text for t in _pipeline()({SAMPLE!r})]
        cli_libraries = sorted(m for m in ("typer", "weasel", "httpx", "requests") if m in sys.modules)
        import spacy
        version = spacy.info()["spacy_version"]  # the real `spacy.info`, loaded on this call
        import spacy.cli
        print(json.dumps({{"tokens": tokens, "cli_libraries": cli_libraries,
                           "version": version, "download": callable(spacy.cli.download)}}))
        """
    )
    plain = _run(
        f"""
        import json, spacy
        print(json.dumps({{"tokens": [t.text for t in spacy.blank("es")({SAMPLE!r})],
                           "version": spacy.__version__}}))
        """
    )
    assert lazy["cli_libraries"] == []
    assert lazy["tokens"] == plain["tokens"]
    assert lazy["version"] == plain["version"]
    assert lazy["download"] is True


def _fake_package(root: Path, init: str) -> None:
    """A package laid out like spaCy: its __init__ imports from its `cli` subpackage."""
    cli = root / "fakenlp" / "cli"
    cli.mkdir(parents=True)
    (root / "fakenlp" / "__init__.py").write_text(textwrap.dedent(init), encoding="utf-8")
    (cli / "__init__.py").write_text(
        "import sys\nsys.modules['fakenlp_cli_loaded'] = sys\nHELPER = 'helper'\n",
        encoding="utf-8",
    )
    (cli / "info.py").write_text("def info():\n    return 'real info'\n", encoding="utf-8")
    (cli / "extra.py").write_text("EXTRA = 42\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("init", "cli_loaded_at_import"),
    [
        ("from .cli.info import info\n", False),
        ("from .cli.info import info\nfrom .cli.extra import EXTRA\n", False),
        ("from .cli.info import info\nfrom .cli import HELPER\n", True),
    ],
    ids=["as-spacy", "another-cli-module", "the-cli-package-itself"],
)
def test_a_package_using_more_of_its_cli_at_import_still_imports(
    tmp_path: Path, init: str, cli_loaded_at_import: bool
) -> None:
    _fake_package(tmp_path, init)
    result = _run(
        """
        import json, sys
        from kamgrade.lazy_spacy import import_with_lazy_cli
        pkg = import_with_lazy_cli("fakenlp")
        loaded_at_import = "fakenlp_cli_loaded" in sys.modules
        info = pkg.info()
        from fakenlp.cli import HELPER
        print(json.dumps({"loaded_at_import": loaded_at_import, "info": info,
                          "extra": getattr(pkg, "EXTRA", None), "helper": HELPER,
                          "stand_ins_left": [m for m in ("fakenlp.cli", "fakenlp.cli.info")
                                             if type(sys.modules.get(m)).__name__ == "_StandIn"]}))
        """,
        cwd=tmp_path,
    )
    assert result["loaded_at_import"] is cli_loaded_at_import
    assert result["info"] == "real info"
    assert result["helper"] == "helper"
    assert result["extra"] == (42 if "EXTRA" in init else None)
    assert result["stand_ins_left"] == []


def test_an_already_imported_package_is_returned_as_it_is() -> None:
    assert import_with_lazy_cli("json") is json
