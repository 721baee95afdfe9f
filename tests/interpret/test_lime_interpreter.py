import pytest
from allennlp.interpret.saliency_interpreters import SaliencyInterpreter
from allennlp.predictors import Predictor


def test_lime_fits_allennlp_interpret(nbsvm_archive):
    predictor = Predictor.from_path(str(nbsvm_archive), "sentiment")
    interpreter = SaliencyInterpreter.by_name("lime")(predictor, num_samples=64)
    text = "The plot is thin. The acting is wonderful and the music is great. It runs two hours."
    result = interpreter.saliency_interpret_from_json({"text": text})["instance_1"]
    saliency = result["grad_input_1"]
    assert len(saliency) == len(result["segments"]) == 3
    assert sum(saliency) == pytest.approx(1.0) and min(saliency) >= 0
    assert result["label"] == predictor.predict(text)["label"]
    strongest = max(range(3), key=lambda i: saliency[i])
    assert abs(result["segments"][strongest]["weight"]) == max(abs(s["weight"]) for s in result["segments"])
