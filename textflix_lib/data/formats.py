"""Readers for users' own review data: an ``aclImdb``-style folder, JSONL, or CSV/TSV.

Each yields :class:`~textflix_lib.data.imdb.Review` objects and raises
:class:`~textflix_lib.data.errors.DataFormatError` naming the file, the line and what was
expected when the input is not usable. Nothing else escapes for bad content (no
``KeyError``, ``UnicodeError``, ``RecursionError``, ``csv.Error``...); only a missing path is
a ``FileNotFoundError``. ``tests/fuzz/`` checks this on thousands of generated files.

What every format shares (deliberate choices, see docs/reliability.md):

- **Encoding**: UTF-8 only. One byte-order mark at the very start of a file is accepted and
  dropped (Windows tools write it); invalid UTF-8 is an error naming the line of the bad byte.
- **Lines** end with ``\n`` (a ``\r\n`` ending is accepted). No other character ends a line:
  U+2028, U+2029, U+0085, ``\x0b``, ``\x0c`` and a lone ``\r`` inside a review stay part of it,
  and line numbers in messages count ``\n`` only (what ``wc -l`` and editors count).
- **Text** is cleaned by :func:`~textflix_lib.data.imdb.clean_review` (``<br />`` to a line
  break, other tags removed, entities unescaped, runs of spaces and blank lines tidied) and
  otherwise kept exactly, NUL characters and all; a text that is empty after cleaning is an
  error, and so is one holding a lone surrogate (``"\ud800"`` in JSON), which is not a
  character and cannot be written back as UTF-8.
- **Labels**: ``null``/missing/``""`` means unlabelled; otherwise one of the spellings of
  :mod:`~textflix_lib.data.labels` (case and surrounding white space ignored; JSON booleans
  and the numbers 0/1, also as 0.0/1.0, accepted); anything else is an error.
- **Other fields** travel unchanged in ``metadata`` (JSON values with their types; CSV cells
  as strings).
"""
import csv
import io
import json
import os
import re
import sys
from typing import Any, Dict, Iterator, List, Optional, Tuple

from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.imdb import Review, clean_review
from textflix_lib.data.labels import ACCEPTED, NEGATIVE, POSITIVE, normalize_label

_ACL_FILE = re.compile(r"([0-9]+)_([0-9]+)\.txt")  # used with fullmatch: no "\n" after "$"
_IMDB_TITLE = re.compile(r"/title/(tt\d+)")


_BOM = "\ufeff"


def _decode(path: str, raw: bytes) -> str:
    """UTF-8 text without a leading byte-order mark."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataFormatError(
            path, f"is not valid UTF-8 (byte {error.start}); save the file as UTF-8", line
        ) from None
    return text[1:] if text.startswith(_BOM) else text


def _lines(content: str) -> Iterator[Tuple[int, str]]:
    """(line number, line) split at ``\n`` only, a trailing ``\r`` removed; the empty piece
    after a final newline is not a line."""
    pieces = content.split("\n")
    if pieces and pieces[-1] == "":
        pieces.pop()
    for number, line in enumerate(pieces, start=1):
        yield number, line[:-1] if line.endswith("\r") else line


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


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value, path: str, line: Optional[int], field: str) -> str:
    if not isinstance(value, str):
        raise DataFormatError(path, f"field '{field}' must be a string, got {type(value).__name__}", line)
    surrogate = _SURROGATE.search(value)
    if surrogate:
        raise DataFormatError(
            path, f"field '{field}' holds a lone surrogate {surrogate.group()!r} at character "
            f"{surrogate.start()}, which is not a character; expected text that can be saved as UTF-8", line)
    text = clean_review(value)
    if not text:
        raise DataFormatError(path, f"field '{field}' is empty; expected the review's text", line)
    return text


def read_acl_imdb(directory: str) -> Iterator[Review]:
    """A split folder of the official release (``aclImdb/train`` or ``aclImdb/test``):
    ``pos/`` and ``neg/`` hold ``<id>_<rating>.txt``; ``urls_pos.txt``/``urls_neg.txt`` give,
    line by line, the IMDB page of review ``<id>``, from which we take the movie id.

    Each file is one review (UTF-8, an optional BOM, cleaned as every text is); the label is
    the folder's. Hidden files (``.DS_Store``, editors' ``.swp``) are skipped; any other name
    that is not ``<id>_<rating>.txt``, a sub-folder, two files with one id (``7_8.txt``,
    ``007_8.txt``), an empty review or invalid UTF-8 is an error naming the file. Metadata: ``review_id`` (``<split>/<pos|neg>/<id>``), ``rating``
    and, when its line of the urls file names an IMDB title, ``movie_id``. A urls file is
    split at ``\n`` only, so line ``<id>`` is the ``<id>``-th ``\n``-ended line."""
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
        seen: Dict[int, str] = {}
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(class_dir, name)
            match = _ACL_FILE.fullmatch(name)
            if not match or not os.path.isfile(path):
                raise DataFormatError(path, "unexpected file name; expected <id>_<rating>.txt")
            review_id, rating = int(match.group(1)), int(match.group(2))
            if review_id in seen:
                raise DataFormatError(path, f"has the review id {review_id} of {seen[review_id]}; "
                                      "expected one file per id")
            seen[review_id] = name
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
    for _, line in _lines(_read_text(path)):
        match = _IMDB_TITLE.search(line)
        movies.append(match.group(1) if match else None)
    return movies


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return record


_JSON_SPACE = " \t\r"


def _json_lines(path: str, content: str) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """(line number, object) for each non-blank line; every problem a `DataFormatError`."""
    for number, line in _lines(content):
        if not line.strip(_JSON_SPACE):
            continue
        try:
            record = json.loads(line, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as error:
            raise DataFormatError(path, f"is not valid JSON ({error.msg}); expected one object per line", number) from None
        except _DuplicateKey as error:
            raise DataFormatError(path, f"repeats the key {error.args[0]!r} in one object; expected each key once",
                                  number) from None
        except RecursionError:
            raise DataFormatError(path, "is nested too deeply to read; expected one flat object per line", number) from None
        except ValueError as error:  # e.g. an integer longer than Python converts
            raise DataFormatError(path, f"cannot be read as JSON ({error})", number) from None
        if not isinstance(record, dict):
            raise DataFormatError(path, f"expected a JSON object, got {type(record).__name__}", number)
        yield number, record


def read_jsonl(path: str, text_field: str = "text", label_field: str = "label") -> Iterator[Review]:
    """One JSON object per line with the text, an optional label and any other fields,
    which travel as metadata (with their JSON types, nested values included).

    Lines are separated by ``\n`` only (JSON Lines; a ``\r\n`` ending is fine): U+2028,
    U+2029, U+0085 and other characters that ``str.splitlines`` would split at stay inside
    their string. Blank lines are skipped. Errors, each naming the line: invalid JSON
    (including raw control characters inside strings, which JSON forbids; ``\u0000`` escapes
    are fine and kept), a value that is not an object, a key repeated in one object (at any
    depth: which one was meant is unknowable, so we do not pick), nesting too deep for
    Python's parser, integers too long to convert (over 4,300 digits). ``NaN`` and
    ``Infinity`` are read as Python's json reads them."""
    for number, record in _json_lines(path, _read_text(path)):
        yield _record_to_review(record, path, number, text_field, label_field)


def _raise_field_size_limit() -> None:
    limit = sys.maxsize
    while csv.field_size_limit() < limit:
        try:
            csv.field_size_limit(limit)
        except OverflowError:  # a C long is 32 bits on some platforms
            limit = 2**31 - 1


def read_csv(
    path: str, text_field: str = "text", label_field: str = "label", delimiter: str = ","
) -> Iterator[Review]:
    """A CSV (or, with ``delimiter="\t"``, TSV) file with a header row naming at least the
    text column; other columns are metadata (strings, as written).

    Python's ``csv`` dialect (RFC 4180 quoting with ``"``), read strictly: a quoted field may
    hold the delimiter, quotes (doubled) and line breaks of any kind; outside quotes, records
    end at ``\n`` (or ``\r\n``) only, and every other character (U+2028, ``\x0c``, NUL, a quote
    inside an unquoted field) is kept as part of its field. Blank rows and rows of empty cells
    are skipped. Errors, each naming the line where the record starts (lines counted at
    ``\n``): a header without the text column or naming a column twice, a row with more or
    fewer values than the header, a bare ``\r`` outside quotes (old Mac line endings), text
    after a closing quote, a quote never closed (without strictness the rest of the file
    would silently become one review). Fields of any size are
    read (Python's default limit of 128 KiB a field is raised)."""
    content = _read_text(path)
    _raise_field_size_limit()
    # lines end at "\n" only (a "\r" before it belongs to the ending), as for JSON Lines
    rows = csv.reader(io.StringIO(content, newline="\n"), delimiter=delimiter, strict=True)
    start = 1
    try:
        header = next(rows, [])
        start = rows.line_num + 1
        if text_field not in header:
            raise DataFormatError(
                path, f"has no '{text_field}' column (header: {', '.join(header) or 'none'}); "
                "set text_field to the column that holds the review", 1
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise DataFormatError(path, f"names the column(s) {', '.join(map(repr, repeated))} more than "
                                  "once in its header; expected each column once", 1)
        for values in rows:
            line, start = start, rows.line_num + 1
            if not values or all(value == "" for value in values):
                continue
            if len(values) != len(header):
                more = "more" if len(values) > len(header) else "fewer"
                raise DataFormatError(path, f"has {more} values ({len(values)}) than the header's "
                                      f"{len(header)} columns", line)
            yield _record_to_review(dict(zip(header, values)), path, line, text_field, label_field)
    except csv.Error as error:
        raise DataFormatError(path, f"is not valid CSV ({error})", start) from None


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


def read_json_objects(path: str) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON-lines file, with `read_jsonl`'s
    checks (lines split at ``\\n`` only, invalid JSON, repeated keys, too deep, not an object),
    each raising `DataFormatError` naming the line. For files of any JSON objects (predictor
    inputs, explanations), not only reviews."""
    if not os.path.isfile(path):
        raise DataFormatError(path, "no such file; expected a JSON-lines file, one object per line")
    yield from _json_lines(path, _read_text(path))

