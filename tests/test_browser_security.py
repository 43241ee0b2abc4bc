"""The site under its own security policy in a real browser: headless Chromium opens pages served by `planlod serve`
(which sends the Content-Security-Policy and the other security headers) without bypassing the policy.

The pages and the query page must work under the policy (no blocked script, style or request: the JSON-LD blocks
are data, not script), and the query page opened with crafted `?query=` values (results that hold `javascript:`
IRIs, markup in literals, datatypes and language tags, errors quoting the query) never runs script: no dialog
opens, no payload sets its marker, no result link has a scheme other than http, https or mailto.
`tests/js/csp-check.mjs` drives the browser; `tests/setup.sh` installs chromium and the npm packages.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any
from urllib.parse import quote

import pytest

from publish.escaping import LINK_SCHEMES
from tests.conftest import ROOT
from tests.test_browser import missing_prerequisites
from tests.test_serve import AREA, FOCUS_POINT, SITE_BASE, Running, served, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHECK_SCRIPT = ROOT / "tests" / "js" / "csp-check.mjs"
MARK = "window.__planlodPwned=1;alert(document.domain)"
XSD = "http://www.w3.org/2001/XMLSchema#"

PAGES = [
    "",
    "en/",
    AREA + "/",
    FOCUS_POINT + "/en/",
    "datasaet/",
    "daekning/",
    "datamodel/",
    "foresporgsel/",
    "foresporgsel/en/",
]

# Twenty query values a link to the query page could carry, each trying to make the page run script.
CRAFTED = [
    f'SELECT (IRI("javascript:{MARK}") AS ?x) {{}}',
    f'SELECT (IRI("JaVaScRiPt:{MARK}") AS ?x) {{}}',
    f'SELECT (IRI("javascript://%0A{MARK}") AS ?x) {{}}',
    'SELECT (IRI("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==") AS ?x) {}',
    'SELECT (IRI("vbscript:msgbox(1)") AS ?x) {}',
    f'SELECT (IRI("{SITE_BASE}javascript:{MARK}") AS ?x) {{}}',
    f'SELECT (IRI("{SITE_BASE}../../javascript:{MARK}") AS ?x) {{}}',
    f'SELECT ("<img src=x onerror={MARK}>" AS ?x) {{}}',
    f'SELECT ("<script>{MARK}</script>" AS ?x) {{}}',
    f'SELECT (STRDT("x", <javascript:{MARK}>) AS ?x) {{}}',
    f'SELECT (STRLANG("<svg onload={MARK}>", "en") AS ?x) {{}}',
    f'SELECT (BNODE("\\"><img src=x onerror={MARK}>") AS ?x) {{}}',
    f'SELECT ?x WHERE {{ VALUES ?x {{ <javascript:{MARK}> "<b onmouseover={MARK}>x</b>" }} }}',
    f'CONSTRUCT {{ <javascript:{MARK}> <http://p> "<script>{MARK}</script>" }} WHERE {{}}',
    f"SELECT * WHERE {{ <script>{MARK}</script> }}",
    f'ASK {{ FILTER("</script><script>{MARK}</script>" != "") }}',
    f'"><script>{MARK}</script><textarea>',
    f'SELECT (CONCAT("javascript", ":", "{MARK}") AS ?x) (IRI(?x) AS ?y) {{}}',
    f'SELECT (IRI("mailto:a@example.dk?body=<script>{MARK}</script>") AS ?x) {{}}',
    f"SELECT ?x WHERE {{ BIND(<<( <javascript:{MARK}> <http://p> <javascript:{MARK}> )>> AS ?x) }}",
]


def run_check(urls: list[str]) -> list[dict[str, Any]]:
    missing = missing_prerequisites()
    if missing:
        pytest.fail("the browser tests need " + ", ".join(missing) + "; run tests/setup.sh", pytrace=False)
    try:
        run = subprocess.run(
            ["node", str(CHECK_SCRIPT), *urls],
            cwd=CHECK_SCRIPT.parent,
            capture_output=True,
            text=True,
            timeout=300 + 200 * len(urls),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the browser check did not finish in {exc.timeout} s", pytrace=False)
    if run.returncode != 0:
        pytest.fail(f"the browser check could not run (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert [r["url"] for r in results] == urls, run.stderr
    return results


@pytest.fixture(scope="module")
def pages(served: Running) -> list[dict[str, Any]]:  # noqa: F811
    return run_check([served.url + path for path in PAGES])


@pytest.fixture(scope="module")
def crafted(served: Running) -> list[dict[str, Any]]:  # noqa: F811
    return run_check([f"{served.url}foresporgsel/?query={quote(query, safe='')}" for query in CRAFTED])


@pytest.mark.parametrize("number", range(len(PAGES)), ids=PAGES)
def test_pages_work_under_the_security_policy(pages: list[dict[str, Any]], number: int) -> None:
    result = pages[number]
    assert "error" not in result, result
    assert result["status"] == 200
    assert result["csp"] and "script-src 'self'" in result["csp"]
    problems = {k: result[k] for k in ("violations", "consoleErrors", "pageErrors", "dialogs") if result[k]}
    assert not problems, f"{result['url']}: {problems}"


def test_the_query_page_runs_a_query_under_the_security_policy(served: Running) -> None:  # noqa: F811
    example = (ROOT / "site" / "queries" / "01-omraader.rq").read_text(encoding="utf-8")
    query = f"BASE <{SITE_BASE}>\n" + "\n".join(line for line in example.splitlines() if not line.startswith("# title"))
    (result,) = run_check([f"{served.url}foresporgsel/?query={quote(query, safe='')}"])
    assert "error" not in result, result
    assert result["rows"] >= 11, result
    assert not result["violations"] and not result["consoleErrors"] and not result["pageErrors"], result
    assert result["resultLinks"] and all(href.startswith(served.url) for href in result["resultLinks"])


@pytest.mark.parametrize("number", range(len(CRAFTED)), ids=[f"crafted-{n:02d}" for n in range(len(CRAFTED))])
def test_a_crafted_query_never_runs_script(crafted: list[dict[str, Any]], number: int) -> None:
    result = crafted[number]
    assert "error" not in result, result
    assert result["status"] == 200
    assert not result["dialogs"], result
    assert not result["pwned"], result
    assert not result["violations"], result
    assert not result["pageErrors"], result
    assert result["textarea"] == CRAFTED[number]  # the query is shown as text, whatever it holds
    for href in result["resultLinks"]:
        assert href.split(":", 1)[0].lower() in LINK_SCHEMES, href
    assert result["queryStatus"] or result["messages"], result
