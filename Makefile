# 镇务 Zhenwu — two commands: `make run` (serve the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
export ZHENWU_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-pg lint check bench soak screenshots messages install deps-system clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "需要 python3-venv：apt-get install -y python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

## make run — install, migrate, load the demo on first start, serve on 127.0.0.1:$(PORT)
run: $(STAMP)
	$(BIN)/zhenwu migrate --noinput
	$(BIN)/zhenwu collectstatic --noinput --verbosity 0
	@if ! $(BIN)/zhenwu shell -c "from zhenwu.core.models import Town; import sys; sys.exit(0 if Town.objects.exists() else 1)"; then \
	  echo "首次启动：载入南口镇2025年演示数据…"; $(BIN)/zhenwu demo; fi
	@echo ""
	@echo "  镇务已启动： http://127.0.0.1:$(PORT)/"
	@echo "  演示账号：admin（管理员）、leader（党委书记）、village1…village10（各村干部）、zhaoshang（招商办）"
	@echo "  演示密码：Zhenwu@2025（用 zhenwu demo --password 新密码 重设）"
	@echo "  接口文档： http://127.0.0.1:$(PORT)/api/v1/docs    按 Ctrl+C 停止。"
	@echo ""
	@# Time-driven jobs (month-end freezing …) every minute beside the web server; stopped with it.
	@(while true; do $(BIN)/zhenwu run-scheduled || true; sleep 60; done) & SCHED=$$!; \
	  trap 'kill $$SCHED 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn zhenwu.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
	  --access-logfile - --error-logfile - --timeout 120

## make test — lint, Django checks, migrations check, then every test (browser tests included)
test: $(STAMP) deps-system lint check
	ZHENWU_TESTING=1 $(BIN)/pytest -n 2 -q

## make test-pg — the whole suite against a throwaway local PostgreSQL cluster
test-pg: $(STAMP) deps-system
	bash scripts/with-postgres.sh $(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	ZHENWU_TESTING=1 $(BIN)/zhenwu check --fail-level WARNING
	ZHENWU_TESTING=1 $(BIN)/zhenwu makemigrations --check --dry-run
	ZHENWU_PRODUCTION=1 SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-key-xxxxxxxxxxxxxxxxxx \
	  ALLOWED_HOSTS=zhenwu.example.gov.cn $(BIN)/zhenwu check --deploy --fail-level WARNING

## Chromium and a CJK font for the browser tests (installed with apt when missing and root)
deps-system:
	@bash scripts/system-deps.sh

## make screenshots — refresh docs/screenshots/ from the browser journeys
screenshots: $(STAMP) deps-system
	ZHENWU_TESTING=1 ZHENWU_SCREENSHOTS=1 $(BIN)/pytest -q -p no:xdist tests/e2e

## make messages — refresh the English catalogue (needs gettext) and compile it. Labels are
## marked where they are declared (gettext_lazy in models.py, resources, core/fields.py).
messages: $(STAMP)
	cd zhenwu && ../$(BIN)/zhenwu makemessages -l en --no-obsolete --no-location
	cd zhenwu && ../$(BIN)/zhenwu compilemessages -l en

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

## make soak — the long checks kept out of `make test`: the slow import tests (pytest -m soak)
## and load, lock and kill-during-import against gunicorn (bench/soak.py), on SQLite and then
## on a throw-away PostgreSQL cluster (ten minutes or so)
soak: $(STAMP) deps-system
	ZHENWU_SOAK=1 ZHENWU_TESTING=1 $(BIN)/pytest -p no:xdist -q -m soak
	$(BIN)/python bench/soak.py
	bash scripts/with-postgres.sh $(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV) var/static
