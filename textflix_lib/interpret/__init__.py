"""AllenNLP `allennlp.interpret` components."""
from textflix_lib.interpret.lime import LimeInterpreter  # noqa: F401
