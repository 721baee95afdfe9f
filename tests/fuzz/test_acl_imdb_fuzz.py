"""aclImdb split folders fuzzed: review files with any text, byte-order marks and line
endings, urls files whose lines hold characters `str.splitlines` would split at, hidden
files; broken names, sub-folders, empty or non-UTF-8 files, repeated ids, missing class
folders. Valid folders are read with text, label, rating, review id and movie id intact;
broken ones are refused with a `DataFormatError` naming the first bad file (and the line of
a bad byte)."""
import os
import shutil

import pytest
from hypothesis import given, strategies as st

from fuzz_inputs import BAD_UTF8, BOM, FUZZ, Tally, readable, review_text
from textflix_lib.data.errors import DataFormatError
from textflix_lib.data.formats import read_reviews
from textflix_lib.data.imdb import clean_review

TALLY = Tally("aclImdb")

URL_NOISE = ["", "not a url", "http://www.imdb.com/title/", "http://www.imdb.com/name/nm0000001/",
             "tt12345 without the path", "http://www.imdb.com/title/tt0453418\u2028/usercomments",
             "\x0c", "\x85", "\u2029", "\x0b", "\x1c", "a\rb"]


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield TALLY
    TALLY.report()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def encoded(text: str, draw):
    """(the file's bytes, the text a reader should find in it: a first U+FEFF is a BOM)."""
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    bom = draw(st.booleans())
    seen = text if bom or not text.startswith("\ufeff") else text[1:]
    return (BOM if bom else b"") + text.encode("utf-8"), seen


@st.composite
def acl_folder(draw):
    """A plan of files: (split name, {relative path: bytes or None for a folder}, expected
    reviews, expected error (relative path or "." for the split folder, line) or None, kind)."""
    split = draw(st.sampled_from(["train", "test", "my split", "données"]))
    files, expected = {}, []
    error, kind = None, None

    def fail(where, line=None, what=""):
        nonlocal error, kind
        if error is None:
            error, kind = (where, line), what

    layout = draw(st.sampled_from(["both"] * 8 + ["pos only", "neg only", "neither", "release root"]))
    folders = {"both": ["neg", "pos"], "pos only": ["pos"], "neg only": ["neg"]}.get(layout, [])
    if draw(st.booleans()):  # what a real split folder holds besides the reviews
        files.update({"labeledBow.feat": b"0 0:1\n", "README": b"\xff not text \xfe", "unsup": None,
                      "unsup/0_0.txt": b"unlabelled"})
    if layout == "release root":
        files.update({"train": None, "train/pos": None, "test": None})
        fail(".", None, "a release root, not a split")
    elif layout == "neither":
        fail(".", None, "no pos/ or neg/")
    broken = draw(st.booleans())
    for folder in folders:
        files[folder] = None
        count = draw(st.integers(0, 4))
        # small ids: the urls file has a line for every id up to the largest
        ids = draw(st.lists(st.integers(0, 40), min_size=count, max_size=count, unique=True))
        ratings = {i: draw(st.integers(0, 10)) for i in ids}
        movies = {}
        if draw(st.integers(0, 3)):  # urls file
            lines = []
            for number in range(max(ids, default=0) + draw(st.integers(0, 3))):
                if draw(st.integers(0, 2)):
                    title = f"tt{draw(st.integers(0, 9_999_999)):07d}"
                    lines.append(f"http://www.imdb.com/title/{title}/usercomments")
                    movies[number] = title
                else:
                    lines.append(draw(st.sampled_from(URL_NOISE)))
                    if "/title/tt" in lines[-1]:
                        movies[number] = "tt0453418"
            ending = draw(st.sampled_from(["\n", "\r\n"]))
            raw, _ = encoded("".join(line + ending for line in lines), draw)
            if broken and draw(st.integers(0, 5)) == 0:
                cut = draw(st.integers(0, len(raw)))
                raw = raw[:cut] + draw(st.sampled_from(BAD_UTF8)) + raw[cut:]
                fail(f"urls_{folder}.txt", raw[:cut].count(b"\n") + 1, "invalid UTF-8 in a urls file")
            files[f"urls_{folder}.txt"] = raw
        if draw(st.booleans()):
            files[f"{folder}/.DS_Store"] = b"\x00\x05\x16\x07\xff\xfe"
        if draw(st.integers(0, 4)) == 0:
            files[f"{folder}/.{ids[0] if ids else 1}_3.txt.swp"] = b"\xff"
        # the files in the order the reader visits them: by name length, then name
        names = {f"{i}_{ratings[i]}.txt": i for i in ids}
        problems = {}
        if broken and draw(st.booleans()):
            problem = draw(st.sampled_from(["bad name", "sub-folder", "empty review", "invalid UTF-8",
                                            "repeated id"]))
            if problem == "bad name":
                name = draw(st.sampled_from(["notes.txt", "1_x.txt", "1.txt", "1_2.txt.bak", "1_2.TXT", "-1_2.txt",
                                             "1_2_3.txt", "a_1.txt", "1_2.txt ", " 1_2.txt", "1_2.txt\u2028",
                                             "1_2.txt\n", "\u0661_2.txt"]))
            elif problem == "repeated id" and ids:
                name = "00" + next(iter(names))
            elif problem == "repeated id":
                problem, name = "bad name", "x.txt"
            else:
                name = f"{41 + draw(st.integers(0, 99))}_{draw(st.integers(0, 10))}.txt"
            problems[name] = problem
        for name in sorted([*names, *problems], key=lambda n: (len(n), n)):
            relative = f"{folder}/{name}"
            problem = problems.get(name)
            if problem in ("bad name", "repeated id"):
                files[relative] = b"a fine review"
                fail(relative, None, problem)
            elif problem == "sub-folder":
                files[relative] = None
                fail(relative, None, problem)
            elif problem == "empty review":
                files[relative], _ = encoded(draw(st.sampled_from(["", " ", "\n\n", "<br /><br />", "<p> </p>"])), draw)
                fail(relative, None, problem)
            elif problem == "invalid UTF-8":
                raw, _ = encoded(draw(review_text().filter(readable)), draw)
                cut = draw(st.integers(0, len(raw)))
                files[relative] = raw[:cut] + draw(st.sampled_from(BAD_UTF8)) + raw[cut:]
                fail(relative, raw[:cut].count(b"\n") + 1, problem)
            else:
                files[relative], text = encoded(draw(review_text()), draw)
                if not readable(text):
                    fail(relative, None, "empty review")
                    continue
                review_id = names[name]
                metadata = {"review_id": f"{split}/{folder}/{review_id}", "rating": ratings[review_id]}
                if review_id in movies:
                    metadata["movie_id"] = movies[review_id]
                expected.append((clean_review(text), folder, metadata))
    return split, files, expected, error, kind


@FUZZ
@given(acl_folder())
def test_acl_imdb_folder_is_read_intact_or_refused_naming_the_file(workspace, case):
    split, files, expected, error, kind = case
    root = workspace / "aclImdb"
    shutil.rmtree(root, ignore_errors=True)
    directory = root / split
    directory.mkdir(parents=True)
    for relative, content in files.items():
        path = directory / relative
        if content is None:
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    if error is None:
        reviews = list(read_reviews(str(directory)))
        assert [(r.text, r.label, r.metadata) for r in reviews] == expected
        TALLY.add("read intact")
        TALLY.counts["reviews read"] += len(reviews)
    else:
        where, line = error
        with pytest.raises(DataFormatError) as caught:
            list(read_reviews(str(directory)))
        expected_path = str(directory) if where == "." else os.path.join(str(directory), *where.split("/"))
        assert caught.value.path == expected_path and caught.value.line == line, (kind, str(caught.value)[:300])
        assert str(caught.value).startswith(expected_path if line is None else f"{expected_path}, line {line}: ")
        TALLY.add("refused")
        TALLY.counts[f"refused: {kind}"] += 1


def test_the_fuzzer_saw_enough(tally):
    from fuzz_inputs import EXAMPLES

    if tally.counts["inputs"] == 0:
        pytest.skip("run together with the fuzz test")
    assert tally.counts["inputs"] >= min(EXAMPLES, 1000)
    assert tally.counts["read intact"] >= 0.25 * tally.counts["inputs"]
    assert tally.counts["refused"] >= 0.2 * tally.counts["inputs"]
