"""`import spacy` without loading spaCy's command line until something uses it.

spaCy's `__init__` imports its CLI package (`from .cli.info import info`) only to offer
`spacy.info()`, and the CLI pulls in typer, weasel, httpx and requests: 0.3-0.6 s of a 0.8-1.2 s
`import spacy` on this machine, paid by every `kamgrade grade` before a worker can start, for code
kamgrade never runs. spaCy's maintainers made it lazy once (explosion/spaCy#12962) and propose a
light launcher again (explosion/spaCy#13933, open). Until a release does it, `import_spacy`
places stand-ins for `spacy.cli` and `spacy.cli.info` in `sys.modules` while spaCy imports:

* `spacy.info` is a function that imports the real CLI when called;
* any other attribute of a stand-in loads the real module, and a stand-in's `__path__` is the
  real folder, so a spaCy that uses more of its CLI at import still works, without the saving.

The stand-ins leave `sys.modules` when the import is over, so a later `import spacy.cli` gets the
real package. If spaCy is already imported, it is returned as it is.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


class _StandIn(types.ModuleType):
    """A module that hands every attribute it does not define over to the real module."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system probing (__spec__, __file__…)
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


def _real(name: str) -> types.ModuleType:
    if isinstance(sys.modules.get(name), _StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


def import_with_lazy_cli(package: str) -> types.ModuleType:
    """Import `package`, standing in for `package.cli` and `package.cli.info` (see above)."""
    if package in sys.modules:
        return importlib.import_module(package)
    spec = importlib.util.find_spec(package)
    folders = spec.submodule_search_locations if spec is not None else None
    if not folders:
        return importlib.import_module(package)
    cli_name, info_name = f"{package}.cli", f"{package}.cli.info"
    cli = _StandIn(cli_name)
    cli.__path__ = [str(Path(folder) / "cli") for folder in folders]
    info = _StandIn(info_name)

    def lazy_info(*args: Any, **kwargs: Any) -> Any:
        return _real(info_name).info(*args, **kwargs)

    lazy_info.__doc__ = f"`{package}.info`, whose module is imported on the first call."
    info.info = lazy_info  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    stand_ins = {cli_name: cli, info_name: info}
    for name, module in stand_ins.items():
        sys.modules.setdefault(name, module)
    try:
        imported = importlib.import_module(package)
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
    if "cli" not in vars(imported):  # as a real import of a submodule would have bound it
        imported.cli = cli  # type: ignore[attr-defined]
    return imported


def import_spacy() -> types.ModuleType:
    """`import spacy`, with its command line loaded on first use."""
    return import_with_lazy_cli("spacy")
