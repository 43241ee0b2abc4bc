"""`planlod suggest`: the CSV contract, proposals for a plan, and curation decisions as data."""

from __future__ import annotations

import csv
import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.config import load_config
from publish.load import Role, load_sources
from publish.model import DCT_SUBJECT, Vocabulary, derived_triples
from publish.suggest.progress import plain_line
from publish.urls import UrlPolicy

from .conftest import ROOT, run_planlod

PLAN = "ambitioner-og-retning-2020"
PROPOSALS = f"data/{PLAN}-sdg-forslag.ttl"
SDG = "http://metadata.un.org/sdg/"
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


def test_csv_output_is_deterministic(project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    suggest_csv(project, first)
    suggest_csv(project, second)
    assert (first / "out.csv").read_bytes() == (second / "out.csv").read_bytes()


def test_lang_option_overrides_detection(project: Path, tmp_path: Path) -> None:
    detected = suggest_csv(project, tmp_path)
    forced = suggest_csv(project, tmp_path, "--lang", "en")
    assert [r for r in detected if r["id"] == "rus"] != [r for r in forced if r["id"] == "rus"]


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


# ---------------------------------------------------------------- plan mode and curation


def load_project(project: Path) -> tuple[list[ox.Triple], Vocabulary]:
    config = load_config(project)
    sources = load_sources(config)
    return list(sources.triples(Role.DATA)), Vocabulary.for_policy(UrlPolicy(config.base_iri))


def records(triples: list[ox.Triple], vocab: Vocabulary) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    link = vocab.term("SDGLink")
    found: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    links = {t.subject.value for t in triples if t.object == link}
    for t in triples:
        if t.subject.value in links:
            found.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)  # type: ignore[arg-type]
    return found


def suggested(
    found: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]], vocab: Vocabulary
) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    method = vocab.term("method").value
    return {iri: r for iri, r in found.items() if r[method] == [vocab.term("Suggested")]}


def test_plan_proposals_are_valid_explained_records_beside_the_curated_links(project: Path, no_network: None) -> None:
    curated_before = (project / "data" / "sdg-koblinger.ttl").read_bytes()
    result = run_planlod("suggest", "--project", str(project), PLAN)
    assert result.code == 0, result.err
    assert (project / PROPOSALS).is_file()
    assert (project / "data" / "sdg-koblinger.ttl").read_bytes() == curated_before
    assert run_planlod("validate", "--strict", "--project", str(project)).code == 0
    triples, vocab = load_project(project)
    proposals = suggested(records(triples, vocab), vocab)
    assert proposals
    pairs = {(r[vocab.term("linkSubject").value][0], r[vocab.term("sdgConcept").value][0]) for r in proposals.values()}
    curated = {
        (r[vocab.term("linkSubject").value][0], r[vocab.term("sdgConcept").value][0])
        for iri, r in records(triples, vocab).items()
        if iri not in proposals
    }
    assert not pairs & curated, "a proposal repeats a curated link"
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)  # type: ignore[arg-type]
    for record in proposals.values():
        assert record[vocab.term("status").value] == [vocab.term("Proposed")]
        confidence = record[vocab.term("confidence").value][0]
        assert isinstance(confidence, ox.Literal) and 0 <= float(confidence.value) <= 1
        rationale = {
            lit.language: lit.value for lit in record[vocab.term("rationale").value] if isinstance(lit, ox.Literal)
        }
        assert rationale["da"].startswith("Maskinelt forslag") and "»" in rationale["da"]
        assert rationale["en"].startswith("Machine suggestion") and "»" in rationale["en"]
        run = record["http://www.w3.org/ns/prov#wasGeneratedBy"][0]
        activity = by_subject[run.value]
        assert activity["https://schema.org/softwareVersion"]
        settings = activity[vocab.term("settings").value][0]
        assert isinstance(settings, ox.Literal) and "threshold=" in settings.value
        agent = activity["http://www.w3.org/ns/prov#wasAssociatedWith"][0]
        assert "planlod suggest" in {v.value for v in by_subject[agent.value]["http://xmlns.com/foaf/0.1/name"]}


def test_plan_proposals_are_deterministic(project: Path) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    first = (project / PROPOSALS).read_bytes()
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    assert (project / PROPOSALS).read_bytes() == first


def test_proposals_count_only_once_accepted_and_rejections_stick(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    triples, vocab = load_project(project)
    proposals = sorted(suggested(records(triples, vocab), vocab))
    assert len(proposals) >= 2
    to_accept, to_reject = proposals[0], proposals[1]
    policy = UrlPolicy(load_config(project).base_iri)

    def subject_triple(iri: str, found: list[ox.Triple]) -> ox.Triple:
        record = records(found, vocab)[iri]
        element, concept = record[vocab.term("linkSubject").value][0], record[vocab.term("sdgConcept").value][0]
        return ox.Triple(element, DCT_SUBJECT, concept)  # type: ignore[arg-type]

    # Proposed: not counted.
    assert subject_triple(to_accept, triples) not in derived_triples(triples, vocab)

    # Without a curator, no decision is recorded.
    monkeypatch.delenv("PLANLOD_CURATOR", raising=False)
    refused = run_planlod("suggest", "--project", str(project), "accept", policy.path(to_accept))
    assert refused.code == 2 and "curator" in refused.err

    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    assert run_planlod("suggest", "--project", str(project), "accept", policy.path(to_accept)).code == 0
    result = run_planlod("suggest", "--project", str(project), "reject", to_reject)
    assert result.code == 0 and "rejected" in result.out
    assert run_planlod("validate", "--strict", "--project", str(project)).code == 0

    triples, vocab = load_project(project)
    found = records(triples, vocab)
    assert found[to_accept][vocab.term("status").value] == [vocab.term("Accepted")]
    assert found[to_reject][vocab.term("status").value] == [vocab.term("Rejected")]
    curator = found[to_accept][vocab.term("reviewedBy").value][0]
    assert curator == ox.NamedNode(policy.base + "agent/test-kurator")
    assert any(t.subject == curator and t.object == ox.Literal("Test Kurator") for t in triples)
    when = found[to_reject][vocab.term("reviewed").value][0]
    assert isinstance(when, ox.Literal) and when.datatype.value.endswith("#dateTime")
    derived = derived_triples(triples, vocab)
    assert subject_triple(to_accept, triples) in derived
    assert subject_triple(to_reject, triples) not in derived

    # A new run keeps both decisions and never proposes the rejected link again.
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    triples, vocab = load_project(project)
    found = records(triples, vocab)
    assert found[to_reject][vocab.term("status").value] == [vocab.term("Rejected")]
    assert found[to_accept][vocab.term("status").value] == [vocab.term("Accepted")]
    rejected_pair = (
        found[to_reject][vocab.term("linkSubject").value][0],
        found[to_reject][vocab.term("sdgConcept").value][0],
    )
    same = [
        iri
        for iri, r in found.items()
        if (r[vocab.term("linkSubject").value][0], r[vocab.term("sdgConcept").value][0]) == rejected_pair
    ]
    assert same == [to_reject]


def test_decisions_refuse_curated_and_unknown_links(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    curated = "plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/1/sdg/3.5"
    result = run_planlod("suggest", "--project", str(project), "reject", curated)
    assert result.code == 2 and "curated record in data/sdg-koblinger.ttl" in result.err
    unknown = run_planlod("suggest", "--project", str(project), "accept", "plan/none/sdg/1")
    assert unknown.code == 2 and "no SDG link record" in unknown.err
    assert "Traceback" not in result.err + unknown.err


def test_unknown_plan_names_the_plans(project: Path) -> None:
    result = run_planlod("suggest", "--project", str(project), "no-such-plan")
    assert result.code == 2 and PLAN in result.err


def test_a_decision_without_its_curator_does_not_validate(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_planlod("suggest", "--project", str(project), PLAN).code == 0
    triples, vocab = load_project(project)
    link = sorted(suggested(records(triples, vocab), vocab))[0]
    monkeypatch.setenv("PLANLOD_CURATOR", "Test Kurator")
    assert run_planlod("suggest", "--project", str(project), "accept", link).code == 0
    path = project / PROPOSALS
    path.write_text(
        "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if "plo:reviewedBy" not in line)
        + "\n",
        encoding="utf-8",
    )
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 1 and "plo:reviewedBy" in result.out
