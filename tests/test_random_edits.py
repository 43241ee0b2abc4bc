"""Random edits: after each, what a build that remembers the last one (`planlod build --watch`) finds and writes is
what a validation and a build from scratch find and write.

Validation: 60 random edits of the parsed files (texts, literals' forms, triples removed and added, types, SDG
links' targets and statuses, a data file added or removed, the shapes' counts, severities and messages), each
validated with the memory of the last validation (every other time restored from its record, as the next build in
another process is) and without; the findings must be the same.
Builds: 50 random edits of the project's files (English and Danish texts, an SDG link removed or copied, a link's
target or status, a plan file added or removed, the shapes' names), each built with a BuildMemory (every other
time without, as a new process builds) into one folder and from scratch into another; the two folders, with the
validation's record, must be byte-identical, or both builds refuse the data.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from publish.build import BuildMemory, build_site
from publish.config import Config, load_config
from publish.errors import NonConforming
from publish.load import Role, SourceFile, Sources, load_sources
from publish.urls import UrlPolicy
from publish.validate import ValidationMemory, run_validation
from publish.write import MARKER

from .conftest import copy_project
from .test_incremental import tree

pytestmark = pytest.mark.slow

BASE = "https://data.example.org/hedensted/"
SH = "http://www.w3.org/ns/shacl#"
PLO = BASE + "ontologi/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class Edits:
    """The project's parsed files, edited at random."""

    def __init__(self, sources: Sources, chooser: random.Random) -> None:
        self.original = list(sources.files)
        self.files = list(sources.files)
        self.random = chooser
        self.added = 0
        reference = [t for f in self.original if f.role is Role.REFERENCE for t in f.triples]
        self.sdg = sorted({t.subject for t in reference if t.subject.value.startswith("http://metadata.un.org/sdg/")})
        data = self.data_triples()
        self.classes = sorted({t.object for t in data if t.predicate == RDF_TYPE}, key=str)
        self.predicates = sorted({t.predicate for t in data}, key=str)
        self.statuses = [ox.NamedNode(PLO + s) for s in ("Accepted", "Proposed", "Rejected", "Withdrawn")]

    def sources(self) -> Sources:
        return Sources(tuple(self.files))

    def data_triples(self) -> list[ox.Triple]:
        return [t for f in self.files if f.role is Role.DATA for t in f.triples]

    def _pick_file(self, role: Role) -> int:
        return self.random.choice([n for n, f in enumerate(self.files) if f.role is role and f.triples])

    def _replace(self, role: Role, pick: object, change: object) -> str:
        """Replace one triple of a file of `role` that `pick` accepts by what `change` makes of it (None: drop)."""
        for _ in range(20):
            n = self._pick_file(role)
            triples = list(self.files[n].triples)
            candidates = [i for i, t in enumerate(triples) if pick(t)]  # type: ignore[operator]
            if not candidates:
                continue
            i = self.random.choice(candidates)
            new = change(triples[i])  # type: ignore[operator]
            if new is None:
                del triples[i]
            else:
                triples[i] = new
            self.files[n] = SourceFile(self.files[n].path, self.files[n].role, tuple(triples))
            return self.files[n].path
        return "nothing"

    def text(self) -> str:
        def change(t: ox.Triple) -> ox.Triple:
            o = t.object
            assert isinstance(o, ox.Literal)
            form = self.random.choice(["more", "empty", "untagged", "other language"])
            if form == "more":
                new = (
                    ox.Literal(o.value + " (ændret)", language=o.language) if o.language else ox.Literal(o.value + "x")
                )
            elif form == "empty":
                new = ox.Literal("", language=o.language) if o.language else ox.Literal("")
            elif form == "untagged":
                new = ox.Literal(o.value)
            else:
                new = ox.Literal(o.value, language="de")
            return ox.Triple(t.subject, t.predicate, new)

        return "text " + self._replace(Role.DATA, lambda t: isinstance(t.object, ox.Literal), change)

    def remove(self) -> str:
        return "remove " + self._replace(Role.DATA, lambda t: True, lambda t: None)

    def add(self) -> str:
        data = self.data_triples()
        subject = self.random.choice(data).subject
        triple = ox.Triple(subject, self.random.choice(self.predicates), self.random.choice(data).object)
        n = self._pick_file(Role.DATA)
        f = self.files[n]
        self.files[n] = SourceFile(f.path, f.role, (*f.triples, triple))
        return f"add {triple}"

    def retype(self) -> str:
        return "type " + self._replace(
            Role.DATA,
            lambda t: t.predicate == RDF_TYPE,
            lambda t: ox.Triple(t.subject, t.predicate, self.random.choice(self.classes)),
        )

    def sdg_link(self) -> str:
        if self.random.random() < 0.5:
            return "sdg target " + self._replace(
                Role.DATA,
                lambda t: t.predicate.value == PLO + "sdgConcept",
                lambda t: ox.Triple(t.subject, t.predicate, self.random.choice(self.sdg)),
            )
        return "sdg status " + self._replace(
            Role.DATA,
            lambda t: t.predicate.value == PLO + "status",
            lambda t: ox.Triple(t.subject, t.predicate, self.random.choice(self.statuses)),
        )

    def add_file(self) -> str:
        """A copy of a data file with its own IRIs (a new plan, say) and blank nodes."""
        source = self.files[self._pick_file(Role.DATA)]
        self.added += 1
        suffix = f"-kopi-{self.added}"

        def rename(term: ox.Term) -> ox.Term:
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE + "plan/"):
                return ox.NamedNode(term.value + suffix)
            if isinstance(term, ox.BlankNode):
                return ox.BlankNode(term.value + "k" + str(self.added))
            return term

        triples = tuple(ox.Triple(rename(t.subject), t.predicate, rename(t.object)) for t in source.triples)  # type: ignore[arg-type]
        self.files.append(SourceFile(f"data/kopi-{self.added}.ttl", Role.DATA, triples))
        return f"file added from {source.path}"

    def remove_file(self) -> str:
        data = [n for n, f in enumerate(self.files) if f.role is Role.DATA]
        if len(data) < 2:
            return "nothing"
        n = self.random.choice(data)
        return "file removed " + self.files.pop(n).path

    def shapes(self) -> str:
        def change(t: ox.Triple) -> ox.Triple:
            o = t.object
            if t.predicate.value in (SH + "minCount", SH + "maxCount"):
                assert isinstance(o, ox.Literal)
                return ox.Triple(
                    t.subject, t.predicate, ox.Literal(str(max(0, int(o.value) + 1)), datatype=XSD_INTEGER)
                )
            if t.predicate.value == SH + "severity":
                other = "Warning" if o.value.endswith("Violation") else "Violation"
                return ox.Triple(t.subject, t.predicate, ox.NamedNode(SH + other))
            assert isinstance(o, ox.Literal)
            return ox.Triple(t.subject, t.predicate, ox.Literal(o.value + " (ændret)", language=o.language))

        wanted = {SH + "minCount", SH + "maxCount", SH + "severity", SH + "message"}
        return "shapes " + self._replace(Role.SHAPES, lambda t: t.predicate.value in wanted, change)

    def revert(self) -> str:
        self.files = list(self.original)
        return "back to the original"

    def one(self) -> str:
        kinds = [self.text] * 4 + [self.remove, self.add, self.retype] * 2 + [self.sdg_link] * 3
        kinds += [self.add_file, self.remove_file, self.shapes, self.revert]
        return self.random.choice(kinds)()


@pytest.mark.parametrize("seed", [1, 2])
def test_validation_with_memory_finds_what_a_full_validation_finds(config: Config, seed: int) -> None:
    policy = UrlPolicy(config.base_iri)
    edits = Edits(load_sources(config), random.Random(seed))
    memory = ValidationMemory()
    first = run_validation(edits.sources(), policy, memory=memory)
    assert first.conforms
    kinds: set[str] = set()
    violating = 0
    for number in range(30):
        what = edits.one()
        kinds.add(what.split()[0])
        if number % 2:
            # As the next build in another process does: a memory restored from the last one's record.
            restored = ValidationMemory()
            assert restored.restore(memory.record("code"), "code")
            memory = restored
        remembered = run_validation(edits.sources(), policy, memory=memory)
        full = run_validation(edits.sources(), policy)
        assert remembered.findings == full.findings, f"edit {number}: {what}"
        violating += not full.conforms
    # The edits were of every kind, and both conforming and violating data were seen.
    assert {"text", "remove", "add", "type", "sdg", "file", "shapes"} <= kinds or seed != 1
    assert 0 < violating < 30


def _build_edit(project: Path, chooser: random.Random, added: list[Path], number: int) -> str:
    """One random edit of the project's files; what it was."""
    plan, links = project / "data" / "ambitioner-og-retning-2020.ttl", project / "data" / "sdg-koblinger.ttl"
    shapes = project / "shapes" / "planlod-shapes.ttl"
    kind = chooser.choice(["en", "da", "drop link", "copy link", "target", "status", "add file", "remove file", "name"])
    if kind in ("en", "da"):
        path = chooser.choice([plan, links, project / "data" / "organisationer.ttl"])
        text = path.read_text(encoding="utf-8")
        pick = chooser.choice(list(re.finditer(rf'"([^"\\]+)"@{kind}', text)))
        path.write_text(text[: pick.end(1)] + " (ændret)" + text[pick.end(1) :], encoding="utf-8")
        return f"{kind} text in {path.name}"
    if kind in ("drop link", "copy link", "target", "status"):
        text = links.read_text(encoding="utf-8")
        blocks = list(re.finditer(r"^<plan/[^>]*/sdg/[^>]*>\n.*?\.\n\n", text, re.S | re.M))
        block = chooser.choice(blocks)
        body = block.group(0)
        if kind == "drop link":
            new = ""
        elif kind == "copy link":
            new = body + body.replace("/sdg/", "/sdg-kopi/", 1)
        elif kind == "target":
            target = chooser.choice(["3.4", "3.8", "11.2", "13.2", "4.1", "7.2"])
            new = re.sub(r"plo:sdgConcept sdg:[0-9.a-z]+", f"plo:sdgConcept sdg:{target}", body, count=1)
        else:
            status = chooser.choice(["Accepted", "Proposed", "Rejected"])
            new = re.sub(r"plo:status plo:\w+", f"plo:status plo:{status}", body, count=1)
        links.write_text(text[: block.start()] + new + text[block.end() :], encoding="utf-8")
        return f"{kind} {body.split('>', 1)[0]}>"
    if kind == "add file" or (kind == "remove file" and not added):
        copy = project / "data" / f"kopi-{number}.ttl"
        copy.write_text(plan.read_text(encoding="utf-8").replace("<plan/", "<kopi/plan/"), encoding="utf-8")
        added.append(copy)
        return f"added {copy.name}"
    if kind == "remove file":
        gone = added.pop(chooser.randrange(len(added)))
        gone.unlink()
        return f"removed {gone.name}"
    text = shapes.read_text(encoding="utf-8")
    pick = chooser.choice(list(re.finditer(r'sh:name "([^"\\]+)"@(?:da|en)', text)))
    shapes.write_text(text[: pick.end(1)] + " (ændret)" + text[pick.end(1) :], encoding="utf-8")
    return "shapes: a property's name"


def test_builds_with_memory_write_what_full_builds_write(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "site")}, environ={})
    full = load_config(project, {"base_iri": BASE, "out_dir": str(tmp_path / "full")}, environ={})
    memory = BuildMemory()
    build_site(config, memory=memory)
    chooser = random.Random(7)
    added: list[Path] = []
    made = refused = 0
    for number in range(50):
        saved = {p: p.read_bytes() for p in (project / "data").rglob("*.ttl")}
        saved |= {p: p.read_bytes() for p in (project / "shapes").glob("*.ttl")}
        what = _build_edit(project, chooser, added, number)
        try:
            clean = build_site(full, force=True)
        except NonConforming:
            with pytest.raises(NonConforming):
                build_site(config, memory=memory)
            refused += 1
            # Put the edit right, so that the walk stays mostly among data that conform.
            for path in {*(project / "data").rglob("*.ttl")} - saved.keys():
                path.unlink()
            for path, content in saved.items():
                path.write_bytes(content)
            added[:] = sorted((project / "data").glob("kopi-*.ttl"))
            clean = build_site(full, force=True)
        # Every other build is a fresh process's: the dumps' parts come from the stored record, not the memory.
        summary = build_site(config, memory=memory if number % 2 == 0 else None)
        assert summary.files == clean.files, f"edit {number}: {what}"
        marker = (
            (config.out_dir / MARKER).read_text(encoding="utf-8"),
            (full.out_dir / MARKER).read_text(encoding="utf-8"),
        )
        assert tree(config.out_dir) == tree(full.out_dir), f"edit {number}: {what}: {marker}"
        made += 1
    assert made == 50 and refused < 25
