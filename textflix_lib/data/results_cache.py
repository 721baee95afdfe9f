"""A resumable cache of finished results: one JSON object per line, appended and flushed as
each result is done, so that a job killed at any moment keeps everything it finished and a
rerun computes only what is missing. Used by `allennlp sp-lime` (explanations per input
line) and `allennlp textflix` (predictions and explanations per archive and review).

A kill can leave a torn last line; it is dropped (and cut from the file) when the cache is
opened. Any other unreadable line is an error naming the file and line: the cache is not
silently rebuilt. Plain Python, no AllenNLP.
"""
import json
import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, Union

from textflix_lib.data.errors import DataFormatError

Record = Dict[str, Any]


class ResultsCache:
    """
    # Parameters

    path : `str` or `Path`
        The JSON-lines file (created with its folder when the first result is added).
    key : `Callable[[dict], str]`
        The key of a stored record (e.g. its review digest and line).
    """

    def __init__(self, path: Union[str, os.PathLike], key: Callable[[Record], str]) -> None:
        self.path = Path(path)
        self.key = key
        self.records: Dict[str, Record] = {}
        self._handle = None
        if self.path.is_file():
            self._load()

    def _load(self) -> None:
        with open(self.path, "rb") as handle:
            content = handle.read()
        complete = content.rfind(b"\n") + 1
        if complete < len(content):  # a torn last line, from a killed writer
            tail = content[complete:]
            try:
                json.loads(tail)
                complete = len(content)  # a whole record that lacks only its newline
            except ValueError:
                with open(self.path, "r+b") as handle:
                    handle.truncate(complete)
                content = content[:complete]
        for number, line in _numbered(content.decode("utf-8", errors="strict")):
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError(f"a {type(record).__name__}")
                self.records[self.key(record)] = record
            except (ValueError, KeyError, TypeError) as error:
                raise DataFormatError(self.path, f"is not a result this cache wrote ({error}); delete the "
                                      "file to start over", number) from None

    def __contains__(self, key: str) -> bool:
        return key in self.records

    def __len__(self) -> int:
        return len(self.records)

    def get(self, key: str) -> Optional[Record]:
        return self.records.get(key)

    def add(self, record: Record) -> Record:
        """Store `record` now (written and flushed before this returns)."""
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a", encoding="utf-8")
        self._handle.write(json.dumps(record) + "\n")
        self._handle.flush()
        self.records[self.key(record)] = record
        return record

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> "ResultsCache":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _numbered(content: str) -> Iterator[Tuple[int, str]]:
    for number, line in enumerate(content.split("\n"), start=1):
        if line.strip():
            yield number, line
