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
