# article-extractor: every target creates .venv itself when it needs it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs python3.13; prefer it locally, fall back to any Python >= 3.11.
PYTHON ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CODE_DIRS := $(wildcard functions tests bench)

.PHONY: help install test lint typecheck unit integration e2e demo serve bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.11 found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,local]'
	@touch $(STAMP)

install: $(STAMP) ## create .venv with the project and its dev dependencies

lint: $(STAMP) ## ruff (lint + format check)
	$(BIN)/ruff check $(CODE_DIRS)
	$(BIN)/ruff format --check $(CODE_DIRS)

typecheck: $(STAMP) ## mypy --strict over the function's code
	$(BIN)/mypy

test: lint typecheck ## the whole suite: lint, types, unit, integration, e2e
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP)
	$(BIN)/python -m pytest tests/integration

e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e

demo: $(STAMP) ## run the real pipeline on embedded moto over samples/ and print the results
	$(BIN)/article-extractor demo samples

serve: $(STAMP) ## keep the local stack running and process what you upload to it
	$(BIN)/article-extractor serve

bench: $(STAMP) ## benchmarks (never run in CI)
	@echo "no benchmarks yet (the quality and speed benchmarks come with their issues)"

clean: ## remove .venv and build output
	rm -rf $(VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache demo-output
