# Two commands on a fresh machine with Python 3.10+ and make:
#   make demo   — create .venv, install minigrad with its demo extras, run the demo tour
#   make test   — create .venv with the test extras, run the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: demo test lint bench clean docs notebooks

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.demo: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e ".[demos]"
	touch $@

# the suite also runs every demo (plots need matplotlib) and the benchmark harness
$(VENV)/.test: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e ".[test,demos,bench]"
	touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.demo
	$(PY) -m demos

test: $(VENV)/.test
	$(PY) -m pytest -q

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis docs/api docs/notebooks

# ---- the guide and the API reference ----------------------------------------
# make docs       — the API reference, HTML from the docstrings, into docs/api/
# make notebooks  — every chapter of docs/learn/ and every demo as a Jupyter notebook, into docs/notebooks/
$(VENV)/.docs: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $@

docs: $(VENV)/.docs
	$(PY) -m pdoc --docformat google --output-directory docs/api minigrad

notebooks: $(VENV)/.docs
	mkdir -p docs/notebooks
	for f in docs/learn/[0-9]*.md; do \
		$(PY) -m jupytext --quiet --set-kernel python3 --to ipynb --output docs/notebooks/$$(basename $$f .md).ipynb $$f || exit 1; \
	done
	for f in demos/*.py; do \
		if grep -q '^# %%' $$f; then \
			{ echo '# %%'; echo 'import os'; \
			  echo 'os.chdir("../..")   # the repository root, where `demos` imports from and its plots go'; \
			  echo; cat $$f; } | \
			$(PY) -m jupytext --quiet --from py:percent --set-kernel python3 --to ipynb \
				--output docs/notebooks/demo-$$(basename $$f .py).ipynb - || exit 1; \
		fi; \
	done
	@echo "notebooks in docs/notebooks/"
