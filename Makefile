# toolKID — every target bootstraps .venv itself, so a fresh clone needs only `make run`
# or `make test`. Both can be run again at any time.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench e2e css install migrate messages demo lint lock clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 ontbreekt ($(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the locked dependencies changed: exactly the versions and files
# (SHA-256) in requirements-dev.lock, nothing resolved anew. `make lock` regenerates the locks
# from pyproject.toml; tests/test_locked_dependencies.py fails when the two disagree.
$(STAMP): pyproject.toml requirements-dev.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --verbosity 0

migrate: install messages
	$(PY) manage.py migrate --no-input

# The demo data comes from the demo app (demo/): installed by the dev settings (manage.py's
# default), the test and e2e settings, never by production, where load_demo does not exist.
demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@bash scripts/run-dev.sh $(HOST) $(PORT)

# The import contracts first (pyproject.toml [tool.importlinter]): a wrong arrow fails fast.
test: install messages
	$(VENV)/bin/lint-imports --no-cache
	@# The local OpenID provider the login tests talk to, in its own venv (var/oidc-venv).
	@bash scripts/oidc-provider.sh build
	$(PY) -m pytest $(PYTEST_ARGS)

# Side-by-side benchmark on PostgreSQL (bench/README.md): seeds its own database
# (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/toolkid_bench; dropped and
# re-created, never the dev or test database) at 20k/200k and 200k/2M (BENCH_SCALE=1m: 1M/10M),
# measures every page and job beside its floor, writes bench/results/latest.md; then the audit
# report benchmark on a temporary SQLite file (PDF render time, CSV streaming memory).
# The load run needs wrk (apt-get install wrk / brew install wrk); without it it is skipped.
bench: install messages
	@command -v wrk >/dev/null 2>&1 || echo "bench: wrk ontbreekt, de belastingstest wordt overgeslagen (installeer: apt-get install wrk of brew install wrk)."
	$(PY) bench/run.py
	DJANGO_SETTINGS_MODULE=toolkid.settings.test $(PY) bench/bench_audit.py $(BENCH_ARGS)

# End-to-end in a real browser (Debian's chromium, axe-core from npm): scripts/e2e.sh.
e2e: install messages
	@PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/e2e.sh

# The NL Design System component CSS (ADR 0007 §11): after a version bump in package.json /
# package-lock.json, `make css` copies @utrecht/component-library-css's dist/index.css to
# static/vendor/nlds/ (scripts/build-css.sh). The copy is committed, so `make run`, `make test`
# and the Docker image need no npm; tests/toolkid/test_nlds_css.py checks it against the lock.
css:
	@node -e "const p = '@utrecht/component-library-css'; \
	  const lock = require('./package-lock.json').packages['node_modules/' + p].version; \
	  process.exit(require('./node_modules/' + p + '/package.json').version === lock ? 0 : 1)" \
	  2>/dev/null || npm ci --no-audit --no-fund
	bash scripts/build-css.sh

# After a change to the dependencies in pyproject.toml: pin every package, with its hashes,
# for production (requirements.lock, used by the Dockerfile) and development.
PIP_COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf var/ .pytest_cache
