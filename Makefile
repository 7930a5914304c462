# RecScope: `make run` opens the app on the demo data, `make test` runs every test.
# Both set everything up first (system packages for Qt, .venv, the project itself).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test test-core lint i18n i18n-check setup system bench bench-peers-venv bench-peers screenshot package package-check clean

setup: system $(STAMP)

system:
	@bash packaging/system-packages.sh

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# torch: the CPU build (local wheel where configured, else PyTorch's CPU index)
	@$(PY) -m pip install -q "torch==2.13.0+cpu" 2>&1 | grep -v "is ignored" ; \
	 $(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q "torch==2.13.0+cpu" --extra-index-url $(TORCH_CPU_INDEX)
	@$(PY) -m pip install -q -c constraints.txt -e ".[dev]" 2>&1 | grep -v "is ignored" ; \
	 $(PY) -c "import engine, desktop, PySide6, pyqtgraph, shap, safetensors" || { echo "dependency install failed"; exit 1; }
	@touch $(STAMP)

SCREENSHOT := build/screenshots/start.png

# Without a display the app cannot be seen: say so and write a picture of the start screen instead.
run: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(PY) -m desktop; \
	 else echo "No display found: RecScope is a desktop app and needs one (log in to a desktop, or use ssh -X)."; \
	      echo "Writing a picture of the start screen instead: $(SCREENSHOT)"; \
	      QT_QPA_PLATFORM=offscreen $(PY) -m desktop --screenshot $(SCREENSHOT); fi

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# Every test as a clean clone sees it: ../shared/data hidden, its tests skip (core checks all run).
test-core: setup
	RECSCOPE_SHARED_DATA=none QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# The house rules (docs/ARCHITECTURE.md): ruff, the import contracts (layers, no engine->Qt,
# no desktop->compute libraries) and mypy on the engine's public API.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

# Translations (tools/i18n.py): `make i18n` collects the wrapped desktop strings into
# resources/i18n/*.ts (pyside6-lupdate) and the engine's _() messages into engine/i18n/locale/*/*.po, then
# compiles both (.qm, .mo; committed). `make i18n-check` lists every user-visible string without a
# translation and exits 1 while any remain (only needs the venv, never reinstalls: a few seconds).
i18n: $(STAMP)
	$(PY) tools/i18n.py update

i18n-check:
	@test -x $(PY) || $(MAKE) setup
	$(PY) tools/i18n.py check

# A picture of the start screen on the demo data (under build/: never a tracked file).
screenshot: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m desktop --screenshot $(SCREENSHOT)

bench: setup
	$(PY) bench/bench_ease.py

# Peer recommender libraries for bench/peers.py, in their own environment (never the app's):
# implicit, LensKit (2025.8.1: the newest for Python 3.11; needs pandas < 3) and Cornac, with the
# same CPU-only torch build as the app (LensKit needs torch).
PEERS_VENV := bench/.venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed
$(PEERS_STAMP):
	@test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	@$(PEERS_VENV)/bin/python -m pip install -q "torch==2.13.0+cpu" 2>&1 | grep -v "is ignored" ; \
	 $(PEERS_VENV)/bin/python -c "import torch" 2>/dev/null || $(PEERS_VENV)/bin/python -m pip install -q "torch==2.13.0+cpu" --extra-index-url $(TORCH_CPU_INDEX)
	$(PEERS_VENV)/bin/python -m pip install -q "torch==2.13.0+cpu" "implicit==0.7.3" "lenskit==2025.8.1" "pandas<3" "cornac==3.0.1" 2>&1 | grep -v "is ignored" ; true
	@$(PEERS_VENV)/bin/python -c "import implicit, lenskit, cornac, torch; assert torch.__version__ == '2.13.0+cpu', torch.__version__" || { echo "peer install failed"; exit 1; }
	@touch $(PEERS_STAMP)

bench-peers-venv: $(PEERS_STAMP)

bench-peers: setup bench-peers-venv
	nice -n 5 $(PY) bench/peers.py

package: setup
	@bash packaging/system-packages.sh --packaging
	nice -n 10 $(PY) packaging/build.py

# CI: build the bundle and run its self-test offline with traced writes (no archives: ~6 min of xz)
package-check: setup
	@bash packaging/system-packages.sh --packaging
	$(PY) packaging/build.py --no-archives

clean:
	rm -rf $(VENV) build dist .pytest_cache
