"""The researchers' exports: SDG links as CSV and SSSOM, and the SDG coverage matrix, from the project's data.

Expected values are computed independently with SPARQL (pyoxigraph) over the same triples, or read from
data/sdg-koblinger.ttl.
"""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest

from publish.config import Config
from publish.dumps import site_data
from publish.exports import CSV_COLUMNS, coverage_csv, sdg_links_csv, sdg_links_sssom
from publish.load import Role, load_sources
from publish.plans import coverage_matrix
from publish.urls import UrlPolicy

BASE = "http://localhost:8000/"
PLO = BASE + "ontologi/"
SDG = "http://metadata.un.org/sdg/"
PLAN = BASE + "plan/ambitioner-og-retning-2020"
SUNDHED = PLAN + "/omraade/sundhed"
SKOLER = PLAN + "/omraade/skoler-og-dagtilbud"
PREFIXES = f"PREFIX plo: <{PLO}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX sdg: <{SDG}>\n"
JUSTIFICATIONS = {
    f"semapv:{name}"
    for name in (
        "MappingReview",
        "ManualMappingCuration",
        "LogicalReasoning",
        "LexicalMatching",
        "CompositeMatching",
        "UnspecifiedMatching",
        "SemanticSimilarityThresholdMatching",
        "LexicalSimilarityThresholdMatching",
        "MappingChaining",
        "MappingInversion",
        "StructuralMatching",
        "InstanceBasedMatching",
        "BackgroundKnowledgeBasedMatching",
    )
}


@pytest.fixture(scope="module")
def policy(config: Config) -> UrlPolicy:
    return UrlPolicy(config.base_iri)


@pytest.fixture(scope="module")
def data(config: Config, policy: UrlPolicy) -> list[ox.Triple]:
    sources = load_sources(config)
    return site_data(sources, policy) + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE))


@pytest.fixture(scope="module")
def store(data: list[ox.Triple]) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    return store


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


@pytest.fixture(scope="module")
def csv_rows(data: list[ox.Triple], policy: UrlPolicy) -> list[dict[str, str]]:
    content = sdg_links_csv(data, policy)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""), strict=True))


# ---------------------------------------------------------------- CSV


def test_csv_is_rfc_4180_utf8_with_the_documented_columns(data: list[ox.Triple], policy: UrlPolicy) -> None:
    content = sdg_links_csv(data, policy)
    text = content.decode("utf-8")
    assert not text.startswith("\ufeff")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert tuple(header) == CSV_COLUMNS


def test_csv_has_one_row_per_sdg_link(csv_rows: list[dict[str, str]], store: ox.Store) -> None:
    links = {r["l"] for r in select(store, "SELECT ?l WHERE { ?l a plo:SDGLink }")}
    assert len(csv_rows) == len(links) == 110
    assert {r["link"] for r in csv_rows} == links
    assert all(r["plan"] == PLAN for r in csv_rows)


def test_csv_known_row_sundhed_focus_point_1(csv_rows: list[dict[str, str]], store: ox.Store) -> None:
    item = SUNDHED + "/indsats/1"
    expected = select(
        store,
        f"""SELECT ?c ?n ?why_da ?why_en WHERE {{
            ?l plo:linkSubject <{item}> ; plo:sdgConcept ?c ; plo:rationale ?why_da, ?why_en .
            ?c skos:notation ?n FILTER(DATATYPE(?n) = <http://metadata.un.org/sdg/ontology#SDGCodeCompact>)
            FILTER(LANG(?why_da) = "da" && LANG(?why_en) = "en") }}""",
    )
    ((label_da, label_en),) = [
        (r["da"], r["en"])
        for r in select(
            store,
            f"""SELECT ?da ?en WHERE {{ <{item}> <http://www.w3.org/2000/01/rdf-schema#label> ?da, ?en
                FILTER(LANG(?da) = "da" && LANG(?en) = "en") }}""",
        )
    ]
    rows = [r for r in csv_rows if r["item"] == item]
    assert {r["sdg_target"] for r in rows} == {e["c"] for e in expected} == {SDG + "3.5", SDG + "3.a"}
    assert [r["sdg_target_notation"] for r in rows] == ["3.5", "3.a"]  # the UN's order
    for row in rows:
        (e,) = [e for e in expected if e["c"] == row["sdg_target"]]
        assert row["sdg_target_notation"] == e["n"]
        assert (row["rationale_da"], row["rationale_en"]) == (e["why_da"], e["why_en"])
        assert row["plan"] == PLAN
        assert row["area"] == SUNDHED
        assert (row["area_label_da"], row["area_label_en"]) == ("Sundhed", "Health")
        assert (row["item_kind"], row["item_position"]) == ("initiative", "1")
        assert (row["text_da"], row["text_en"]) == (label_da, label_en)
        assert (row["sdg_goal"], row["sdg_goal_notation"]) == (SDG + "3", "3")
        assert (row["method"], row["status"]) == ("plo:Curated", "plo:Accepted")


def test_csv_links_to_goals_leave_the_target_empty(csv_rows: list[dict[str, str]]) -> None:
    (row,) = [r for r in csv_rows if r["item"] == SUNDHED]
    assert (row["item_kind"], row["sdg_goal"], row["sdg_target"], row["sdg_target_notation"]) == (
        "focus-area",
        SDG + "3",
        "",
        "",
    )
    assert row["status"] == "plo:Withdrawn"  # the area is linked through its parts (docs/sdg-linking.md)


def test_csv_has_every_status_with_its_rationale(csv_rows: list[dict[str, str]]) -> None:
    statuses = {r["status"] for r in csv_rows}
    assert statuses == {"plo:Accepted", "plo:Rejected", "plo:Withdrawn"}
    (row,) = [r for r in csv_rows if r["link"] == SKOLER + "/indsats/4/sdg/4.c"]
    assert (row["status"], row["sdg_target_notation"], row["item_kind"]) == ("plo:Rejected", "4.c", "initiative")
    assert "udviklingslandene" in row["rationale_da"] and "developing countries" in row["rationale_en"]


def test_csv_is_sorted_in_the_plans_order(csv_rows: list[dict[str, str]], store: ox.Store) -> None:
    positions = {
        r["a"]: int(r["p"]) for r in select(store, "SELECT ?a ?p WHERE { ?a a plo:FocusArea ; plo:position ?p }")
    }
    order = [positions[r["area"]] for r in csv_rows]
    assert order == sorted(order)
    kinds = {"focus-area": 0, "goal": 1, "initiative": 2}
    for area in positions:
        in_area = [r for r in csv_rows if r["area"] == area]
        keys = [(kinds[r["item_kind"]], int(r["item_position"] or 0)) for r in in_area]
        assert keys == sorted(keys)


def test_csv_is_deterministic(data: list[ox.Triple], policy: UrlPolicy) -> None:
    assert sdg_links_csv(data, policy) == sdg_links_csv(list(reversed(data)), policy)


# ---------------------------------------------------------------- SSSOM


def parse_sssom(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The metadata lines (without '# ') and the mapping rows of an SSSOM/TSV file."""
    lines = content.decode("utf-8").split("\n")
    meta = [line[2:] for line in lines if line.startswith("#")]
    assert all(line.startswith("# ") for line in lines if line.startswith("#"))
    body = "\n".join(line for line in lines if not line.startswith("#"))
    return meta, list(csv.DictReader(io.StringIO(body, newline=""), delimiter="\t", strict=True))


def curie_map(meta: list[str]) -> dict[str, str]:
    start = meta.index("curie_map:")
    found = {}
    for line in meta[start + 1 :]:
        match = re.fullmatch(r'  ([A-Za-z_][\w.-]*): "(.*)"', line)
        if not match:
            break
        found[match.group(1)] = match.group(2)
    return found


@pytest.fixture(scope="module")
def sssom(data: list[ox.Triple], policy: UrlPolicy, config: Config) -> tuple[list[str], list[dict[str, str]]]:
    return parse_sssom(sdg_links_sssom(data, policy, config))


def test_sssom_metadata(sssom: tuple[list[str], list[dict[str, str]]], config: Config) -> None:
    meta, _rows = sssom
    keys = {line.split(":", 1)[0] for line in meta if not line.startswith(" ")}
    assert {"curie_map", "mapping_set_id", "license", "mapping_set_title", "creator_id"} <= keys
    assert f'license: "{config.licence}"' in meta
    assert f'mapping_set_id: "{BASE}eksport/sdg-koblinger.sssom.tsv"' in meta
    prefixes = curie_map(meta)
    assert prefixes["sdg"] == SDG
    assert prefixes["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert prefixes["semapv"] == "https://w3id.org/semapv/vocab/"


def test_sssom_rows_are_accepted_links_as_related_matches(
    sssom: tuple[list[str], list[dict[str, str]]],
    data: list[ox.Triple],
    policy: UrlPolicy,
    config: Config,
    store: ox.Store,
) -> None:
    meta, rows = sssom
    assert {"subject_id", "predicate_id", "object_id", "mapping_justification"} <= set(rows[0])
    accepted = select(store, "SELECT ?l WHERE { ?l a plo:SDGLink ; plo:status plo:Accepted }")
    rejected = select(store, "SELECT ?l WHERE { ?l a plo:SDGLink ; plo:status plo:Rejected }")
    assert len(rows) == len(accepted) + len(rejected) == 91 + 6
    assert sum(1 for r in rows if r["predicate_modifier"] == "Not") == len(rejected)
    assert {r["predicate_id"] for r in rows} == {"skos:relatedMatch"}
    assert "exactMatch" not in sdg_links_sssom(data, policy, config).decode("utf-8")
    assert {r["mapping_justification"] for r in rows} <= JUSTIFICATIONS
    assert all(r["comment"] and r["subject_label"] and r["object_label"] for r in rows)
    prefixes = curie_map(meta)
    for row in rows:
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification", "curation_rule"):
            prefix = row[column].split(":", 1)[0]
            assert prefix in prefixes, (column, row[column])
    known = [r for r in rows if r["subject_id"] == "planlod:plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/1"]
    assert sorted(r["object_id"] for r in known) == ["sdg:3.5", "sdg:3.a"]
    assert {r["mapping_justification"] for r in known} == {"semapv:ManualMappingCuration"}


def test_sssom_negates_rejected_links_and_leaves_out_proposed(
    data: list[ox.Triple], policy: UrlPolicy, config: Config
) -> None:
    status = ox.NamedNode(PLO + "status")
    rejected = ox.NamedNode(SUNDHED + "/indsats/1/sdg/3.5")
    proposed = ox.NamedNode(SUNDHED + "/indsats/1/sdg/3.a")
    changed = [
        ox.Triple(t.subject, t.predicate, ox.NamedNode(PLO + ("Rejected" if t.subject == rejected else "Proposed")))
        if t.predicate == status and t.subject in (rejected, proposed)
        else t
        for t in data
    ]
    _meta, before = parse_sssom(sdg_links_sssom(data, policy, config))
    _meta, rows = parse_sssom(sdg_links_sssom(changed, policy, config))
    mine = [r for r in rows if r["subject_id"].endswith("omraade/sundhed/indsats/1")]
    assert [(r["object_id"], r["predicate_modifier"]) for r in mine] == [("sdg:3.5", "Not")]
    negated = {(r["subject_id"], r["object_id"]) for r in rows if r["predicate_modifier"] == "Not"}
    assert negated - {(r["subject_id"], r["object_id"]) for r in before if r["predicate_modifier"] == "Not"} == {
        (mine[0]["subject_id"], "sdg:3.5")
    }
    assert len(rows) == len(before) - 1


def test_sssom_leaves_out_withdrawn_links(sssom: tuple[list[str], list[dict[str, str]]]) -> None:
    _meta, rows = sssom
    assert not [r for r in rows if r["subject_id"] == "planlod:plan/ambitioner-og-retning-2020/omraade/sundhed"]


def test_sssom_is_deterministic(data: list[ox.Triple], policy: UrlPolicy, config: Config) -> None:
    assert sdg_links_sssom(data, policy, config) == sdg_links_sssom(list(reversed(data)), policy, config)


# ---------------------------------------------------------------- coverage


def test_coverage_matrix_counts_equal_an_independent_count(
    data: list[ox.Triple], policy: UrlPolicy, store: ox.Store
) -> None:
    (matrix,) = coverage_matrix(data, policy)
    assert matrix.plan == PLAN
    assert [a.position for a in matrix.areas] == list(range(1, 12))
    assert matrix.areas[0].iri == SUNDHED and matrix.areas[0].label_da == "Sundhed"
    assert [g.number for g in matrix.goals] == list(range(1, 18))
    assert [g.iri for g in matrix.goals] == [f"{SDG}{n}" for n in range(1, 18)]
    assert matrix.goals[2].label_da == "Sundhed og trivsel"
    found = select(
        store,
        f"""SELECT ?area ?goal (COUNT(?l) AS ?n) WHERE {{
            ?l a plo:SDGLink ; plo:status plo:Accepted ; plo:linkSubject ?e ; plo:sdgConcept ?c .
            {{ ?e a plo:FocusArea BIND(?e AS ?area) }} UNION {{ ?e plo:area ?area }}
            ?area plo:inPlan <{PLAN}> .
            ?c skos:broader* ?goal . ?goal skos:topConceptOf <http://metadata.un.org/sdg> .
        }} GROUP BY ?area ?goal""",
    )
    expected = {(r["area"], r["goal"]): int(r["n"]) for r in found}
    actual = {
        (area.iri, goal.iri): matrix.counts[i][j]
        for i, area in enumerate(matrix.areas)
        for j, goal in enumerate(matrix.goals)
        if matrix.counts[i][j]
    }
    assert actual == expected
    assert matrix.total == sum(expected.values())
    assert matrix.count(SUNDHED, SDG + "3") == 6


def test_coverage_csv(data: list[ox.Triple], policy: UrlPolicy) -> None:
    matrices = coverage_matrix(data, policy)
    content = coverage_csv(matrices)
    assert content == coverage_csv(coverage_matrix(list(reversed(data)), policy))
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline=""), strict=True))
    assert len(rows) == 11
    assert rows[0]["area_label_da"] == "Sundhed"
    assert sum(int(r["total"]) for r in rows) == matrices[0].total
    for row in rows:
        assert int(row["total"]) == sum(int(row[f"sdg_{n}"]) for n in range(1, 18))
