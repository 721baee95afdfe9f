"""The predictors' JSON input fuzzed, as `allennlp predict` reads it (one line at a time,
through the line-numbered reader of `textflix_compat`): a valid line gives one output line
with every pass-through field unchanged and offsets that point into the text as sent; an
invalid line raises `DataFormatError` naming the file and the line, and nothing else."""
import json

import pytest
from allennlp.commands.predict import _PredictManager
from allennlp.predictors import Predictor
from hypothesis import given, strategies as st

from fuzz_inputs import AWKWARD, FUZZ, JSON_VALUES, KEYS, Tally, readable, real_reviews, same_json
from textflix_lib.data.errors import DataFormatError

_TEXT_CHARS = st.characters()  # surrogates included: JSON escapes can carry them


@st.composite
def predictor_text(draw) -> str:
    kind = draw(st.sampled_from(["real"] * 3 + ["short"] * 4 + ["awkward"] * 4 + ["blank"]))
    if kind == "real":
        return draw(st.sampled_from(real_reviews()))
    if kind == "short":
        return draw(st.text(_TEXT_CHARS, min_size=1, max_size=40))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "\n\t", "<br /><br />", " &nbsp; ", "\u3000"]))
    pieces = st.lists(st.one_of(st.sampled_from(AWKWARD), st.text(_TEXT_CHARS, max_size=8),
                                st.sampled_from(["Good film.", "Bad acting!", "It?It's", " ", "<script>x</script>",
                                                 "\ud800", "\udfff"])),
                      min_size=1, max_size=20)
    return "".join(draw(pieces))


@st.composite
def predictor_line(draw):
    """(line, expected): expected is the input object for a valid line, or the reason it is not."""
    kind = draw(st.sampled_from(["valid"] * 6 + ["no text", "not a string", "not an object", "not json"]))
    extras = draw(st.dictionaries(KEYS.filter(lambda k: k not in ("text", "sentence")), JSON_VALUES, max_size=4))
    key = draw(st.sampled_from(["text", "text", "sentence"]))
    if kind == "valid":
        record = {key: draw(predictor_text()), **extras}
        line = json.dumps(record, ensure_ascii=draw(st.booleans()))
        if not _encodable(line):  # a lone surrogate written raw: not UTF-8 on disk
            return line, "bad utf-8"
        return line, (record if readable_text(record[key]) else "empty")
    if kind == "no text":
        return json.dumps(extras), kind
    if kind == "not a string":
        return json.dumps({key: draw(JSON_VALUES.filter(lambda v: not isinstance(v, str))), **extras}), kind
    if kind == "not an object":
        return json.dumps(draw(st.one_of(st.lists(JSON_VALUES, max_size=3), st.integers(), st.text(max_size=5)))), kind
    return draw(st.sampled_from(['{"text": "a",}', "{text: 1}", "[1, 2", '"unterminated', '{"text": "a"} x',
                                 "NaNx", "{'text': 'a'}"])), kind


def _encodable(line: str) -> bool:
    try:
        line.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def readable_text(text: str) -> bool:
    return readable(text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")) if text else False


@pytest.fixture(scope="module", params=["sentiment", "sentence_lime"])
def predictor(request, nbsvm_archive):
    args = {"num_samples": 16} if request.param == "sentence_lime" else {}
    tally = Tally(f"predictor:{request.param}")
    yield Predictor.from_path(str(nbsvm_archive), request.param, **args), tally
    tally.report()


def test_every_line_gives_an_output_or_names_itself(predictor, tmp_path_factory):
    predictor, tally = predictor
    path = tmp_path_factory.mktemp("predict") / "input.jsonl"

    @FUZZ
    @given(st.lists(predictor_line(), min_size=1, max_size=3))
    def check(lines):
        bom = "\ufeff" if lines[0][0].startswith("{") and len(lines[0][0]) % 3 == 0 else ""
        path.write_text(bom + "".join(line + "\n" for line, _ in lines), encoding="utf-8", errors="surrogatepass")
        manager = _PredictManager(predictor, str(path), None, 1, False, False)
        expected_error = next((n for n, (_, e) in enumerate(lines, start=1) if not isinstance(e, dict)), None)
        outputs = []
        try:
            for inputs in manager._get_json_data():
                outputs.append((inputs, predictor.predict_json(inputs)))
        except DataFormatError as error:
            assert expected_error is not None, f"a valid file was refused: {error}"
            assert error.path == str(path) and error.line == expected_error, error
            tally.add(f"refused: {lines[expected_error - 1][1]}")
            return
        assert expected_error is None, f"line {expected_error} ({lines[expected_error - 1][1]}) was accepted"
        assert len(outputs) == len(lines)  # one output per input line
        for (inputs, output), (_, record) in zip(outputs, lines):
            # offsets index the text as the JSON line decodes: an escaped surrogate pair
            # ("\ud800\udc00") is one character there, two in the generator's record
            text = inputs.get("text", inputs.get("sentence"))
            for key, value in record.items():
                if key not in ("text", "sentence") and key not in output:
                    raise AssertionError(f"pass-through field {key!r} is missing")
                if key not in ("text", "sentence") and key not in _OUTPUT_KEYS:
                    assert same_json(output[key], value), key
            assert output["label"] in predictor.labels
            assert sum(output["probs"].values()) == pytest.approx(1.0)
            for segment in output.get("segments", []):
                assert text[segment["start"]:segment["end"]] == segment["text"]
            json.loads(predictor.dump_line(output))  # the output line is valid JSON
            tally.add("predicted")

    check()


_OUTPUT_KEYS = {"label", "probability", "probs", "version", "unit", "segments", "highlights", "target", "intercept",
                "fit_r2", "num_features", "exact", "model_calls"}
