# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= eventwire.db

.PHONY: install demo test lint clean assets

$(BIN)/eventwire: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/eventwire

demo: install
	$(BIN)/eventwire ingest examples --db $(DB)
	$(BIN)/eventwire events --db $(DB)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache

# Re-vendor the page's libraries from npm (needs Node): the result in src/eventwire/web/static/vendor is
# committed, so `make install` never needs npm or a CDN.
assets:
	cd frontend && npm ci --no-audit --no-fund && node build.mjs
