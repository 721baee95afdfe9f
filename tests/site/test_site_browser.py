"""The built site in headless Chromium, opened from the file system: what a person sees.

Expected values come from `textflix_lib.site.pages` applied to the records as the writer
normalised them (rounded), never from the page's own data files."""
import math
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from site_records import HOSTILE_TEXT, TITLES
from textflix_lib.site import pages
from textflix_lib.site.writer import normalize_reviews
from textflix_lib.site.pages import Labels


@pytest.fixture(scope="module")
def normalized(site_data):
    records, models = site_data
    return normalize_reviews(records, [m["name"] for m in models], Labels())


@pytest.fixture(scope="module")
def names(site_data):
    return [m["name"] for m in site_data[1]]


def groups_of(records):
    return {g.id: g.reviews for g in pages.group_reviews(records)}


def readable(text):
    """What the page shows for IMDB's Windows-1252 punctuation stored as C1 controls."""
    def char(c):
        if 0x80 <= ord(c) <= 0x9F:
            try:
                return bytes([ord(c)]).decode("cp1252")
            except UnicodeDecodeError:
                return c
        return c
    return "".join(char(c) for c in text)


def js_round(x):
    return math.floor(x + 0.5)


def texts(page, selector):
    return page.js("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", selector)


def card_ids(page, column=0):
    return page.js("return Array.from(document.querySelectorAll('#main .col')[arguments[0]]"
                   ".querySelectorAll('.title-card')).map(e => e.dataset.id)", column)


def review_ids(page, column=0):
    return page.js("return Array.from(document.querySelectorAll('#main .col')[arguments[0]]"
                   ".querySelectorAll('.card.review')).map(e => e.dataset.rid)", column)


def test_grid_counts_and_strips_match_the_data(page, grouped_site, normalized, names):
    out, _ = grouped_site
    page.open(out, "#/")
    groups = groups_of(normalized)
    stats = [pages.title_stats(rs, names[0]) for rs in groups.values()]
    ids = list(groups)
    assert card_ids(page) == [ids[i] for i in pages.sort_titles(stats, "reviews")]
    for gid, rs in groups.items():
        card = page.driver.find_element(By.CSS_SELECTOR, f'.title-card[data-id="{gid}"]')
        k = pages.positive_count(rs, names[0])
        assert card.find_element(By.CLASS_NAME, "counts").text == \
            f"{len(rs)} reviews · {k} positive ({js_round(100 * k / len(rs))}%)"
        segments = card.find_elements(By.CSS_SELECTOR, ".strip .seg")
        assert len(segments) == len(rs)
        signs = ["pos" if pages.predicted_positive(rs[i], names[0]) else "neg" for i in pages.strip_order(rs, names[0])]
        assert [s.get_attribute("class").split()[1] for s in segments] == signs
    # titles from the CSV are shown, ids otherwise; hostile metadata is plain text
    assert page.driver.find_element(By.CSS_SELECTOR, '.title-card[data-id="tt0000001"] h3').text == "The First Film"
    assert page.driver.find_element(By.CSS_SELECTOR, '.title-card[data-id="tt0000003"] h3').text == "tt0000003"
    assert page.driver.find_element(By.CSS_SELECTOR, '.title-card[data-id="tt0000002"] h3').text == TITLES["tt0000002"]["title"]
    assert page.js("return window.__pwned") is None
    page.shot("grid")
    assert page.severe_logs() == []


@pytest.mark.parametrize("sort", ["positive", "negative", "accurate", "inaccurate"])
def test_grid_sorts(page, grouped_site, normalized, names, sort):
    out, _ = grouped_site
    page.open(out, f"#/?accuracy=1&sort={sort}&a=1&b=0")
    groups = groups_of(normalized)
    ids = list(groups)
    stats = [pages.title_stats(rs, names[1]) for rs in groups.values()]
    assert card_ids(page) == [ids[i] for i in pages.sort_titles(stats, sort)]
    assert page.driver.find_element(By.ID, "sort").get_attribute("value") == sort


def test_turning_analysis_off_removes_colours_and_underlines(page, grouped_site):
    out, _ = grouped_site
    page.open(out, "#/title/tt0000001?accuracy=1")
    assert page.driver.find_elements(By.CSS_SELECTOR, "#main .s.u")
    page.act(page.driver.find_element(By.ID, "t-analysis").click)
    assert "analysis=0" in page.driver.current_url and "accuracy=0" in page.driver.current_url
    for selector in (".s", ".strip", ".cls", ".lab", ".highlights", ".mk"):
        assert page.driver.find_elements(By.CSS_SELECTOR, "#main " + selector) == [], selector
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#main .card.review")) == 16
    colours = page.js("""
        var out = new Set();
        document.querySelectorAll('#main *').forEach(function (e) {
          var s = getComputedStyle(e);
          out.add(s.backgroundColor); out.add(s.textDecorationLine); out.add(s.borderLeftColor); out.add(s.color);
        });
        return Array.from(out);""")
    # every colour left is a neutral grey, except the blue of ordinary links
    for colour in colours:
        if colour in ("none", "underline") or colour == "rgb(31, 79, 153)":
            continue
        channels = [int(float(v)) for v in colour[colour.index("(") + 1:-1].split(",")[:3]]
        assert max(channels) - min(channels) <= 12, colour
    assert page.driver.find_element(By.ID, "t-accuracy").get_attribute("disabled") == "true"
    # no sentiment sorts without analysis
    options = page.js("return Array.from(document.querySelectorAll('#sort option')).map(o => o.value)")
    assert options == ["order"]
    page.shot("analysis-off")


def test_accuracy_shows_the_right_percentages(page, grouped_site, normalized, names):
    out, _ = grouped_site
    page.open(out, "#/?accuracy=1&compare=1")
    for column, name in enumerate(names):
        acc = pages.accuracy(normalized, name)
        line = page.js("return document.querySelectorAll('#main .col')[arguments[0]].querySelector(':scope > .acc').textContent", column)
        assert line == f"{acc.percent:.1f}% accuracy ({acc.wrong} wrong)"
    rs = groups_of(normalized)["tt0000003"]
    acc = pages.accuracy(rs, names[0])
    card = page.driver.find_element(By.CSS_SELECTOR, '.col .title-card[data-id="tt0000003"]')
    assert card.find_element(By.CLASS_NAME, "acc").text == f"{acc.percent:.1f}% accuracy ({acc.wrong} wrong)"
    page.shot("accuracy-grid")
    page.open(out, "#/title/tt0000003?accuracy=1&sort=inaccurate")
    wrong = [r["id"] for r in rs if pages.is_correct(r, names[0]) is False]
    assert sorted(page.js("return Array.from(document.querySelectorAll('.review.wrong')).map(e => e.dataset.rid)")) == sorted(wrong)
    assert review_ids(page) == [rs[i]["id"] for i in pages.sort_reviews(rs, names[0], "inaccurate")]
    first = page.driver.find_element(By.CSS_SELECTOR, ".card.review .lab")
    gold = rs[pages.sort_reviews(rs, names[0], "inaccurate")[0]]["gold"]
    label = "positive" if gold == "pos" else "negative"
    assert first.text in (f"✗ label: {label} · inaccurate classification", f"✓ label: {label} · accurate classification")
    page.shot("accuracy-title", scroll_to="#main .reviews")


def test_underlined_sentences_are_exactly_the_data(page, grouped_site, normalized, names):
    out, _ = grouped_site
    for gid, rs in groups_of(normalized).items():
        for column, name in enumerate(names):
            page.open(out, f"#/title/{gid}?a={column}&b={1 - column}")
            seen = page.js("""
                var out = {};
                document.querySelectorAll('#main .card.review').forEach(function (card) {
                  out[card.dataset.rid] = Array.from(card.querySelectorAll('.s.u')).map(function (s) {
                    return [parseInt(s.dataset.s, 10), s.classList.contains('pos') ? 1 : -1,
                            s.lastChild.textContent, s.tabIndex, s.title];
                  });
                });
                return out;""")
            assert set(seen) == {r["id"] for r in rs}
            for r in rs:
                sentences = r["predictions"][name]["sentences"]
                expected = pages.underlined(sentences)
                got = seen[r["id"]]
                assert [g[0] for g in got] == expected, r["id"]
                for index, sign, text, tab, title in got:
                    start, end, weight = sentences[index]
                    assert sign == (1 if weight > 0 else -1)
                    assert text == readable(r["text"][start:end])
                    assert tab == 0 and "weight" in title
            cls = page.driver.find_element(By.CSS_SELECTOR, ".card.review .cls").text
            first = rs[0]
            c = pages.certainty(first, name)
            label = "positive" if pages.predicted_positive(first, name) else "negative"
            assert cls.endswith(f"classification: {label} · {100 * c:.1f}% certainty")
    # focusing a sentence shows its weight
    page.open(out, "#/title/tt0000001")
    span = page.js("""
        var cards = Array.from(document.querySelectorAll('#main .card.review'));
        cards.sort(function (a, b) { return b.querySelectorAll('.s.u').length - a.querySelectorAll('.s.u').length; });
        cards[0].id = 'busiest';
        return cards[0].querySelectorAll('.s.u')[1];""")
    page.js("arguments[0].focus()", span)
    tip = page.js("return getComputedStyle(arguments[0], '::after').content", span)
    assert "weight" in tip and "toward positive" in tip
    page.shot("tooltip", scroll_to="#busiest", blur=False)
    page.shot("title")


def test_highlights_are_each_reviews_strongest_sentence(page, grouped_site, normalized, names):
    out, _ = grouped_site
    rs = groups_of(normalized)["tt0000001"]
    summary = pages.highlight_summary(rs, names[0])
    page.open(out, "#/title/tt0000001")
    titles = texts(page, "#main .hl-title")
    assert titles == [f"{len(summary['positive'])} positive review highlights",
                      f"{len(summary['negative'])} negative review highlights"]
    shown = texts(page, "#main .hl-block.pos .hl-text")
    assert shown == [f"“{readable(h['text'])}”" for h in summary["positive"][:4]]
    more = page.driver.find_element(By.CSS_SELECTOR, ".hl-block.pos .more")
    assert more.text == f"show all {len(summary['positive'])}"
    page.act(more.click)
    assert texts(page, "#main .hl-block.pos .hl-text") == [f"“{readable(h['text'])}”" for h in summary["positive"]]
    # a highlight takes you to its review
    page.driver.find_element(By.CSS_SELECTOR, ".hl-block.pos .hl-text").click()
    target = rs[summary["positive"][0]["position"]]["id"]
    assert page.js("return document.activeElement.dataset.rid") == target


def test_comparison_shows_two_columns_each_sorted_by_its_own_model(page, grouped_site, normalized, names):
    out, _ = grouped_site
    groups = groups_of(normalized)
    # the title where the two models disagree most
    gid = max(groups, key=lambda g: len(pages.disagreements(groups[g], names[0], names[1])))
    rs = groups[gid]
    assert pages.disagreements(rs, names[0], names[1])
    page.open(out, f"#/title/{gid}?compare=1&sort=positive")
    columns = page.driver.find_elements(By.CSS_SELECTOR, "#main .cols > .col")
    assert [c.get_attribute("data-model") for c in columns] == ["0", "1"]
    assert [c.find_element(By.CLASS_NAME, "model-name").text for c in columns] == names
    for column, name in enumerate(names):
        assert review_ids(page, column) == [rs[i]["id"] for i in pages.sort_reviews(rs, name, "positive")]
    labels = page.js("""
        var out = [{}, {}];
        document.querySelectorAll('#main .cols > .col').forEach(function (col, i) {
          col.querySelectorAll('.card.review').forEach(function (c) { out[i][c.dataset.rid] = c.classList.contains('pos'); });
        });
        return out;""")
    for r in rs:
        for column, name in enumerate(names):
            assert labels[column][r["id"]] == pages.predicted_positive(r, name)
    assert any(labels[0][r["id"]] != labels[1][r["id"]] for r in rs)
    # side by side on a wide screen
    boxes = [c.rect for c in columns]
    assert boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1 and abs(boxes[1]["y"] - boxes[0]["y"]) < 2
    page.shot("compare")
    page.open(out, "#/?compare=1&sort=positive")
    for column, name in enumerate(names):
        stats = [pages.title_stats(g, name) for g in groups.values()]
        assert card_ids(page, column) == [list(groups)[i] for i in pages.sort_titles(stats, "positive")]
    page.shot("compare-grid")


def test_disagreements_page(page, grouped_site, site_data, names):
    out, _ = grouped_site
    records = site_data[0]
    expected = pages.disagreements(records, names[0], names[1])
    page.open(out, "#/disagreements?accuracy=1")
    rows = page.driver.find_elements(By.CSS_SELECTOR, "#main .dis")
    assert [r.get_attribute("data-rid") for r in rows] == [d.review["id"] for d in expected]
    for row, d in zip(rows, expected):
        who = row.find_element(By.CLASS_NAME, "who").text
        assert who == (" · no label" if d.right is None else f" · {d.right} was right").strip(" ") or who.endswith(d.right)
        assert len(row.find_elements(By.CSS_SELECTOR, ".card.review")) == 2
    right_a = sum(d.right == names[0] for d in expected)
    summary = page.driver.find_element(By.CLASS_NAME, "summary").text
    assert summary.startswith(f"{len(expected)} reviews on which {names[0]} and {names[1]} predict different labels.")
    assert f"{names[0]} was right on {right_a}" in summary
    page.shot("disagreements")
    page.open(out, "#/disagreements?f=b")
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#main .dis")) == sum(d.right == names[1] for d in expected)


@pytest.mark.parametrize("hash_", ["#/title/tt0000002?accuracy=1&compare=1", "#/title/tt0000002?analysis=0",
                                   "#/disagreements", "#/?compare=1", "#/title/tt0000002?q=script"])
def test_hostile_text_runs_nothing(page, grouped_site, hash_):
    out, _ = grouped_site
    page.open(out, hash_)
    page.js("document.querySelectorAll('#main .s.u').forEach(function (s) {"
            "s.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); s.focus(); })")
    time.sleep(0.3)
    assert page.js("return typeof window.__pwned") == "undefined"
    assert page.driver.find_elements(By.CSS_SELECTOR, "#main img, #main script, #main b, #main iframe") == []
    hrefs = page.js("return Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert href.startswith("#") or href.startswith("https://www.imdb.com/title/tt"), href
    main = page.driver.find_element(By.ID, "main").text
    if "title/tt0000002" in hash_:
        assert '<img src=x onerror="window.__pwned=1">Hostile Title' in main
        if "q=" not in hash_ or "script" in HOSTILE_TEXT:
            assert "<script>window.__pwned=1</script>" in main
            assert '<a href="javascript:window.__pwned=1">here</a>' in main
            if "analysis=0" not in hash_:
                assert 'author: <b onmouseover="window.__pwned=1">mallory</b>' in main
    assert page.severe_logs() == []
    if hash_.startswith("#/title") and "compare=1" in hash_:
        page.shot("hostile", scroll_to='.review[data-rid="hostile-1"]')


def test_hash_routes_restore_views_and_history(page, grouped_site):
    out, _ = grouped_site
    page.open(out, "#/title/tt0000001?analysis=1&accuracy=1&compare=1&a=1&b=0&sort=negative")
    d = page.driver
    assert d.find_element(By.ID, "t-analysis").is_selected()
    assert d.find_element(By.ID, "t-accuracy").is_selected()
    assert d.find_element(By.ID, "t-compare").is_selected()
    assert d.find_element(By.ID, "sort").get_attribute("value") == "negative"
    assert d.find_element(By.ID, "t-model-a").get_attribute("value") == "1"
    assert len(d.find_elements(By.CSS_SELECTOR, "#main .cols > .col")) == 2
    assert d.find_element(By.CSS_SELECTOR, "#main .col .model-name").text == "nblr-words"
    assert d.find_element(By.CSS_SELECTOR, "#main h1").text == "The First Film"
    # links carry the toggles
    page.act(d.find_element(By.CSS_SELECTOR, "#main a.back").click)
    assert d.find_element(By.ID, "main").get_attribute("data-view") == "grid"
    assert "accuracy=1" in d.current_url and "compare=1" in d.current_url and "a=1" in d.current_url
    page.act(d.back)
    assert d.find_element(By.ID, "main").get_attribute("data-view") == "title"
    # an unknown title says so
    page.open(out, "#/title/tt9999999")
    assert d.find_element(By.CSS_SELECTOR, "#main h1").text == "No such title"


LOADED = ("return Array.from(document.scripts).map(s => s.getAttribute('src'))"
          ".filter(s => s !== 'assets/app.js' && s !== 'data/manifest.js').sort()")


def test_each_view_loads_only_the_data_it_needs(page, grouped_site, ungrouped_site):
    out, _ = grouped_site
    page.open(out, "#/")
    assert page.js(LOADED) == []
    assert page.js("return Array.from(document.scripts).length") == 2
    page.open(out, "#/title/tt0000004")
    assert page.js(LOADED) == ["data/c/tt0000004/0.js", "data/c/tt0000004/index.js"]
    page.open(out, "#/disagreements")
    assert page.js(LOADED) == ["data/d/0-1/0.js"]



def test_a_collection_over_several_files_is_shown_a_screen_at_a_time(page, ungrouped_site, ungrouped_records, names):
    """41 reviews, 16 a file, 20 a screen: a screen loads only the files holding its reviews."""
    out, _ = ungrouped_site
    page.open(out, "#/title/all")
    assert page.js(LOADED) == ["data/c/all/0.js", "data/c/all/1.js", "data/c/all/index.js"]
    assert review_ids(page) == [r["id"] for r in ungrouped_records[:20]]
    assert page.driver.find_element(By.CSS_SELECTOR, "#main .showing").text == "reviews 1–20 of 41"
    page.act(page.driver.find_element(By.CSS_SELECTOR, "#main .pager a").click)
    assert review_ids(page) == [r["id"] for r in ungrouped_records[20:40]]
    page.open(out, "#/title/all?sort=negative&page=2")
    order = pages.sort_reviews(ungrouped_records, names[0], "negative")
    assert review_ids(page) == [ungrouped_records[i]["id"] for i in order[40:]]
    assert page.js(LOADED) == [f"data/c/all/{order[40] // 16}.js", "data/c/all/index.js"]
    assert page.driver.find_element(By.CSS_SELECTOR, "#main .pager").text.startswith("← previous page 3 of 3")


def test_site_without_titles_and_search(page, ungrouped_site, ungrouped_records):
    out, _ = ungrouped_site
    page.open(out, "#/")
    assert page.driver.find_element(By.CSS_SELECTOR, "#main h1").text == f"{len(ungrouped_records)} reviews"
    cards = page.driver.find_elements(By.CSS_SELECTOR, "#main .title-card")
    assert [c.find_element(By.TAG_NAME, "h3").text for c in cards] == ["All reviews"]
    assert page.driver.find_element(By.ID, "toggles").find_element(By.CSS_SELECTOR, "a.nav").text == "Reviews"
    page.shot("ungrouped-grid")
    page.act(cards[0].find_element(By.TAG_NAME, "a").click)
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#main .card.review")) == 20  # one screen
    assert page.driver.find_elements(By.CSS_SELECTOR, "#main a.back") == []  # nowhere to go back to
    box = page.driver.find_element(By.ID, "search")
    page.act(lambda: box.send_keys("wonderful"))
    expected = [r["id"] for r in ungrouped_records if "wonderful" in r["text"].lower()]
    assert expected
    assert review_ids(page) == expected
    assert page.js("return document.activeElement.id") == "search"  # typing goes on
    assert "q=wonderful" in page.driver.current_url
    assert page.driver.find_element(By.CSS_SELECTOR, "#main .showing").text == \
        f"{len(expected)} of {len(ungrouped_records)} reviews contain “wonderful”"
    marks = texts(page, "#main .card.review mark")
    assert marks and all(m.lower() == "wonderful" for m in marks)
    assert len(marks) == sum(r["text"].lower().count("wonderful") for r in ungrouped_records)
    page.shot("search", scroll_to="#main mark")


def test_keyboard_shortcuts_and_focus(page, grouped_site):
    out, _ = grouped_site
    page.open(out, "#/title/tt0000001")
    body = page.driver.find_element(By.TAG_NAME, "body")
    page.act(lambda: body.send_keys("m"))
    assert "compare=1" in page.driver.current_url
    page.act(lambda: page.driver.find_element(By.TAG_NAME, "body").send_keys("y"))
    assert "accuracy=1" in page.driver.current_url
    page.driver.find_element(By.TAG_NAME, "body").send_keys("j")
    assert page.js("return document.activeElement.classList.contains('card')")
    page.driver.switch_to.active_element.send_keys("/")
    assert page.js("return document.activeElement.id") == "search"
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.act(lambda: page.driver.find_element(By.TAG_NAME, "body").send_keys("a"))
    assert "analysis=0" in page.driver.current_url
    page.driver.find_element(By.TAG_NAME, "body").send_keys("?")
    assert page.js("return document.getElementById('help').open")
    # sentences are in the tab order
    page.open(out, "#/title/tt0000001")
    for _ in range(40):
        page.driver.switch_to.active_element.send_keys(Keys.TAB)
        if page.js("return document.activeElement.classList.contains('u')"):
            break
    else:
        pytest.fail("no underlined sentence reachable with Tab")


def test_readable_on_a_phone(page, grouped_site):
    out, _ = grouped_site
    page.open(out, "#/title/tt0000001?compare=1&accuracy=1", width=390, height=844)
    assert page.js("return document.documentElement.scrollWidth") <= page.js("return window.innerWidth")
    columns = page.driver.find_elements(By.CSS_SELECTOR, "#main .cols > .col")
    a, b = columns[0].rect, columns[1].rect
    assert b["y"] >= a["y"] + a["height"] - 1  # stacked
    page.shot("phone")
    page.open(out, "#/", width=390, height=844)
    assert page.js("return document.documentElement.scrollWidth") <= page.js("return window.innerWidth")
    page.shot("phone-grid")


def test_three_models_pick_any_two(page, three_model_site):
    out, records, models = three_model_site
    names = [m["name"] for m in models]
    page.open(out, "#/disagreements?a=2&b=0&accuracy=1")
    expected = pages.disagreements(records, names[2], names[0])
    rows = page.driver.find_elements(By.CSS_SELECTOR, "#main .dis")
    assert [r.get_attribute("data-rid") for r in rows] == [d.review["id"] for d in expected]
    for row, d in zip(rows, expected):
        heads = [e.text for e in row.find_elements(By.CSS_SELECTOR, ".model-name")]
        assert heads[0].startswith(names[2]) and heads[1].startswith(names[0])
        if d.right is not None:
            assert row.find_element(By.CLASS_NAME, "who").text.endswith(f"{d.right} was right")
    summary = page.driver.find_element(By.CLASS_NAME, "summary").text
    assert f"{names[2]} was right on {sum(d.right == names[2] for d in expected)}" in summary
    # picking the first model of the pair as the second swaps them
    page.act(lambda: Select(page.driver.find_element(By.ID, "t-model-a")).select_by_value("0"))
    assert "a=0" in page.driver.current_url and "b=2" in page.driver.current_url
    page.open(out, "#/title/all?compare=1&a=1&b=2")
    assert [e.text for e in page.driver.find_elements(By.CSS_SELECTOR, "#main .col-head .model-name")] == names[1:]
    assert page.severe_logs() == []


def test_served_over_http(page, grouped_site):
    """The same site from a static file server (localhost), not only from file://."""
    import functools
    import http.server
    import threading

    out, _ = grouped_site
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/index.html"
        for hash_ in ("#/", "#/title/tt0000002?compare=1&accuracy=1", "#/disagreements"):
            page.driver.get("about:blank")
            page.driver.get(base + hash_)
            page.wait_ready()
            assert page.driver.find_elements(By.CSS_SELECTOR, "#main .card")
        assert page.js("return typeof window.__pwned") == "undefined"
        assert page.severe_logs() == []
    finally:
        server.shutdown()


def test_a_highlight_leads_to_its_review_on_another_screen(page, ungrouped_site, ungrouped_records, names):
    out, _ = ungrouped_site
    summary = pages.highlight_summary(ungrouped_records, names[0])
    far = next(h for h in summary["positive"] if h["position"] >= 20)
    page.open(out, "#/title/all?all=1")
    assert page.js(f"return document.querySelector('.card.review[data-pos=\"{far['position']}\"]')") is None
    index = [h["position"] for h in summary["positive"]].index(far["position"])
    button = page.driver.find_elements(By.CSS_SELECTOR, "#main .hl-block.pos .hl-text")[index]
    page.act(button.click)
    assert f"page={far['position'] // 20}" in page.driver.current_url
    assert page.js("return document.activeElement.dataset.pos") == str(far["position"])
    assert page.js("return document.activeElement.dataset.rid") == ungrouped_records[far["position"]]["id"]


def test_a_site_of_one_model(page, tmp_path, site_data):
    records, models = site_data
    from textflix_lib.site.writer import write_site

    write_site(tmp_path, records, models[:1], titles=TITLES, site_title="One <model>")
    page.open(tmp_path, "#/?compare=1")
    assert page.driver.title == "One <model>"
    assert page.driver.find_elements(By.ID, "t-compare") == []
    assert page.driver.find_elements(By.ID, "t-model-a") == []
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "#main .cols > .col")) == 1
    assert "Disagreements" not in page.driver.find_element(By.ID, "toggles").text
    page.open(tmp_path, "#/disagreements")
    assert "one model" in page.driver.find_element(By.ID, "main").text
    assert page.severe_logs() == []
