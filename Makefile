# Two set-up-and-go targets (see README.md):
#   make app   - create .venv, install the pinned stack, build the first page's engines, serve
#                the app on http://127.0.0.1:8866 (HOST=0.0.0.0 PORT=9000 to change;
#                CLASS=1 for class mode: STUDENTS=40 POOL=8 KERNEL_MB=1024, see README)
#   make test  - create .venv, install the stack + test tools (and Debian chromium if missing),
#                warm the cache, run the whole test suite including the notebook
# Both work on a fresh machine; re-running them only reinstalls when pyproject.toml changed.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Python 3.11 is required (brian2 2.9.0 is the release that supports it); prefer python3.11.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
# Always run the venv's `python3`: Brian2's compiled-code cache is keyed on the interpreter
# path, and Voila / nbmake kernels run `.venv/bin/python3`.
PY := $(VENV)/bin/python3
PIP := $(PY) -m pip --disable-pip-version-check --quiet
TIMEOUT ?= 600
PORT ?= 8866
HOST ?= 127.0.0.1
# Class mode (`make app CLASS=1 HOST=0.0.0.0`): a cap of STUDENTS pages at once (the next
# one gets "the class is full, retry in a minute"), POOL preheated kernels, KERNEL_MB of
# memory per kernel (izhi_widgets/classroom.py).
CLASS ?=
STUDENTS ?= 40
POOL ?= 8
KERNEL_MB ?= 1024
CHROMIUM := /usr/bin/chromium
# apt-get through sudo only when not already root.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y

.PHONY: help app test report lab warm serve sysdeps-compiler sysdeps-browser sysdeps-octave clean

help:
	@echo "make app   - install and serve the explorer on http://$(HOST):$(PORT)"
	@echo "make test  - install everything and run the full test suite"
	@echo "make lab   - install JupyterLab and open the notebooks in it"
	@echo "make report - regenerate the report's figures and tables, report.md and report.pdf"

# Steps run in recipe order (not as prerequisites) so that `make -j` cannot reorder them.
app: $(VENV)/.installed-app
	@$(MAKE) --no-print-directory sysdeps-compiler
	$(PY) -m izhi_widgets warm --essential
	@$(MAKE) --no-print-directory serve

test: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory sysdeps-compiler sysdeps-browser sysdeps-octave
	$(PY) -m izhi_widgets warm
	$(PY) -m pytest --timeout=$(TIMEOUT) --nbmake tests explorer.ipynb tutorial.ipynb

# The report from the code: figures, tables, report.md/.html and report.pdf (printed by
# Debian's chromium). The test suite builds it too (tests/test_report_build.py).
report: $(VENV)/.installed-test
	@$(MAKE) --no-print-directory sysdeps-compiler sysdeps-browser
	$(PY) report/build.py all

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Python 3.11 is required, found: $$($(PYTHON) --version 2>&1)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamp files: pip runs again whenever pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

# The test install is a superset of the app install, so it satisfies `make app` as well.
$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install -e '.[test,hub]'
	touch $@ $(VENV)/.installed-app

# Brian2 compiles C++ (Cython runtime, cpp_standalone via make): install g++ if no compiler.
sysdeps-compiler:
	@if ! command -v g++ >/dev/null 2>&1 && ! command -v c++ >/dev/null 2>&1; then \
		echo "No C++ compiler found: installing g++ with apt-get"; \
		$(SUDO) apt-get update && $(APT_INSTALL) g++; \
	fi

# The browser tests drive Debian's chromium through Playwright (never `playwright install`).
sysdeps-browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "$(CHROMIUM) not found: installing Debian chromium with apt-get"; \
		$(SUDO) apt-get update && $(APT_INSTALL) chromium; \
	fi

# tests/test_octave.py runs Izhikevich's MATLAB loop under GNU Octave (no GUI, no extras).
sysdeps-octave:
	@if ! command -v octave-cli >/dev/null 2>&1 && ! command -v octave >/dev/null 2>&1; then \
		echo "GNU Octave not found: installing Debian octave with apt-get"; \
		$(SUDO) apt-get update && $(APT_INSTALL) --no-install-recommends octave; \
	fi

# Prebuild the compiled engines with the kernel's interpreter (part of app and test).
warm: $(VENV)/.installed-app
	$(PY) -m izhi_widgets warm

# Serve without reinstalling or warming (CLASS=1: class mode).
serve:
ifeq ($(CLASS),1)
	$(PY) -m izhi_widgets.classroom explorer.ipynb --host=$(HOST) --port=$(PORT) \
		--students=$(STUDENTS) --pool=$(POOL) --memory-mb=$(KERNEL_MB)
else
	$(PY) -m izhi_widgets.serve explorer.ipynb --no-browser --Voila.ip=$(HOST) --port=$(PORT) \
		--Voila.port_retries=0 --preheat_kernel=True --pool_size=1
endif

# The notebooks in JupyterLab (the panel works there too; Voila's page is then at
# .../voila/render/explorer.ipynb on the same server).
lab: $(VENV)/.installed-app
	$(PIP) install -e '.[lab]'
	$(PY) -m izhi_widgets warm --essential
	$(PY) -m jupyter lab explorer.ipynb --no-browser --ServerApp.ip=$(HOST) --ServerApp.port=8888

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
