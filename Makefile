# Fresh machine: `make chat` or `make test`. Everything else is set up from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu \
	tesseract-ocr-spa tesseract-ocr-osd tmux fonts-dejavu-core

# llama.cpp is built for a portable x86-64 baseline (AVX2): a native build uses AMX where
# the CPU reports it, and that crashes in some virtual machines. Other machines build native.
LLAMA := $(shell grep -o 'llama-cpp-python==[0-9.]*' pyproject.toml)
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
endif

.PHONY: setup setup-test system chat test lint typecheck bench clean

setup: system $(VENV)/.installed

setup-test: system $(VENV)/.installed-test

system:
	@if dpkg -s $(SYSTEM_PACKAGES) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages: $(SYSTEM_PACKAGES)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	        $(SYSTEM_PACKAGES) >/dev/null) || echo "warning: apt-get failed; OCR needs tesseract-ocr"; \
	elif command -v tesseract >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1 \
	    && tesseract --list-langs 2>/dev/null | grep -q '^spa$$'; then :; \
	else \
	    echo "note: Tesseract OCR is missing. Install it with your package manager, e.g."; \
	    echo "      sudo apt-get install $(SYSTEM_PACKAGES)"; \
	    echo "      Everything else works; scanning images needs it."; \
	fi

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
	    { echo "error: Calvados needs Python >= 3.11 ($(PYTHON) is not); run: make PYTHON=python3.12 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.llama: pyproject.toml | $(VENV)/bin/python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir "$(LLAMA)"
	touch $@

$(VENV)/.installed: pyproject.toml | $(VENV)/.llama
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/.llama
	$(BIN)/pip install -q -e '.[test,distill]'
	touch $@ $(VENV)/.installed

chat: setup
	$(BIN)/calvados chat

test: setup-test
	$(BIN)/ruff check core plugins student_models tests bench
	$(BIN)/mypy core
	$(BIN)/pytest -q

lint: setup-test
	$(BIN)/ruff check core plugins student_models tests bench

typecheck: setup-test
	$(BIN)/mypy core

bench: setup
	$(BIN)/python bench/planner.py

clean:
	rm -rf $(VENV) build *.egg-info
