# Two commands for a newcomer: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed (found %s)" % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	@$(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip >&2

# Reinstall only when the project's declared dependencies change.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	@echo "Installing the bot into $(VENV) ..." >&2
	@$(PY) -m pip install -q -e . >&2
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	@echo "Installing the bot and its test tools into $(VENV) ..." >&2
	@$(PY) -m pip install -q -e '.[test]' >&2
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@$(PY) -m bot run

test: $(VENV)/.installed-test
	@$(PY) -m pytest -q

clean:
	rm -rf $(VENV)
