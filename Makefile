# Tangent: `make run` starts everything with embedded defaults; `make test` runs the whole suite,
# `make test-fast` only the tests that need no database, browser, worker or sandbox.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test test-fast coverage lint format bench validate load clean

install: $(VENV)/.installed .env

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# A development .env (ignored by git): development mode, a random SECRET_KEY and demo password.
.env:
	$(PYTHON) -c "import secrets; print('TANGENT_MODE=development\nDEBUG=1\nSECRET_KEY=' + secrets.token_urlsafe(50) + '\nDEMO_PASSWORD=' + secrets.token_urlsafe(9))" > .env

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_exercises
	$(BIN)/python manage.py seed_demo
	$(BIN)/python -m tangent.devstack

# Test processes (pytest-xdist): each has its own test database, Redis prefix, live server and
# sandbox; a test module stays in one process. TEST_WORKERS=0 runs in this process alone.
TEST_WORKERS ?= 3
PYTEST_PARALLEL = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

test: install
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

test-fast: install
	$(BIN)/python -m pytest --pure -n 2 --dist loadfile -r fE

coverage: install
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --cov --cov-report=term:skip-covered --cov-report=html

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every exercise, 200 variants each: references get full marks, mistakes get their own feedback.
validate: install
	$(BIN)/python manage.py validate_exercises --seeds 200

# e.g. make load LOAD_ARGS="--learners 1000 --rush 5000 --slow-lms 5" (bench/load.py --help)
load: install
	$(BIN)/python bench/load.py $(LOAD_ARGS)

bench: install
	@for script in bench/symbolic.py bench/preview.py bench/reference.py bench/sandbox.py bench/sandpit.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache .coverage htmlcov
