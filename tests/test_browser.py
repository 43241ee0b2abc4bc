"""The built site in a real browser: headless Chromium (Debian's) opens pages served over HTTP and axe-core checks them.

The site is built from a copy of the project and served by a plain static HTTP server on a free loopback port (a
bare IRI redirects to its folder there, as on any static host). `tests/js/browser-check.mjs` opens a page of every
page type the site has, in Danish and English, in headless Chromium and reports, per page, console errors, failed
requests, requests to other hosts, axe-core violations and what the first Tab focuses, and at a phone's width
(390 px) and a laptop's (1280 px) whether the page is wider than the screen and axe-core's violations there; the
tests below judge that report. The server sends the site's security headers, so every page is checked under its
Content-Security-Policy (a blocked script or style is a console error). `tests/setup.sh` installs chromium
and the npm packages; without them these tests fail rather than skip.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from publish.build import build_site
from publish.config import load_config
from publish.headers import security_headers
from tests.conftest import ROOT, copy_project

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
JS_DIR = ROOT / "tests" / "js"
CHECK_SCRIPT = JS_DIR / "browser-check.mjs"
NPM_PACKAGES = ("playwright-core", "axe-core")
# The viewport widths every page must fit: a phone's and a laptop's.
WIDTHS = ("390", "1280")

PLAN = "plan/ambitioner-og-retning-2020/"
AREA = PLAN + "omraade/sundhed/"
FOCUS_POINT = AREA + "indsats/1/"
# Page type → path of its Danish page; each is also checked in English at path + "en/". One page of every type
# the site has: the site's own pages, an entity of every class the data and the catalogue describe, the ontology's
# and the shapes' pages, a page of further values, and the page a static host answers a missing path with.
PAGES = {
    "index": "",
    "plan": PLAN,
    "area": AREA,
    "headline-goal": AREA + "maal/",
    "focus-point": FOCUS_POINT,
    "sdg-link-record": FOCUS_POINT + "sdg/3.5/",
    "text-correction": PLAN + "omraade/klima-og-miljoe/indsats/1/rettelse/",
    "municipality": "kommune/hedensted/",
    "majority-group": "kommune/hedensted/flertalsgruppe-kd-sf-df-s/",
    "membership": "kommune/hedensted/flertalsgruppe-kd-sf-df-s/medlem/df/",
    "party": "parti/sf/",
    "person": "person/henrik-alleslev/",
    "organisation": "organisation/compas/",
    "reference": "henvisning/klimaloven/",
    "source-document": "kilde/ambitioner-og-retning-2020/",
    "further-values": "kilde/ambitioner-og-retning-2020/vaerdier/ind-prov-wasDerivedFrom/2/",
    "agent": "agent/planlod/",
    "sdg-goal": "sdg/3/",
    "sdg-target": "sdg/3.5/",
    "coverage": "daekning/",
    "dataset": "datasaet/",
    "distribution": "datasaet/distribution/turtle-gz/",
    "linked-dataset": "datasaet/fn-verdensmaal/",
    "catalogue": "katalog/",
    "catalogue-record": "katalog/post/datasaet/",
    "data-service": "tjeneste/sparql/",
    "ontology": "ontologi/",
    "ontology-class": "ontologi/FocusArea/",
    "ontology-property": "ontologi/area/",
    "concept-scheme": "ontologi/LinkStatusScheme/",
    "concept": "ontologi/Accepted/",
    "shapes": "shapes/",
    "node-shape": "shapes/FocusAreaShape/",
    "data-model": "datamodel/",
    "about": "om/",
    "query": "foresporgsel/",
    "search": "soeg/",
}
CASES = [(name, lang) for name in PAGES for lang in ("da", "en")]
BARE_IRI = FOCUS_POINT.rstrip("/")


def page_path(name: str, lang: str) -> str:
    """The site path of a page in a language."""
    return PAGES[name] + ("en/" if lang == "en" else "")


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file server that sends the site's security headers (its Content-Security-Policy among them, as
    the generated nginx and Apache rules do) and keeps its request log out of the test output."""

    def end_headers(self) -> None:
        for name, value in security_headers(self.base_iri, ""):
            self.send_header(name, value)
        super().end_headers()

    base_iri = ""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def missing_prerequisites() -> list[str]:
    """What the browser check needs and this machine lacks."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (Debian package chromium)")
    if shutil.which("node") is None:
        missing.append("node (Debian package nodejs)")
    missing += [
        f"npm package {p} in tests/js/node_modules" for p in NPM_PACKAGES if not (JS_DIR / "node_modules" / p).is_dir()
    ]
    return missing


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built for, and served at, http://127.0.0.1:{free port}/."""
    missing = missing_prerequisites()
    if missing:
        pytest.fail("the browser tests need " + ", ".join(missing) + "; run tests/setup.sh", pytrace=False)
    root = tmp_path_factory.mktemp("browser")
    out = root / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    QuietHandler.base_iri = base
    project = copy_project(root / "project")
    build_site(load_config(project, {"base_iri": base, "out_dir": str(out)}, environ={}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def report(served: str) -> dict[str, dict[str, Any]]:
    """The browser check's result per page path (the bare IRI under its own path)."""
    paths = [page_path(name, lang) for name, lang in CASES] + [BARE_IRI]
    args = [f"{'en' if path.endswith('en/') else 'da'}={served}{path}" for path in paths]
    try:
        run = subprocess.run(
            ["node", str(CHECK_SCRIPT), *args],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the browser check did not finish in {exc.timeout} s", pytrace=False)
    if run.returncode != 0:
        pytest.fail(f"the browser check could not run (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    by_path = {r["url"][len(served) :]: r for r in results}
    assert sorted(by_path) == sorted(paths), f"the browser check reported other pages than asked:\n{run.stderr}"
    return by_path


def result_for(report: dict[str, dict[str, Any]], name: str, lang: str) -> dict[str, Any]:
    result = report[page_path(name, lang)]
    assert "error" not in result, f"{result['url']}: the browser could not check the page: {result['error']}"
    assert result["status"] == 200, f"{result['url']}: status {result['status']}"
    return result


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        more = f" and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else ""
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']} — {targets}{more}")
    return "\n".join(lines)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_page_loads_without_errors_or_failed_requests(report: dict[str, dict[str, Any]], name: str, lang: str) -> None:
    result = result_for(report, name, lang)
    problems = {
        key: result[key]
        for key in ("consoleErrors", "pageErrors", "failedRequests", "badResponses", "externalRequests")
        if result[key]
    }
    assert not problems, f"{result['url']}: {json.dumps(problems, indent=1, ensure_ascii=False)}"


def describe_sticking(sticking: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"  <{e['tag']} class={e['className']!r}> right edge {e['right']} px: {e['text']!r}" for e in sticking
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_page_fits_the_screen(report: dict[str, dict[str, Any]], name: str, lang: str, width: str) -> None:
    """No page is wider than the screen: long IRIs wrap, wide tables scroll inside their own box."""
    result = result_for(report, name, lang)["widths"][width]
    assert "error" not in result, f"{name} ({lang}) at {width} px: {result['error']}"
    assert result["scrollWidth"] <= result["viewport"], (
        f"{name} ({lang}) at {width} px: the page is {result['scrollWidth']} px wide in a {result['viewport']} px "
        f"viewport; sticking out:\n{describe_sticking(result['sticking'])}"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "lang"), CASES)
def test_axe_finds_no_violations(report: dict[str, dict[str, Any]], name: str, lang: str, width: str) -> None:
    """axe-core finds nothing, of any impact, at either width."""
    result = result_for(report, name, lang)["widths"][width]
    assert "error" not in result, f"{name} ({lang}) at {width} px: {result['error']}"
    assert not result["violations"], (
        f"{name} ({lang}) at {width} px: axe-core violations:\n{describe_violations(result['violations'])}"
    )


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_page_has_language_landmark_and_one_heading(report: dict[str, dict[str, Any]], name: str, lang: str) -> None:
    result = result_for(report, name, lang)
    assert result["lang"] == lang, f"{result['url']}: <html lang={result['lang']!r}>, expected {lang!r}"
    assert result["mains"] == 1, f"{result['url']}: {result['mains']} main landmarks"
    assert len(result["h1s"]) == 1, f"{result['url']}: h1 headings {result['h1s']}"
    assert not result["duplicateIds"], f"{result['url']}: duplicate ids {result['duplicateIds']}"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_first_tab_focuses_the_visible_skip_link(report: dict[str, dict[str, Any]], name: str, lang: str) -> None:
    result = result_for(report, name, lang)
    focus = result["firstTab"]
    assert focus is not None, f"{result['url']}: Tab focuses nothing"
    assert focus["href"] == "#main" and "skip" in focus["className"].split(), (
        f"{result['url']}: Tab first focuses {focus}, not the skip link"
    )
    assert focus["visible"], f"{result['url']}: the focused skip link is not visible"
    assert result["skipTargetFocused"], f"{result['url']}: following the skip link does not reach #main"


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_page_is_readable_without_javascript(report: dict[str, dict[str, Any]], name: str, lang: str) -> None:
    result = result_for(report, name, lang)
    shown = result["withoutJavaScript"]
    assert shown.get("h1Visible") and shown.get("mainText", 0) > 0, (
        f"{result['url']}: with JavaScript off the page shows {shown}"
    )


def test_bare_iri_redirects_to_the_page(report: dict[str, dict[str, Any]], served: str) -> None:
    result = report[BARE_IRI]
    assert result["status"] == 200, f"{result['url']}: status {result['status']}"
    assert result["finalUrl"] == f"{served}{FOCUS_POINT}"
    assert not result["consoleErrors"] and not result["failedRequests"] and not result["badResponses"]
