import json

import pytest

from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.formats import read_reviews


def write(path, content, mode="w"):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.fixture
def acl_split(tmp_path, few_reviews):
    """A folder laid out like aclImdb/train, filled with real reviews."""
    root = tmp_path / "aclImdb" / "train"
    for folder in ("pos", "neg"):
        (root / folder).mkdir(parents=True)
    urls = {"pos": [], "neg": []}
    for index, review in enumerate(few_reviews[:10]):
        folder = review.label
        number = len(urls[folder])
        rating = 9 if folder == "pos" else 2
        (root / folder / f"{number}_{rating}.txt").write_text(review.text.replace("\n", "<br /><br />"), encoding="utf-8")
        urls[folder].append(f"http://www.imdb.com/title/tt00{index:05d}/usercomments")
    for folder, lines in urls.items():
        (root / f"urls_{folder}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_acl_imdb_folder(acl_split, few_reviews):
    reviews = list(read_reviews(str(acl_split)))
    assert len(reviews) == 10
    by_text = {r.text: r for r in reviews}
    for index, original in enumerate(few_reviews[:10]):
        review = by_text[original.text]  # <br /> became the same newlines again
        assert review.label == original.label
        assert review.metadata["movie_id"] == f"tt00{index:05d}"
        assert review.metadata["rating"] in (2, 9)
        assert review.metadata["review_id"].startswith(f"train/{original.label}/")


def test_acl_imdb_root_needs_a_split(acl_split):
    with pytest.raises(DataFormatError, match="point at one split folder"):
        list(read_reviews(str(acl_split.parent)))


def test_acl_imdb_bad_file_name(acl_split):
    (acl_split / "pos" / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"notes\.txt.*<id>_<rating>\.txt"):
        list(read_reviews(str(acl_split)))


def test_jsonl_with_metadata(tmp_path):
    path = write(tmp_path / "r.jsonl", '{"text": "Loved it.", "label": "positive", "movie_id": "tt1"}\n\n'
                                       '{"text": "Hated it.", "label": 0, "review_id": 7}\n')
    reviews = list(read_reviews(path))
    assert [(r.text, r.label) for r in reviews] == [("Loved it.", "pos"), ("Hated it.", "neg")]
    assert reviews[0].metadata == {"movie_id": "tt1"} and reviews[1].metadata == {"review_id": 7}


def test_csv_with_custom_columns(tmp_path):
    path = write(tmp_path / "r.csv", 'review,sentiment,id\n"Fine, really fine.",1,a\nBoring.,neg,b\n')
    reviews = list(read_reviews(path, text_field="review", label_field="sentiment"))
    assert [(r.text, r.label, r.metadata["id"]) for r in reviews] == [("Fine, really fine.", "pos", "a"), ("Boring.", "neg", "b")]


def test_unlabelled_rows_have_no_label(tmp_path):
    path = write(tmp_path / "r.jsonl", json.dumps({"text": "No label here."}) + "\n")
    assert list(read_reviews(path))[0].label is None


@pytest.mark.parametrize("name,content,message", [
    ("bad.jsonl", '{"text": "ok", "label": "pos"}\n{"text": "oops", "label": \n', r"bad\.jsonl, line 2: is not valid JSON"),
    ("empty.jsonl", '{"text": "ok", "label": "pos"}\n{"text": "  <br />", "label": "neg"}\n', r"line 2: field 'text' is empty"),
    ("label.jsonl", '{"text": "ok", "label": "great"}\n', r"line 1: unknown label 'great' in field 'label'; expected pos/neg"),
    ("notext.jsonl", '{"body": "ok", "label": "pos"}\n', r"line 1: has no 'text' field"),
    ("list.jsonl", '["ok", "pos"]\n', r"line 1: expected a JSON object, got list"),
    ("cols.csv", "body,label\nok,pos\n", r"cols\.csv, line 1: has no 'text' column \(header: body, label\)"),
    ("extra.csv", "text,label\nok,pos\nfine,neg,surplus\n", r"extra\.csv, line 3: has more values"),
    ("label.csv", "text,label\nok,pos\nfine,maybe\n", r"line 3: unknown label 'maybe'"),
    ("notes.txt", "whatever", r"unsupported file type '\.txt'"),
])
def test_bad_input_names_file_line_and_expectation(tmp_path, name, content, message):
    path = write(tmp_path / name, content)
    with pytest.raises(DataFormatError, match=message):
        list(read_reviews(path))


def test_wrong_encoding_names_the_line(tmp_path):
    path = write(tmp_path / "latin.jsonl", '{"text": "ok", "label": "pos"}\n'.encode() + '{"text": "café", "label": "pos"}\n'.encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"latin\.jsonl, line 2: is not valid UTF-8"):
        list(read_reviews(path))


def test_missing_path_says_what_was_expected(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no such file or folder; expected 'train', 'validation' or 'test'"):
        read_reviews(str(tmp_path / "nope.jsonl"))


# ---- issue 12: nothing split, truncated or altered on the way in


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r"])
def test_jsonl_lines_split_at_newline_only(tmp_path, separator):
    """str.splitlines() would cut these lines in two; JSON Lines are separated by \\n only."""
    text = f"First part.{separator}Second part."
    path = write(tmp_path / "r.jsonl", json.dumps({"text": text, "label": "pos", "note": separator}, ensure_ascii=False)
                 + "\r\n" + json.dumps({"text": "Next.", "label": "neg"}) + "\n")
    reviews = list(read_reviews(path))
    assert len(reviews) == 2 and reviews[0].metadata == {"note": separator}
    assert reviews[0].text.startswith("First part.") and reviews[0].text.endswith("Second part.")
    assert reviews[1].text == "Next."


def test_jsonl_bom_at_start_is_dropped_anywhere_else_refused(tmp_path):
    line = json.dumps({"text": "Fine.", "label": "pos"})
    assert [r.text for r in read_reviews(write(tmp_path / "a.jsonl", "\ufeff" + line + "\n"))] == ["Fine."]
    with pytest.raises(DataFormatError, match=r"b\.jsonl, line 2: is not valid JSON"):
        list(read_reviews(write(tmp_path / "b.jsonl", line + "\n\ufeff" + line + "\n")))


@pytest.mark.parametrize("line,message", [
    ('{"text": "a", "text": "b"}', r"line 1: repeats the key 'text'"),
    ('{"text": "a", "meta": {"x": 1, "x": 2}}', r"line 1: repeats the key 'x'"),
    ('{"text": "a", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}", r"line 1: is nested too deeply"),
    ('{"text": "a", "n": ' + "9" * 5000 + "}", r"line 1: cannot be read as JSON"),
    ('{"text": "a\\ud800b"}', r"line 1: field 'text' holds a lone surrogate"),
    ('{"text": "a\x00b"}', r"line 1: is not valid JSON \(Invalid control character"),
    ("\x0c", r"line 1: is not valid JSON"),
])
def test_jsonl_hostile_lines_are_data_format_errors(tmp_path, line, message):
    with pytest.raises(DataFormatError, match=message):
        list(read_reviews(write(tmp_path / "h.jsonl", line + "\n")))


def test_jsonl_escaped_nul_is_kept(tmp_path):
    [review] = read_reviews(write(tmp_path / "n.jsonl", '{"text": "a\\u0000b"}\n'))
    assert review.text == "a\x00b"


def test_csv_keeps_unquoted_line_separator_lookalikes_and_counts_lines_at_newline(tmp_path):
    path = write(tmp_path / "r.csv", "\ufefftext,label,note\r\nGood\x0cfilm,pos,a\u2028b\r\n"
                                     '"Two\nlines",neg,c\r\nBad,maybe,d\r\n')
    with pytest.raises(DataFormatError, match=r"r\.csv, line 5: unknown label 'maybe'"):
        list(read_reviews(path))
    reviews = list(read_reviews(write(tmp_path / "ok.csv", "text,label,note\nGood\x0cfilm,pos,a\u2028b\n")))
    assert [(r.text, r.label, r.metadata) for r in reviews] == [("Good film", "pos", {"note": "a\u2028b"})]


@pytest.mark.parametrize("content,message", [
    ('text,label\n"never closed,pos\nmore,neg\n', r"line 2: is not valid CSV \(unexpected end of data\)"),
    ('text,label\n"quoted" then,pos\n', r"line 2: is not valid CSV"),
    ("text,label\nfine,pos\rmore,neg\n", r"line 2: is not valid CSV"),
    ("text,label\nfine\n", r"line 2: has fewer values \(1\)"),
    ("text,label,text\nfine,pos,again\n", r"line 1: names the column\(s\) 'text' more than once"),
])
def test_csv_broken_records_are_refused_not_guessed(tmp_path, content, message):
    with pytest.raises(DataFormatError, match=message):
        list(read_reviews(write(tmp_path / "b.csv", content)))


def test_csv_fields_over_python_default_limit_are_read_whole(tmp_path):
    text = "A long review. " * 20_000  # 300 KB, over csv's 128 KiB default
    path = tmp_path / "big.tsv"
    path.write_text("text\tlabel\n" + '"' + text + '"\tpos\n', encoding="utf-8")
    [review] = read_reviews(str(path))
    assert review.text == text.strip()


def test_acl_imdb_urls_split_at_newline_only_and_hidden_files_skipped(acl_split):
    lines = (acl_split / "urls_pos.txt").read_text(encoding="utf-8").split("\n")
    lines.insert(0, "odd\x0cline\u2028with separators")  # line 0 is now review 0's url
    (acl_split / "urls_pos.txt").write_text("\n".join(lines), encoding="utf-8")
    (acl_split / "pos" / ".DS_Store").write_bytes(b"\x00\xff")
    reviews = [r for r in read_reviews(str(acl_split)) if r.label == "pos"]
    by_id = {r.metadata["review_id"]: r.metadata.get("movie_id") for r in reviews}
    # review 0 has no movie now; review k has what was line k - 1, not a shifted neighbour's
    assert by_id["train/pos/0"] is None
    assert by_id["train/pos/1"] == lines[1].split("/title/")[1].split("/")[0]


def test_acl_imdb_repeated_id_is_refused(acl_split):
    (acl_split / "neg" / "00_2.txt").write_text("Another review with id 0.", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"00_2\.txt: has the review id 0 of 0_2\.txt"):
        list(read_reviews(str(acl_split)))
