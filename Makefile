# Quanzi: every target sets up what it needs (the virtualenv, pinned dependencies) by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/messages.po plugins/*/locale/*/LC_MESSAGES/messages.po))

.PHONY: run test bench lint lock clean messages

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

# The translation catalogues are compiled from the .po files kept in the repo.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP) $(MO)
	$(BIN)/python server.py serve --host $(HOST) --port $(PORT)

# The whole suite on SQLite (with the browser tests in Debian's Chromium) and, beside it on the other core, the
# database-facing tests again on PostgreSQL (scripts/run-tests.sh). Debian's packages (Chromium, CJK fonts,
# PostgreSQL, Node.js's npm) are installed and started if missing; npm installs the pinned axe-core (package.json)
# that the accessibility test loads into its pages.
test: $(STAMP) $(MO)
	bash scripts/system-packages.sh
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/ruff check .
	$(BIN)/mypy
	PYTHON=$(BIN)/python bash scripts/run-tests.sh

# The benchmark (bench/run.py): builds the large demo data set in a scratch dir and loads the server with wrk.
# BENCH_ARGS="--scale 10" for the growth figures.
bench: $(STAMP) $(MO)
	bash scripts/system-packages.sh --bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Re-pin requirements.txt from requirements.in (run after changing a dependency).
lock:
	rm -rf /tmp/quanzi-lock && $(PYTHON) -m venv /tmp/quanzi-lock
	/tmp/quanzi-lock/bin/pip install --quiet -r requirements.in
	/tmp/quanzi-lock/bin/pip freeze > requirements.txt
	/tmp/quanzi-lock/bin/pip install --quiet -r requirements-dev.in
	/tmp/quanzi-lock/bin/pip freeze --all | grep -v '^pip==' | grep -vxFf requirements.txt > requirements-dev.txt

# After changing UI strings: refresh locale/messages.pot and merge it into each catalogue, then translate.
# A plugin's strings go to its own plugins/NAME/locale/ (create the folder to start one).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k Message -k _ --no-wrap -o locale/messages.pot .
	$(BIN)/pybabel update -i locale/messages.pot -d locale --no-wrap
	for dir in plugins/*/locale; do plugin=$${dir%/locale}; \
	  $(BIN)/pybabel extract -F babel-plugin.cfg -k Message -k _ --no-wrap -o $$dir/messages.pot $$plugin && \
	  for lang in zh_CN en; do \
	    if [ -f $$dir/$$lang/LC_MESSAGES/messages.po ]; then $(BIN)/pybabel update -i $$dir/messages.pot -d $$dir -l $$lang --no-wrap; \
	    else $(BIN)/pybabel init -i $$dir/messages.pot -d $$dir -l $$lang --no-wrap; fi; done; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
