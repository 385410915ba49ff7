# `make run` reproduces the papers into results/; `make test` runs the test suite.
# Both create (or reuse) the local virtual environment .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
OUT ?= results

.PHONY: run test quick bench docs lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/qfridge reproduce all --out $(OUT)

quick: $(STAMP)
	$(BIN)/qfridge reproduce all --out $(OUT) --quick

test: $(STAMP)
	@# report.html is tested in headless chromium; on CI it must be there (installed here)
	@if [ "$$CI" = "true" ] && ! command -v chromium >/dev/null 2>&1; then \
		echo "CI=true and chromium missing: installing it (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null && echo sudo ); \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y chromium; \
	fi
	$(BIN)/ruff check src tests benchmarks examples docs
	@# tests run on every owned core (at most 4; work stealing balances the long fixtures)
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4 --dist worksteal

# the documentation site (mkdocs.yml) into site/, offline; strict: any warning fails
docs: $(STAMP)
	test -x $(BIN)/mkdocs || $(BIN)/python -m pip install --quiet -e '.[docs]'
	$(BIN)/python -m mkdocs build --strict --site-dir site
	@echo "documentation: site/index.html"

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
