"""Build the example submissions from their specs (nothing binary is committed).

    python examples/build_examples.py [--quiet]

Every `examples/specs/*.yaml` becomes `examples/submissions/<file>`, and every
`examples/<activity>/specs/*.yaml` becomes `examples/<activity>/submissions/<file>`. Rebuilding is
idempotent: the same spec gives the same bytes, and files whose bytes did not change are not
rewritten. A broken spec is reported and skipped; the others are still built (exit status 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
ROOT = EXAMPLES.parent
sys.path.insert(0, str(ROOT))  # for `tests.docbuilder` without installing the tests

from tests.docbuilder import SpecError, build_files  # noqa: E402


def spec_folders(examples: Path = EXAMPLES) -> list[tuple[list[Path], Path]]:
    """(specs, output folder) for examples/specs and each examples/<activity>/specs."""
    folders = [examples / "specs", *sorted(examples.glob("*/specs"))]
    return [
        (sorted(folder.glob("*.yaml")), folder.parent / "submissions")
        for folder in folders
        if folder.is_dir()
    ]


def main(argv: list[str] | None = None) -> int:
    """Build every example spec; print one line per file unless --quiet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)
    failed = built = 0
    for specs, out in spec_folders():
        for spec in specs:
            try:
                for target, _built, changed in build_files([spec], out):
                    built += 1
                    if not args.quiet:
                        state = "wrote" if changed else "unchanged"
                        print(f"{state:9} {target.relative_to(ROOT)}")
            except (SpecError, OSError, ValueError, KeyError, TypeError) as e:
                failed += 1
                print(f"{spec.relative_to(ROOT)}: {e}", file=sys.stderr)
    if not args.quiet:
        print(f"{built} example submissions built, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
