# rmtcheck: set-up and everyday commands. `make demo` and `make test` create .venv on demand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,dask]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/rmtcheck verify --scale quick --report report

test: $(STAMP)
	$(PY) -m pytest -q

# The browser test renders report.html in Debian's chromium; install it when absent.
test-slow: $(STAMP)
	command -v chromium || (apt-get update && apt-get install -y chromium)
	$(PY) -m pytest -q -m slow

# Benchmarks run in their own environment, which also holds the libraries we compare with.
BENCH := .venv-bench
bench:
	test -x $(BENCH)/bin/python || $(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet -e '.[dask]' 'scikit-rmt>=2.0'
	$(BENCH)/bin/python benchmarks/run_all.py

lint: $(STAMP)
	$(VENV)/bin/ruff check rmtcheck theory simulations tests benchmarks

clean:
	rm -rf $(VENV) $(BENCH) report runs build *.egg-info
