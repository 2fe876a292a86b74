# Everything Turnout needs comes from pyproject.toml + constraints.txt; `make demo` and
# `make test` create .venv on first use. `make demo` installs the product only (its own
# dependencies); `make test`, `make lint`, `make bench` add the development tools (`.[dev]`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
# --no-compile: Python writes the bytecode of what it imports, when it imports it; compiling every
# module of every package at install time wrote about 80 MB nobody reads (unused SQLAlchemy
# dialects, Pygments lexers, NumPy's tests ...). pip itself runs without writing its bytecode.
PIP    := PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt

.PHONY: demo test lint typecheck layers unit bench clean install install-dev lock

# RapidOCR asks for opencv-python, the OpenCV build with a Qt GUI and video codecs; Turnout (and
# RapidOCR) only resize and transform images in memory, which opencv-python-headless, the same
# OpenCV without the GUI and codecs, does. Both install the module `cv2`, so the one is taken out
# and the other put back whole after every install that may have brought opencv-python back.
define headless_opencv
	@PYTHONDONTWRITEBYTECODE=1 $(BIN)/python -m pip uninstall --quiet --disable-pip-version-check -y opencv-python
	$(PIP) --force-reinstall --no-deps opencv-python-headless
endef

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Turnout needs Python 3.11 or newer (found %s); set PYTHON=python3.11" % sys.version.split()[0])'
	@# a venv of Python < 3.12 comes with setuptools, which Turnout does not run (pip builds it in
	@# an isolated environment; `make test` brings it back with the development tools), and with
	@# pip compiled to bytecode (8 MB of cache for a tool run at install time only)
	@test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip uninstall -qq -y --disable-pip-version-check setuptools && \
		find $(VENV)/lib -type d -name __pycache__ -prune -exec rm -rf {} +; }
	$(PIP) -e .
	$(headless_opencv)
	@touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(PIP) -e '.[dev]'
	$(headless_opencv)
	@touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/turnout demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

layers: $(DEV_STAMP)
	$(BIN)/lint-imports

# without PYTHONDONTWRITEBYTECODE: the tests that are about the process itself start `turnout`
# processes (workers, killed processes, the README's commands, ...), and each would compile every
# module it imports (see tests/conftest.py); the other command tests run in the test's process.
# Three workers on two cores: a worker waiting on a process, a lease or a server leaves a core to
# the others.
unit: $(DEV_STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -n 3 --dist worksteal -q

test: lint typecheck layers unit

bench: $(DEV_STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Re-pin constraints.txt from the current environment (maintainers only).
lock: $(DEV_STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^turnout' > constraints.txt
	@# opencv-python is taken out after install (see headless_opencv); it stays pinned all the same
	sed -n 's/^opencv-python-headless==/opencv-python==/p' constraints.txt >> constraints.txt

clean:
	rm -rf $(VENV) .turnout .mypy_cache .ruff_cache .pytest_cache
