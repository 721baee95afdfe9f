"""`allennlp predict-parallel`: `allennlp predict` on Ray workers, output in the input's order,
resumable. Real reviews, the NB-SVM fixture archive, Ray on this machine with two CPUs (and a
two-node test cluster for --ray-address). The
plain parts (chunks, manifest, resume point, order) are tested in
tests/scale_out/test_ordered_output.py; the kill and rerun through the command line is
tests/reliability/test_kill_predict_parallel.py."""
import argparse
import json

import pytest
from allennlp.common.checks import ConfigurationError

from textflix_lib.commands.predict_parallel import PredictParallel
from textflix_lib.data.errors import DataFormatError


@pytest.fixture
def local_ray():
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def run(*argv):
    parser = argparse.ArgumentParser(prog="allennlp")
    PredictParallel().add_subparser(parser.add_subparsers())
    args = parser.parse_args(["predict-parallel", *argv])
    return args.func(args)


def plain_predict(archive, input_file, output_file, batch_size):
    """What `allennlp predict ARCHIVE INPUT --predictor sentiment --output-file OUT --batch-size B
    --silent` writes (its own _PredictManager, as patched by textflix_compat)."""
    from allennlp.commands.predict import _PredictManager
    from allennlp.predictors import Predictor

    predictor = Predictor.from_path(str(archive), "sentiment")
    _PredictManager(predictor, str(input_file), str(output_file), batch_size, print_to_console=False,
                    has_dataset_reader=False).run()


@pytest.fixture(scope="module")
def reviews_file(tmp_path_factory, few_reviews):
    """The 40 reviews as input lines, as users' files come: a byte-order mark, blank lines,
    fields passed through."""
    path = tmp_path_factory.mktemp("parallel") / "reviews.jsonl"
    lines = [json.dumps({"text": r.text, "review_id": r.metadata["review_id"], "label": r.label})
             for r in few_reviews]
    lines.insert(7, "")
    lines.insert(20, "   ")
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_workers_write_what_allennlp_predict_writes_in_the_same_order(local_ray, nbsvm_archive, reviews_file,
                                                                          few_reviews, tmp_path, capsys):
    expected = tmp_path / "plain.jsonl"
    plain_predict(nbsvm_archive, reviews_file, expected, batch_size=3)
    output = tmp_path / "parallel.jsonl"
    # chunks of 6 lines (4 rounded up to whole batches of 3): 7 chunks; 3 workers asked for, but
    # this Ray has 2 CPUs: 2 workers (a third would wait for a CPU forever)
    report = run(str(nbsvm_archive), str(reviews_file), "--predictor", "sentiment", "--output-file", str(output),
                 "--batch-size", "3", "--chunk-size", "4", "--workers", "3")
    assert "--workers 3: the Ray cluster holds 2 workers of 1 CPUs each; starting 2" in capsys.readouterr().out
    assert report["workers"] == 2 and report["predicted"] == report["lines"] == len(few_reviews)
    assert output.read_bytes() == expected.read_bytes()
    written = [json.loads(line) for line in output.read_text().splitlines()]
    assert [w["review_id"] for w in written] == [r.metadata["review_id"] for r in few_reviews]
    assert {w["label"] for w in written} == {"pos", "neg"}

    # run again: nothing left to do, nothing changed, no worker started
    report = run(str(nbsvm_archive), str(reviews_file), "--predictor", "sentiment", "--output-file", str(output),
                 "--batch-size", "3", "--chunk-size", "4", "--workers", "2")
    assert report["predicted"] == 0 and report["workers"] == 0
    assert output.read_bytes() == expected.read_bytes()
    assert f"all {len(few_reviews)} lines done" in capsys.readouterr().out


def test_a_bad_line_is_named_and_the_chunks_before_it_are_kept(nbsvm_archive, few_reviews, tmp_path):
    reviews = tmp_path / "bad.jsonl"
    lines = [json.dumps({"text": r.text}) for r in few_reviews[:10]]
    lines[6] = '{"text": "a review cut off'
    reviews.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    arguments = [str(nbsvm_archive), str(reviews), "--predictor", "sentiment", "--output-file", str(output),
                 "--chunk-size", "4", "--workers", "0"]
    with pytest.raises(DataFormatError, match=r"cannot read this line \(JSONDecodeError") as caught:
        run(*arguments)
    assert (caught.value.path, caught.value.line) == (str(reviews), 7)
    assert len(output.read_text().splitlines()) == 4  # the first chunk, whole

    # the file fixed by hand is another input: refused, named, until --force
    lines[6] = json.dumps({"text": few_reviews[6].text})
    reviews.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"holds the output of another job .*input_sha1.*--force"):
        run(*arguments)
    report = run(*arguments, "--force")
    assert report["predicted"] == report["lines"] == 10

    # bytes that are not UTF-8 are found before any work, with their line
    reviews.write_bytes(b'{"text": "fine"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(DataFormatError, match="line 2: is not valid UTF-8"):
        run(*arguments, "--force")


def test_an_output_that_belongs_to_something_else_is_refused(nbsvm_archive, second_archive, reviews_file, tmp_path):
    output = tmp_path / "out.jsonl"
    output.write_text('{"some": "other file"}\n', encoding="utf-8")
    arguments = [str(reviews_file), "--predictor", "sentiment", "--output-file", str(output), "--workers", "0"]
    with pytest.raises(ConfigurationError, match=r"exists and has no manifest .*--force"):
        run(str(nbsvm_archive), *arguments)
    assert output.read_text() == '{"some": "other file"}\n'  # untouched

    run(str(nbsvm_archive), *arguments, "--force")
    with pytest.raises(ConfigurationError, match=r"differs in archive_sha1"):
        run(str(second_archive), *arguments)
    with pytest.raises(ConfigurationError, match=r"differs in batch_size: was 1, now 8"):
        run(str(nbsvm_archive), *arguments, "--batch-size", "8")


def test_stdin_is_refused_with_a_reason(nbsvm_archive, tmp_path):
    with pytest.raises(ConfigurationError, match="stdin is not supported"):
        run(str(nbsvm_archive), "-", "--output-file", str(tmp_path / "out.jsonl"))


# --ray-address: the workers run on another node than the driver. Ray's own test cluster (two
# nodes on this machine, the head with no CPUs, so every worker must go to the other node)
# stands in for a real one, as in tests/learning_curves/test_cluster.py.
def test_workers_on_another_node_write_what_allennlp_predict_writes(nbsvm_archive, few_reviews, tmp_path, capsys):
    import ray
    from ray.cluster_utils import Cluster

    reviews = tmp_path / "reviews.jsonl"
    reviews.write_text("".join(json.dumps({"text": r.text, "n": i}) + "\n" for i, r in enumerate(few_reviews[:24])),
                       encoding="utf-8")
    expected, output = tmp_path / "plain.jsonl", tmp_path / "cluster.jsonl"
    plain_predict(nbsvm_archive, reviews, expected, batch_size=4)

    assert not ray.is_initialized()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        cluster.add_node(num_cpus=1)
        # no --workers: as many as the cluster holds (one CPU: one worker)
        report = run(str(nbsvm_archive), str(reviews), "--predictor", "sentiment", "--output-file", str(output),
                     "--batch-size", "4", "--chunk-size", "8", "--ray-address", cluster.address)
        assert not ray.is_initialized()  # the command connected, so the command disconnected
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()
    assert report["workers"] == 1 and report["predicted"] == 24
    assert output.read_bytes() == expected.read_bytes()
    assert "24 lines predicted on 1 Ray workers" in capsys.readouterr().out
