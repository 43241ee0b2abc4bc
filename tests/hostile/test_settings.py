"""Hostile settings: pyproject.toml, PLANLOD_* variables and flags that are wrong, malicious or impossible, the
output folder in the wrong place, and templates and strings that are broken.

Each case runs `planlod build` (and `validate` where the setting matters to it) with the bad setting, into the
previously built site: exit 2 (the command could not run) with a message naming the setting, no traceback, and
the site left as it was.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from publish import switch
from tests.conftest import ROOT, run_planlod
from tests.hostile.conftest import Expect, assert_outcome, snapshot

pytestmark = pytest.mark.slow

Setup = Callable[[Path], list[str]]


def pyproject(line: str) -> Setup:
    """A setting in [tool.planlod] (in place of the one there)."""

    def setup(project: Path) -> list[str]:
        path = project / "pyproject.toml"
        key = line.split("=", 1)[0].strip()
        text = re.sub(rf"(?m)^{re.escape(key)}\s*=.*\n", "", path.read_text(encoding="utf-8"))
        path.write_text(text.replace("[tool.planlod]\n", "[tool.planlod]\n" + line + "\n", 1), encoding="utf-8")
        return []

    return setup


def flag(*args: str) -> Setup:
    return lambda _project: list(args)


def pyproject_text(text: str) -> Setup:
    def setup(project: Path) -> list[str]:
        (project / "pyproject.toml").write_text(text, encoding="utf-8")
        return []

    return setup


def edit_file(path: str, old: str, new: str) -> Setup:
    def setup(project: Path) -> list[str]:
        target = project / path
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        return []

    return setup


def write_file(path: str, text: str) -> Setup:
    def setup(project: Path) -> list[str]:
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
        return []

    return setup


def delete(path: str) -> Setup:
    def setup(project: Path) -> list[str]:
        (project / path).unlink()
        return []

    return setup


def out_inside(folder: str) -> Setup:
    return lambda project: ["--out", str(project / folder)]


# (id, setup returning extra build arguments, environment, expected message); every case exits 2.
CASES: list[tuple[str, Setup, dict[str, str], str]] = [
    # base_iri
    ("base-not-http", flag("--base-iri", "ftp://data.example.dk/"), {}, r"base_iri must be an absolute http\(s\) IRI"),
    ("base-javascript", flag("--base-iri", "javascript:alert(1)//"), {}, r"base_iri must be an absolute http"),
    ("base-relative", flag("--base-iri", "data.example.dk/"), {}, r"base_iri must be an absolute http"),
    ("base-query", flag("--base-iri", "https://data.example.dk/?x=1/"), {}, r"no query string or fragment"),
    ("base-fragment", flag("--base-iri", "https://data.example.dk/#x/"), {}, r"no query string or fragment"),
    ("base-no-slash", flag("--base-iri", "https://data.example.dk/plans"), {}, r"must end with '/'"),
    ("base-space", flag("--base-iri", "https://data.example.dk/my plans/"), {}, r"not a valid IRI"),
    ("base-control", flag("--base-iri", "https://data.example.dk/\x01/"), {}, r"control character U\+0001"),
    (
        "base-newline-env",
        lambda p: [],
        {"PLANLOD_BASE_IRI": "https://data.example.dk/\nX-Evil: 1/"},
        r"PLANLOD_BASE_IRI: it holds a line break or tab \(U\+000A\)",
    ),
    ("base-quote", flag("--base-iri", 'https://data.example.dk/"/'), {}, r"not a valid IRI|base_iri"),
    ("base-empty", flag("--base-iri", ""), {}, r"base_iri must be an absolute"),
    ("base-in-toml-not-string", pyproject("base_iri = 42"), {}, r"base_iri: must be a string"),
    # licence, contact, publisher, endpoint
    ("licence-javascript", pyproject('licence = "javascript:alert(1)"'), {}, r"licence: must be an http or https IRI"),
    ("licence-data", pyproject('licence = "data:text/html,x"'), {}, r"licence: must be an http or https IRI"),
    (
        "licence-relative",
        pyproject('licence = "cc-by"'),
        {},
        r"licence: (must be an http or https IRI|not a valid IRI)",
    ),
    ("licence-empty", pyproject('licence = ""'), {}, r"the licence must be set"),
    ("licence-quote", pyproject("licence = 'https://x.dk/l\"; evil'"), {}, r"licence"),
    (
        "email-markup",
        pyproject('contact_email = "\\"><script>alert(1)</script>"'),
        {},
        r"contact_email: not an e-mail address",
    ),
    ("email-two-at", pyproject('contact_email = "a@b@c.dk"'), {}, r"not an e-mail address"),
    ("email-mailto", pyproject('contact_email = "mailto:a@b.dk"'), {}, r"not an e-mail address"),
    ("email-header", pyproject('contact_email = "a@b.dk\\nBcc: x@y.dk"'), {}, r"contact_email: it holds a line break"),
    (
        "name-control",
        pyproject('contact_name = "Ann\\u0007"'),
        {},
        r"contact_name: it holds the control character U\+0007",
    ),
    (
        "publisher-javascript",
        pyproject('publisher = "javascript:alert(1)"'),
        {},
        r"publisher: must be an http or https IRI",
    ),
    (
        "endpoint-javascript",
        pyproject('sparql_endpoint = "javascript:alert(1)"'),
        {},
        r"sparql_endpoint: must be an http or https IRI",
    ),
    (
        "endpoint-ftp",
        pyproject('sparql_endpoint = "ftp://store.example.dk/sparql"'),
        {},
        r"sparql_endpoint: must be an http or https IRI",
    ),
    (
        "endpoint-env-space",
        lambda p: [],
        {"PLANLOD_SPARQL_ENDPOINT": "my endpoint"},
        r"PLANLOD_SPARQL_ENDPOINT: not a valid IRI",
    ),
    # pyproject.toml itself
    ("toml-broken", pyproject_text("[tool.planlod\nbase_iri = 1\n"), {}, r"pyproject\.toml: not valid TOML"),
    ("toml-not-table", pyproject_text('[tool]\nplanlod = "x"\n'), {}, r"\[tool\.planlod\] must be a table"),
    ("toml-unknown-key", pyproject("bas_iri = 'x'"), {}, r"unknown setting\(s\) in \[tool\.planlod\]: bas_iri"),
    ("toml-list", pyproject("data_dir = ['a', 'b']"), {}, r"data_dir: must be a string"),
    # folders
    ("data-dir-missing", pyproject('data_dir = "nowhere"'), {}, r"nowhere: the data folder does not exist"),
    ("data-dir-is-file", pyproject('data_dir = "pyproject.toml"'), {}, r"the data folder does not exist"),
    ("shapes-dir-missing", pyproject('shapes_dir = "nowhere"'), {}, r"the shapes folder does not exist"),
    (
        "site-dir-missing",
        pyproject('site_dir = "nowhere"'),
        {},
        r"nowhere/strings\.toml|templates folder is missing|nowhere",
    ),
    ("out-inside-data", out_inside("data/_site"), {}, r"the output folder lies inside the data folder"),
    ("out-inside-assets", out_inside("site/assets/out"), {}, r"the output folder lies inside the site folder"),
    ("out-is-shapes", out_inside("shapes"), {}, r"the output folder lies inside the shapes folder"),
    ("out-holds-inputs", lambda p: ["--out", str(p)], {}, r"the output folder holds the data folder"),
    ("out-is-a-file", out_inside("pyproject.toml"), {}, r"is a file"),
    (
        "out-foreign-folder",
        lambda p: ["--out", str(p / "ontology" / "..")],
        {},
        r"holds the|not empty|not written by planlod",
    ),
    ("out-long-name", lambda p: ["--out", str(p.parent / ("x" * 300))], {}, r"too long"),
    (
        "name-control-env",
        lambda p: [],
        {"PLANLOD_CONTACT_NAME": "Ann\x1b[2J"},
        r"PLANLOD_CONTACT_NAME: it holds the control character U\+001B",
    ),
    # templates and strings
    (
        "template-syntax",
        edit_file("site/templates/base.html", "{% block content %}", "{% block content %"),
        {},
        r"site/templates/base\.html:\d+",
    ),
    (
        "template-undefined",
        edit_file("site/templates/home.html", "{{", "{{ no_such_value.x }}{{"),
        {},
        r"home\.html.*no_such_value|'no_such_value' is undefined",
    ),
    (
        "template-missing",
        delete("site/templates/entity/_default.html"),
        {},
        r"template not found: site/templates/entity/_default\.html",
    ),
    ("strings-broken", write_file("site/strings.toml", "[home\nda = 1\n"), {}, r"site/strings\.toml: not valid TOML"),
    (
        "strings-one-language",
        write_file("site/strings.toml", '[home]\nda = "Forside"\n'),
        {},
        r"needs exactly a 'da' and an 'en' text",
    ),
    ("project-missing", lambda p: ["--project", str(p / "nowhere")], {}, r"the data folder does not exist|nowhere"),
]


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, str]], None]]:
    def set_all(values: dict[str, str]) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    yield set_all


@pytest.mark.parametrize(("case", "setup", "env", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_setting(
    project: Path,
    unchanged: Path,
    environ: Callable[[dict[str, str]], None],
    case: str,
    setup: Setup,
    env: dict[str, str],
    message: str,
) -> None:
    extra = setup(project)
    environ(env)
    if "--out" not in extra:
        extra += ["--out", str(unchanged)]
    args = ["--project", str(project)] if "--project" not in extra else []
    built = run_planlod("build", *args, *extra)
    assert_outcome(built, Expect(2, message), case)


def test_a_full_disk_leaves_the_previous_site(tmp_path: Path, previous_site: Path) -> None:
    """A small file system of its own: the first build fits, a second (forced) build runs out of room midway."""
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    assert mounted.returncode == 0, f"cannot mount a small tmpfs for the test: {mounted.stderr.decode()}"
    try:
        project = ROOT
        out = mount / "site"
        first = run_planlod("build", "--project", str(project), "--out", str(out))
        assert first.code == 0, first.err
        before = snapshot(out)
        free = os.statvfs(mount)
        # Leave room for a little more than half a site.
        filler = mount / "filler"
        room = free.f_bavail * free.f_frsize - 10 * 1024 * 1024
        with filler.open("wb") as handle:
            handle.truncate(0)
            handle.write(b"\0" * max(0, room))
        result = run_planlod("build", "--project", str(project), "--out", str(out), "--force")
        assert_outcome(
            result, Expect(2, r"cannot write the site: the disk is full; the previous site is left as it was")
        )
        assert snapshot(out) == before
        assert sorted(p.name for p in mount.iterdir()) == [".site.sites", "filler", "site"]
        generations = sorted(p.name for p in (mount / ".site.sites").iterdir())
        kept = switch.spare(out)  # the first build's spare, for the next update
        assert kept is not None
        expected = [".lock", ".spare", os.readlink(out).rsplit("/", 1)[1], kept[0].name]
        assert generations == sorted(expected), "a build left its folder"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
