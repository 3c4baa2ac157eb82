# The two commands: `make run` and `make test`. Both set everything up from scratch.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := run.py

.PHONY: run test lint setup translations db bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed translations

translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d translations >/dev/null

# Only an explicit development mode may use the public development SECRET_KEY (config.py).
db run: export APP_ENV ?= development

db: setup
	mkdir -p instance
	$(BIN)/flask app-release
	$(BIN)/flask seed-demo

run: db
	@echo ""
	@echo "SiLogistik is starting on port $(PORT)"
	@echo "  Vendor back-office : http://localhost:$(PORT)/"
	@echo "  Tenant 'demo'      : http://demo.localhost:$(PORT)/"
	@echo "  Tenant 'contoh'    : http://contoh.localhost:$(PORT)/"
	@echo "  Password for every demo login: $${DEMO_PASSWORD:-DemoPass#2026}"
	@echo ""
	$(BIN)/flask run --host 0.0.0.0 --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check app tests bench config.py run.py gunicorn.conf.py
	$(BIN)/ruff format --check app tests bench config.py run.py gunicorn.conf.py
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance/*.db
