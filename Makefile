# spikecheck: `make run` shows it on the bundled example, `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp

.PHONY: run test test-frameworks test-dask lint deadcode readme eval bench fuzz install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,plot]'
	touch $(STAMP)

install: $(STAMP)

# The bundled example is the buggy run of fixtures/README.md: exit 1 (findings) is expected.
run: $(STAMP)
	$(VENV)/bin/spikecheck fixtures/example-buggy.csv --dataset-size 1777 --batch-size 16 || [ $$? -eq 1 ]

test: $(STAMP)
	$(PY) -m pytest

# The trainer callbacks against the real Keras 3, Lightning and Hugging Face classes: tiny CPU
# runs in their own venv, not part of `make test`. torch==2.13.0 exactly: the CPU wheel on disk.
FW_VENV ?= .venv-fw
test-frameworks:
	test -x $(FW_VENV)/bin/python || $(PYTHON) -m venv $(FW_VENV)
	$(FW_VENV)/bin/python -m pip install --quiet torch==2.13.0
	$(FW_VENV)/bin/python -m pip install --quiet -e '.[dev,keras,lightning,hf]'
	KERAS_BACKEND=torch $(FW_VENV)/bin/python -m pytest -m frameworks tests/frameworks

# spikecheck.dask on a Dask LocalCluster and remote paths on fsspec's memory:// filesystem,
# in their own venv (dask, distributed and fsspec from pip), not part of `make test`.
DASK_VENV ?= .venv-dask
test-dask:
	test -x $(DASK_VENV)/bin/python || $(PYTHON) -m venv $(DASK_VENV)
	$(DASK_VENV)/bin/python -m pip install --quiet -e '.[dev,dask,remote]' distributed
	$(DASK_VENV)/bin/python -m pytest -m dask tests/dask

lint: $(STAMP)
	$(VENV)/bin/ruff check spikecheck tests fixtures

# Dead code: vulture over the package; tests/vulture_whitelist.py names only what is used
# where vulture cannot see it (click callbacks, fields read by getattr or JSON).
deadcode: $(STAMP)
	$(VENV)/bin/vulture spikecheck tests/vulture_whitelist.py

# The README's options table and terminal example, made again from the program.
readme: $(STAMP)
	$(PY) tests/readme_sync.py

# The three splits (dev: tuned on; test: held out, only reported; fresh: summary lines only,
# its runs listed by `fixtures/evaluate.py --show-misses fresh`), with and without geometry,
# then the randomized false-alarm scan over thousands of synthetic runs.
eval: $(STAMP)
	$(PY) fixtures/evaluate.py
	$(PY) fixtures/scan.py --runs 4000

bench: $(STAMP)
	$(PY) tests/bench/run.py

# Fuzz every reader in turn (tests/fuzz/run.py): the whole CLI on mutated logs, coverage-
# guided by atheris when it installs, plain mutation otherwise. A crash stops the run and
# its input is saved (see the output); turn it into a test in tests/test_hostile_*.py.
FUZZ_SECONDS ?= 300
FUZZ_READERS ?= csv text json tensorboard
fuzz: $(STAMP)
	$(PY) -m pip install --quiet atheris || echo "atheris did not install: plain mutation fuzzing"
	for r in $(FUZZ_READERS); do \
		$(PY) tests/fuzz/run.py --reader $$r --seconds $(FUZZ_SECONDS) || exit 1; \
	done

clean:
	rm -rf $(VENV) $(FW_VENV) $(DASK_VENV) .pytest_cache .ruff_cache build *.egg-info
