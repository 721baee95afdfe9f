"""`allennlp textflix` through the real command line: a JSONL file with titles, errors that
name the line, a build killed mid-way that resumes without losing or repeating work."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ALLENNLP = str(Path(sys.executable).parent / "allennlp")
ENV = {**os.environ, "ALLENNLP_LOG_LEVEL": "WARNING"}


def _run(*args, timeout=600):
    return subprocess.run([ALLENNLP, "textflix", *args], capture_output=True, text=True, env=ENV, timeout=timeout)


@pytest.fixture(scope="module")
def reviews_with_movies(tmp_path_factory, few_reviews):
    """24 real reviews in three titles (ids as the aclImdb reader gives them), and their CSV."""
    directory = tmp_path_factory.mktemp("movies")
    path = directory / "reviews.jsonl"
    movies = ["tt0111161", "tt0068646", "tt0000999"]
    with open(path, "w", encoding="utf-8") as handle:
        for i, review in enumerate(few_reviews[:24]):
            handle.write(json.dumps({"text": review.text, "label": review.label, "movie_id": movies[i % 3],
                                     "review_id": f"r{i}", "author": f"user{i}"}) + "\n")
    titles = directory / "titles.csv"
    titles.write_text("id,title,year\ntt0111161,The Shawshank Redemption,1994\ntt0068646,The Godfather,1972\n")
    return path, titles


@pytest.mark.slow
def test_builds_a_site_grouped_by_title(nbsvm_archive, second_archive, reviews_with_movies, tmp_path):
    reviews, titles = reviews_with_movies
    out = tmp_path / "site"
    result = _run("--model", f"nbsvm={nbsvm_archive}", "--model", f"nblr={second_archive}", str(reviews),
                  "--group-by", "movie_id", "--titles", str(titles), "-s", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"open {out.resolve() / 'index.html'}" in result.stdout
    manifest = (out / "data" / "manifest.js").read_text()
    assert "The Shawshank Redemption" in manifest and "tt0000999" in manifest  # no title invented
    assert len(list((out / "cache").glob("*.jsonl"))) == 2
    # a rerun explains nothing again
    again = _run("--model", f"nbsvm={nbsvm_archive}", "--model", f"nblr={second_archive}", str(reviews),
                 "--group-by", "movie_id", "--titles", str(titles), "-s", str(out))
    assert again.returncode == 0 and "explained in 0." in again.stdout


def test_a_bad_line_is_named(nbsvm_archive, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "A fine film.", "label": "pos"}\n{"text": "", "label": "neg"}\n')
    result = _run("--model", f"nbsvm={nbsvm_archive}", str(bad), "-s", str(tmp_path / "site"))
    assert result.returncode != 0
    assert "bad.jsonl, line 2" in result.stderr
    missing_group = _run("--model", f"nbsvm={nbsvm_archive}", "test", "--sample", "4", "--group-by", "movie_id",
                         "-s", str(tmp_path / "site"))
    assert missing_group.returncode != 0 and "have no 'movie_id'" in missing_group.stderr


@pytest.mark.slow
def test_a_killed_build_resumes_without_losing_or_repeating_work(nbsvm_archive, tmp_path):
    out = tmp_path / "site"
    args = ["--model", f"nbsvm={nbsvm_archive}", "test", "--sample", "60", "-s", str(out)]
    process = subprocess.Popen([ALLENNLP, "textflix", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=ENV)
    deadline = time.time() + 300
    done = 0
    while time.time() < deadline and process.poll() is None:
        caches = list((out / "cache").glob("*.jsonl")) if (out / "cache").is_dir() else []
        done = len(caches[0].read_text().splitlines()) if caches else 0
        if done >= 8:
            break
        time.sleep(0.2)
    assert process.poll() is None, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    [cache] = (out / "cache").glob("*.jsonl")
    kept = [line for line in cache.read_text().split("\n") if line.strip()]
    assert 8 <= len(kept) < 60 and not (out / "index.html").exists()
    result = _run(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in cache.read_text().splitlines()]
    digests = [r["digest"] for r in records]
    assert len(digests) == len(set(digests)) == 60  # every review once, none twice
    complete = [json.loads(line) for line in kept if line.endswith("}")][:-1]
    assert all(r in records for r in complete)  # what was finished was kept as it was
    assert (out / "index.html").is_file()
