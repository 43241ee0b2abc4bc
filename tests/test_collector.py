"""A build runs with Python's cyclic garbage collector held off (its collections walked the growing heap again
and again for next to nothing): what a stage lets go of must then be freed by reference counting alone, so the
read model the dumps and the catalogue were made from holds no reference cycle; and the caller's setting of the
collector is back when the build ends, whether it succeeded or not."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from publish.build import BuildSummary, build_site, check_inputs, code_key, gather, load_sources
from publish.config import Config, load_config
from publish.errors import NonConforming
from publish.progress import as_progress
from publish.urls import UrlPolicy

from .conftest import copy_project

PLAN_FILE = "data/ambitioner-og-retning-2020.ttl"


def test_the_read_model_is_freed_without_the_collector_once_the_site_files_are_made(config: Config) -> None:
    """The data index, the dataset and the dumps' inputs are gone as soon as the build lets go of them, with the
    collector off: a reference cycle among them would keep them (some 4 million objects at 1000 plans) until a
    collection, for the rest of the build."""
    policy = UrlPolicy(config.base_iri)
    report = as_progress(None)
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        inputs = check_inputs(config, report)
        parted = (inputs.data_files, code_key(config), {})
        gathered = gather(config, policy, load_sources(config), BuildSummary(config.out_dir), report, parted)
        assert len(gathered.index.triples) > 1000
        index, data = weakref.ref(gathered.index), gathered.data
        gathered.release()
        assert index() is None
        assert gathered.data == [] and len(data) > 1000  # the dataset is no longer the build's
        assert gathered.graph.entities  # the pages' graph stays
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize("conforms", [True, False])
def test_a_build_gives_the_collector_back_as_it_found_it(tmp_path: Path, conforms: bool) -> None:
    project = copy_project(tmp_path / "project")
    if not conforms:
        plan = project / PLAN_FILE
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace('"2020-02-17"^^xsd:date', '"17. februar 2020"', 1), encoding="utf-8")
    config = load_config(project, {"out_dir": str(tmp_path / "site")}, environ={})
    assert gc.isenabled()
    during = []
    try:
        build_site(config, progress=lambda _line: during.append(gc.isenabled()))
    except NonConforming:
        assert not conforms
    else:
        assert conforms
    assert during and not any(during)  # held off while the build ran
    assert gc.isenabled()
