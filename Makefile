# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint validate bench fuzz clean

$(STAMP): pyproject.toml kamgrade/__init__.py  # the version lives in __init__.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/build_examples.py --quiet
	$(BIN)/kamgrade grade examples/submissions --rubric rubrics/kam_actividad.kamgrade.yaml --out out/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/pip install --quiet -e ".[test,lint]"
	$(BIN)/ruff check kamgrade
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/python examples/build_examples.py --quiet
	$(BIN)/python examples/validate.py

# Bytecode first, as `pip install` leaves it: with PYTHONDONTWRITEBYTECODE set, an editable
# checkout would otherwise recompile kamgrade's modules (~0.1 s) in every run it measures.
bench: $(STAMP)
	$(BIN)/python -m compileall -q kamgrade
	$(BIN)/python benchmarks/run.py

fuzz: $(STAMP)
	$(BIN)/python -m pytest -q tests/docx/test_fuzz.py --hypothesis-profile=long

clean:
	rm -rf out benchmarks/_work .pytest_cache
