# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install migrate seed fixture clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_workshop fixtures/oppo2021.json

run: seed
	@echo "Serving on http://127.0.0.1:8000/ (admin: make a user with $(BIN)/python manage.py createsuperuser)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenerate the seed fixture from the scraped page; tests check the committed file matches.
fixture: install
	$(BIN)/python manage.py import_icml_schedule fixtures/sources/oppo2021.txt \
		--meta fixtures/sources/oppo2021.meta.json -o fixtures/oppo2021.json

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
