# article-extractor: every target creates .venv itself when it needs it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Lambda runs python3.13; prefer it locally, fall back to any Python >= 3.11.
PYTHON ?= $(shell for p in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The SAM CLI has a venv of its own: it requires boto3[crt], and awscrt in .venv would make boto3
# there load differently (and slower) than in the Lambda runtime, which has no awscrt.
SAM_CLI_VERSION := 1.170.0
SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
SAM_STAMP := $(SAM_VENV)/.installed-$(SAM_CLI_VERSION)
CODE_DIRS := $(wildcard functions tools tests bench training)

# SAM CLI runs offline here: no telemetry, a default region, the venv's python3 for the builds.
SAM_ENV := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} PATH="$(abspath $(BIN)):$$PATH"
BUILD_SOURCES := template.yaml $(shell find functions/article_extractor/article_extractor layers -type f -not -path '*/__pycache__/*' 2>/dev/null) functions/article_extractor/Makefile
BUILT := .aws-sam/build/template.yaml

.PHONY: help install browser test lint typecheck validate build deploy unit integration e2e deploy-tests demo serve bench fuzz faults clean

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.11 found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,local]'
	@touch $(STAMP)

$(SAM_STAMP):
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.11 found" >&2; exit 1; }
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SAM_VENV)/bin/python -m pip install --quiet 'aws-sam-cli==$(SAM_CLI_VERSION)'
	@touch $(SAM_STAMP)

install: $(STAMP) $(SAM_STAMP) ## create .venv (project + dev dependencies) and .venv-sam (SAM CLI)

# The review page's browser tests drive the system's Chromium (Playwright never downloads one).
browser: ## install Debian's chromium for the browser tests (as root with apt-get; else says how)
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		echo "chromium: $$(command -v chromium)"; \
	else \
		echo "no chromium: install Debian's (apt-get install chromium) or set CHROMIUM; the browser tests skip without it"; \
	fi

lint: $(STAMP) ## ruff (lint + format check)
	$(BIN)/ruff check $(CODE_DIRS)
	$(BIN)/ruff format --check $(CODE_DIRS)

typecheck: $(STAMP) ## mypy --strict over the function's code and the tools
	$(BIN)/mypy

validate: $(STAMP) $(SAM_STAMP) ## sam validate --lint and cfn-lint over template.yaml (offline)
	$(SAM_ENV) $(SAM) validate --lint
	$(BIN)/cfn-lint template.yaml

$(BUILT): $(STAMP) $(SAM_STAMP) $(BUILD_SOURCES)
	$(SAM_ENV) $(SAM) build
	@du -sb .aws-sam/build/ExtractorFunction .aws-sam/build/DependenciesLayer

build: $(BUILT) ## sam build: function package + arm64 dependencies layer in .aws-sam/build

deploy: build ## sam deploy --guided (needs AWS credentials; defaults in samconfig.toml)
	$(SAM_ENV) $(SAM) deploy --guided

test: lint typecheck validate build ## the whole suite: lint, types, template, build, all tests
	$(BIN)/python -m pytest

unit: $(STAMP) ## unit tests only (tests/unit)
	$(BIN)/python -m pytest tests/unit

integration: $(STAMP) ## integration tests only (tests/integration: the handler on in-process moto)
	$(BIN)/python -m pytest tests/integration

e2e: $(STAMP) ## end-to-end tests only (tests/e2e: moto's server on 127.0.0.1, worker processes)
	$(BIN)/python -m pytest tests/e2e

deploy-tests: build ## tests of the template and the built artifacts (tests/deploy; builds first)
	$(BIN)/python -m pytest tests/deploy

demo: $(STAMP) ## run the real pipeline on embedded moto over samples/ and print the results
	$(BIN)/article-extractor demo samples

serve: $(STAMP) ## keep the local stack running and process what you upload to it
	$(BIN)/article-extractor serve

DATASET ?= ../shared/data/trafilatura-eval
WCXB ?= ../shared/data/wcxb-dev
CLUTTER_DEV ?= ../shared/data/clutter-dev

bench: $(STAMP) ## benchmarks (never run in CI): quality on both sets (out-of-fold), in-body clutter, then speed, against stock trafilatura
	$(BIN)/python -m bench.quality --dataset $(DATASET) --folds training/folds
	$(BIN)/python -m bench.wcxb --dataset $(WCXB) --folds training/folds
	$(BIN)/python -m bench.clutter --dev-set $(CLUTTER_DEV)
	$(BIN)/python bench/speed.py --dataset $(DATASET)

fuzz: $(STAMP) ## long fuzz run of the whole processing path (not in CI)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest tests/unit/test_fuzz.py -q -p no:randomly

faults: $(STAMP) ## fault-injection run: 1,000 uploads, injected S3 faults, counts printed
	$(BIN)/python -m tests.e2e.fault_run --objects 1000 --workers 2

clean: ## remove .venv, .venv-sam and build output
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .mypy_cache .ruff_cache demo-output
