"""The bookkeeping of a scoring job whose output has one line per input line, in the input's
order, and that can be killed at any moment and run again.

- **Input**: JSON Lines read as `allennlp predict` reads them with textflix loaded
  (`textflix_compat`): split at ``\\n`` only, each line decoded as UTF-8 by itself (bad bytes
  are a `DataFormatError` naming the file and line), a byte-order mark at the start dropped,
  blank lines skipped (they give no output line). `.gz`, `.bz2`, `.xz`/`.lzma` files are read
  decompressed. Lines are numbered as in the file (1-based, blank lines counted), so errors
  name the line a user sees in an editor.
- **Chunks**: the non-blank lines cut in runs of `chunk_size`, counted from the first line of
  the file, so a chunk is the same whether a job starts fresh or resumes.
- **Manifest**: ``OUTPUT.manifest.json`` says what the output is the output of: the input's
  content (size, SHA-1, line count), the archive's SHA-1 and every option that changes the
  output (predictor, its arguments, overrides, batch and chunk size). A rerun with the same
  identity continues; a rerun with another identity is refused (`OutputMismatch`) unless
  `force` starts over.
- **Resume point**: the output's complete lines count as done; a torn last line (a kill in
  the middle of a write) is dropped, and the count is rounded down to a chunk boundary, so the
  chunk that was cut is redone whole and batches are the same as in an uninterrupted run.
- **Order**: `Reorderer` takes results as chunks finish, in any order, and gives them back in
  chunk order, so the writer writes lines in the input's order.

Plain Python, no AllenNLP.
"""
import bz2
import gzip
import hashlib
import json
import lzma
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Dict, Generic, Iterator, List, Optional, Tuple, TypeVar, Union

from textflix_lib.data.errors import DataFormatError

PathLike = Union[str, os.PathLike]
Line = Tuple[int, str]  # (line number in the file, the line's text)
T = TypeVar("T")

MANIFEST_SUFFIX = ".manifest.json"
MANIFEST_VERSION = 1


class OutputMismatch(ValueError):
    """The output file exists and belongs to another job (another input, archive or options)."""


def open_binary(path: PathLike) -> IO[bytes]:
    """`path` opened for reading bytes, decompressed by its suffix (.gz, .bz2, .xz, .lzma)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix in (".xz", ".lzma"):
        return lzma.open(path, "rb")
    return open(path, "rb")


def numbered_lines(path: PathLike, source: Optional[str] = None) -> Iterator[Line]:
    """``(number, line)`` for each non-blank line of the JSON-lines file `path` (its trailing
    newline kept, as `Predictor.load_line` gets it). `source` names the file in errors
    (default: `path`)."""
    for number, raw in _raw_lines(path):
        line = _decode(raw, number, source or str(path))
        if line.strip():
            yield number, line


def _raw_lines(path: PathLike) -> Iterator[Tuple[int, bytes]]:
    with open_binary(path) as handle:
        yield from enumerate(handle, start=1)  # split at b"\n" only


def _decode(raw: bytes, number: int, source: str) -> str:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataFormatError(source, f"is not valid UTF-8 (byte {error.start} of the line); save the file as "
                              "UTF-8", number) from None
    return line.removeprefix("\ufeff") if number == 1 else line


@dataclass(frozen=True)
class InputSummary:
    """What a job's input is: `lines` counts the non-blank lines (one output line each)."""

    path: str
    size: int
    sha1: str
    lines: int


def scan_input(path: PathLike, source: Optional[str] = None) -> InputSummary:
    """One pass over `path`: its SHA-1 (of the content as read), its non-blank lines, and a
    `DataFormatError` naming the line if one is not UTF-8, before any work starts."""
    digest, count = hashlib.sha1(), 0
    for number, raw in _raw_lines(path):
        digest.update(raw)
        if _decode(raw, number, source or str(path)).strip():
            count += 1
    return InputSummary(str(path), os.path.getsize(path), digest.hexdigest(), count)


def file_sha1(path: PathLike, block: int = 1 << 20) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        while True:
            data = handle.read(block)
            if not data:
                return digest.hexdigest()
            digest.update(data)


@dataclass(frozen=True)
class Chunk:
    """Lines `first` .. `first + len(lines) - 1` (counting non-blank lines from 0) of the input."""

    index: int
    first: int
    lines: List[Line]


def chunks(path: PathLike, chunk_size: int, start: int = 0, source: Optional[str] = None) -> Iterator[Chunk]:
    """The input's non-blank lines in chunks of `chunk_size`, from non-blank line `start` (a
    multiple of `chunk_size`), read lazily: a big file is never held whole in memory."""
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    if start % chunk_size:
        raise ValueError(f"start ({start}) must be a multiple of chunk_size ({chunk_size})")
    batch: List[Line] = []
    position = 0
    for line in numbered_lines(path, source):
        if position >= start:
            batch.append(line)
            if len(batch) == chunk_size:
                yield Chunk(position // chunk_size, position - chunk_size + 1, batch)
                batch = []
        position += 1
    if batch:
        yield Chunk((position - 1) // chunk_size, position - len(batch), batch)


def manifest_path(output: PathLike) -> Path:
    return Path(str(output) + MANIFEST_SUFFIX)


def complete_lines(output: PathLike) -> Tuple[int, int]:
    """``(complete lines, bytes they take)`` of `output`: a torn last line is not counted."""
    count, size = 0, 0
    with open(output, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            count += 1
            size += len(raw)
    return count, size


def _byte_offset_of_line(output: PathLike, line: int) -> int:
    size = 0
    with open(output, "rb") as handle:
        for _ in range(line):
            size += len(handle.readline())
    return size


def prepare_output(output: PathLike, identity: Dict[str, Any], total: int, chunk_size: int,
                   force: bool = False, about: Optional[Dict[str, Any]] = None) -> int:
    """Make `output` ready for a job with `identity` (a JSON-able dict) over `total` input
    lines; returns how many output lines are already done (a multiple of `chunk_size`, or
    `total`). Writes the manifest (with `about`: facts for people, such as the input's path,
    that are not compared). Raises `OutputMismatch` if `output` belongs to another job (or to
    none that we know of) and `force` is not set."""
    output, manifest = Path(output), manifest_path(output)
    has_output = output.is_file() and output.stat().st_size > 0
    if force:
        for path in (output, manifest):
            if path.exists():
                path.unlink()
        has_output = False
    elif manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(recorded, dict):
                raise ValueError(f"a {type(recorded).__name__}, not an object")
        except ValueError as error:
            raise OutputMismatch(f"{manifest} is not a manifest this command wrote ({error}); pass --force to "
                                 f"start {output} over") from None
        differences = [f"{key}: was {recorded.get('identity', {}).get(key)!r}, now {value!r}"
                       for key, value in identity.items() if recorded.get("identity", {}).get(key) != value]
        if differences:
            raise OutputMismatch(
                f"{output} holds the output of another job ({manifest} differs in "
                + "; ".join(differences) + "). Pass --force to overwrite it, or choose another --output-file")
    elif has_output:
        raise OutputMismatch(f"{output} exists and has no manifest ({manifest.name}), so it may be the output of "
                             "another input or model. Pass --force to overwrite it, or choose another --output-file")

    done = 0
    if has_output:
        done, _ = complete_lines(output)
        if done > total:
            raise OutputMismatch(f"{output} has {done} lines but the input has only {total}; pass --force to start "
                                 "over")
        if done < total:
            done -= done % chunk_size  # redo the chunk that was cut, whole
        with open(output, "r+b") as handle:
            handle.truncate(_byte_offset_of_line(output, done))
    elif output.exists():
        output.unlink()  # empty: nothing to keep
    output.parent.mkdir(parents=True, exist_ok=True)
    write_manifest(manifest, {"version": MANIFEST_VERSION, "identity": identity, "about": about or {}})
    return done


def write_manifest(path: Path, content: Dict[str, Any]) -> None:
    """Written whole or not at all (a temporary file renamed over it)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


class Reorderer(Generic[T]):
    """Takes ``(index, value)`` in any order and gives values back in index order, from `next_index`."""

    def __init__(self, next_index: int = 0) -> None:
        self.next_index = next_index
        self.waiting: Dict[int, T] = {}

    def add(self, index: int, value: T) -> List[T]:
        """`value` stored; returns the values that are now next in order (maybe none)."""
        if index < self.next_index or index in self.waiting:
            raise ValueError(f"index {index} was already given")
        self.waiting[index] = value
        ready = []
        while self.next_index in self.waiting:
            ready.append(self.waiting.pop(self.next_index))
            self.next_index += 1
        return ready

    def __len__(self) -> int:
        return len(self.waiting)
