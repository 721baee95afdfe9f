"""JSON Lines fuzzed: every generated file is either read with every field intact or refused
with a `DataFormatError` naming the file and the first bad line; nothing else escapes."""
import json

import pytest
from hypothesis import given, strategies as st

from fuzz_inputs import (BAD_UTF8, BOM, FUZZ, JSON_VALUES, KEYS, MISSING, Tally, bad_json_label, readable,
                         review_text, same_json, valid_json_label)
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.formats import read_reviews
from textflix_lib.data.imdb import clean_review

TALLY = Tally("jsonl")


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield TALLY
    TALLY.report()


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return str(tmp_path_factory.mktemp("fuzz") / "my reviews, v2.jsonl")


def dumps_pairs(pairs, ensure_ascii=True) -> str:
    """A JSON object from (key, value) pairs, keys repeated as given."""
    return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=ensure_ascii)}: {json.dumps(v, ensure_ascii=ensure_ascii)}"
                           for k, v in pairs) + "}"


@st.composite
def valid_record(draw):
    """(line, expected (text, label, metadata)) or, if the text cleans to nothing, an error."""
    text = draw(review_text())
    label_value, label = draw(valid_json_label())
    extras = draw(st.dictionaries(KEYS.filter(lambda k: k not in ("text", "label")), JSON_VALUES, max_size=3))
    special = draw(st.sampled_from(["", "", "", "nested", "long int"]))
    if special == "nested":  # deep, but within what Python's parser reads
        depth = draw(st.integers(1, 40))
        extras["nested"] = json.loads("[" * depth + "]" * depth)
    elif special == "long int":
        extras["big"] = int("7" * draw(st.integers(300, 4300)))
    pairs = [("text", text)] + ([] if label_value is MISSING else [("label", label_value)]) + list(extras.items())
    pairs = draw(st.permutations(pairs))
    line = dumps_pairs(pairs, ensure_ascii=draw(st.booleans()))
    line = draw(st.sampled_from(["", " ", "\t"])) + line + draw(st.sampled_from(["", " ", "\t "]))
    if not readable(text):
        return line, "empty text"
    metadata = {k: v for k, v in pairs if k not in ("text", "label")}
    return line, (clean_review(text), label, metadata)


GARBAGE = ["{'text': 'single quotes'}", "{text: \"a\"}", '{"text": "a",}', '{"text": "a" "label": "pos"}',
           "[1, 2", "}", '"unterminated', '{"text": "a"} {"text": "b"}', '{"text": "a"}\u2028{"text": "b"}',
           '{"text": "a"}\x00', "\x00", "\x0c", "\u2028", "\x85", "undefined", "{\"text\": 'x'}", "True",
           '{"text": "good", "n": 01}', '{"text": "good", "n": .5}', '{"text": "good", "n": +1}', "\\", "//",
           '{"text": "good"} // comment', "\x1a"]


@st.composite
def broken_line(draw, index: int, file_bom: bool):
    """(line, kind) of a line that must be refused."""
    kind = draw(st.sampled_from(["truncated", "garbage", "not an object", "raw control char", "missing text",
                                 "text not a string", "empty text", "lone surrogate", "bad label",
                                 "duplicate key", "too deep", "integer too long", "stray BOM"]))
    good = {"text": draw(review_text().filter(readable)), "label": "pos", "id": 3}
    if kind == "truncated":
        line = json.dumps(good)
        return line[:draw(st.integers(1, len(line) - 1))], kind
    if kind == "garbage":
        return draw(st.sampled_from(GARBAGE)), kind
    if kind == "not an object":
        return json.dumps(draw(st.one_of(st.lists(JSON_VALUES, max_size=3), st.text(max_size=5), st.integers(),
                                         st.none(), st.booleans(), st.just([good])))), kind
    if kind == "raw control char":
        char = chr(draw(st.integers(0, 0x1F).filter(lambda c: c != 0x0A)))
        return '{"text": "a good' + char + 'film", "label": "pos"}', kind
    if kind == "missing text":
        return json.dumps({draw(st.sampled_from(["Text", "review", "body", "text "])): good["text"], "label": "neg"}), kind
    if kind == "text not a string":
        return json.dumps({"text": draw(st.sampled_from([1, 1.5, None, True, [], {}, ["a good film"], {"t": "x"}]))}), kind
    if kind == "empty text":
        return json.dumps({"text": draw(st.sampled_from(["", " ", "<br />", "<br /><br />", " \n ", "<i></i>", "\t",
                                                         "\r\n", "\u2028" * 0 + "   "])), "label": "pos"}), kind
    if kind == "lone surrogate":
        surrogate = chr(draw(st.integers(0xD800, 0xDFFF)))
        return json.dumps({"text": good["text"][:10] + surrogate + good["text"][10:]}, ensure_ascii=True), kind
    if kind == "bad label":
        return json.dumps({"text": good["text"], "label": draw(bad_json_label())}), kind
    if kind == "duplicate key":
        where = draw(st.sampled_from(["text", "label", "extra", "nested"]))
        if where == "nested":
            return '{"text": "fine", "meta": ' + dumps_pairs([("a", 1), ("b", 2), ("a", 1)]) + "}", kind
        key = {"text": "text", "label": "label", "extra": "review_id"}[where]
        pairs = [("text", good["text"]), ("label", "pos"), ("review_id", 1), (key, draw(st.sampled_from(
            [good["text"], "pos", "neg", 1, 2])))]
        return dumps_pairs(draw(st.permutations(pairs))), kind
    if kind == "too deep":
        depth = draw(st.integers(50_000, 150_000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
        return '{"text": "good", "x": ' + opener * depth + "1" + closer * depth + "}", kind
    if kind == "integer too long":
        return '{"text": "good", "n": ' + "9" * draw(st.integers(4301, 20_000)) + "}", kind
    # a byte-order mark anywhere but at the very start of the file is not JSON
    if index == 0 and not file_bom:
        return "\ufeff\ufeff" + json.dumps(good), kind
    return "\ufeff" + json.dumps(good), kind


@st.composite
def jsonl_file(draw):
    """(bytes, expected reviews or None, expected error line or None, error kind)."""
    count = draw(st.integers(1, 5))
    file_bom = draw(st.booleans())
    broken = draw(st.booleans())
    lines, expected, first_error, kind = [], [], None, None
    for index in range(count):
        choice = draw(st.sampled_from(["valid"] * 5 + ["blank"] + (["broken"] * 2 if broken else [])))
        if choice == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t", " \t "])))
            continue
        if choice == "valid":
            line, outcome = draw(valid_record())
        else:
            line, outcome = draw(broken_line(index, file_bom))
        lines.append(line)
        if isinstance(outcome, str):
            if first_error is None:
                first_error, kind = index + 1, outcome
        else:
            expected.append(outcome)
    endings = [draw(st.sampled_from(["\n", "\n", "\r\n"])) for _ in lines]
    if not draw(st.booleans()):
        endings[-1] = ""  # no newline at the end of the file
    content = [(line + ending).encode("utf-8") for line, ending in zip(lines, endings)]
    if draw(st.integers(0, 9)) == 7:  # invalid UTF-8 in one line: found before anything is parsed
        at = draw(st.integers(0, len(content) - 1))
        cut = draw(st.integers(0, len(content[at])))
        content[at] = content[at][:cut] + draw(st.sampled_from(BAD_UTF8)) + content[at][cut:]
        # the bad byte's line: newlines before it (the cut may fall after this line's own "\n")
        first_error = sum(c.count(b"\n") for c in content[:at]) + content[at][:cut].count(b"\n") + 1
        kind = "invalid UTF-8"
    data = (BOM if file_bom else b"") + b"".join(content)
    return data, expected, first_error, kind


@FUZZ
@given(jsonl_file())
def test_jsonl_is_read_intact_or_refused_at_the_right_line(path, case):
    data, expected, first_error, kind = case
    with open(path, "wb") as handle:
        handle.write(data)
    if first_error is None:
        reviews = list(read_reviews(path))
        assert len(reviews) == len(expected)
        for review, (text, label, metadata) in zip(reviews, expected):
            assert review.text == text
            assert review.label == label
            assert same_json(review.metadata, metadata), (review.metadata, metadata)
        TALLY.add("read intact")
        TALLY.counts["reviews read"] += len(reviews)
    else:
        with pytest.raises(DataFormatError) as caught:
            list(read_reviews(path))
        error = caught.value
        assert error.path == path and error.line == first_error, (kind, str(error)[:300])
        assert str(error).startswith(f"{path}, line {first_error}: ")
        TALLY.add("refused")
        TALLY.counts[f"refused: {kind}"] += 1


def test_the_fuzzer_saw_enough(tally):
    """Runs after the fuzz test of this module (pytest keeps the file's order)."""
    from fuzz_inputs import EXAMPLES

    if tally.counts["inputs"] == 0:
        pytest.skip("run together with the fuzz test")
    assert tally.counts["inputs"] >= min(EXAMPLES, 1000)
    assert tally.counts["read intact"] >= 0.25 * tally.counts["inputs"]
    assert tally.counts["refused"] >= 0.25 * tally.counts["inputs"]
