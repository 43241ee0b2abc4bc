"""The shared mechanisms behind the hardening: the escaping and link policy, the security headers, what the SPARQL
endpoint refuses before its engine, the fair queue in front of the workers, and documents that nest without
bound. Each is tested on its own here; tests/hostile/ throws hostile input at the whole program."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph

from publish.escaping import (
    LINK_SCHEMES,
    safe_href,
    script_json,
    spreadsheet_cell,
    spreadsheet_row,
    text_problem,
    xml_problem,
    xml_text,
)
from publish.headers import content_security_policy, security_headers
from publish.serialize import MAX_NESTING, json_text, jsonld_tree
from publish.sparqlcheck import MAX_NESTING as MAX_QUERY_NESTING
from publish.sparqlcheck import MAX_QUERY_BYTES, refusal
from publish.sparqlqueue import FairQueue, Job, QueueFull, QueueTimeout
from tests.conftest import ROOT, copy_project, run_planlod

# ---------------------------------------------------------------- escaping and links


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.org/",
        "https://data.example.dk/plan/a",
        "mailto:kontakt@example.dk",
        "HTTPS://EXAMPLE.ORG/x",
    ],
)
def test_web_and_mail_iris_are_links(iri: str) -> None:
    assert safe_href(iri) == iri


@pytest.mark.parametrize(
    "iri",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "urn:isbn:123",
        "http:alert(1)",
        "//evil.example/",
        "relative/path",
        "mailto:",
        "",
        "https://example.org/\u0000",
        "https://example.org/ x",
    ],
)
def test_everything_else_is_not_a_link(iri: str) -> None:
    assert safe_href(iri) is None


def test_the_query_page_script_and_the_pages_follow_one_list_of_schemes() -> None:
    script = (ROOT / "site" / "assets" / "query.js").read_text(encoding="utf-8")
    assert 'schemes: ["' + '", "'.join(LINK_SCHEMES) + '"]' in script
    template = (ROOT / "site" / "templates" / "pages" / "foresporgsel.html").read_text(encoding="utf-8")
    assert 'data-link-schemes="{{ site.link_schemes }}"' in template


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_no_spreadsheet_cell_starts_a_formula(value: str) -> None:
    cell = spreadsheet_cell(value)
    assert cell == value or cell == "'" + value
    if cell.startswith(FORMULA_STARTS):
        float(cell)  # only plain numbers keep a sign


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-1", "-1"),
        ("+3.5", "+3.5"),
        ("Borgere", "Borgere"),
    ],
)
def test_formula_cells_get_an_apostrophe(value: str, expected: str) -> None:
    assert spreadsheet_cell(value) == expected
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spreadsheet_row([value, 3]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [expected, "3"]


@given(st.recursive(st.none() | st.booleans() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_json_in_a_script_block_is_the_same_json_and_cannot_end_the_block(value: object) -> None:
    text = script_json(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    for forbidden in ("<", ">", "&", "\u2028", "\u2029"):
        assert forbidden not in text


@given(st.text())
def test_xml_text_is_well_formed_or_refused(value: str) -> None:
    if xml_problem(value) is not None:
        with pytest.raises(ValueError, match="XML cannot hold"):
            xml_text(value)
        assert text_problem(value) is not None  # validation refuses it before any XML is written
        return
    element = ET.fromstring(f'<a b="{xml_text(value)}">{xml_text(value)}</a>')
    normalised = value.replace("\r\n", "\n").replace("\r", "\n")
    assert element.text in (normalised, None if not value else normalised)


# ---------------------------------------------------------------- security headers


def test_the_security_policy_allows_no_inline_script_and_no_framing() -> None:
    policy = content_security_policy("https://data.example.dk/", "sparql")
    directives = dict(item.split(" ", 1) for item in policy.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["connect-src"] == "'self'"
    names = {name for name, _ in security_headers("https://data.example.dk/", "sparql")}
    assert {"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} <= names


def test_an_endpoint_on_another_host_is_allowed_for_the_query_page_only() -> None:
    policy = content_security_policy("https://data.example.dk/", "https://store.example.dk:8890/sparql")
    directives = dict(item.split(" ", 1) for item in policy.split("; "))
    assert directives["connect-src"] == "'self' https://store.example.dk:8890"
    assert directives["form-action"] == "'self' https://store.example.dk:8890"
    assert directives["script-src"] == "'self'"


# ---------------------------------------------------------------- what the endpoint refuses before the engine


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        (nested(MAX_QUERY_NESTING + 1), 400, "nests"),
        (nested(10_000), 400, "nests"),
        ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", 400, "nests"),
        ("SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f", 400, "cross product"),
        ("SELECT * { ?a ?b ?c OPTIONAL { ?d ?e ?f } } ORDER BY ?a", 400, "cross product"),
        ("SELECT * { ?a ?b ?c . { SELECT ?d { ?d ?e ?f } } } ORDER BY ?a", 400, "cross product"),
        ("# " + "x" * MAX_QUERY_BYTES + "\nASK {}", 413, "longer"),
        ("INSERT DATA { <a> <b> <c> }", 403, "read-only"),
        ("PREFIX x: <y> DELETE WHERE { ?s ?p ?o }", 403, "read-only"),
        ("SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }", 400, "SERVICE"),
    ],
)
def test_pathological_queries_are_refused_before_the_engine(query: str, status: int, words: str) -> None:
    refused = refusal(query)
    assert refused is not None and refused.status == status and words in refused.message


@pytest.mark.parametrize(
    "query",
    [
        nested(MAX_QUERY_NESTING),
        "SELECT * { ?a ?b ?c . ?a ?e ?f } ORDER BY ?c ?f",
        "SELECT * { ?a ?b ?c . ?d ?e ?f FILTER(?a = ?d) } ORDER BY ?c",
        "SELECT * { { ?a ?b ?c } UNION { ?d ?e ?f } } ORDER BY ?c",
        "SELECT * { ?a ?b ?c BIND(?a AS ?d) ?d ?e ?f } ORDER BY ?a",
        "SELECT * { ?a a <x>; <p> ?c . ?c <q> [ <r> ?d ] } ORDER BY ?d",
        "SELECT * { ?a ?b ?c . ?d ?e ?f }",
        'SELECT * { ?a ?b "ORDER BY { { {" . ?d ?e ?f }',
        "SELECT ?x { ?x ?p ?o } ORDER BY ?x # { ?a ?b ?c . ?d ?e ?f }",
    ],
)
def test_ordinary_queries_pass_the_checks(query: str) -> None:
    assert refusal(query) is None


def test_the_example_queries_pass_the_checks() -> None:
    for path in sorted((ROOT / "site" / "queries").glob("*.rq")):
        assert refusal(path.read_text(encoding="utf-8")) is None, path.name


@settings(max_examples=300)
@given(st.text(alphabet="{}()[]<>\"'#?$ .;,\nSELECTWHEREORDBYUNIOPTAL-_:x", max_size=400))
def test_the_checks_read_any_text_without_failing(text: str) -> None:
    refused = refusal(text)
    assert refused is None or refused.status in (400, 403, 413)


# ---------------------------------------------------------------- the fair queue


class Recorder:
    """Jobs for the queue whose run takes a given time, noting the order they ran in."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()

    def run(self, job: Job[float]) -> float:
        self.gate.wait(10)
        with self.lock:
            self.ran.append(job.client)
        time.sleep(job.payload)
        job.finish(job.client)
        return job.payload


def submit(queue: FairQueue[float], client: str, seconds: float, deadline: float = 10.0) -> list[object]:
    results: list[object] = []
    queue.submit(Job(client, seconds, time.monotonic() + deadline, results.append))
    return results


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_light_client_goes_before_a_greedy_one() -> None:
    recorder = Recorder()
    queue: FairQueue[float] = FairQueue(1, recorder.run)
    try:
        submit(queue, "greedy", 0.05)  # known, and not light
        wait_until(lambda: recorder.ran == ["greedy"])
        first = submit(queue, "light", 0.0)
        wait_until(lambda: bool(first))
        recorder.gate.clear()
        blocker = submit(queue, "light", 0.0)
        wait_until(lambda: recorder.ran.count("light") == 1 and queue.waiting == 0)
        greedy = [submit(queue, "greedy", 0.0) for _ in range(3)]
        light = submit(queue, "light", 0.0)
        recorder.gate.set()
        wait_until(lambda: bool(light) and all(greedy) and bool(blocker))
        # The light client, though it came after three of the greedy one's queries, ran before them.
        assert recorder.ran[-4] == "light"
    finally:
        queue.close()


def test_heavy_clients_leave_one_worker_to_the_others() -> None:
    recorder = Recorder()
    queue: FairQueue[float] = FairQueue(2, recorder.run)
    try:
        for name in ("slow-1", "slow-2"):  # two clients whose queries run long: heavy
            done = submit(queue, name, 0.6)
            wait_until(lambda done=done: bool(done))
        long = [submit(queue, "slow-1", 1.5), submit(queue, "slow-2", 1.5)]
        wait_until(lambda: len(queue.running) == 1)
        time.sleep(0.1)
        assert len(queue.running) == 1 and queue.waiting == 1  # the second heavy query waits
        light = submit(queue, "light", 0.0)
        wait_until(lambda: bool(light))
        assert not long[1]  # the light one went first
        wait_until(lambda: all(long))
    finally:
        queue.close()


def test_a_full_queue_refuses_the_busiest_client_with_retry_after() -> None:
    recorder = Recorder()
    recorder.gate.clear()
    queue: FairQueue[float] = FairQueue(1, recorder.run, capacity=4, retry_after=7)
    try:
        submit(queue, "flood", 0.0)
        wait_until(lambda: len(queue.running) == 1)  # blocked at the gate
        flood = [submit(queue, "flood", 0.0) for _ in range(4)]
        with pytest.raises(QueueFull) as refused:
            submit(queue, "flood", 0.0)
        assert refused.value.retry_after == 7
        polite = submit(queue, "polite", 0.0)  # another client gets a place: the flood's newest gives way
        assert len(flood[-1]) == 1 and isinstance(flood[-1][0], QueueFull)
        recorder.gate.set()
        wait_until(lambda: bool(polite) and all(flood[:-1]))
        assert polite == ["polite"]
    finally:
        queue.close()


def test_a_query_waiting_past_its_deadline_leaves_the_queue() -> None:
    recorder = Recorder()
    recorder.gate.clear()
    queue: FairQueue[float] = FairQueue(1, recorder.run)
    try:
        submit(queue, "a", 0.0)
        started = time.monotonic()
        late = submit(queue, "b", 0.0, deadline=0.2)
        time.sleep(0.3)
        queue.expire()  # the one slot is busy: the endpoint's watch takes late queries out
        assert late
        assert isinstance(late[0], QueueTimeout)
        assert 0.15 < time.monotonic() - started < 2.0
        assert queue.waiting == 0
        recorder.gate.set()
    finally:
        queue.close()


def test_the_youngest_of_too_many_long_queries_is_named_for_stopping() -> None:
    recorder = Recorder()
    queue: FairQueue[float] = FairQueue(2, recorder.run)
    try:
        submit(queue, "a", 1.5)
        time.sleep(0.05)
        submit(queue, "b", 1.5)
        wait_until(lambda: len(queue.running) == 2)
        submit(queue, "c", 0.0)
        assert queue.overdue() is None  # not long yet
        time.sleep(0.6)
        victim = queue.overdue()
        assert victim is not None and victim.client == "b"
        assert queue.overdue() is None  # named once
    finally:
        queue.close()


# ---------------------------------------------------------------- documents that nest without bound


@pytest.mark.parametrize("shape", ["list", "chain"])
def test_deep_structures_make_bounded_jsonld_with_the_same_triples(shape: str) -> None:
    root = ox.NamedNode("http://example.org/root")
    p = ox.NamedNode("http://example.org/p")
    first = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
    rest = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
    nil = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")
    nodes = [ox.BlankNode(f"n{i}") for i in range(600)]
    triples = [ox.Triple(root, p, nodes[0])]
    for i, node in enumerate(nodes):
        following = nodes[i + 1] if i + 1 < len(nodes) else nil
        if shape == "list":
            triples += [ox.Triple(node, first, ox.Literal(f"x{i}")), ox.Triple(node, rest, following)]
        else:
            triples.append(ox.Triple(node, p, following if i + 1 < len(nodes) else ox.Literal("end")))
    document = jsonld_tree(root, triples, [])
    text = json_text(document)

    def depth(value: object) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return max((depth(v) for v in value), default=0)
        return 0

    assert depth(document) <= 2 * MAX_NESTING + 4
    expected = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert tree_signature(Graph().parse(data=text, format="json-ld")) == tree_signature(expected)


def tree_signature(graph: Graph) -> tuple[int, str]:
    """The graph's size and a digest of it with every blank node replaced by a digest of what it holds: equal for
    two graphs of the same triples up to the blank nodes' names when every blank node is the object of at most
    one triple (a tree under IRIs, as the deep structures above are). rdflib's general isomorphism takes tens of
    seconds on a chain of 600 blank nodes; this takes linear time."""
    digests: dict[object, str] = {}
    entered: set[object] = set()
    pending = [s for s in set(graph.subjects()) if isinstance(s, BNode)]
    while pending:  # post-order without recursion: a blank node after the blank nodes it points to
        node = pending[-1]
        if node in digests:
            pending.pop()
            continue
        inner = [o for o in graph.objects(node) if isinstance(o, BNode) and o not in digests]
        if inner:
            assert node not in entered, f"the blank nodes form a cycle at {node}"
            entered.add(node)
            pending += inner
            continue
        rows = sorted(f"{p.n3()} {digests.get(o) or o.n3()}" for p, o in graph.predicate_objects(node))
        digests[node] = "_:" + hashlib.sha256("\n".join(rows).encode()).hexdigest()
        pending.pop()
    rows = sorted(
        f"{digests.get(s) or s.n3()} {p.n3()} {digests.get(o) or o.n3()}"
        for s, p, o in graph
        if not isinstance(s, BNode)
    )
    return len(graph), hashlib.sha256("\n".join(rows + sorted(digests.values())).encode()).hexdigest()


# ---------------------------------------------------------------- the policies in a built site


@pytest.mark.slow
def test_formula_texts_reach_the_exports_neutralised(tmp_path: Path) -> None:
    """A rationale and an area name that a spreadsheet would run as formulas, through a whole build."""
    project = copy_project(tmp_path / "project")
    links = project / "data" / "sdg-koblinger.ttl"
    links.write_text(
        links.read_text(encoding="utf-8").replace(
            'plo:rationale "Områdets', 'plo:rationale "=HYPERLINK(1) Områdets', 1
        ),
        encoding="utf-8",
    )
    plan = project / "data" / "ambitioner-og-retning-2020.ttl"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('"Sundhed"@da, "Health"@en', '"Sundhed"@da, "+Health"@en', 1),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = run_planlod("build", "--project", str(project), "--out", str(out))
    assert result.code == 0, result.err
    csv_rows = list(csv.reader(io.StringIO((out / "eksport" / "sdg-koblinger.csv").read_text(encoding="utf-8"))))
    cells = [cell for row in csv_rows for cell in row]
    assert any(c.startswith("'=HYPERLINK(1) Områdets") for c in cells)
    assert "'+Health" in cells
    sssom = (out / "eksport" / "sdg-koblinger.sssom.tsv").read_text(encoding="utf-8")
    coverage = (out / "daekning.csv").read_text(encoding="utf-8")
    for text in (sssom, coverage, "\n".join(",".join(r) for r in csv_rows)):
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            for cell in re.split(r"[\t,]", line):
                assert not cell.strip('"').startswith(("=", "+", "@")), cell
    assert "'+Health" in coverage
    # The RDF keeps the texts as they are; the spreadsheet files alone are guarded.
    assert "=HYPERLINK(1) Områdets" in (out / "dump" / "latest.nt").read_text(encoding="utf-8")
