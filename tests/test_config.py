"""Configuration precedence and the base IRI."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.config import load_config
from publish.errors import ConfigError
from publish.load import Role, Sources, load_sources


def test_precedence_flag_over_environment_over_pyproject(project: Path) -> None:
    assert load_config(project, environ={}).base_iri == "http://localhost:8000/"
    env = {"PLANLOD_BASE_IRI": "https://env.example.org/"}
    assert load_config(project, environ=env).base_iri == "https://env.example.org/"
    flag = load_config(project, {"base_iri": "https://flag.example.org/"}, environ=env)
    assert flag.base_iri == "https://flag.example.org/"


def test_paths_resolve_against_the_project(project: Path) -> None:
    config = load_config(project, {"out_dir": "public"}, environ={})
    assert config.out_dir == (project / "public").resolve()
    assert config.data_dir == (project / "data").resolve()


@pytest.mark.parametrize("bad", ["data.example.dk/", "ftp://x.dk/", "https://x.dk/a?b=1/", "https://x.dk/base"])
def test_bad_base_iris_are_refused_with_a_hint(project: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="base_iri"):
        load_config(project, {"base_iri": bad}, environ={})


def named_nodes(sources: Sources) -> set[str]:
    return {
        t.value
        for tr in sources.triples(Role.DATA)
        for t in (tr.subject, tr.predicate, tr.object)
        if isinstance(t, ox.NamedNode)
    }


def test_another_base_iri_changes_every_minted_iri(project: Path) -> None:
    default = named_nodes(load_sources(load_config(project, environ={})))
    other = named_nodes(load_sources(load_config(project, {"base_iri": "https://data.example.org/plan/"}, environ={})))
    minted = {i.removeprefix("http://localhost:8000/") for i in default if i.startswith("http://localhost:8000/")}
    assert len(minted) > 100
    assert minted == {
        i.removeprefix("https://data.example.org/plan/")
        for i in other
        if i.startswith("https://data.example.org/plan/")
    }
    assert not [i for i in other if "localhost" in i]


def test_settings_that_are_not_iris_are_refused(project: Path) -> None:
    with pytest.raises(ConfigError, match="not a valid IRI"):
        load_config(project, {"base_iri": "https://data.example.dk/my plans/"}, environ={})
    with pytest.raises(ConfigError, match="not a valid IRI"):
        load_config(project, {"publisher": "kommune/hedensted kommune"}, environ={})
