"""CSV and TSV fuzzed: files written by Python's `csv` writer (either quoting style, either
line ending) are read with every cell intact; broken ones are refused with a
`DataFormatError` naming the file and the line where the bad record starts."""
import csv
import io

import pytest
from hypothesis import given, strategies as st

from fuzz_inputs import (BAD_UTF8, BOM, FUZZ, KEYS, NEAR_MISSES, Tally, readable, review_text, spelled_label)
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.formats import read_reviews
from textflix_lib.data.imdb import clean_review

TALLY = Tally("csv/tsv")

CELLS = st.one_of(st.text(max_size=12).filter(lambda s: not any("\ud800" <= c <= "\udfff" for c in s)),
                  st.sampled_from(["", "tt0453418", "7", "  padded  ", "a,b", "a\tb", 'say "hi"', "line\nbreak",
                                   "cr\rhere", "\u2028", "\x0c", "\x00", "\ufeff", "=1+1"]))


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield TALLY
    TALLY.report()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def label_cell():
    """(cell, expected label or 'bad')."""
    kind = st.sampled_from(["spelled"] * 6 + ["empty", "bad"])
    return kind.flatmap(lambda k: {
        "spelled": st.sampled_from(["pos", "neg"]).flatmap(lambda l: spelled_label(l).map(lambda s, l=l: (s, l))),
        "empty": st.just(("", None)),
        "bad": st.sampled_from(NEAR_MISSES).map(lambda s: (s, "bad"))}[k])


@st.composite
def csv_file(draw):
    """(extension, text_field, label_field, bytes, expected reviews, error line, error kind)."""
    delimiter, extension = draw(st.sampled_from([(",", ".csv"), ("\t", ".tsv")]))
    custom = draw(st.booleans())
    text_field, label_field = ("review", "sentiment") if custom else ("text", "label")
    taken = {text_field, label_field}
    extras = draw(st.lists(KEYS.filter(lambda k: k not in taken and k != ""), max_size=3, unique=True))
    if custom and draw(st.booleans()):
        extras.append("text")  # a column named like the default text field is just metadata here
    has_label = draw(st.booleans()) or draw(st.booleans())
    header = draw(st.permutations([text_field] + ([label_field] if has_label else []) + extras))
    terminator = draw(st.sampled_from(["\r\n", "\n"]))
    # Python's writer quotes a field holding "\r" only when "\r" is in its line terminator
    quoting = csv.QUOTE_ALL if terminator == "\n" else draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))

    pieces, starts = [], []  # the file's text, record by record, and the line each starts on
    line = 1

    def add(piece):
        nonlocal line
        pieces.append(piece)
        starts.append(line)
        line += piece.count("\n")

    def written(row):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=terminator, quoting=quoting).writerow(row)
        return out.getvalue()

    expected, first_error, kind = [], None, None

    def fail(what):
        nonlocal first_error, kind
        if first_error is None:
            first_error, kind = starts[-1], what

    header_problem = draw(st.sampled_from([None] * 30 + ["no text column", "repeated column"]))
    if header_problem == "no text column":
        header = [name if name != text_field else text_field.upper() + "_" for name in header]
    elif header_problem == "repeated column":
        header = header + [draw(st.sampled_from(header))]
    add(written(header))
    if header_problem:
        fail(header_problem)

    for _ in range(draw(st.integers(1, 5))):
        choice = draw(st.sampled_from(["valid"] * 6 + ["blank", "empty cells"] + ["broken"] * 2))
        if choice == "blank":
            add(terminator)
            continue
        text = draw(review_text())
        cell, label = draw(label_cell())
        values = {name: draw(CELLS) for name in header}
        values[text_field] = text
        if has_label:
            values[label_field] = cell
        row = [values[name] for name in header]
        if choice == "empty cells":
            row = [""] * len(header)
        if choice == "broken":
            problem = draw(st.sampled_from(["more values", "fewer values", "text after quote", "unclosed quote",
                                            "bare CR", "empty text", "bad label"]))
            if problem == "more values":
                row = row + [draw(CELLS)]
            elif problem == "fewer values":
                row = row[:-1]
            elif problem in ("empty text", "bad label"):
                values[text_field] = draw(st.sampled_from(["", " ", "<br />", "\t", "<b></b>"])) \
                    if problem == "empty text" else text
                if problem == "bad label":
                    if not has_label:
                        problem = "empty text"
                        values[text_field] = " "
                    else:
                        values[label_field] = draw(st.sampled_from(NEAR_MISSES))
                row = [values[name] for name in header]
            if problem in ("text after quote", "unclosed quote", "bare CR"):
                raw = {"text after quote": f'"a good" film{delimiter}x',
                       "unclosed quote": f'"never closed{delimiter}pos',
                       "bare CR": f"a good film{delimiter}pos\rnext{delimiter}neg"}[problem]
                add(raw + terminator)
                fail(problem)
                if problem == "unclosed quote":
                    break  # everything after it is inside the quote
                continue
            add(written(row))
            if all(v == "" for v in row):
                continue  # a row of empty cells is skipped, whatever its length
            fail(problem)
            continue
        add(written(row))
        if all(v == "" for v in row):
            continue
        if not readable(text):
            fail("empty text")
        elif has_label and label == "bad":
            fail("bad label")
        else:
            metadata = {name: values[name] for name in header if name not in (text_field, label_field)}
            expected.append((clean_review(text), label if has_label else None, metadata))
    if draw(st.booleans()) and pieces[-1].endswith(terminator) and first_error is None:
        pieces[-1] = pieces[-1][: -len(terminator)]  # no line ending after the last record
    content = [p.encode("utf-8") for p in pieces]
    if draw(st.integers(0, 9)) == 7:
        at = draw(st.integers(0, len(content) - 1))
        cut = draw(st.integers(0, len(content[at])))
        content[at] = content[at][:cut] + draw(st.sampled_from(BAD_UTF8)) + content[at][cut:]
        first_error = starts[at] + content[at][:cut].count(b"\n")
        kind = "invalid UTF-8"
    data = (BOM if draw(st.booleans()) else b"") + b"".join(content)
    return extension, text_field, label_field, data, expected, first_error, kind


@FUZZ
@given(csv_file())
def test_csv_is_read_intact_or_refused_at_the_right_line(folder, case):
    extension, text_field, label_field, data, expected, first_error, kind = case
    path = str(folder / f"reviews{extension}")
    with open(path, "wb") as handle:
        handle.write(data)
    if first_error is None:
        reviews = list(read_reviews(path, text_field=text_field, label_field=label_field))
        assert [(r.text, r.label, r.metadata) for r in reviews] == expected
        for review, (_, _, metadata) in zip(reviews, expected):
            assert list(review.metadata) == list(metadata)  # the header's order
        TALLY.add("read intact")
        TALLY.counts["reviews read"] += len(reviews)
    else:
        with pytest.raises(DataFormatError) as caught:
            list(read_reviews(path, text_field=text_field, label_field=label_field))
        error = caught.value
        assert error.path == path and error.line == first_error, (kind, str(error)[:300])
        assert str(error).startswith(f"{path}, line {first_error}: ")
        TALLY.add("refused")
        TALLY.counts[f"refused: {kind}"] += 1


def test_the_fuzzer_saw_enough(tally):
    from fuzz_inputs import EXAMPLES

    if tally.counts["inputs"] == 0:
        pytest.skip("run together with the fuzz test")
    assert tally.counts["inputs"] >= min(EXAMPLES, 1000)
    assert tally.counts["read intact"] >= 0.25 * tally.counts["inputs"]
    assert tally.counts["refused"] >= 0.2 * tally.counts["inputs"]
