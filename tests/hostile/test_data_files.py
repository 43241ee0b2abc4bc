"""Hostile data files: what a mistaken or malicious edit of data/, shapes/ or ontology/ can do.

Each case spoils a copy of the project, then runs `planlod validate` and `planlod build` (into the previously
built site) and checks both: the expected exit code and message, no traceback, and the site left as it was. What
`validate` passes, `build` publishes: every case ends the same way in both (the publishability of IRIs is a
validation rule). A few cases that must be accepted (deep structures) build into a folder of their own.
Hypothesis throws arbitrary text at a literal, and arbitrary paths at IRIs.
"""

from __future__ import annotations

import os
import shutil
import socket
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from tests.conftest import copy_project, run_planlod
from tests.hostile.conftest import Expect, assert_outcome, snapshot

pytestmark = pytest.mark.slow

PLAN = "data/ambitioner-og-retning-2020.ttl"
ORGS = "data/organisationer.ttl"
LINKS = "data/sdg-koblinger.ttl"
SHAPES = "shapes"
TYPE_ORG = "<http://xmlns.com/foaf/0.1/Organization>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
XSD = "http://www.w3.org/2001/XMLSchema#"

Edit = Callable[[Path], None]


def append(file: str, text: str) -> Edit:
    def edit(project: Path) -> None:
        with (project / file).open("a", encoding="utf-8", newline="") as handle:
            handle.write("\n" + text + "\n")

    return edit


def append_bytes(file: str, data: bytes) -> Edit:
    def edit(project: Path) -> None:
        with (project / file).open("ab") as handle:
            handle.write(b"\n" + data + b"\n")

    return edit


def replace(file: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(project: Path) -> None:
        path = project / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")

    return edit


def write(file: str, data: bytes) -> Edit:
    def edit(project: Path) -> None:
        path = project / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return edit


def organisation(iri: str, label: str = '"X"@da') -> Edit:
    """A new organisation with an IRI (relative to the base unless absolute) and a label."""
    return append(ORGS, f"<{iri}> a {TYPE_ORG} ; {LABEL} {label} .")


def remove(path: str) -> Edit:
    def edit(project: Path) -> None:
        target = project / path
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()

    return edit


def empty_folder(path: str) -> Edit:
    def edit(project: Path) -> None:
        for child in (project / path).iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    return edit


def symlink(name: str, target: str) -> Edit:
    def edit(project: Path) -> None:
        os.symlink(target, project / name)

    return edit


def fifo(name: str) -> Edit:
    def edit(project: Path) -> None:
        os.mkfifo(project / name)

    return edit


def unix_socket(name: str) -> Edit:
    def edit(project: Path) -> None:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(project / name))
        sock.close()

    return edit


def non_utf8_name(folder: str) -> Edit:
    def edit(project: Path) -> None:
        name = os.fsdecode(b"plan-\xe6\xf8\xe5.ttl")  # Latin-1 bytes: not UTF-8
        (project / folder / name).write_text("<a> <b> <c> .\n", encoding="utf-8")

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(project: Path) -> None:
        for step in edits:
            step(project)

    return edit


def deep_nesting(depth: int) -> str:
    return f'<plan/ambitioner-og-retning-2020> <http://example.org/deep> {"[ <http://example.org/p> " * depth}"end"{" ]" * depth} .'


def long_list(items: int) -> str:
    values = " ".join(f'"x{i}"' for i in range(items))
    return f"<plan/ambitioner-og-retning-2020> <http://example.org/list> ( {values} ) ."


NOT_CONFORM = r"the data do not conform"
PARSE = r"cannot parse"

# (id, edit, expected exit code, pattern in the output of both validate and build)
CASES: list[tuple[str, Edit, int, str]] = [
    # -- files and folders
    ("no-data-files", empty_folder("data"), 2, r"data: the data folder holds no \.ttl or \.nt files"),
    ("data-folder-missing", remove("data"), 2, r"data: the data folder does not exist"),
    (
        "all-data-files-empty",
        chain(*(write(f, b"") for f in (PLAN, ORGS, LINKS))),
        2,
        r"the data files hold no triples",
    ),
    ("dangling-symlink", symlink("data/gone.ttl", "nowhere.ttl"), 2, r"data/gone\.ttl: a symbolic link to nothing"),
    (
        "symlink-loop",
        chain(symlink("data/a.ttl", "b.ttl"), symlink("data/b.ttl", "a.ttl")),
        2,
        r"data/a\.ttl: a symbolic link that leads back",
    ),
    ("folder-symlink-loop", symlink("data/again", "."), 0, r"the data conform"),
    ("fifo", fifo("data/pipe.ttl"), 2, r"data/pipe\.ttl: not a regular file"),
    ("socket", unix_socket("data/sock.ttl"), 2, r"data/sock\.ttl: not a regular file"),
    (
        "capital-extension",
        write("data/extra.TTL", b"<a> <b> <c> .\n"),
        2,
        r"data/extra\.TTL: planlod reads files named \.ttl",
    ),
    (
        "mixed-case-extension",
        write("data/extra.Nt", b"<a> <b> <c> .\n"),
        2,
        r"data/extra\.Nt: planlod reads files named",
    ),
    ("folder-named-ttl", write("data/sub.ttl/x.txt", b"x"), 2, r"data/sub\.ttl: a folder named like an RDF file"),
    ("non-utf8-file-name", non_utf8_name("data"), 2, r"data/plan-\\xe6\\xf8\\xe5\.ttl: the file name is not UTF-8"),
    (
        "empty-shapes-file",
        write("shapes/planlod-shapes.ttl", b""),
        2,
        r"shapes/planlod-shapes\.ttl: the shapes file holds no triples",
    ),
    (
        "shapes-without-shapes",
        chain(empty_folder(SHAPES), write("shapes/x.ttl", b"<a> <b> <c> .\n")),
        2,
        r"shapes: the shapes files hold no shape",
    ),
    ("no-shapes-files", empty_folder(SHAPES), 2, r"shapes: no shapes \(\.ttl\) file found"),
    (
        "empty-ontology-file",
        write("ontology/planlod.ttl", b""),
        2,
        r"ontology/planlod\.ttl: the ontology file holds no triples",
    ),
    (
        "broken-shapes-file",
        append_bytes("shapes/planlod-shapes.ttl", b"sh:x sh:y"),
        2,
        r"shapes/planlod-shapes\.ttl:\d+:\d+: cannot parse",
    ),
    # -- syntax
    ("syntax-error", append(ORGS, "<a> <b> ."), 2, r"data/organisationer\.ttl:\d+:\d+: cannot parse"),
    (
        "truncated",
        replace(PLAN, "    dct:issued", '    dct:issued "2020', 1),
        2,
        r"data/ambitioner-og-retning-2020\.ttl:\d+:\d+: cannot parse",
    ),
    ("binary-garbage", write("data/garbage.ttl", bytes(range(256)) * 4), 2, r"data/garbage\.ttl:\d+:\d+: cannot parse"),
    (
        "not-utf8-content",
        append_bytes(ORGS, b'<kommune/hedensted> <http://example.org/p> "\xe6\xf8\xe5" .'),
        2,
        r"data/organisationer\.ttl:\d+:\d+: cannot parse",
    ),
    ("bad-language-tag", append(ORGS, '<kommune/hedensted> <http://example.org/p> "x"@123 .'), 2, PARSE),
    ("undefined-prefix", append(ORGS, "nope:x <http://example.org/p> <http://example.org/o> ."), 2, PARSE),
    ("bad-iri-characters", append(ORGS, "<kommune/hedensted> <http://example.org/p> <http://x/a b> ."), 2, PARSE),
    (
        "rdf-star",
        append(
            ORGS,
            "<< <kommune/hedensted> <http://example.org/p> <http://example.org/o> >> <http://example.org/q> <http://example.org/r> .",
        ),
        2,
        r"RDF-star|cannot parse",
    ),
    ("utf8-bom", lambda p: (p / ORGS).write_bytes(b"\xef\xbb\xbf" + (p / ORGS).read_bytes()), 0, r"the data conform"),
    # -- text the outputs cannot carry
    (
        "control-character-escaped",
        append(ORGS, '<kommune/hedensted> <http://example.org/note> "a\\u0001b" .'),
        1,
        r"the text cannot be published: it holds the control character U\+0001",
    ),
    (
        "control-character-raw",
        append_bytes(ORGS, b'<kommune/hedensted> <http://example.org/note> "a\x07b" .'),
        1,
        r"U\+0007",
    ),
    (
        "escape-character",
        append(ORGS, '<kommune/hedensted> <http://example.org/note> "\\u001b[31mred" .'),
        1,
        r"U\+001B",
    ),
    ("c1-control", append(ORGS, '<kommune/hedensted> <http://example.org/note> "a\\u0085b" .'), 1, r"U\+0085"),
    ("nul-character", append(ORGS, '<kommune/hedensted> <http://example.org/note> "a\\u0000b" .'), 1, r"U\+0000"),
    ("non-character", append(ORGS, '<kommune/hedensted> <http://example.org/note> "a\\uFFFEb" .'), 1, r"U\+FFFE"),
    ("control-in-label", replace(ORGS, '"Hedensted Kommune"@da,', '"Hedensted\\u000bKommune"@da,'), 1, r"U\+000B"),
    # -- ill-typed values: the violation, without rdflib's tracebacks
    ("ill-typed-date", replace(PLAN, '"2020-02-17"^^xsd:date', '"abc"^^xsd:date'), 1, r"dct:issued"),
    ("impossible-date", replace(PLAN, '"2020-02-17"^^xsd:date', '"2020-02-30"^^xsd:date'), 1, NOT_CONFORM),
    ("ill-typed-position", replace(PLAN, '"1"^^xsd:positiveInteger', '"one"^^xsd:positiveInteger'), 1, r"plo:position"),
    ("negative-position", replace(PLAN, '"1"^^xsd:positiveInteger', '"-1"^^xsd:positiveInteger'), 1, r"plo:position"),
    (
        "ill-typed-decimal",
        append(LINKS, f'<kommune/hedensted> <http://example.org/v> "1,5"^^<{XSD}decimal> .'),
        0,
        r"the data conform",
    ),
    (
        "ill-typed-boolean",
        append(ORGS, f'<kommune/hedensted> <http://example.org/v> "ja"^^<{XSD}boolean> .'),
        0,
        r"the data conform",
    ),
    # -- IRIs the site cannot publish (validation's rule, the build's need)
    ("iri-english-segment", organisation("person/en"), 1, r"reserved for the site's own pages"),
    ("iri-values-segment", organisation("parti/x/vaerdier"), 1, r"reserved for the site's own pages"),
    ("iri-site-folder", organisation("assets"), 1, r"a file or folder of the site itself"),
    ("iri-site-folder-below", organisation("dump/x"), 1, r"a file or folder of the site itself"),
    ("iri-static-page", organisation("om/x"), 1, r"a file or folder of the site itself"),
    ("iri-base-itself", organisation(""), 1, r"empty"),
    ("iri-file-name", organisation("x.ttl"), 1, r"ends like a file name"),
    ("iri-file-name-inside", organisation("parti/x.html/y"), 1, r"ends like a file name"),
    ("iri-encoded-slash", organisation("a%2Fb"), 1, r"percent-encoding"),
    ("iri-query", organisation("?query"), 1, r"query string"),
    ("iri-query-inside", organisation("parti/x?y=1"), 1, r"query string"),
    ("iri-empty-segment", organisation("parti//x"), 1, r"empty, '\.' or '\.\.' segment"),
    ("iri-dot-segment", organisation("parti/./x"), 0, r"the data conform"),  # the parser resolves it to parti/x
    ("iri-hidden-segment", organisation("parti/.planlod-site"), 1, r"starts with '\.'"),
    ("iri-well-known", organisation(".well-known/x"), 1, r"starts with '\.'"),
    ("iri-non-ascii", organisation("parti/ø"), 1, r"percent-encoding"),
    ("iri-space-encoded", organisation("parti/a%20b"), 1, r"percent-encoding"),
    ("iri-long-segment", organisation("parti/" + "x" * 300), 1, r"bytes long"),
    ("iri-sdg-folder", organisation("sdg/3.5"), 1, r"a file or folder of the site itself"),
    (
        "iri-outside-base",
        append(ORGS, '<http://elsewhere.example/kommune/x> a plo:Municipality ; skos:prefLabel "X"@da .'),
        1,
        r"not under the base IRI",
    ),
    (
        "iri-base-directive",
        append(ORGS, '@base <http://evil.example/> .\n<parti/evil> a plo:PoliticalParty ; skos:prefLabel "Evil"@da .'),
        1,
        r"not under the base IRI",
    ),
    # -- deep and long structures: accepted, and published
    ("list-600", append(ORGS, long_list(600)), 0, r"the data conform"),
    ("nested-600", append(ORGS, deep_nesting(600)), 0, r"the data conform"),
]

IDS = [c[0] for c in CASES]


@pytest.mark.parametrize(("case", "edit", "code", "message"), CASES, ids=IDS)
def test_a_hostile_data_file(
    project: Path, unchanged: Path, tmp_path: Path, case: str, edit: Edit, code: int, message: str
) -> None:
    edit(project)
    validated = run_planlod("validate", "--project", str(project))
    assert_outcome(validated, Expect(code, message), f"{case} (validate)")
    out = unchanged if code else tmp_path / "accepted"
    built = run_planlod("build", "--project", str(project), "--out", str(out))
    assert_outcome(built, Expect(code, r"built " if code == 0 else message), f"{case} (build)")
    if code == 0 and case.startswith(("list", "nested")):
        document = out / "plan" / "ambitioner-og-retning-2020"
        turtle = Graph().parse(document.with_suffix(".ttl"), format="turtle")
        jsonld = Graph().parse(document.with_suffix(".jsonld"), format="json-ld")
        assert len(turtle) == len(jsonld) and len(turtle) > 600


def test_a_violation_names_file_and_line(project: Path) -> None:
    replace(PLAN, '"2020-02-17"^^xsd:date', '"abc"^^xsd:date')(project)
    result = run_planlod("validate", "--project", str(project))
    lines = (project / PLAN).read_text(encoding="utf-8").splitlines()
    subject = next(n for n, line in enumerate(lines, 1) if line.startswith("<plan/ambitioner-og-retning-2020>"))
    assert f"Violation: {PLAN}:{subject}: plan/ambitioner-og-retning-2020" in result.out


def test_an_unreadable_data_tree_in_the_project_is_read_once(project: Path, tmp_path: Path) -> None:
    """A symbolic link to a folder above itself: the loader reads every file once and stops."""
    os.symlink("..", project / "data" / "up")
    result = run_planlod("validate", "--project", str(project))
    assert_outcome(result, Expect(0, r"the data conform"))


# ---------------------------------------------------------------- Hypothesis: any text, any path


TEXT = st.text(min_size=1, max_size=40)


def turtle_string(text: str) -> str:
    """A Turtle string literal holding exactly `text` (every character outside printable ASCII escaped)."""
    out = []
    for char in text:
        if char in string.ascii_letters + string.digits + " .,;:-_!?()[]{}<>=+*/@#$%&'|~^`":
            out.append(char)
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(f"\\u{ord(char):04X}")
    return '"' + "".join(out) + '"'


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("hypothesis") / "project")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_text_is_published_or_refused_with_a_message(scratch: Path, previous_site: Path, text: str) -> None:
    original = (scratch / ORGS).read_bytes()
    before = snapshot(previous_site)
    try:
        append(ORGS, f"<kommune/hedensted> <http://example.org/note> {turtle_string(text)} .")(scratch)
        result = run_planlod("validate", "--project", str(scratch))
        assert result.code in (0, 1, 2)
        for forbidden in ("Traceback", "internal error"):
            assert forbidden not in result.out + result.err
        if result.code == 1:
            assert "the text cannot be published" in result.out
            built = run_planlod("build", "--project", str(scratch), "--out", str(previous_site))
            assert built.code == 1 and "Traceback" not in built.err
            assert snapshot(previous_site) == before
    finally:
        (scratch / ORGS).write_bytes(original)


PATH_SEGMENT = st.text(alphabet=string.ascii_letters + string.digits + "._~!$&'()*+,;=:@-%?#", min_size=1, max_size=12)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(segments=st.lists(PATH_SEGMENT, min_size=1, max_size=3))
def test_what_validate_passes_build_publishes(
    scratch: Path, tmp_path_factory: pytest.TempPathFactory, segments: list[str]
) -> None:
    original = (scratch / ORGS).read_bytes()
    out = tmp_path_factory.mktemp("publishes") / "site"
    try:
        path = "parti/" + "/".join(segments)
        organisation(path)(scratch)
        validated = run_planlod("validate", "--project", str(scratch))
        if validated.code == 2:  # the path does not even parse as an IRI: both refuse it alike
            built = run_planlod("build", "--project", str(scratch), "--out", str(out))
            assert built.code == 2 and "cannot parse" in built.err
            return
        built = run_planlod("build", "--project", str(scratch), "--out", str(out))
        for result in (validated, built):
            assert "Traceback" not in result.out + result.err and "internal error" not in result.err
        assert built.code == validated.code, (path, validated.out[-500:], built.err[-500:])
    finally:
        (scratch / ORGS).write_bytes(original)
