"""What a build's validation learned, recorded beside the site (`.planlod-validation`): the next build, in another
process, checks again only what the edit can have changed, finds what a full validation finds, and leaves aside a
record it cannot use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from publish import build, buildrules
from publish.beside import Beside
from publish.build import build_site
from publish.config import Config, load_config
from publish.errors import NonConforming
from publish.load import load_sources
from publish.model import vocabulary
from publish.sealed import sealed, unseal
from publish.shacl import engine
from publish.urls import VALIDATION_RECORD, UrlPolicy
from publish.validate import ValidationMemory, _query_predicates, checked_triples

from .conftest import copy_project

BASE = "https://data.example.org/hedensted/"
PLAN = "data/ambitioner-og-retning-2020.ttl"


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times SHACL Core evaluated a shape on a node (nested shapes included), build by build (the build
    validates in its own process, so that the count sees it)."""
    monkeypatch.setattr(Beside, "forks", False)
    counts = [0]
    evaluate = engine._evaluate

    def counted(*args: object) -> None:
        counts[-1] += 1
        evaluate(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_evaluate", counted)
    yield counts


def built(tmp_path: Path, evaluations: list[int]) -> tuple[Path, Config, int]:
    """A copy of the project built once; the evaluations the build made."""
    project = copy_project(tmp_path / "project")
    config = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "site")}, environ={})
    build_site(config)
    full = evaluations[-1]
    evaluations.append(0)
    return project, config, full


def edit_text(project: Path) -> None:
    path = project / PLAN
    text = path.read_text(encoding="utf-8")
    assert '"Health"@en' in text
    path.write_text(text.replace('"Health"@en', '"Public health"@en', 1), encoding="utf-8")


def test_an_update_checks_again_only_what_the_edit_touches(tmp_path: Path, evaluations: list[int]) -> None:
    project, config, full = built(tmp_path, evaluations)
    assert full > 1000 and (config.out_dir / VALIDATION_RECORD).is_file()
    edit_text(project)
    build_site(config)
    assert 0 < evaluations[-1] < full / 20
    # The record the update wrote is the one a build of everything writes.
    clean = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "full")}, environ={})
    build_site(clean, force=True)
    assert (config.out_dir / VALIDATION_RECORD).read_bytes() == (clean.out_dir / VALIDATION_RECORD).read_bytes()


def test_an_update_with_the_record_still_refuses_data_that_do_not_conform(
    tmp_path: Path, evaluations: list[int]
) -> None:
    project, config, full = built(tmp_path, evaluations)
    path = project / PLAN
    text = path.read_text(encoding="utf-8")
    # The plan loses its Danish and English titles (the shapes require one).
    path.write_text(text.replace('dct:title "Ambitioner og retning"@da, "Ambitions and direction"@en ;', "", 1))
    with pytest.raises(NonConforming):
        build_site(config)
    assert evaluations[-1] < full / 10  # the plan's checks, and those that read the plan


def test_an_update_with_the_record_checks_the_build_rules_on_the_edited_file_alone_and_finds_what_a_full_check_finds(
    tmp_path: Path, evaluations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, config, _full = built(tmp_path, evaluations)
    checked: list[int] = []
    check = buildrules.check

    def counted(triples: Iterable[ox.Triple], *args: Any) -> list[buildrules.RuleResult]:
        given = list(triples)
        checked.append(len(given))
        return check(given, *args)

    monkeypatch.setattr(buildrules, "check", counted)
    edit_text(project)
    build_site(config)
    (update,) = checked
    sources = load_sources(config)
    every = sum(len(f.triples) for f in sources.files) + len(
        checked_triples(sources, vocabulary(UrlPolicy(BASE))).derived
    )
    assert 0 < update < every * 0.7  # the edited plan and the derived triples, not the ontology and the SDG KOS
    # A control character in a text breaks a build rule: the update refuses it as a full validation does.
    path = project / PLAN
    path.write_text(path.read_text(encoding="utf-8").replace('"Public health"@en', '"Public\\u0007health"@en', 1))
    with pytest.raises(NonConforming) as refused:
        build_site(config)
    with pytest.raises(NonConforming) as whole:
        build_site(config, force=True)
    assert "control character U+0007" in str(refused.value) and str(refused.value) == str(whole.value)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "changed-byte", "packed-part", "other-code"])
def test_a_record_that_cannot_be_used_is_left_aside(
    tmp_path: Path, evaluations: list[int], damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, config, full = built(tmp_path, evaluations)
    record = config.out_dir / VALIDATION_RECORD
    content = record.read_bytes()
    if damage == "garbage":
        record.write_bytes(b"not a record")
    elif damage == "truncated":
        record.write_bytes(content[: len(content) // 2])
    elif damage == "packed-part":
        # The plan file's triples damaged: the memory cannot tell what changed, so everything is checked.
        fields, _end = unseal(content)
        fields[7][PLAN][1] = b"damaged"
        record.write_bytes(sealed(fields))
    elif damage == "changed-byte":
        changed = bytearray(content)
        changed[len(changed) // 2] ^= 0x20
        record.write_bytes(bytes(changed))
    else:
        assert ValidationMemory().restore(content, "written by other code") is False
        monkeypatch.setattr(build, "code_key", lambda config: "written by other code")
    edit_text(project)
    summary = build_site(config)
    assert summary.triples > 0
    assert evaluations[-1] >= full * 0.9  # validated whole
    assert (
        (config.out_dir / "plan/ambitioner-og-retning-2020/omraade/sundhed/en/index.html")
        .read_text(encoding="utf-8")
        .count("Public health")
    )


PREFIXES = "PREFIX ex: <http://example.org/>\n"
TYPE_AND_SUBCLASS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
}


@pytest.mark.parametrize(
    ("where", "reads"),
    [
        ("?this ex:p ?x", {"p"}),
        # A path that can have length zero, anchored by the step before it or by another pattern's variable.
        ("?this ex:p/ex:q? ?x", {"p", "q"}),
        ("?this ex:p ?c . ?c ex:q? ?g . ?g ex:r ?z", {"p", "q", "r"}),
        # A fixed term matches itself only when it is a node of the graph, which other predicates can decide.
        ("?this ex:p* <http://example.org/top>", None),
        ("?this ex:p ?x MINUS { ?y ex:q/ex:r* ?this }", {"p", "q", "r"}),
        # Unanchored, it matches every node of the graph; a variable or negated predicate matches any triple.
        ("?this ex:p? ?x", None),
        ("?this ?p ?x", None),
        ("?this !ex:p ?x", None),
    ],
)
def test_a_constraint_reads_the_predicates_its_query_names(where: str, reads: set[str] | None) -> None:
    """A SPARQL constraint runs again only after a change of a predicate it reads, on a store of the triples with
    those predicates: what it can read is known only when the store answers it as the whole graph would."""
    found = _query_predicates(PREFIXES + f"SELECT ?this WHERE {{ {where} }}")
    expected = None if reads is None else {"http://example.org/" + p for p in reads} | TYPE_AND_SUBCLASS
    assert found == expected
