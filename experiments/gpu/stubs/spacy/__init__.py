"""Stand-in for spaCy (see experiments/gpu/stubs/_textflix_stub.py). AllenNLP imports spacy,
spacy.tokens.Token/Doc, spacy.language.Language and spacy.cli.download.download at import."""
from _textflix_stub import stub_function

__version__ = "0.0.0+textflix.stub"
TEXTFLIX_STUB = True

load = stub_function("spacy.load")
blank = stub_function("spacy.blank")

from spacy import tokens, language  # noqa: E402,F401
