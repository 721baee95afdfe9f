"""How much a Textflix site ships to the browser and how fast its first view is drawn.

Measures a built site (``allennlp textflix ... -s SITE`` or `write_site`):

* bytes of data in total, and bytes the browser loads for the first view of the grid, of the
  largest title and of the disagreements page (page + assets + the data files that view loads);
* time to first render in headless Chromium, opened from the file system: from navigation
  start to the view being in the DOM (the page marks ``textflix-ready`` with the Performance
  API when a view is drawn), median over ``--repeats`` fresh loads.

``--build N`` first writes a site of N held-out reviews scored by the two small NB-SVMs of the
site tests (tests/site/site_records.py, no AllenNLP), in titles of 20 reviews (``--no-groups``:
one collection); ``--records`` caches those records as JSON so that a rerun skips LIME.

    python experiments/site_benchmark.py --build 1000 --records /tmp/site-records.json /tmp/bench-site
    python experiments/site_benchmark.py site/          # a site built by `allennlp textflix`

Results go to experiments/results/site/<name>.json (``--name``, default: the site folder's name).
"""
import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "experiments" / "results" / "site"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DATA_CALL = re.compile(r'^textflix\.data\(("[^"]*"),(.*)\);\n$', re.S)


def read_data(path: Path) -> Any:
    return json.loads(DATA_CALL.match(path.read_text(encoding="ascii")).group(2))


def build(site: Path, count: int, grouped: bool, records_path: str = None, replicate: int = 1) -> Dict[str, Any]:
    """Writes a site of ``count`` reviews from the test record builder (``replicate`` times
    over, with new ids and title ids, for a scale test); returns timings."""
    sys.path.insert(0, str(REPO / "tests" / "site"))
    from site_records import build_records  # noqa: E402

    from textflix_lib.site.writer import write_site

    timings: Dict[str, Any] = {}
    if records_path and os.path.exists(records_path):
        with open(records_path, encoding="utf-8") as handle:
            cached = json.load(handle)
        records, models = cached["records"], cached["models"]
        timings["records_from"] = records_path
    else:
        start = time.perf_counter()
        groups = [f"tt{i:07d}" for i in range(1, max(count // 20, 1) + 1)] if grouped else None
        records, models = build_records(count, groups=groups)
        timings["records_seconds"] = round(time.perf_counter() - start, 2)
        if records_path:
            with open(records_path, "w", encoding="utf-8") as handle:
                json.dump({"records": records, "models": models}, handle)
    if replicate > 1:
        per_title = 20
        records = [dict(r, id=f"{r['id']}~{k}", group=f"tt{(k * len(records) + i) // per_title + 1:07d}")
                   for k in range(replicate) for i, r in enumerate(records)]
    if not grouped:
        records = [dict(r, group=None) for r in records]
    start = time.perf_counter()
    summary = write_site(site, records, models)
    timings["write_seconds"] = round(time.perf_counter() - start, 3)
    timings["summary"] = summary
    return timings


def sizes(site: Path) -> Dict[str, Any]:
    """Bytes in total and per first view (what each view's scripts load)."""
    data = site / "data"
    manifest = read_data(data / "manifest.js")
    size = lambda p: (site / p).stat().st_size  # noqa: E731
    shell = size("index.html") + sum(p.stat().st_size for p in (site / "assets").iterdir())
    largest = max(manifest["c"], key=lambda c: c["n"])
    title_files = [f"data/c/{largest['k']}/index.js"] + [
        f"data/c/{largest['k']}/{k}.js" for k in range(min(largest["pages"], -(-manifest.get("screen", 50) // manifest["page"]) or 1))]
    out = {
        "reviews": sum(c["n"] for c in manifest["c"]),
        "titles": len(manifest["c"]),
        "models": [m["n"] for m in manifest["models"]],
        "data_bytes_total": sum(p.stat().st_size for p in data.rglob("*.js")),
        "data_files": sum(1 for _ in data.rglob("*.js")),
        "site_bytes_total": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
        "first_view_bytes": {
            "grid": shell + size("data/manifest.js"),
            "largest_title": shell + size("data/manifest.js") + sum(size(f) for f in title_files),
            "disagreements": shell + size("data/manifest.js") + (size("data/d/0-1/0.js") if (data / "d" / "0-1" / "0.js").exists() else 0),
        },
        "manifest_bytes": size("data/manifest.js"),
        "largest_title": {"id": largest["id"], "reviews": largest["n"]},
    }
    return out


def render_times(site: Path, repeats: int) -> Dict[str, Any]:
    """Median ms from navigation start to each view drawn, over fresh loads from file://."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="textflix-bench-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    manifest = read_data(site / "data" / "manifest.js")
    largest = max(manifest["c"], key=lambda c: c["n"])
    views = {"grid": "#/", "largest_title": "#/title/" + largest["id"]}
    if len(manifest["models"]) > 1:
        views["disagreements"] = "#/disagreements"
        views["largest_title_compare"] = "#/title/" + largest["id"] + "?compare=1&accuracy=1"
    url = (site / "index.html").resolve().as_uri()
    out: Dict[str, Any] = {}
    try:
        for name, hash_ in views.items():
            times: List[float] = []
            for _ in range(repeats):
                driver.get("about:blank")
                driver.get(url + hash_)
                end = time.time() + 30
                mark = None
                while time.time() < end:
                    mark = driver.execute_script(
                        "var m = performance.getEntriesByName('textflix-ready'); return m.length ? m[0].startTime : null")
                    if mark is not None:
                        break
                    time.sleep(0.01)
                if mark is None:
                    raise RuntimeError(f"{name} was not drawn within 30 s")
                times.append(mark)
            out[name] = {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                         "runs_ms": [round(t, 1) for t in times]}
    finally:
        driver.quit()
    return out


def main(argv=None) -> Dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="the site folder (written there first with --build)")
    parser.add_argument("--build", type=int, metavar="N", help="write a site of N test reviews first")
    parser.add_argument("--no-groups", action="store_true", help="with --build: one collection, no titles")
    parser.add_argument("--records", help="with --build: JSON cache of the records")
    parser.add_argument("--replicate", type=int, default=1, metavar="K",
                        help="with --build: repeat the N records K times (new ids, titles of 20) for a scale test")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--name", help="results file name (default: the site folder's name)")
    args = parser.parse_args(argv)
    site = Path(args.site)
    result: Dict[str, Any] = {"site": str(site)}
    if args.build:
        result["build"] = build(site, args.build, not args.no_groups, args.records, args.replicate)
    if not (site / "index.html").is_file():
        parser.error(f"{site} has no index.html (build it, or pass --build N)")
    result["build_args"] = {"n": args.build, "grouped": not args.no_groups, "replicate": args.replicate}
    result["sizes"] = sizes(site)
    result["render"] = render_times(site, args.repeats)
    result["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    result["when"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{args.name or site.resolve().name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("sizes", "render")}, indent=2))
    print(f"wrote {path}")
    return result


if __name__ == "__main__":
    main()
