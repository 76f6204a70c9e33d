# Two commands on a fresh machine: `make demo` runs the whole review on the
# bundled sample; `make test` runs the linter and the tests. Both make their
# own venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/kcp-sheets: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(BIN)/kcp-sheets
	$(BIN)/kcp-sheets demo demo-review --force

test: $(BIN)/kcp-sheets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) demo-review .pytest_cache .hypothesis
