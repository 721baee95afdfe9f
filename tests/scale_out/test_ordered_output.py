"""The plain bookkeeping of `allennlp predict-parallel`: numbered chunks of an input, the
output's manifest and resume point, results put back in order. No AllenNLP, no Ray."""
import gzip
import json
import random

import pytest

from textflix_lib.data.errors import DataFormatError
from textflix_lib.scale_out.ordered_output import (OutputMismatch, Reorderer, chunks, complete_lines, manifest_path,
                                                   numbered_lines, prepare_output, scan_input)

IDENTITY = {"input_sha1": "abc", "archive_sha1": "def", "batch_size": 2, "chunk_size": 4}


def write_lines(path, count, blank_every=0):
    lines = []
    for i in range(count):
        lines.append(json.dumps({"text": f"review {i}"}))
        if blank_every and i % blank_every == blank_every - 1:
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_lines_are_numbered_as_in_the_file_and_blank_ones_skipped(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes('\ufeff{"text": "a"}\n\n  \n{"text": "b\u2028c"}\r\n{"text": "d"}'.encode("utf-8"))
    assert [(n, json.loads(line)["text"]) for n, line in numbered_lines(path)] == [(1, "a"), (4, "b\u2028c"), (5, "d")]
    summary = scan_input(path)
    assert summary.lines == 3 and summary.size == path.stat().st_size

    packed = tmp_path / "in.jsonl.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    assert list(numbered_lines(packed)) == list(numbered_lines(path))
    assert scan_input(packed).sha1 == summary.sha1  # the content, not its packing

    path.write_bytes(b'{"text": "a"}\n{"text": "\xff"}\n')
    with pytest.raises(DataFormatError, match="is not valid UTF-8") as caught:
        scan_input(path, source="reviews.jsonl")
    assert (caught.value.path, caught.value.line) == ("reviews.jsonl", 2)


def test_chunks_are_the_same_whether_a_job_starts_or_resumes(tmp_path):
    path = tmp_path / "in.jsonl"
    write_lines(path, 11, blank_every=3)
    every = list(chunks(path, 4))
    assert [(c.index, c.first, len(c.lines)) for c in every] == [(0, 0, 4), (1, 4, 4), (2, 8, 3)]
    assert [n for c in every for n, _ in c.lines] == [n for n, _ in numbered_lines(path)]
    assert list(chunks(path, 4, start=4)) == every[1:]
    assert list(chunks(path, 4, start=12)) == []
    with pytest.raises(ValueError, match="multiple of chunk_size"):
        list(chunks(path, 4, start=3))


def test_a_fresh_output_gets_a_manifest(tmp_path):
    output = tmp_path / "deep" / "out.jsonl"
    assert prepare_output(output, IDENTITY, total=10, chunk_size=4, about={"input": "in.jsonl"}) == 0
    manifest = json.loads(manifest_path(output).read_text())
    assert manifest["identity"] == IDENTITY and manifest["about"] == {"input": "in.jsonl"}


def test_a_resumed_output_drops_its_torn_line_and_redoes_the_cut_chunk(tmp_path):
    output = tmp_path / "out.jsonl"
    prepare_output(output, IDENTITY, total=10, chunk_size=4)
    whole = "".join(json.dumps({"line": i}) + "\n" for i in range(6))
    output.write_text(whole + '{"line": 6, "tor', encoding="utf-8")
    assert complete_lines(output)[0] == 6
    # 6 complete lines: the chunk of lines 4-7 was cut, so it is redone whole
    assert prepare_output(output, IDENTITY, total=10, chunk_size=4) == 4
    assert output.read_text() == whole[:whole.index('{"line": 4}')]
    # a finished output is left as it is
    output.write_text("".join(json.dumps({"line": i}) + "\n" for i in range(10)), encoding="utf-8")
    assert prepare_output(output, IDENTITY, total=10, chunk_size=4) == 10
    assert len(output.read_text().splitlines()) == 10


def test_an_output_of_another_job_is_refused_unless_forced(tmp_path):
    output = tmp_path / "out.jsonl"
    output.write_text('{"mine": true}\n', encoding="utf-8")
    with pytest.raises(OutputMismatch, match="has no manifest"):
        prepare_output(output, IDENTITY, total=10, chunk_size=4)
    assert prepare_output(output, IDENTITY, total=10, chunk_size=4, force=True) == 0
    assert not output.exists()

    output.write_text('{"line": 0}\n', encoding="utf-8")
    with pytest.raises(OutputMismatch, match=r"differs in archive_sha1: was 'def', now 'xyz'"):
        prepare_output(output, {**IDENTITY, "archive_sha1": "xyz"}, total=10, chunk_size=4)
    with pytest.raises(OutputMismatch, match="has 1 lines but the input has only 0"):
        prepare_output(output, IDENTITY, total=0, chunk_size=4)
    manifest_path(output).write_text("not json")
    with pytest.raises(OutputMismatch, match="is not a manifest this command wrote"):
        prepare_output(output, IDENTITY, total=10, chunk_size=4)


def test_reorderer_gives_results_back_in_order():
    order = list(range(50))
    random.Random(0).shuffle(order)
    reorderer, given = Reorderer(), []
    for index in order:
        given.extend(reorderer.add(index, f"chunk {index}"))
    assert given == [f"chunk {i}" for i in range(50)] and len(reorderer) == 0
    with pytest.raises(ValueError, match="already given"):
        reorderer.add(3, "again")
