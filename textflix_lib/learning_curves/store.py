"""The results of a sweep: one JSON line per finished run, appended by the driver only.

A line is written after its run has finished (trained, archived and scored on the test data),
in one `write` on a file opened for appending, then flushed to disk: a sweep killed at any
moment leaves either the whole line or, at worst, a torn last line without its newline, which
`read` skips (with a warning) and `append` seals off before writing. An interrupted run has no
line, so resuming the sweep runs it again.

Each key (config label, size, seed) may appear several times (a failed run retried, a config
edited since): the latest line counts.
"""
import json
import logging
import os
from typing import Any, Callable, Dict, Hashable, Iterable, List, Sequence, Tuple

from textflix_lib.learning_curves.plan import RunKey, RunSpec

logger = logging.getLogger(__name__)

RESULTS_FILE = "results.jsonl"
OK = "ok"
FAILED = "failed"


def record_key(record: Dict[str, Any]) -> RunKey:
    return (record["config"], int(record["size"]), int(record["seed"]))


class ResultStore:
    """An append-only JSONL file of run records (see the module docstring).

    # Parameters

    path : `str`
        The `.jsonl` file; created on the first `append`.
    key : `Callable`, optional (default = `record_key`: config, size and seed)
        What identifies a record; a line it cannot read a key from is skipped by `read`.
    what : `str`, optional
        Says what a line should hold, in the warning about an unreadable line.
    """

    def __init__(self, path: str, key: Callable[[Dict[str, Any]], Hashable] = record_key,
                 what: str = "one JSON run record with config, size and seed") -> None:
        self.path = str(path)
        self.key = key
        self.what = what

    def append(self, record: Dict[str, Any]) -> None:
        line = (json.dumps(record, sort_keys=True, default=str) + "\n").encode("utf-8")
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            if self._ends_torn():
                line = b"\n" + line  # keep the torn fragment on its own (skipped) line
            written = os.write(descriptor, line)
            while written < len(line):  # regular files write everything at once; be safe anyway
                written += os.write(descriptor, line[written:])
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def _ends_torn(self) -> bool:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return False
                handle.seek(-1, os.SEEK_END)
                return handle.read(1) != b"\n"
        except FileNotFoundError:
            return False

    def read(self) -> List[Dict[str, Any]]:
        """Every complete record, in the order written. Unreadable lines are skipped with a
        warning naming the file and line (a torn line is what an interrupted write leaves)."""
        if not os.path.exists(self.path):
            return []
        records = []
        with open(self.path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    self.key(record)
                except (ValueError, KeyError, TypeError) as error:
                    kind = "a torn last line" if not line.endswith("\n") else "an unreadable line"
                    logger.warning("%s:%d: skipping %s (%s); expected %s", self.path, number, kind, error,
                                   self.what)
                    continue
                records.append(record)
        return records


def latest(records: Iterable[Dict[str, Any]],
           key: Callable[[Dict[str, Any]], Hashable] = record_key) -> Dict[Any, Dict[str, Any]]:
    """The latest record of each key (by default each (config, size, seed))."""
    result: Dict[Any, Dict[str, Any]] = {}
    for record in records:
        result[key(record)] = record
    return result


def pending(
    plan: Sequence[RunSpec], records: Iterable[Dict[str, Any]], retry_failed: bool = True
) -> Tuple[List[RunSpec], Dict[str, int]]:
    """The runs of `plan` still to do, and counts of those skipped.

    A run is done when its latest record succeeded with the same config digest. A failed run
    is done too when `retry_failed` is false.
    """
    recorded = latest(records)
    todo: List[RunSpec] = []
    counts = {"recorded_ok": 0, "recorded_failed": 0, "config_changed": 0}
    for spec in plan:
        record = recorded.get(spec.key)
        if record is None:
            todo.append(spec)
        elif record.get("config_digest") != spec.config.digest:
            counts["config_changed"] += 1
            todo.append(spec)
        elif record.get("status") == OK:
            counts["recorded_ok"] += 1
        elif not retry_failed:
            counts["recorded_failed"] += 1
        else:
            todo.append(spec)
    return todo, counts
