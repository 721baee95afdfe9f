"""Fixtures for the site tests: real reviews explained by two real small models (built once
per session), the sites written from them, and a headless Chromium."""
import copy
import os
import shutil
import time
from pathlib import Path

import pytest

from site_records import HOSTILE_TEXT, TITLES, build_records
from textflix_lib.site.writer import write_site

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

GROUPS = ["tt0000001", "tt0000001", "tt0000002", "tt0000003", "tt0000001", "tt0000002", "tt0000004",
          "tt0000001", "tt0000003", "tt0000005"]
@pytest.fixture(scope="session")
def site_data():
    """(records, models): 40 real held-out reviews in 5 groups plus one hostile review."""
    hostile = {"id": "hostile-1", "text": HOSTILE_TEXT, "gold": "pos", "group": "tt0000002",
               "fields": {"author": '<b onmouseover="window.__pwned=1">mallory</b>', "date": "2020-01-01"}}
    return build_records(40, groups=GROUPS, extra=[hostile])


@pytest.fixture(scope="session")
def grouped_site(tmp_path_factory, site_data):
    records, models = site_data
    out = tmp_path_factory.mktemp("site-grouped")
    summary = write_site(out, records, models, titles=TITLES)
    return out, summary


@pytest.fixture(scope="session")
def ungrouped_records(site_data):
    records = copy.deepcopy(site_data[0])
    for r in records:
        r["group"] = None
    return records


@pytest.fixture(scope="session")
def ungrouped_site(tmp_path_factory, ungrouped_records, site_data):
    out = tmp_path_factory.mktemp("site-ungrouped")
    summary = write_site(out, ungrouped_records, site_data[1], page_size=16, screen_size=20)
    return out, summary


@pytest.fixture(scope="session")
def screenshot_dirs(tmp_path_factory):
    dirs = [tmp_path_factory.mktemp("screenshots")]
    extra = os.environ.get("TEXTFLIX_SCREENSHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        dirs.append(Path(extra))
    return dirs


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip(f"browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian's chromium and "
                    "chromium-driver; `make test` installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,900", "--hide-scrollbars"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Page:
    """Opens views of a built site in the browser and waits until they are drawn."""

    def __init__(self, driver, screenshot_dirs):
        self.driver = driver
        self.screenshot_dirs = screenshot_dirs

    def open(self, site_dir: Path, hash_: str = "#/", fresh: bool = True, width: int = 1280, height: int = 900):
        self.driver.set_window_size(width, height)
        if fresh:
            self.driver.get("about:blank")
        self.driver.get((Path(site_dir) / "index.html").resolve().as_uri() + hash_)
        return self.wait_ready()

    def render_count(self):
        return self.driver.execute_script("var m = document.getElementById('main'); return m && m.dataset.render;")

    def act(self, action, timeout: float = 10.0):
        """Runs ``action()`` (a click, a key) and waits for the view it causes to be drawn."""
        before = self.render_count()
        action()
        end = time.time() + timeout
        while self.render_count() == before:
            assert time.time() < end, "the action did not redraw the view"
            time.sleep(0.02)
        return self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 10.0):
        end = time.time() + timeout
        while time.time() < end:
            state = self.driver.execute_script(
                "var m = document.getElementById('main'); return m && m.dataset.state;")
            if state in ("ready", "error"):
                assert state == "ready", self.driver.find_element("id", "main").text
                return self
            time.sleep(0.05)
        raise AssertionError(f"view not ready after {timeout}s: {self.driver.current_url}")

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def shot(self, name: str, scroll_to: str = None, blur: bool = True) -> None:
        """Screenshot of the window as it is sized, scrolled to the top of the page or to the
        element matching the CSS selector ``scroll_to``."""
        if scroll_to:
            self.js("document.querySelector(arguments[0]).scrollIntoView({block: 'start'}); window.scrollBy(0, -70)", scroll_to)
        else:
            self.js("window.scrollTo(0, 0)")
        if blur:
            self.js("document.activeElement && document.activeElement.blur && document.activeElement.blur()")
        time.sleep(0.15)
        for d in self.screenshot_dirs:
            self.driver.save_screenshot(str(Path(d) / f"site-{name}.png"))

    def severe_logs(self):
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture
def page(browser, screenshot_dirs):
    browser.get_log("browser")  # start each test with an empty console log
    return Page(browser, screenshot_dirs)


@pytest.fixture(scope="session")
def three_model_site(tmp_path_factory):
    """20 real reviews scored by three models, without titles."""
    records, models = build_records(20, models=["nbsvm", "nblr-words", "nbsvm-negation"])
    out = tmp_path_factory.mktemp("site-three")
    write_site(out, records, models)
    return out, records, models
