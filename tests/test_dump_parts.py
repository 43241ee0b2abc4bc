"""The dataset's dumps assembled from per-file parts: the order they document, the same triples as the dataset,
gzip files that unpack to the dumps, parts reused by their key, and the stored parts of a build."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.config import Config, load_config
from publish.dumps import (
    DERIVED_PART,
    DumpPart,
    assemble,
    dataset,
    dataset_parts,
    site_data,
    store_parts,
    stored_parts,
)
from publish.errors import BuildError
from publish.load import Role, SourceFile, Sources, load_sources
from publish.query import triple_key
from publish.urls import DUMP_PARTS, UrlPolicy

from .conftest import copy_project

BASE = "https://data.example.org/hedensted/"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Config:
    folder = copy_project(tmp_path_factory.mktemp("parts") / "project")
    return load_config(folder, {"base_iri": BASE}, environ={})


def parts_of(sources: Sources, policy: UrlPolicy, known: dict[str, DumpPart] | None = None) -> dict[str, DumpPart]:
    digests = {s.path: f"digest of {s.path}" for s in sources.files if s.role is Role.DATA}
    return dataset_parts(sources, digests, dataset(sources, policy), policy.prefixes(), "key", known or {})


def parse(content: bytes, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(content, fmt)}


def test_the_dumps_hold_the_dataset_file_by_file_and_their_gzip_files_unpack_to_them(project: Config) -> None:
    sources, policy = load_sources(project), UrlPolicy(BASE)
    data = site_data(sources, policy)
    parts = parts_of(sources, policy)
    data_paths = [s.path for s in sources.files if s.role is Role.DATA]
    assert list(parts) == [*data_paths, DERIVED_PART]
    made = assemble(list(parts.values()), policy.prefixes())
    for key, fmt in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES)):
        assert parse(made[key].content, fmt) == set(data), key
        assert gzip.decompress(made[key].packed) == made[key].content
    assert len(made["ntriples"].content.splitlines()) == len(data)  # each triple once
    # File order: the first file's triples first, each part sorted; the derived triples last.
    lines = made["ntriples"].content.splitlines(keepends=True)
    first = parts[data_paths[0]].piece(1).splitlines(keepends=True)
    assert lines[: len(first)] == first
    in_order = [q.triple for q in ox.parse(b"".join(first), ox.RdfFormat.N_TRIPLES)]
    assert in_order == sorted(in_order, key=triple_key)
    assert made["ntriples"].content.endswith(parts[DERIVED_PART].piece(1))
    derived = [q.triple for q in ox.parse(parts[DERIVED_PART].piece(1), ox.RdfFormat.N_TRIPLES)]
    assert derived and derived == sorted(derived, key=triple_key)
    # A file's triples in standard terms are in its part (an edit of it rewrites only its part), not the derived one.
    aligned = dataset(sources, policy).aligned[data_paths[0]]
    assert aligned and set(aligned) <= set(in_order) and not set(aligned) & set(derived)
    document = json.loads(made["jsonld"].content)
    assert gzip.decompress(made["jsonld"].packed) == made["jsonld"].content
    assert {node["@id"] for node in document["@graph"]} == {
        str(t.subject).strip("<>") if isinstance(t.subject, ox.NamedNode) else "_:" + t.subject.value for t in data
    }
    assert set(document["@context"]) <= {prefix for prefix, _ in policy.prefixes()}


def test_a_triple_two_files_state_is_in_the_first_files_part_only(project: Config) -> None:
    sources, policy = load_sources(project), UrlPolicy(BASE)
    data_files = [s for s in sources.files if s.role is Role.DATA]
    repeated = data_files[0].triples[0]
    last = data_files[-1]
    changed = SourceFile(last.path, last.role, (*last.triples, repeated))
    edited = Sources(tuple(changed if s is last else s for s in sources.files))
    before, after = parts_of(sources, policy), parts_of(edited, policy, parts_of(sources, policy))
    assert after[last.path].key != before[last.path].key
    assert after[last.path].piece(1) == before[last.path].piece(1)  # the repeated triple is the first file's
    made = assemble(list(after.values()), policy.prefixes())
    assert made["ntriples"].content.count(f"{repeated} .\n".encode()) == 1


def test_parts_whose_key_did_not_change_are_reused_and_the_stored_parts_read_back(
    project: Config, tmp_path: Path
) -> None:
    sources, policy = load_sources(project), UrlPolicy(BASE)
    first = parts_of(sources, policy)
    again = parts_of(sources, policy, first)
    assert all(again[name] is first[name] for name in first)
    (tmp_path / DUMP_PARTS).write_bytes(store_parts("key", first))
    read = stored_parts(tmp_path, "key")
    assert [(p.key, p.packed, p.piece(0)) for p in read.values()] == [
        (p.key, p.packed, p.piece(0)) for p in first.values()
    ]
    assert store_parts("key", read) == store_parts("key", first)
    assert stored_parts(tmp_path, "another key") == {}
    # A damaged record is not used: the parts are made again.
    content = (tmp_path / DUMP_PARTS).read_bytes()
    (tmp_path / DUMP_PARTS).write_bytes(content[:-10] + b"\0" * 10)
    assert stored_parts(tmp_path, "key") == {}
    (tmp_path / DUMP_PARTS).write_bytes(b"not json\n")
    assert stored_parts(tmp_path, "key") == {}


def test_a_part_that_cannot_be_unpacked_is_a_clear_error(project: Config) -> None:
    sources, policy = load_sources(project), UrlPolicy(BASE)
    part = next(iter(parts_of(sources, policy).values()))
    damaged = DumpPart(
        part.key, part.triples, part.turtle_prefixes, part.jsonld_prefixes, part.schemes, [b"not gzip"] * 3
    )
    with pytest.raises(
        BuildError, match=r"a stored part of the dumps .* cannot be unpacked .*build again with --force"
    ):
        damaged.piece(0)
