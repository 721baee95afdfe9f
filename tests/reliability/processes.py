"""Starting `allennlp` commands as real processes and killing them with SIGKILL, as an
out-of-memory killer, a pre-empted cloud machine or `kill -9` would: no handler runs, no
file is closed, nothing is flushed that was not flushed already."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional


REPO = Path(__file__).resolve().parents[2]
ALLENNLP = str(Path(sys.executable).parent / "allennlp")


def start(arguments: List[str], log: Path, env: Optional[dict] = None) -> subprocess.Popen:
    """`allennlp ARGUMENTS` from the repository root (its .allennlp_plugins loads textflix),
    in a session of its own so that it and everything it starts can be killed together."""
    environment = {**os.environ, **(env or {})}
    handle = open(log, "wb")
    return subprocess.Popen([ALLENNLP, *arguments], cwd=REPO, stdout=handle, stderr=subprocess.STDOUT,
                            env=environment, start_new_session=True)


def run(arguments: List[str], log: Path, timeout: float, env: Optional[dict] = None) -> None:
    process = start(arguments, log, env)
    try:
        code = process.wait(timeout)
    except subprocess.TimeoutExpired:
        kill(process)
        raise AssertionError(f"allennlp {' '.join(arguments[:2])} took over {timeout} s; log: {log}")
    assert code == 0, f"allennlp {arguments[0]} exited with {code}:\n{log.read_text(errors='replace')[-4000:]}"


def descendants(pid: int) -> List[int]:
    """Every process below `pid` (from /proc; Linux)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        parent = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def kill(process: subprocess.Popen) -> List[int]:
    """SIGKILL the process, every process it started (Ray's too) and its session; returns
    the ids killed once none of them is alive."""
    victims = [process.pid] + descendants(process.pid)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait(30)
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in victims[1:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return victims


def wait_until(condition: Callable[[], bool], process: subprocess.Popen, timeout: float, what: str,
               log: Path, interval: float = 0.05) -> None:
    """Poll `condition` until it holds; fail if the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"the process ended ({process.returncode}) before {what}:\n"
                                 f"{log.read_text(errors='replace')[-4000:]}")
        if time.monotonic() > deadline:
            kill(process)
            raise AssertionError(f"no {what} within {timeout} s; log: {log.read_text(errors='replace')[-3000:]}")
        time.sleep(interval)


def lines(path: Path) -> List[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
