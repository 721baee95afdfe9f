"""AllenNLP `allennlp.interpret` components."""
