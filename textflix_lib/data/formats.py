"""Readers for users' own review data: an ``aclImdb``-style folder, JSONL, or CSV.

Each yields :class:`~textflix_lib.data.imdb.Review` objects and raises
:class:`~textflix_lib.data.errors.DataFormatError` naming the file, the line and what was
expected when the input is not usable.
"""
import csv
import json
import os
import re
from typing import Dict, Iterator, List, Optional

from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.imdb import Review, clean_review
from textflix_lib.data.labels import ACCEPTED, NEGATIVE, POSITIVE, normalize_label

_ACL_FILE = re.compile(r"^(\d+)_(\d+)\.txt$")
_IMDB_TITLE = re.compile(r"/title/(tt\d+)")


def _decode(path: str, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataFormatError(
            path, f"is not valid UTF-8 (byte {error.start}); save the file as UTF-8", line
        ) from None


def _read_text(path: str) -> str:
    with open(path, "rb") as handle:
        return _decode(path, handle.read())


def _label(value, path: str, line: Optional[int], field: str) -> str:
    label = normalize_label(value)
    if label is None:
        raise DataFormatError(
            path, f"unknown label {value!r} in field '{field}'; expected {ACCEPTED}", line
        )
    return label


def _text(value, path: str, line: Optional[int], field: str) -> str:
    if not isinstance(value, str):
        raise DataFormatError(path, f"field '{field}' must be a string, got {type(value).__name__}", line)
    text = clean_review(value)
    if not text:
        raise DataFormatError(path, f"field '{field}' is empty; expected the review's text", line)
    return text


def read_acl_imdb(directory: str) -> Iterator[Review]:
    """A split folder of the official release (``aclImdb/train`` or ``aclImdb/test``):
    ``pos/`` and ``neg/`` hold ``<id>_<rating>.txt``; ``urls_pos.txt``/``urls_neg.txt`` give,
    line by line, the IMDB page of review ``<id>``, from which we take the movie id."""
    if not os.path.isdir(os.path.join(directory, "pos")) and os.path.isdir(os.path.join(directory, "train")):
        raise DataFormatError(
            directory,
            "looks like the root of an aclImdb release; point at one split folder "
            f"({os.path.join(directory, 'train')} or {os.path.join(directory, 'test')})",
        )
    found = False
    for folder, label in (("neg", NEGATIVE), ("pos", POSITIVE)):
        class_dir = os.path.join(directory, folder)
        if not os.path.isdir(class_dir):
            continue
        found = True
        movies = _read_urls(os.path.join(directory, f"urls_{folder}.txt"))
        names = sorted(os.listdir(class_dir), key=lambda n: (len(n), n))
        for name in names:
            path = os.path.join(class_dir, name)
            match = _ACL_FILE.match(name)
            if not match:
                raise DataFormatError(path, "unexpected file name; expected <id>_<rating>.txt")
            review_id, rating = int(match.group(1)), int(match.group(2))
            text = clean_review(_read_text(path))
            if not text:
                raise DataFormatError(path, "is empty; expected the review's text")
            metadata = {"review_id": f"{os.path.basename(os.path.normpath(directory))}/{folder}/{review_id}",
                        "rating": rating}
            if review_id < len(movies) and movies[review_id]:
                metadata["movie_id"] = movies[review_id]
            yield Review(text, label, metadata)
    if not found:
        raise DataFormatError(directory, "has no pos/ or neg/ folder; expected an aclImdb split folder")


def _read_urls(path: str) -> List[Optional[str]]:
    if not os.path.exists(path):
        return []
    movies: List[Optional[str]] = []
    for line in _read_text(path).splitlines():
        match = _IMDB_TITLE.search(line)
        movies.append(match.group(1) if match else None)
    return movies


def read_jsonl(path: str, text_field: str = "text", label_field: str = "label") -> Iterator[Review]:
    """One JSON object per line with the text, an optional label and any other fields,
    which travel as metadata. Blank lines are skipped."""
    content = _read_text(path)
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFormatError(path, f"is not valid JSON ({error.msg}); expected one object per line", number) from None
        if not isinstance(record, dict):
            raise DataFormatError(path, f"expected a JSON object, got {type(record).__name__}", number)
        yield _record_to_review(record, path, number, text_field, label_field)


def read_csv(
    path: str, text_field: str = "text", label_field: str = "label", delimiter: str = ","
) -> Iterator[Review]:
    """A CSV with a header row naming at least the text column; other columns are metadata."""
    content = _read_text(path)
    reader = csv.DictReader(content.splitlines(keepends=True), delimiter=delimiter)
    header = reader.fieldnames or []
    if text_field not in header:
        raise DataFormatError(
            path, f"has no '{text_field}' column (header: {', '.join(header) or 'none'}); "
            "set text_field to the column that holds the review", 1
        )
    try:
        for row in reader:
            if None in row:
                raise DataFormatError(path, f"has more values than the header's {len(header)} columns", reader.line_num)
            if all(value in (None, "") for value in row.values()):
                continue
            yield _record_to_review(row, path, reader.line_num, text_field, label_field)
    except csv.Error as error:
        raise DataFormatError(path, f"is not valid CSV ({error})", reader.line_num) from None


def _record_to_review(record: Dict, path: str, line: int, text_field: str, label_field: str) -> Review:
    if text_field not in record:
        raise DataFormatError(path, f"has no '{text_field}' field; expected the review's text there", line)
    text = _text(record[text_field], path, line, text_field)
    raw_label = record.get(label_field)
    label = None if raw_label in (None, "") else _label(raw_label, path, line, label_field)
    metadata = {k: v for k, v in record.items() if k not in (text_field, label_field)}
    return Review(text, label, metadata)


def read_reviews(path: str, text_field: str = "text", label_field: str = "label") -> Iterator[Review]:
    """Dispatch on what ``path`` is: a folder (aclImdb layout), ``.jsonl``/``.json``, or ``.csv``/``.tsv``."""
    if os.path.isdir(path):
        return read_acl_imdb(path)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{path}: no such file or folder; expected 'train', 'validation' or 'test' (the "
            "embedded IMDB split), an aclImdb split folder, a .jsonl or a .csv file"
        )
    extension = os.path.splitext(path)[1].lower()
    if extension in (".jsonl", ".json", ".ndjson"):
        return read_jsonl(path, text_field, label_field)
    if extension in (".csv", ".tsv"):
        return read_csv(path, text_field, label_field, "\t" if extension == ".tsv" else ",")
    raise DataFormatError(path, f"unsupported file type '{extension}'; expected .jsonl or .csv, or an aclImdb folder")
