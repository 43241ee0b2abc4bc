"""The suggester's method: Boolean queries as queries, word embeddings from the installed package, the
calibrated score, Danish compounds, and explanations that show every kind of evidence."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.config import load_config
from publish.load import Role, SourceFile, load_sources
from publish.load import Sources as LoadedSources
from publish.model import vocabulary
from publish.suggest.explain import explain
from publish.suggest.knowledge import (
    CALIBRATION_FILE,
    KNOWLEDGE_DIR,
    QUERY_FILES,
    Sources,
    build_knowledge,
    read_calibrations,
)
from publish.suggest.queries import Evaluation, QuerySyntaxError, parse
from publish.suggest.records import PlanData, proposals_path
from publish.suggest.scoring import FEATURES, Suggester
from publish.suggest.semantic import MODEL_SHA256, Embedder, model_file
from publish.suggest.text import compound_parts
from publish.urls import UrlPolicy
from publish.vocab import RDF_TYPE

from .conftest import ROOT, copy_project


def matches(query: str, text: str) -> bool:
    return bool(Evaluation.of(text).spans(parse(query)))


# ---------------------------------------------------------------- Boolean queries


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ('("poverty") W/3 ("eradicat*" OR "reduc*")', "we will reduce child poverty", True),
        ('("poverty") W/3 ("eradicat*" OR "reduc*")', "poverty is high; in other news we reduce taxes", False),
        ('"maternal" PRE/2 "death*"', "maternal and infant deaths", True),
        ('"maternal" PRE/2 "death*"', "deaths of maternal origin", False),
        ('"tax*" AND "domestic"', "domestic revenue from taxation", True),
        ('"tax*" AND NOT "carbon"', "a carbon tax", False),
        ('"greenhouse gas"', "Greenhouse gases rise", True),  # a loose phrase: inflections match
        ('"under-five" W/3 "mortality"', "under five mortality", True),  # hyphens separate words
        ('"force* labo*"', "forced labour", True),
        ('"a" OR "b" W/2 "c"', "b x c", True),  # OR binds tighter than W/n, as in Scopus
        ('"a" OR "b" W/2 "c"', "a x x x c", False),
    ],
)
def test_queries_keep_their_boolean_and_proximity_structure(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize("query", ['("poverty" W/3', '"poverty" AND', "poverty", '"a" ) "b"'])
def test_a_malformed_query_is_a_syntax_error(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(query)


@pytest.mark.slow
def test_every_shipped_aurora_query_is_read_for_a_real_target(suggester: Suggester) -> None:
    queries = suggester.knowledge.queries["en"]
    assert len(queries) >= 350
    assert {q.goal for q in queries} == {str(n) for n in range(1, 18)}
    assert all(q.concept in suggester.knowledge.concepts for q in queries)
    assert QUERY_FILES[0][0] == "aurora-queries-en.tsv"


@pytest.mark.slow
def test_a_matching_query_is_evidence_shown_in_the_explanation(suggester: Suggester) -> None:
    analysis = suggester.analyse("Reduce the maternal mortality ratio in rural districts.", "en")
    target = next(c for c in analysis.targets if c.notation == "3.1")
    assert target.accepted
    assert target.hits and target.hits[0].query.concept == "3.1"
    reason = explain(target, suggester.knowledge)
    assert "maternal mortality ratio" in reason.en and "Aurora's query for 3.1" in reason.en
    assert "Auroras søgning til 3.1" in reason.da
    assert "Similarity in meaning to the title" in reason.en


@pytest.mark.slow
def test_a_word_of_a_query_alone_does_not_make_its_goal(suggester: Suggester) -> None:
    # "poverty" without eradicate/reduce/line/extreme … matches none of goal 1's queries.
    hits = suggester.query_hits("The report discusses poverty.", "en")
    assert not any(suggester.knowledge.goal_of(n) == "1" for n in hits)


# ---------------------------------------------------------------- embeddings


def test_embeddings_load_from_the_installed_package_without_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the embeddings tried to use the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    embedder = Embedder.load()
    assert model_file().is_file() and len(MODEL_SHA256) == 64
    vectors = embedder.embed(["clean drinking water for all", "safe water supply", "stock market regulation", ""])
    similar, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    assert similar > unrelated
    assert abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-5
    assert not vectors[3].any()  # a text without tokens has no direction


# ---------------------------------------------------------------- calibration


def test_the_shipped_calibration_covers_both_languages_every_feature_and_goal() -> None:
    calibrations = read_calibrations(KNOWLEDGE_DIR / CALIBRATION_FILE)
    assert set(calibrations) == {"da", "en"}
    for calibration in calibrations.values():
        assert 0.0 < calibration.threshold < 1.0
        assert set(FEATURES) <= set(calibration.weights)
        assert {f"goal:{n}" for n in range(1, 18)} <= set(calibration.weights)


@pytest.mark.slow
def test_scores_are_calibrated_probabilities_and_decisions_follow_the_threshold(suggester: Suggester) -> None:
    texts = [
        ("Vi vil nedbringe CO2-udledningen med 70 procent inden 2030.", "da"),
        ("Flere unge skal gennemføre en ungdomsuddannelse.", "da"),
        ("The city will plant trees along every street.", "en"),
    ]
    for text, lang in texts:
        analysis = suggester.analyse(text, lang)
        threshold = suggester.knowledge.calibrations[lang].threshold
        for goal in analysis.goals:
            assert 0.0 <= goal.score <= 1.0
            assert goal.accepted == (goal.score >= threshold - 1e-4)
        assert set(analysis.features) == {str(n) for n in range(1, 18)}
    accepted = {c.notation for c in suggester.analyse(texts[0][0], "da").accepted()}
    assert "13" in accepted


def test_without_calibration_the_lexical_rule_decides() -> None:
    plain = Suggester(build_knowledge(load_config(ROOT), None, Sources(calibration=False, semantic=False)))
    analysis = plain.analyse("Vi vil nedbringe CO2-udledningen med 70 procent inden 2030.", "da")
    assert "13" in {c.notation for c in analysis.accepted()}
    assert plain.embedder is None


# ---------------------------------------------------------------- Danish compounds


def test_derived_words_are_not_read_as_compounds() -> None:
    vocabulary = frozenset({"natur", "sundhed", "tilbud", "lighed", "tilgænge"})
    assert compound_parts("sundhedstilbud", vocabulary) == ["sundhed", "tilbud"]
    assert compound_parts("naturligt", vocabulary) == []
    assert "lighed" not in compound_parts("tilgængelighed", vocabulary)


# ---------------------------------------------------------------- where proposals go


def test_plans_sharing_a_slug_get_their_own_proposals_file(tmp_path: Path) -> None:
    """In a national corpus two municipalities may both have "boligpolitik-2022": their proposals must not
    overwrite each other, so each goes beside the data file that describes the plan."""
    project = copy_project(tmp_path / "project")
    config = load_config(project, environ={})
    policy = UrlPolicy(config.base_iri)
    vocab = vocabulary(policy)
    files: list[SourceFile] = []
    for municipality in ("a", "b"):
        folder = config.data_dir / "kommuner" / municipality
        folder.mkdir(parents=True)
        plan = ox.NamedNode(policy.iri(f"plan/{municipality}/boligpolitik-2022"))
        files.append(
            SourceFile(
                str((folder / "boligpolitik-2022.ttl").relative_to(project)),
                Role.DATA,
                (ox.Triple(plan, RDF_TYPE, vocab.Plan),),
            )
        )
    data = PlanData.of(LoadedSources(tuple(files)), vocab)
    paths = {proposals_path(config, policy, policy.iri(f"plan/{m}/boligpolitik-2022"), data) for m in ("a", "b")}
    assert paths == {config.data_dir / "kommuner" / m / "boligpolitik-2022-sdg-forslag.ttl" for m in ("a", "b")}
    # The project's own plan keeps its file in data/.
    own_data = PlanData.of(load_sources(config), vocab)
    own = proposals_path(config, policy, policy.iri("plan/ambitioner-og-retning-2020"), own_data)
    assert own == config.data_dir / "ambitioner-og-retning-2020-sdg-forslag.ttl"
