"""`planlod suggest`: the CSV contract, proposals for a plan under the linking policy, and curation decisions as
data."""

from __future__ import annotations

import csv
import io
import socket
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from publish.config import load_config
from publish.dumps import site_data
from publish.exports import coverage_csv, sdg_links_csv, sdg_links_sssom
from publish.load import Role, load_sources
from publish.model import derived_triples, link_fields, vocabulary
from publish.plans import as_index, coverage_matrix
from publish.progress import plain_line
from publish.query import SiteGraph
from publish.render import Renderer
from publish.sparql import load_dataset
from publish.suggest.records import Record, barred_concepts, passed_over, proposals_for
from publish.suggest.scoring import Candidate, Suggester
from publish.urls import UrlPolicy, page_dir
from publish.views import SiteView, Views
from publish.vocab import (
    DCT_MODIFIED,
    DCT_SUBJECT,
    FOAF_NAME,
    PROV_WAS_ASSOCIATED_WITH,
    PROV_WAS_GENERATED_BY,
    RDF_TYPE,
    SCHEMA_SOFTWARE_VERSION,
    SDG_NS,
    SKOS_MEMBER,
    XSD_DATE,
    PlanVocabulary,
)

from .conftest import ROOT, run_planlod
from .test_exports import parse_sssom
from .test_queries import EXAMPLES, run_example
from .test_serve import write_dump

PLAN = "ambitioner-og-retning-2020"
PROPOSALS = f"data/{PLAN}-sdg-forslag.ttl"
AREAS = f"plan/{PLAN}/omraade"
TEXTS = [
    ("rus", "Flere indsatser mod unges brug af alkohol, hash og andre rusmidler samt bedre misbrugsbehandling."),
    ("klima", "We will cut greenhouse gas emissions to net zero and adapt the city to climate change."),
    ("natur", "Vi vil genoprette vådområder og skabe mere vild natur med plads til truede arter."),
    ("tom", ""),
]


def known_notations() -> set[str]:
    text = (ROOT / "ontology" / "reference" / "un-sdg-kos.ttl").read_text(encoding="utf-8")
    store = ox.Store()
    store.load(text.encode(), ox.RdfFormat.TURTLE)
    compact = ox.NamedNode("http://metadata.un.org/sdg/ontology#SDGCodeCompact")
    notations = set()
    for quad in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation"), None):
        if isinstance(quad.object, ox.Literal) and quad.object.datatype == compact and quad.object.value.count(".") < 2:
            notations.add(quad.object.value)
    return notations


def write_input(path: Path, rows: list[tuple[str, str]], header: tuple[str, str] = ("id", "text")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_output(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def suggest_csv(project: Path, tmp_path: Path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "out.csv"
    result = run_planlod(
        "suggest",
        "--project",
        str(project),
        "--input",
        str(write_input(tmp_path / "in.csv", TEXTS)),
        "--out",
        str(out),
        *extra,
    )
    assert result.code == 0, result.err
    return read_output(out)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("planlod suggest tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# ---------------------------------------------------------------- CSV mode


@pytest.mark.slow
def test_csv_output_has_the_contract_columns_notations_and_scores(
    project: Path, tmp_path: Path, no_network: None
) -> None:
    rows = suggest_csv(project, tmp_path)
    assert rows, "no candidate listed at all"
    assert list(rows[0]) == ["id", "sdg", "score", "accepted"]
    notations = known_notations()
    for row in rows:
        assert row["sdg"] in notations, row
        assert 0.0 <= float(row["score"]) <= 1.0
        assert row["accepted"] in ("true", "false")
    assert {r["id"] for r in rows} <= {key for key, _ in TEXTS}


@pytest.mark.slow
def test_csv_suggests_the_goals_the_texts_are_about_in_both_languages(project: Path, tmp_path: Path) -> None:
    rows = suggest_csv(project, tmp_path)

    def suggested_goals(key: str) -> set[str]:
        return {r["sdg"].split(".")[0] for r in rows if r["id"] == key and r["accepted"] == "true"}

    assert "3" in suggested_goals("rus")
    assert "13" in suggested_goals("klima")
    assert "15" in suggested_goals("natur")
    assert suggested_goals("tom") == set()
    # An accepted target's goal is listed as accepted too.
    for row in rows:
        if row["accepted"] == "true" and "." in row["sdg"]:
            goal = row["sdg"].split(".")[0]
            assert any(r["id"] == row["id"] and r["sdg"] == goal and r["accepted"] == "true" for r in rows)


@pytest.mark.slow
def test_csv_output_is_deterministic(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    suggest_csv(project, first)
    suggest_csv(project, second)
    assert (first / "out.csv").read_bytes() == (second / "out.csv").read_bytes()


@pytest.mark.slow
def test_lang_option_overrides_detection(project: Path, tmp_path: Path) -> None:
    detected = suggest_csv(project, tmp_path)
    forced = suggest_csv(project, tmp_path, "--lang", "en")
    assert [r for r in detected if r["id"] == "rus"] != [r for r in forced if r["id"] == "rus"]


@pytest.mark.slow
def test_csv_progress_is_plain_lines_off_a_terminal(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run_planlod(
        "suggest", "--project", str(project), "--input", str(write_input(tmp_path / "in.csv", TEXTS)), "--out", str(out)
    )
    assert "planlod suggest: 4/4 (" in result.err and "s left)" in result.err
    assert plain_line("x", 50, 100, 10.0) == "x: 50/100 (5.0/s, about 10 s left)"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"id,body\n1,hello\n", "no column named 'text'"),
        (b"id,text\n1,ok\n2,caf\xe9\n", "in.csv:3: not UTF-8"),
        (b"id,text\n1,a\n1,b\n", "id '1' already used on line 2"),
        (b"id,text\n1,a,extra\n", "in.csv:2: 3 fields, but the header has 2"),
    ],
)
def test_bad_input_is_a_clear_error_with_exit_2(project: Path, tmp_path: Path, content: bytes, expected: str) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(content)
    out = tmp_path / "out.csv"
    result = run_planlod("suggest", "--project", str(project), "--input", str(source), "--out", str(out))
    assert result.code == 2
    assert expected in result.err
    assert "Traceback" not in result.err + result.out
    assert not out.exists()


def test_csv_mode_needs_both_files(project: Path, tmp_path: Path) -> None:
    result = run_planlod("suggest", "--project", str(project), "--input", str(tmp_path / "in.csv"))
    assert result.code == 2 and "--out" in result.err


# ---------------------------------------------------------------- the linking policy, rule by rule

TARGETS = {str(g): [f"{g}.{t}" for t in (1, 2, 3, 4, "a")] for g in range(1, 18)}


def record(notation: str, status: str) -> Record:
    return Record(f"x/sdg/{notation}", "x", notation, status, "data/x.ttl")


def test_an_element_is_never_offered_a_goal_beside_one_of_its_targets() -> None:
    vocab = vocabulary(UrlPolicy("http://localhost:8000/"))
    barred = barred_concepts([record("3.4", vocab.Accepted.value)], vocab, TARGETS.__getitem__)
    assert {"3.4", "3"} <= barred and "3.1" not in barred  # another target of goal 3 may still be proposed
    barred = barred_concepts([record("4", vocab.Proposed.value)], vocab, TARGETS.__getitem__)
    assert {"4", "4.1", "4.a"} <= barred  # a goal already proposed bars its targets
    barred = barred_concepts([record("5", vocab.Rejected.value)], vocab, TARGETS.__getitem__)
    assert {"5", "5.1", "5.a"} <= barred  # a goal rejected for the element: its targets lie outside its field
    barred = barred_concepts([record("3.c", vocab.Rejected.value)], vocab, TARGETS.__getitem__)
    assert barred == {"3.c"}  # a rejected target bars only itself: the goal or another target may fit
    barred = barred_concepts([record("8", vocab.Withdrawn.value)], vocab, TARGETS.__getitem__)
    assert barred == {"8"}

    # Left out of the ranking (so that the next best target is chosen): developing-country targets, rejected and
    # withdrawn ones; a target the element is linked to or has a proposal for stays a right answer.
    statuses = {"3.c": vocab.Rejected, "3.4": vocab.Accepted, "4.1": vocab.Proposed, "8.2": vocab.Withdrawn}
    records = [record(n, status.value) for n, status in statuses.items()]
    assert passed_over(records, vocab, frozenset({"4.c"})) == {"3.c", "8.2", "4.c"}

    def candidate(notation: str, accepted: bool = True) -> Candidate:
        return Candidate(notation, 0.9, accepted, (), ())

    chosen = proposals_for(
        [candidate("3"), candidate("3.4"), candidate("4"), candidate("6", False)], set(), lambda n: n.split(".")[0]
    )
    assert [c.notation for c in chosen] == ["3.4", "4"]  # goal 3 is carried by its target 3.4
    chosen = proposals_for([candidate("3"), candidate("3.4"), candidate("4")], {"3.4", "4"}, lambda n: n.split(".")[0])
    assert [c.notation for c in chosen] == ["3"]


@pytest.mark.slow
def test_a_barred_target_is_never_accepted_and_the_next_best_is(suggester: Suggester) -> None:
    text = "Vi skal rekruttere flere kvalificerede lærere og pædagoger og styrke efteruddannelsen af lærerne."
    free = {c.notation for c in suggester.analyse(text, "da").accepted()}
    assert "4.c" in free, "the example must make 4.c (aimed at developing countries) one of the suggester's choices"
    analysis = suggester.analyse(text, "da", barred=frozenset({"4.c"}))
    assert "4.c" not in {c.notation for c in analysis.targets}
    chosen = {c.notation for c in analysis.accepted()}
    assert "4" in chosen and {n for n in chosen - free if n.startswith("4.")}, "the next best target of goal 4"


# ---------------------------------------------------------------- plan mode and curation


@dataclass(frozen=True)
class Data:
    """The project's data after a run: the link records and every subject's description."""

    triples: list[ox.Triple]
    vocab: PlanVocabulary
    policy: UrlPolicy
    developing: frozenset[str]

    @property
    def by_subject(self) -> dict[str, dict[ox.NamedNode, list[ox.NamedNode | ox.Literal]]]:
        found: dict[str, dict[ox.NamedNode, list[ox.NamedNode | ox.Literal]]] = {}
        for t in self.triples:
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
                found.setdefault(t.subject.value, {}).setdefault(t.predicate, []).append(t.object)
        return found

    def records(self) -> dict[str, dict[ox.NamedNode, list[ox.NamedNode | ox.Literal]]]:
        subjects = self.by_subject
        return {s: d for s, d in subjects.items() if self.vocab.SDGLink in d.get(RDF_TYPE, [])}

    def proposals(self) -> dict[str, dict[ox.NamedNode, list[ox.NamedNode | ox.Literal]]]:
        return {s: d for s, d in self.records().items() if d[self.vocab.method] == [self.vocab.Suggested]}

    def pair(self, description: dict[ox.NamedNode, list[ox.NamedNode | ox.Literal]]) -> tuple[str, str]:
        return description[self.vocab.linkSubject][0].value, description[self.vocab.sdgConcept][0].value


def load_project(project: Path) -> Data:
    config = load_config(project, environ={})
    sources = load_sources(config)
    vocab = vocabulary(UrlPolicy(config.base_iri))
    developing = frozenset(
        t.object.value
        for t in sources.triples(Role.ONTOLOGY)
        if t.subject == vocab.DevelopingCountryTargets and t.predicate == SKOS_MEMBER
    )
    return Data(list(sources.triples(Role.DATA)), vocab, UrlPolicy(config.base_iri), developing)


@pytest.mark.slow
def test_plan_proposals_follow_the_linking_policy_and_validate(project: Path, no_network: None) -> None:
    curated_before = (project / "data" / "sdg-koblinger.ttl").read_bytes()
    before = load_project(project)
    result = run_planlod("suggest", "--project", str(project), PLAN)
    assert result.code == 0, result.err
    assert (project / PROPOSALS).is_file()
    assert (project / "data" / "sdg-koblinger.ttl").read_bytes() == curated_before
    checked = run_planlod("validate", "--strict", "--project", str(project))
    assert checked.code == 0, checked.out + checked.err
    data = load_project(project)
    vocab = data.vocab
    proposals = data.proposals()
    assert len(proposals) >= 5, "too few proposals to check the policy on"
    subjects = data.by_subject
    existing = {before.pair(d) for d in before.records().values()}
    for iri, description in proposals.items():
        element, concept = data.pair(description)
        # Only the plan's own sentences: headline goals and focus points, never a focus area or the plan.
        kinds = set(subjects[element][RDF_TYPE])
        assert kinds & {vocab.Goal, vocab.Initiative} and not kinds & {vocab.FocusArea, vocab.Plan}, iri
        assert (element, concept) not in existing, f"{iri} proposes again a pair that has a record"
        assert concept not in data.developing, f"{iri} proposes a target aimed at developing countries"
        assert description[vocab.status] == [vocab.Proposed]
        assert vocab.decidedBy not in description and vocab.decisionDate not in description
    # Never a goal and one of its targets for one element, counting accepted links and proposals.
    held: dict[str, set[str]] = {}
    for description in data.records().values():
        if description[vocab.status][0] in (vocab.Accepted, vocab.Proposed):
            element, concept = data.pair(description)
            held.setdefault(element, set()).add(concept[len(SDG_NS) :])
    for element, notations in held.items():
        goals = {n for n in notations if "." not in n}
        assert not {n for n in notations if n.split(".")[0] in goals and "." in n}, (element, notations)


@pytest.mark.slow
def test_plan_proposals_are_explained_records_of_a_described_run(project: Path) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    data = load_project(project)
    vocab = data.vocab
    subjects = data.by_subject
    for description in data.proposals().values():
        confidence = description[vocab.confidence][0]
        assert isinstance(confidence, ox.Literal) and 0 <= float(confidence.value) <= 1
        rationale = {lit.language: lit.value for lit in description[vocab.rationale] if isinstance(lit, ox.Literal)}
        assert rationale["da"].startswith("Maskinelt forslag") and "»" in rationale["da"]
        assert rationale["en"].startswith("Machine suggestion") and "»" in rationale["en"]
        created = description[ox.NamedNode("http://purl.org/dc/terms/created")][0]
        assert isinstance(created, ox.Literal) and created.datatype == XSD_DATE
        run = subjects[description[PROV_WAS_GENERATED_BY][0].value]
        assert run[SCHEMA_SOFTWARE_VERSION]
        settings = run[vocab.settings][0]
        assert isinstance(settings, ox.Literal) and "threshold=" in settings.value
        agent = subjects[run[PROV_WAS_ASSOCIATED_WITH][0].value]
        assert "planlod suggest" in {v.value for v in agent[FOAF_NAME]}


@pytest.mark.slow
def test_a_rerun_keeps_every_record_and_adds_nothing_twice(project: Path) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    first = (project / PROPOSALS).read_bytes()
    again = run_planlod("suggest", "--project", str(project), PLAN)
    assert again.code == 0 and "0 new proposals" in again.out
    assert (project / PROPOSALS).read_bytes() == first
    # A lower threshold proposes more, beside the open proposals, which stay as they were.
    lower = run_planlod("suggest", "--project", str(project), "--threshold", "0.2", PLAN)
    assert lower.code == 0, lower.err
    text = (project / PROPOSALS).read_text(encoding="utf-8")
    data = load_project(project)
    pairs = [data.pair(d) for d in data.records().values()]
    assert len(pairs) == len(set(pairs)), "a pair was proposed twice"
    assert len(text) > len(first.decode("utf-8"))
    assert run_planlod("validate", "--strict", "--project", str(project)).code == 0


@pytest.mark.slow
def test_proposals_count_only_once_accepted_and_rejections_stick(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    data = load_project(project)
    vocab, policy = data.vocab, data.policy
    proposals = sorted(data.proposals())
    assert len(proposals) >= 2
    to_accept, to_reject = proposals[0], proposals[1]

    def subject_triple(iri: str, found: Data) -> ox.Triple:
        element, concept = found.pair(found.records()[iri])
        return ox.Triple(ox.NamedNode(element), DCT_SUBJECT, ox.NamedNode(concept))

    # Proposed: not counted.
    assert subject_triple(to_accept, data) not in derived_triples(link_fields(data.triples, vocab), vocab)

    # Without a curator, no decision is recorded.
    monkeypatch.delenv("PLANLOD_CURATOR", raising=False)
    refused = run_planlod("suggest", "--project", str(project), "accept", policy.path(to_accept))
    assert refused.code == 2 and "curator" in refused.err

    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    accepted = run_planlod("suggest", "--project", str(project), "accept", policy.path(to_accept))
    assert accepted.code == 0, accepted.err
    result = run_planlod("suggest", "--project", str(project), "reject", to_reject)
    assert result.code == 0 and "rejected" in result.out
    checked = run_planlod("validate", "--strict", "--project", str(project))
    assert checked.code == 0, checked.out

    data = load_project(project)
    found = data.records()
    assert found[to_accept][vocab.status] == [vocab.Accepted]
    assert found[to_reject][vocab.status] == [vocab.Rejected]
    curator = found[to_accept][vocab.decidedBy][0]
    assert curator == ox.NamedNode(policy.agent("test-kurator"))
    assert any(t.subject == curator and t.object == ox.Literal("Test Kurator") for t in data.triples)
    for link in (to_accept, to_reject):
        when, modified = found[link][vocab.decisionDate][0], found[link][DCT_MODIFIED][0]
        assert isinstance(when, ox.Literal) and when.datatype == XSD_DATE and when == modified
        assert found[link][vocab.method] == [vocab.Suggested], "the method stays as the link was found"
    derived = derived_triples(link_fields(data.triples, vocab), vocab)
    assert subject_triple(to_accept, data) in derived
    assert subject_triple(to_reject, data) not in derived

    # A second accept by the same curator changes nothing.
    again = run_planlod("suggest", "--project", str(project), "accept", to_accept)
    assert again.code == 0 and "already accepted by this curator, unchanged" in again.out

    # A new run keeps both decisions and never proposes the rejected link again.
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    data = load_project(project)
    found = data.records()
    assert found[to_reject][vocab.status] == [vocab.Rejected]
    assert found[to_accept][vocab.status] == [vocab.Accepted]
    rejected_pair = data.pair(found[to_reject])
    assert [iri for iri, r in found.items() if data.pair(r) == rejected_pair] == [to_reject]


PROPOSAL = """
<{link}> a plo:SDGLink ;
    rdfs:label "forslag"@da, "suggestion"@en ;
    plo:linkSubject <{element}> ;
    plo:sdgConcept sdg:{notation} ;
    plo:rationale "Maskinelt forslag."@da, "Machine suggestion."@en ;
    plo:method plo:Suggested ;
    plo:status plo:Proposed ;
    plo:confidence 0.9 ;
    prov:wasAttributedTo <agent/planlod-forslag> ;
    dct:created "2026-12-01"^^xsd:date ;
    prov:wasDerivedFrom <kilde/ambitioner-og-retning-2020> .
"""


def write_proposals(project: Path, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """A proposals file as an earlier suggester could have written it: one proposal per (element, notation)."""
    head = """@prefix plo: <ontologi/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix sdg: <http://metadata.un.org/sdg/> .

<agent/planlod-forslag> a prov:SoftwareAgent ; rdfs:label "planlod suggest"@da, "planlod suggest"@en ;
    foaf:name "planlod suggest" .
"""
    links = {}
    body = []
    for element, notation in pairs:
        link = f"{AREAS}/{element}/sdg/{notation}"
        links[f"{element} {notation}"] = link
        body.append(PROPOSAL.format(link=link, element=f"{AREAS}/{element}", notation=notation))
    (project / PROPOSALS).write_text(head + "".join(body), encoding="utf-8")
    return links


@pytest.mark.parametrize(
    ("element", "notation", "why"),
    [
        ("sundhed/maal", "3", "one of this goal's targets"),  # the headline goal is linked to 3.4 and 3.8
        ("erhvervsliv", "9", "a part of this focus area"),  # its focus point 2 is linked to 9.4
        ("sundhed/indsats/2", "3.c", "aimed at developing countries"),
    ],
)
def test_accept_refuses_what_the_shapes_refuse_and_writes_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch, element: str, notation: str, why: str
) -> None:
    links = write_proposals(project, [(element, notation), ("sundhed/indsats/2", "16.6")])
    assert run_planlod("validate", "--project", str(project)).code == 0, "the proposals themselves are valid"
    before = (project / PROPOSALS).read_bytes()
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    result = run_planlod(
        "suggest", "--project", str(project), "accept", links["sundhed/indsats/2 16.6"], links[f"{element} {notation}"]
    )
    assert result.code == 1, result.out + result.err
    assert "the shapes refuse this decision, so nothing was written" in result.err
    assert why in result.err and links[f"{element} {notation}"] in result.err
    assert "Traceback" not in result.err
    assert (project / PROPOSALS).read_bytes() == before
    assert not [p for p in (project / "data").iterdir() if p.name.endswith(".tmp")]
    # Rejecting it is fine, and so is accepting the other proposal alone.
    assert run_planlod("suggest", "--project", str(project), "reject", links[f"{element} {notation}"]).code == 0
    assert run_planlod("suggest", "--project", str(project), "accept", links["sundhed/indsats/2 16.6"]).code == 0
    assert run_planlod("validate", "--strict", "--project", str(project)).code == 0


def test_decisions_refuse_curated_and_unknown_links(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    curated = f"{AREAS}/sundhed/indsats/1/sdg/3.5"
    result = run_planlod("suggest", "--project", str(project), "reject", curated)
    assert result.code == 2 and "curated record in data/sdg-koblinger.ttl" in result.err
    unknown = run_planlod("suggest", "--project", str(project), "accept", "plan/none/sdg/1")
    assert unknown.code == 2 and "no SDG link record" in unknown.err
    assert "Traceback" not in result.err + unknown.err


def test_unknown_plan_names_the_plans(project: Path) -> None:
    result = run_planlod("suggest", "--project", str(project), "no-such-plan")
    assert result.code == 2 and PLAN in result.err


def test_a_decision_without_its_curator_is_reported(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    links = write_proposals(project, [("sundhed/indsats/2", "16.6")])
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    assert run_planlod("suggest", "--project", str(project), "accept", links["sundhed/indsats/2 16.6"]).code == 0
    path = project / PROPOSALS
    path.write_text(
        "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if "plo:decidedBy" not in line) + "\n",
        encoding="utf-8",
    )
    result = run_planlod("validate", "--strict", "--project", str(project))
    assert result.code == 1 and "plo:decidedBy" in result.out and "Warning" in result.out


def data_files(project: Path) -> dict[str, bytes]:
    """Every file under the project's data/, by its path, as bytes."""
    return {
        p.relative_to(project).as_posix(): p.read_bytes() for p in sorted((project / "data").rglob("*")) if p.is_file()
    }


@pytest.mark.slow
def test_a_decision_survives_a_workbook_round_trip(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A curator accepts a proposal with `planlod suggest accept`; the plan's workbook, exported and imported
    back unchanged, keeps the decision (accepted, by that curator, on that date) and every data file as it was."""
    links = write_proposals(project, [("sundhed/indsats/2", "16.6")])
    link = links["sundhed/indsats/2 16.6"]
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    accepted = run_planlod("suggest", "--project", str(project), "accept", link)
    assert accepted.code == 0, accepted.out + accepted.err
    data = load_project(project)
    vocab, policy = data.vocab, data.policy
    decided = data.records()[policy.iri(link)]
    assert decided[vocab.status] == [vocab.Accepted]
    curator, when = decided[vocab.decidedBy], decided[vocab.decisionDate]
    assert curator == [ox.NamedNode(policy.agent("test-kurator"))] and len(when) == 1
    files = data_files(project)

    workbook = tmp_path / "plan.xlsx"
    exported = run_planlod("sheet", "export", f"plan/{PLAN}", "--out", str(workbook), "--project", str(project))
    assert exported.code == 0, exported.out + exported.err
    imported = run_planlod("sheet", "import", str(workbook), "--project", str(project), "--lang", "en")
    assert imported.code == 0, imported.out + imported.err
    assert "0 added, 0 changed, 0 removed" in imported.out and "nothing to change" in imported.out

    after = load_project(project).records()[policy.iri(link)]
    assert after[vocab.status] == [vocab.Accepted]
    assert after[vocab.decidedBy] == curator and after[vocab.decisionDate] == when
    assert data_files(project) == files


# ---------------------------------------------------------------- curation as data: pages, coverage, exports, queries


@dataclass(frozen=True)
class Published:
    """What the site publishes from a project's data: answers, counts, exports and the pages' views."""

    examples: dict[str, object]
    coverage: bytes
    sssom: list[dict[str, str]]
    links_csv: list[dict[str, str]]
    subjects: set[ox.Triple]
    views: Views


def published(project: Path, tmp_path: Path) -> Published:
    config = load_config(project, environ={})
    policy = UrlPolicy(config.base_iri)
    sources = load_sources(config)
    data = site_data(sources, policy)
    dataset = load_dataset(write_dump(config, tmp_path / "dump" / "latest.nt"), config.base_iri)
    counted = ("03-fokuspunkter-per-verdensmaal", "04-daekning", "05-fokuspunkter-per-delmaal", "11-omraade-som-graf")
    answers = {name: run_example(dataset, EXAMPLES[name]) for name in counted}
    examples = {name: set(a) if isinstance(a, Graph) else a for name, a in answers.items()}  # a graph: its triples
    everything = data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE))
    index = as_index(everything)
    matrices = coverage_matrix(index, policy)
    _meta, sssom = parse_sssom(sdg_links_sssom(index, policy, config))
    rows = list(csv.DictReader(io.StringIO(sdg_links_csv(index, policy).decode("utf-8"), newline="")))
    graph = SiteGraph(data + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE, Role.SHAPES)), policy)
    return Published(
        examples,
        coverage_csv(matrices),
        sssom,
        rows,
        {t for t in data if t.predicate == DCT_SUBJECT},
        Views(graph, config, policy, matrices),
    )


def rendered(found: Published, element: ox.NamedNode, lang: str) -> str:
    """The element's page as the build renders it."""
    views = found.views
    renderer = Renderer(views.config.site_dir)
    here = page_dir(views.policy.path(element.value), lang)
    view = views.entities.page(element, lang, "{}")
    kinds = views.entities.kind(element)
    return renderer.render(
        renderer.entity_template(kinds),
        lang,
        here,
        page=view,
        site=SiteView.from_config(views.config, views.g),
        extra=views.entities.extra(element, kinds, lang, here),
        other_lang_href=view.other_lang_href,
    ).decode("utf-8")


def test_a_proposal_is_shown_apart_and_counted_nowhere_until_accepted(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = published(project, tmp_path / "before")
    links = write_proposals(project, [("sundhed/indsats/2", "16.6"), ("sundhed/indsats/2", "16.7")])
    proposal, other = links["sundhed/indsats/2 16.6"], links["sundhed/indsats/2 16.7"]
    proposed = published(project, tmp_path / "proposed")

    # Not counted: the example queries' answers, the coverage, dct:subject and SSSOM are as before.
    assert proposed.examples == before.examples
    assert proposed.coverage == before.coverage
    assert proposed.subjects == before.subjects
    assert proposed.sssom == before.sssom
    # The tidy CSV lists every record with its status (and the suggester's confidence): count only Accepted rows.
    row = next(r for r in proposed.links_csv if r["link"].endswith(proposal))
    assert (row["status"], row["confidence"]) == ("plo:Proposed", "0.9")

    # Shown on the element's page apart from its accepted links, with confidence and explanation.
    element = ox.NamedNode(proposed.views.policy.iri(f"{AREAS}/sundhed/indsats/2"))
    page = proposed.views.entities.page(element, "da", "{}")
    assert [link.badge.code for link in page.proposed_links] == ["16.6", "16.7"]
    assert all(link.confidence == "0,90" and link.rationale == "Maskinelt forslag." for link in page.proposed_links)
    assert page.accepted_links and not {link.badge.code for link in page.accepted_links} & {"16.6", "16.7"}
    assert not [badge.code for badge in page.badges if badge.code.startswith("16")]
    assert proposed.views.entities.page(element, "en", "{}").proposed_links[0].confidence == "0.90"
    markup = rendered(proposed, element, "da")
    accepted_part = markup[markup.index('id="sdg-links"') : markup.index('id="sdg-proposed"')]
    proposed_part = markup[markup.index('id="sdg-proposed"') :]
    proposed_part = proposed_part[: proposed_part.index("</section>")]
    assert "16.6" not in accepted_part and "3.8" in accepted_part
    assert (
        "afventer en kurator" in proposed_part and '<data class="confidence" value="0.90">0,90</data>' in proposed_part
    )
    assert "Maskinelt forslag." in proposed_part and "16.6" in proposed_part and "16.7" in proposed_part

    # Accepted: counted everywhere, with the curator; rejected: kept, shown apart, negated in SSSOM.
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    assert run_planlod("suggest", "--project", str(project), "accept", proposal).code == 0
    assert run_planlod("suggest", "--project", str(project), "reject", other).code == 0
    decided = published(project, tmp_path / "decided")
    assert decided.examples["03-fokuspunkter-per-verdensmaal"] != before.examples["03-fokuspunkter-per-verdensmaal"]
    assert decided.coverage != before.coverage
    assert decided.subjects - before.subjects == {
        ox.Triple(element, DCT_SUBJECT, ox.NamedNode(SDG_NS + "16.6")),
    }
    known = {(r["subject_id"], r["object_id"]) for r in before.sssom}
    new = [r for r in decided.sssom if (r["subject_id"], r["object_id"]) not in known]
    assert sorted((r["object_id"], r["predicate_modifier"]) for r in new) == [("sdg:16.6", ""), ("sdg:16.7", "Not")]
    for r in new:
        assert r["mapping_justification"] == "semapv:CompositeMatching"
        assert r["confidence"] == "0.9"
        assert r["author_id"] == "planlod:agent/planlod-forslag"
        assert r["reviewer_id"] == "planlod:agent/test-kurator"
    curated = [r for r in decided.sssom if (r["subject_id"], r["object_id"]) in known]
    assert len(curated) == len(before.sssom)
    assert {r["mapping_justification"] for r in curated} == {"semapv:ManualMappingCuration"}
    assert not any(r["reviewer_id"] for r in curated), "a curated link's curator is its author"
    page = decided.views.entities.page(element, "da", "{}")
    assert not page.proposed_links
    accepted = next(link for link in page.accepted_links if link.badge.code == "16.6")
    assert accepted.decided_by is not None and accepted.decided_by.text == "Test Kurator"
    assert accepted.decision_date and accepted.confidence == "0,90"
    assert [link.badge.code for link in page.closed_links if link.badge.code.startswith("16")] == ["16.7"]
    assert [badge.code for badge in page.badges if badge.code.startswith("16")] == ["16.6"]
    markup = rendered(decided, element, "en")
    closed_part = markup[markup.index('id="sdg-closed"') :]
    closed_part = closed_part[: closed_part.index("</section>")]
    assert "Rejected and withdrawn links" in closed_part and "16.7" in closed_part and "16.6" not in closed_part
    assert "Decided by" in closed_part and "Test Kurator" in closed_part
