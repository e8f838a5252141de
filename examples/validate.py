"""`make validate`: grade every labelled set and compare with the instructor's labels.

Sets: the KAM examples (`examples/specs` + `examples/labels.json`), the second activity's
examples (`examples/premios`), and the shared dev corpus when it sits beside the repository.
True section word counts of the examples come from their specs (tests/docbuilder.py), so they
never depend on the reader under test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
ROOT = EXAMPLES.parent
sys.path.insert(0, str(ROOT))

from kamgrade.grading import grade_file  # noqa: E402
from kamgrade.rubric import load_rubric  # noqa: E402
from kamgrade.validity import ValidityReport, compare  # noqa: E402
from tests.docbuilder import compute_truth, load_spec  # noqa: E402

SETS = [
    ("Ejemplos KAM (examples/)", EXAMPLES, ROOT / "rubrics" / "kam_actividad.kamgrade.yaml"),
    ("Ejemplos plan de premios (examples/premios/)", EXAMPLES / "premios", ROOT / "rubrics" / "premios_plan.kamgrade.yaml"),
    ("dev-corpus compartido (../shared/dev-corpus/)", ROOT.parent / "shared" / "dev-corpus", ROOT / "rubrics" / "kam_actividad.kamgrade.yaml"),
]


def validate_set(folder: Path, rubric_path: Path) -> ValidityReport | None:
    labels_path = folder / "labels.json"
    if not labels_path.exists() or not rubric_path.exists():
        return None
    loaded = load_rubric(rubric_path)
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    if "submissions" in labels:  # the rubric-authoring format: met/missed lists and a total range
        labels = {key: _from_ranges(value, loaded.rubric) for key, value in labels["submissions"].items()}
    report = ValidityReport()
    for key, label in sorted(labels.items()):
        spec_path = folder / "specs" / f"{key}.yaml"
        if spec_path.exists():
            spec = load_spec(spec_path)
            truth = compute_truth(spec)
            label = {**label, "sections": label.get("sections") or {k: v for k, v in truth.items() if k != "student"}}
            path = folder / "submissions" / spec.get("file", f"{key}.docx")
        else:
            path = folder / label.get("file", f"{key}.docx")
        compare(report, key, grade_file(path, loaded), label)
    return report


def _from_ranges(value: dict, rubric) -> dict:  # type: ignore[no-untyped-def, type-arg]
    low, high = value["total"]
    return {
        "elements": {**{e: True for e in value["met"]}, **{e: False for e in value["missed"]}},
        "sections": {s.id: {} for s in rubric.sections if s.id not in value["missing_sections"]},
        "total": (low + high) / 2,
    }


def main() -> int:
    for title, folder, rubric in SETS:
        report = validate_set(folder, rubric)
        if report is None:
            print(f"== {title} ==\n(no disponible)\n")
            continue
        print(report.render(title) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
