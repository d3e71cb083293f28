# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install migrate seed fixture clean serve

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

# Production mode on this machine: DEBUG off, static files collected and served by whitenoise, gunicorn.
# Uses DATABASE_URL (PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test make serve).
# Plain http on localhost, so no TLS redirect or secure-only cookies; a throwaway key unless one is given.
SERVE_ENV = DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}

serve: install
	$(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(BIN)/python manage.py migrate --noinput
	$(SERVE_ENV) $(BIN)/python manage.py load_workshop fixtures/oppo2021.json
	$(SERVE_ENV) $(BIN)/gunicorn -c gunicorn.conf.py

# The browser tests need axe-core and KaTeX (package-lock.json) from npm, and Debian's chromium; without npm or
# chromium they skip, naming what is missing (and fail under CI=true).
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm is not installed: the browser tests will skip" >&2; fi

test: install node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Regenerate the seed fixture from the scraped page; tests check the committed file matches.
fixture: install
	$(BIN)/python manage.py import_icml_schedule fixtures/sources/oppo2021.txt \
		--meta fixtures/sources/oppo2021.meta.json -o fixtures/oppo2021.json

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Re-copy KaTeX from node_modules into static/vendor/katex (run `npm install` first; see static/vendor/README.md).
# Only the woff2 fonts are kept, so the stylesheet's .woff/.ttf fallbacks are cut from its @font-face rules:
# every browser that runs KaTeX reads woff2, and collectstatic's manifest storage rejects a url() to a missing file.
.PHONY: vendor
KATEX_DIST := node_modules/katex/dist
KATEX_VENDOR := static/vendor/katex

vendor:
	@test -f $(KATEX_DIST)/katex.min.js || { echo "$(KATEX_DIST) is missing: run npm install (or npm ci) first" >&2; exit 1; }
	rm -rf $(KATEX_VENDOR)
	mkdir -p $(KATEX_VENDOR)/contrib $(KATEX_VENDOR)/fonts
	cp $(KATEX_DIST)/katex.min.js $(KATEX_VENDOR)/
	cp $(KATEX_DIST)/contrib/auto-render.min.js $(KATEX_VENDOR)/contrib/
	cp $(KATEX_DIST)/fonts/*.woff2 $(KATEX_VENDOR)/fonts/
	cp node_modules/katex/LICENSE $(KATEX_VENDOR)/
	sed -E 's/,url\(fonts\/[^)]+\.(woff|ttf)\) format\("(woff|truetype)"\)//g' $(KATEX_DIST)/katex.min.css > $(KATEX_VENDOR)/katex.min.css
	@if grep -Eq '\.(woff|ttf)\)' $(KATEX_VENDOR)/katex.min.css; then \
		echo "$(KATEX_VENDOR)/katex.min.css still names .woff/.ttf fonts: update the sed in the vendor target" >&2; exit 1; fi
	@echo "vendored KaTeX $$(node -p 'require("./node_modules/katex/package.json").version') into $(KATEX_VENDOR)"

# Benchmark production mode on this machine (gunicorn, PostgreSQL at 127.0.0.1:5432, wrk): a fresh database
# bench_programme with the seed and a NeurIPS-sized demo, pages cached and uncached, load, a PostgreSQL restart.
# About 6 minutes; writes bench/RESULTS.md.
.PHONY: bench
bench: install
	bench/run
