"""The site search in a real browser, on the site as `planlod serve` serves it (with its security headers): headless
Chromium types words into the search page and reads the results. `tests/js/search-check.mjs` drives the browser;
`tests/setup.sh` installs chromium and the npm packages.

The search runs in the page from the index the build writes (`soeg/indeks.json`), so it works on any static host;
the script must work under the site's Content-Security-Policy (no inline script, no eval).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import ROOT
from tests.test_browser import missing_prerequisites
from tests.test_serve import Running, served, site  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHECK_SCRIPT = ROOT / "tests" / "js" / "search-check.mjs"
INFORMATION_POINT = "plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/3/"


@pytest.fixture(scope="module")
def searches(served: Running) -> dict[str, dict[str, Any]]:  # noqa: F811
    """The browser's results for each search, by a short name."""
    missing = missing_prerequisites()
    if missing:
        pytest.fail("the browser tests need " + ", ".join(missing) + "; run tests/setup.sh", pytrace=False)
    cases = {
        "danish-word": f"{served.url}soeg/=oplysning",
        "english-word": f"{served.url}soeg/en/=information",
        "danish-two-words": f"{served.url}soeg/=ældre værdig",
        "from-the-address": f"{served.url}soeg/en/?q={quote('Hedensted')}",
        "nothing": f"{served.url}soeg/=xyzzyqq",
    }
    run = subprocess.run(
        ["node", str(CHECK_SCRIPT), *cases.values()],
        cwd=CHECK_SCRIPT.parent,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if run.returncode != 0:
        pytest.fail(f"the search check could not run (exit {run.returncode}):\n{run.stderr}", pytrace=False)
    results = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    assert len(results) == len(cases), run.stderr
    return dict(zip(cases, results, strict=True))


def clean(result: dict[str, Any]) -> dict[str, Any]:
    """The result, asserted free of errors, blocked requests and policy violations, and served under the site's
    Content-Security-Policy (no inline script, connections to the site only)."""
    assert "error" not in result, f"{result['url']}: {result['error']}"
    policy = result["csp"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy, f"{result['url']}: CSP {policy!r}"
    problems = {k: result[k] for k in ("consoleErrors", "pageErrors", "failedRequests", "violations") if result[k]}
    assert not problems, f"{result['url']}: {problems}"
    return result


def test_a_danish_word_finds_the_focus_point_first(searches: dict[str, dict[str, Any]], served: Running) -> None:  # noqa: F811
    result = clean(searches["danish-word"])
    first = result["results"][0]
    assert (first["text"], first["kind"]) == ("Mere oplysning om sundhed.", "Fokuspunkt")
    assert first["href"] == f"{served.url}{INFORMATION_POINT}"
    assert result["finalUrl"].endswith("soeg/?q=oplysning"), "the words are kept in the address"
    assert "oplysning" in result["statusText"]


def test_an_english_word_on_the_english_page(searches: dict[str, dict[str, Any]], served: Running) -> None:  # noqa: F811
    result = clean(searches["english-word"])
    first = result["results"][0]
    assert (first["text"], first["kind"]) == ("More information about health.", "Focus point")
    assert first["href"] == f"{served.url}{INFORMATION_POINT}en/"
    assert all(r["href"].endswith("/en/") for r in result["results"]), "English results link to English pages"


def test_every_word_must_be_found_and_texts_are_searched_too(searches: dict[str, dict[str, Any]]) -> None:
    result = clean(searches["danish-two-words"])
    assert result["results"], "the elderly area's headline goal speaks of a dignified life ('værdigt')"
    for r in result["results"]:
        assert "ældre" in (r["text"] + r["snippet"]).lower() or "aeldre" in r["href"]


def test_a_search_runs_from_the_address_and_says_when_nothing_matches(searches: dict[str, dict[str, Any]]) -> None:
    found = clean(searches["from-the-address"])
    assert found["results"][0]["text"] == "Hedensted Municipality", "the English page shows English titles"
    assert found["results"][0]["kind"] == "Municipality"
    nothing = clean(searches["nothing"])
    assert nothing["results"] == [] and "xyzzyqq" in nothing["statusText"]
