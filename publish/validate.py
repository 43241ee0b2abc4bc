"""Check the data against the shapes and turn the SHACL report into findings.

Stage: validate. Imports `buildrules`, `collector`, `errors`, `load`, `model`, `progress`, `rdfterms`, `sealed`,
`shacl`, `urls` and `vocab`; the only module that imports pyshacl.
The data graph is the data, the triples derived from it, the ontology (so `sh:class` sees subclasses) and the
reference vocabularies (so SDG links can be checked against the UN SDG KOS).
SHACL Core runs on the whole graph at once (`shacl`), the SHACL-SPARQL constraints of class-targeted shapes once
each on pyoxigraph, and pySHACL only for a shape the engine does not implement (on an rdflib copy of the data,
made only then). The report graph holds the results as pySHACL writes them; the rules the build needs beyond
the shapes (`buildrules`: publishable IRIs, IRIs under the base, plain text) add theirs in the same form.
Findings name the file and the line where their entity is first written.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.term import Node, Variable

from . import buildrules, shacl
from .collector import paused_gc
from .errors import InputError
from .load import Role, SourceFile, Sources
from .model import derived_triples, link_fields, vocabulary
from .progress import QUIET, Progress
from .rdfterms import RdflibTerms, Term, nt_lines, ox_term, pack, parse_lines, rdflib_graph, rdflib_term, unpack
from .sealed import sealed, unseal
from .urls import UrlPolicy, site_first_segments
from .vocab import LABEL_PREDICATES, PlanVocabulary

# The label predicates as rdflib terms, for the report's nodes.
_LABEL_PREDICATES = tuple(rdflib_term(p) for p in LABEL_PREDICATES)
_SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class WholeGraphConstraint:
    """A SHACL-SPARQL constraint of a class-targeted shape, run once over the whole graph.

    pySHACL parses and runs a SPARQL constraint once per focus node, which grows with the data. A SELECT
    constraint whose shape targets classes gives the same results when `$this` is left unbound and joined with
    the shape's targets, so planlod runs it once, on pyoxigraph, and adds its results to the report.
    """

    shape: Node
    constraint: Node
    query: str
    severity: Node
    # The constraint's own query (with its prefixes), before the join with the targets.
    select: str = ""


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def _whole_graph_constraints(shapes: Graph) -> list[WholeGraphConstraint]:
    found = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        select = shapes.value(constraint, SH.select)
        targets = sorted(str(c) for c in shapes.objects(shape, SH.targetClass))
        other_targets = any(
            shapes.value(shape, p) is not None for p in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        )
        if select is None or not targets or other_targets or not _WHERE.search(str(select)):
            continue
        prefixes = "".join(
            f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
            for source in shapes.objects(constraint, SH.prefixes)
            for d in shapes.objects(source, SH.declare)
        )
        values = " ".join(f"<{c}>" for c in targets)
        join = (
            f" VALUES ?planlod_target {{ {values} }} "
            "?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?planlod_target . "
        )
        body = str(select).replace("$this", "?this")
        match = _WHERE.search(body)
        assert match is not None
        query = prefixes + body[: match.end()] + join + body[match.end() :]
        severity = shapes.value(shape, SH.severity) or SH.Violation
        found.append(WholeGraphConstraint(shape, constraint, query, severity, prefixes + body))
    return found


Row = dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]


def _query_rows(c: WholeGraphConstraint, store: ox.Store) -> list[Row]:
    """The constraint's solutions that bind ?this."""
    try:
        solutions = store.query(c.query)
    except SyntaxError as exc:
        raise InputError(f"shapes: the SPARQL constraint of {c.shape} does not parse: {exc.msg or exc}") from exc
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = []
    for row in solutions:
        bound = {name: row[name] for name in names if row[name] is not None}
        if "this" in bound:
            rows.append(bound)
    return rows


def _add_rows(c: WholeGraphConstraint, rows: list[Row], shapes: Graph, report: Graph) -> None:
    """Add a constraint's results to the SHACL report graph."""
    (root,) = report.subjects(SH.conforms, None)
    for bound in rows:
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, rdflib_term(bound["this"])))
        report.add((result, SH.resultSeverity, c.severity))
        report.add((result, SH.sourceShape, c.shape))
        report.add((result, SH.sourceConstraint, c.constraint))
        report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        for key, predicate in (("path", SH.resultPath), ("value", SH.value)):
            if key in bound:
                report.add((result, predicate, rdflib_term(bound[key])))
        for template in shapes.objects(c.constraint, SH.message):
            text = re.sub(
                r"\{[?$](\w+)\}",
                lambda m: bound[m.group(1)].value if m.group(1) in bound else m.group(0),  # noqa: B023
                str(template),
            )
            lang = template.language if isinstance(template, Literal) else None
            report.add((result, SH.resultMessage, Literal(text, lang=lang)))
        if c.severity == SH.Violation:
            report.set((root, SH.conforms, Literal(False)))


def _run_whole_graph(constraints: list[WholeGraphConstraint], store: ox.Store, shapes: Graph, report: Graph) -> None:
    """Run each constraint once and add its results to the SHACL report graph."""
    for c in constraints:
        _add_rows(c, _query_rows(c, store), shapes, report)


class ValidationMemory:
    """What a validation learned, for the next validation of the same shapes after an edit: each checked file's
    triples (by the file's key, `load.SourceFile.key`) and the derived triples, SHACL Core's results and reads per
    focus node (`shacl.CoreMemory`), and each SPARQL constraint's results with the predicates its query can read.
    `planlod build --watch` keeps one between builds; a build keeps it beside the site (`record`, `restore`) for
    the next build in another process.

    The next validation checks again only the focus nodes whose checks read a subject or object of a triple added
    or removed since, and runs again only the SPARQL constraints whose predicates such a triple has. Other shapes,
    or a changed rdfs:subClassOf (which every class test and class target reads), make it check everything.
    """

    def __init__(self) -> None:
        self.shapes_key: str | None = None
        # Path → (key, triples); the triples as packed N-Triples lines (`rdfterms.pack`) once recorded or restored.
        self.files: dict[str, tuple[str, Sequence[ox.Triple] | bytes]] = {}
        self.derived: frozenset[ox.Triple] | bytes = frozenset()
        self.core = shacl.CoreMemory()
        self.predicates: list[set[str] | None] = []
        # Per SPARQL constraint its rows; None when they are not known (they are found again).
        self.rows: list[list[Row] | None] = []
        # The keys of the files whose triples break no build rule, and the key of the rules' settings.
        self.ruled: tuple[str, frozenset[str]] = ("", frozenset())

    def forget(self) -> None:
        """Forget everything: the next validation checks everything."""
        self.shapes_key, self.files, self.derived = None, {}, frozenset()
        self.core = shacl.CoreMemory()
        self.predicates, self.rows = [], []
        self.ruled = ("", frozenset())

    def changes(self, shapes_key: str, files: Sequence[SourceFile], derived: list[ox.Triple]) -> list[ox.Triple] | None:
        """The triples added or removed since the last validation (with, at most, triples that only moved from one
        file to another); None when everything must be checked. `files`: the checked files; `derived`: the
        triples derived from the data."""
        known = self.shapes_key == shapes_key
        before, before_derived = self.files, self.derived
        self.shapes_key, self.derived = shapes_key, frozenset(derived)
        self.files = {f.path: (f.key, f.triples) for f in files}
        if not known:
            self.predicates, self.rows = [], []
            return None
        changed: list[ox.Triple] = []
        try:
            for f in files:
                old = before.pop(f.path, None)
                if old is not None and f.key and old[0] == f.key:
                    self.files[f.path] = old  # the same triples (kept packed when they were)
                    continue
                changed += frozenset(f.triples) ^ (_unpacked(old[1]) if old is not None else frozenset())
            for _key, triples in before.values():
                changed += _unpacked(triples)
            changed += self.derived ^ _unpacked(before_derived)
        except (zlib.error, SyntaxError, ValueError):  # a damaged record (see `restore`): everything is checked
            self.predicates, self.rows = [], []
            return None
        if any(t.predicate.value == _SUBCLASS_OF for t in changed):
            return None
        return changed

    # -- kept beside the site ----------------------------------------------------------------------------------
    def record(self, key: str) -> bytes:
        """The memory as bytes for `restore`, written by what `key` names (the code and settings): plain data only,
        nothing that runs code when read, sealed (`sealed`: a byte changed or a record cut short is found). SHACL
        Core's entries with results, and the rows of SPARQL constraints that found any, are left out (a restored
        memory checks those again), as are the predicates the SPARQL constraints read (found again when a change
        asks for them): a memory brought up to date edit by edit is recorded as the memory of a validation of
        everything would be."""
        for path, (file_key, triples) in list(self.files.items()):
            if not isinstance(triples, bytes):
                self.files[path] = (file_key, pack(nt_lines(triples)))
        if not isinstance(self.derived, bytes):
            self.derived = pack(nt_lines(self.derived))
        terms: dict[Term, int] = {}

        def number(term: Term) -> int:
            found = terms.get(term)
            if found is None:
                found = terms[term] = len(terms)
            return found

        # In a fixed order (terms by their N-Triples form): a memory brought up to date edit by edit is recorded as
        # the memory of a validation of everything would be.
        entries = [
            [
                (number(focus), [number(node) for node in sorted(reads, key=str)])
                for focus, (results, reads) in sorted(by_focus.items(), key=lambda item: str(item[0]))
                if not results and _codable(focus) and all(_codable(node) for node in reads)
            ]
            for _shape, by_focus in sorted(self.core.entries.items())
        ]
        numbers = [shape for shape, _ in sorted(self.core.entries.items())]
        return sealed(
            [
                _RECORD_VERSION,
                key,
                self.shapes_key or "",
                [rows == [] for rows in self.rows],
                [_term_code(term) for term in terms],
                numbers,
                entries,
                {path: list(self.files[path]) for path in sorted(self.files)},
                self.derived,
                # The keys as one new string: marshal writes an object other references also hold as a reference,
                # so the same keys held elsewhere (the files') would not give the same bytes.
                [self.ruled[0], " ".join(sorted(self.ruled[1]))],
            ]
        )

    def restore(self, content: bytes, key: str) -> bool:
        """Take up what `record` wrote when it was written by the same `key`; False (the memory unchanged) when it
        was not, or cannot be read."""
        try:
            found, end = unseal(content)
            version, stored_key, shapes, empty, codes, numbers, entries, files, derived, (rules, clean) = found
            if version != _RECORD_VERSION or stored_key != key or end != len(content):
                return False
            terms = [_code_term(code) for code in codes]
            core = shacl.CoreMemory()
            for shape, by_focus in zip(numbers, entries, strict=True):
                core.entries[shape] = {
                    terms[focus]: ([], frozenset(terms[node] for node in reads)) for focus, reads in by_focus
                }
                for focus, reads in by_focus:
                    for node in reads:
                        core.readers.setdefault(terms[node], set()).add((shape, terms[focus]))
            kept: dict[str, tuple[str, Sequence[ox.Triple] | bytes]] = {
                str(path): (str(k), bytes(packed)) for path, (k, packed) in files.items()
            }
            rows: list[list[Row] | None] = [[] if flag is True else None for flag in empty]
            if not isinstance(shapes, str) or not isinstance(derived, bytes):
                return False
            ruled = (str(rules), frozenset(str(clean).split()))
        except Exception:  # a record of another shape, damaged or made by hand: everything is checked
            return False
        self.shapes_key, self.files, self.derived = shapes, kept, derived
        self.core, self.predicates, self.rows, self.ruled = core, [], rows, ruled
        return True


# What `ValidationMemory.record` writes is read back only by the same version.
_RECORD_VERSION = 3
# A term in a record: an IRI as its text, a blank node as (label,), a literal as (text, datatype, language).
TermCode = str | tuple[str] | tuple[str, str, str]


def _codable(term: Term) -> bool:
    """Whether `_term_code` keeps the term whole (not a triple term, nor a literal with a base direction)."""
    return not isinstance(term, ox.Triple) and not (isinstance(term, ox.Literal) and term.direction)


def _term_code(term: Term) -> TermCode:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return (term.value,)
    assert isinstance(term, ox.Literal)
    return (term.value, term.datatype.value, term.language or "")


def _code_term(code: object) -> Term:
    if isinstance(code, str):
        return ox.NamedNode(code)
    if isinstance(code, tuple) and len(code) == 1:
        return ox.BlankNode(str(code[0]))
    if isinstance(code, tuple) and len(code) == 3:
        text, datatype, language = map(str, code)
        if language:
            return ox.Literal(text, language=language)
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    raise ValueError(f"not a term in a validation record: {code!r}")


def _unpacked(triples: Sequence[ox.Triple] | frozenset[ox.Triple] | bytes) -> frozenset[ox.Triple]:
    """Triples kept as they are or packed (`ValidationMemory.files`)."""
    if isinstance(triples, bytes):
        return frozenset(parse_lines(unpack(triples)))
    return frozenset(triples)


_SUBCLASS_OF = str(RDFS.subClassOf)


def shapes_key(shapes: Sources) -> str:
    """What identifies the shapes for a ValidationMemory: their triples, sorted."""
    lines = sorted(str(t) for t in shapes.triples(Role.SHAPES))
    return hashlib.blake2b("\n".join(lines).encode("utf-8"), digest_size=16).hexdigest()


def _dirty_nodes(data: shacl.DataIndex, changed: list[ox.Triple]) -> set[Term]:
    """The subjects and objects of the changed triples (objects also in the index's normal form)."""
    dirty: set[Term] = set()
    for t in changed:
        dirty.add(t.subject)
        o = t.object
        dirty.add(o)
        if isinstance(o, ox.Literal) and o.language is None:
            dirty.add(data.normal(o))
    return dirty


@dataclass(frozen=True)
class Finding:
    """One validation result, ready to print."""

    severity: str
    file: str
    focus: str
    focus_short: str
    focus_label: str
    path: str
    value: str
    message: str
    shape: str
    # The line of `file` where the entity is first written, when it can be found.
    line: int | None = None

    def as_line(self) -> str:
        """The one-line form the CLI prints."""
        label = f" «{self.focus_label}»" if self.focus_label else ""
        value = f" (value: {self.value})" if self.value else ""
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.severity}: {where}: {self.focus_short}{label}: {self.path}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: findings in a stable order, and the SHACL report graph."""

    findings: tuple[Finding, ...]
    graph: Graph
    triples_checked: int
    files_checked: int

    @property
    def violations(self) -> int:
        """The number of violations."""
        return sum(1 for f in self.findings if f.severity == "Violation")

    @property
    def warnings(self) -> int:
        """The number of warnings."""
        return sum(1 for f in self.findings if f.severity == "Warning")

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings allowed)."""
        return self.violations == 0

    def summary(self) -> str:
        """One line: the counts."""
        verdict = "the data conform" if self.conforms else "the data do not conform"
        return (
            f"{verdict}: {self.violations} violation(s), {self.warnings} warning(s); "
            f"{self.triples_checked} triples in {self.files_checked} files checked"
        )


def _pick(values: list[Literal], lang: str) -> str:
    for value in values:
        if value.language == lang:
            return str(value)
    for value in values:
        if value.language in (None, "en", "da"):
            return str(value)
    return str(values[0]) if values else ""


def _message(report: Graph, result: Node, shapes: Graph, lang: str) -> str:
    """The result's message in `lang`. SHACL-SPARQL messages come back without language tags, so those are
    matched against the constraint's tagged templates."""
    messages = [m for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    if any(m.language for m in messages) or len(messages) < 2:
        return _pick(messages, lang)
    constraint = report.value(result, SH.sourceConstraint)
    for template in shapes.objects(constraint, SH.message):
        if isinstance(template, Literal) and template.language == lang:
            pattern = re.compile(".*".join(re.escape(part) for part in re.split(r"\{[?$]\w+\}", str(template))))
            for message in messages:
                if pattern.fullmatch(str(message)):
                    return str(message)
    return _pick(messages, lang)


class _DataContext:
    """What findings need from the data beyond the results: the resource a blank node hangs from, the labels of
    resources, and the triples about blank nodes (copied into the report). Read in passes over the triples, and
    only when there are results."""

    def __init__(self, triples: list[ox.Triple], nodes: set[Node]) -> None:
        self.parents: dict[Node, Node] = {}
        self.labels: dict[Node, dict[Node, list[Literal]]] = {}
        self.blank = Graph()
        if not nodes:
            return
        convert = RdflibTerms()
        for t in triples:
            o = t.object
            if isinstance(o, ox.BlankNode):
                node = convert(o)
                if node not in self.parents:
                    self.parents[node] = convert(t.subject)
            if isinstance(t.subject, ox.BlankNode):
                self.blank.add((convert(t.subject), convert(t.predicate), convert(o)))
        owners = {self.owner(n) for n in nodes}
        label_predicates = set(LABEL_PREDICATES)
        wanted = {ox_term(n) for n in owners if isinstance(n, URIRef | BNode)}
        for t in triples:
            if t.predicate in label_predicates and t.subject in wanted and isinstance(t.object, ox.Literal):
                values = self.labels.setdefault(convert(t.subject), {}).setdefault(convert(t.predicate), [])
                literal = convert(t.object)
                if literal not in values:
                    values.append(literal)  # type: ignore[arg-type]

    def owner(self, node: Node) -> Node:
        seen = set()
        while isinstance(node, BNode) and node not in seen:
            seen.add(node)
            parent = self.parents.get(node)
            if parent is None:
                break
            node = parent
        return node

    def label(self, node: Node, lang: str) -> str:
        found = self.labels.get(node, {})
        for predicate in _LABEL_PREDICATES:
            values = found.get(predicate)
            if values:
                text = " ".join(_pick(values, lang).split())
                return text if len(text) <= 70 else text[:67] + "…"
        return ""


class _Namer:
    """Short names for nodes in messages; blank nodes are named by the resource that points at them."""

    def __init__(self, policy: UrlPolicy, context: _DataContext) -> None:
        self.policy = policy
        self.context = context

    def short(self, node: Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, URIRef):
            return self.policy.short(str(node))
        if isinstance(node, BNode):
            owner = self.context.owner(node)
            return f"[node inside {self.short(owner)}]" if owner != node else "[blank node]"
        text = str(node)
        return repr(text if len(text) <= 60 else text[:57] + "…")


def _path_text(report: Graph, path: Node | None, namer: _Namer) -> str:
    """A result's path for messages: the property, or ^property for an inverse path."""
    inverse = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
    return "^" + namer.short(inverse) if inverse is not None else namer.short(path)


CHECKED_ROLES = (Role.DATA, Role.ONTOLOGY, Role.REFERENCE)


@dataclass(frozen=True)
class Checked:
    """The triples checked against the shapes: the data, the triples derived from them, the ontology and the
    reference vocabularies; `files` are the files they come from and `derived` the derived ones."""

    triples: list[ox.Triple]
    data_count: int
    files: tuple[SourceFile, ...] = ()
    derived: tuple[ox.Triple, ...] = ()


def checked_triples(sources: Sources, vocab: PlanVocabulary) -> Checked:
    """The triples checked against the shapes, from the files they come from."""
    data = list(sources.triples(Role.DATA))
    derived = derived_triples(link_fields(data, vocab), vocab)
    checked = data + derived + list(sources.triples(Role.ONTOLOGY, Role.REFERENCE))
    files = tuple(f for f in sources.files if f.role in CHECKED_ROLES)
    return Checked(checked, len(data), files, tuple(derived))


def data_triples(sources: Sources, vocab: PlanVocabulary) -> tuple[list[ox.Triple], int]:
    """The triples checked against the shapes, and how many of them are the data's own."""
    checked = checked_triples(sources, vocab)
    return checked.triples, checked.data_count


def _new_report(shapes: Graph) -> tuple[Graph, BNode]:
    """An empty SHACL validation report, with the prefixes pySHACL binds."""
    report = Graph(bind_namespaces="core")
    for prefix, namespace in shapes.namespace_manager.namespaces():
        report.namespace_manager.bind(prefix, namespace)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(True)))
    return report, root


def _add_results(report: Graph, root: Node, results: list[shacl.Result], shapes: Graph, context: _DataContext) -> None:
    """Write the engine's results into the report as pySHACL does: blank nodes of the shapes and of the data
    are copied with their descriptions."""
    if not results:
        return
    from pyshacl.rdfutil.clone import clone_blank_node  # noqa: PLC0415 - pySHACL loads in 0.3 s, only when needed

    convert = RdflibTerms()
    cloned: set[tuple[str, Node]] = set()

    def copy(source: str, graph: Graph, node: Node) -> Node:
        if isinstance(node, BNode) and (source, node) not in cloned:
            cloned.add((source, node))
            clone_blank_node(graph, node, report, keepid=True)
        return node

    for r in results:
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.sourceConstraintComponent, r.component))
        report.add((result, SH.sourceShape, copy("shapes", shapes, r.shape)))
        report.add((result, SH.resultSeverity, r.severity))
        report.add((result, SH.focusNode, copy("data", context.blank, convert(r.focus))))
        if r.value is not None:
            report.add((result, SH.value, copy("data", context.blank, convert(r.value))))
        if r.path is not None:
            report.add((result, SH.resultPath, copy("shapes", shapes, r.path)))
        for message in r.messages:
            report.add((result, SH.resultMessage, message))
        if r.severity not in (SH.Warning, SH.Info):
            report.set((root, SH.conforms, Literal(False)))


def _run_pyshacl(triples: list[ox.Triple], shapes: Graph, handed_on: set[Node], skip: list[Node]) -> Graph:
    """pySHACL's report for the shapes this engine hands on; the others lose their targets, and the SPARQL
    constraints run on the whole graph are left out."""

    core_shapes = Graph()
    for triple in shapes:
        core_shapes.add(triple)
    for node in shacl.target_shapes(shapes):
        if node not in handed_on:
            for predicate in (*shacl.TARGETS, SH.target):
                core_shapes.remove((node, predicate, None))
            for cls in (RDFS.Class, OWL.Class):
                core_shapes.remove((node, RDF.type, cls))
    for constraint in skip:
        core_shapes.remove((None, SH.sparql, constraint))
    from pyshacl import validate as shacl_validate  # noqa: PLC0415 - pySHACL loads in 0.3 s, only when needed

    _conforms, report, _text = shacl_validate(
        rdflib_graph(triples),
        shacl_graph=core_shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(report, Graph)
    return report


def _merge(report: Graph, root: Node, other: Graph) -> None:
    """Add another report's results to this one."""
    (other_root,) = other.subjects(SH.conforms, None)
    for triple in other:
        if triple[0] == other_root:
            if triple[1] == SH.result:
                report.add((root, SH.result, triple[2]))
            continue
        report.add(triple)
    if other.value(other_root, SH.conforms) == Literal(False):
        report.set((root, SH.conforms, Literal(False)))


def shacl_report(
    triples: list[ox.Triple] | Checked,
    shapes: Graph,
    progress: Progress = QUIET,
    memory: ValidationMemory | None = None,
    key: str = "",
) -> tuple[Graph, _DataContext]:
    """The SHACL report of the data against the shapes: SHACL Core on the whole graph at once, the SPARQL
    constraints of class-targeted shapes once each on pyoxigraph, and pySHACL for any shape the engine does
    not implement. Also returns what findings need from the data about the results' nodes.

    With a `memory` (and the shapes' `key`), only what the triples changed since its last validation can change
    is checked again, and the memory is brought up to date; `triples` are then `Checked`, with their files."""
    if memory is not None and not isinstance(triples, Checked):
        raise TypeError("a validation with a memory needs the checked triples with their files (Checked)")
    checked = triples if isinstance(triples, Checked) else Checked(triples, len(triples))
    triples = checked.triples
    whole_graph = _whole_graph_constraints(shapes)
    compiled = shacl.plan(shapes, {c.constraint for c in whole_graph})
    report, root = _new_report(shapes)
    if memory is not None:
        # The constraints' rows are kept by position, and the shapes' key does not see the constraints' order.
        order = "\n".join(f"{c.constraint} {c.query}" for c in whole_graph)
        key = hashlib.blake2b(f"{key}\n{order}".encode(), digest_size=16).hexdigest()
    changed = memory.changes(key, checked.files, list(checked.derived)) if memory is not None else None
    data = shacl.DataIndex(triples, compiled.forward, compiled.inverse)
    count = len(whole_graph)
    known = list(memory.rows) if memory is not None and len(memory.rows) == count else [None] * count
    changed_predicates = {t.predicate.value for t in changed} if changed is not None else None
    reads: list[set[str] | None] = [None] * count
    if memory is not None and changed_predicates:
        # What each constraint's query can read (parsing the queries takes about 10 ms each): asked for only when
        # something changed since a validation the memory knows.
        if len(memory.predicates) != count:
            memory.predicates = [_query_predicates(c.select) for c in whole_graph]
        reads = memory.predicates
    rerun = [
        n
        for n, read in enumerate(reads)
        if changed_predicates is None
        or known[n] is None
        or (bool(changed_predicates) and (read is None or bool(read & changed_predicates)))
    ]
    # The store for the SPARQL constraints to run loads on another core while SHACL Core is checked.
    loading = _StoreLoader(sparql_triples(data, [whole_graph[n].select for n in rerun])) if rerun else None
    steps = len(compiled.shapes) + (1 if compiled.unsupported else 0) + (1 if whole_graph else 0)
    with progress.count("validate", steps, "shapes") as done:
        dirty = _dirty_nodes(data, changed) if changed is not None else None
        results = shacl.validate(data, shapes, compiled, done, memory.core if memory is not None else None, dirty)
        if compiled.unsupported:
            handed_on = set(compiled.unsupported)
            _merge(report, root, _run_pyshacl(triples, shapes, handed_on, [c.constraint for c in whole_graph]))
            done(1)
        if whole_graph:
            store = loading.store() if loading is not None else None
            rows: list[list[Row]] = []
            for n, kept in enumerate(known):
                if kept is None or n in rerun:
                    assert store is not None
                    rows.append(_query_rows(whole_graph[n], store))
                else:
                    rows.append(kept)
            for c, found in zip(whole_graph, rows, strict=True):
                _add_rows(c, found, shapes, report)
            if memory is not None:
                memory.rows = list(rows)
            done(1)
    nodes: set[Node] = {rdflib_term(r.focus) for r in results}
    nodes |= {rdflib_term(r.value) for r in results if isinstance(r.value, ox.BlankNode)}
    nodes |= set(report.objects(None, SH.focusNode))
    context = _DataContext(triples, nodes)
    _add_results(report, root, results, shapes, context)
    return report, context


def _query_predicates(query: str) -> set[str] | None:
    """The predicates a constraint's query (joined with its targets) can read; None when it can read any."""
    from rdflib.plugins.sparql import prepareQuery  # noqa: PLC0415 - rdflib's SPARQL parser loads in 0.2 s

    try:
        algebra = prepareQuery(query).algebra
    except Exception:
        return None
    found = _fixed_predicates(algebra)
    if found is None:
        return None
    return found | {str(RDF.type), str(RDFS.subClassOf)}


# Data of fewer triples are loaded whole into the SPARQL constraints' store: loading them all (about 3 µs a
# triple, on another core) costs less than finding which ones the queries read (about 10 ms of parsing a query).
NARROW_FROM = 50_000


def sparql_triples(data: shacl.DataIndex, queries: list[str]) -> list[ox.Triple]:
    """The triples the constraints' queries can read (`_query_predicates` of each): those with the predicates the
    queries name (and rdf:type, rdfs:subClassOf for the targets), when every triple pattern has a fixed
    predicate or a path of them that cannot have length zero; else, or when the data are small (`NARROW_FROM`),
    the whole data."""
    if len(data.triples) < NARROW_FROM:
        return data.triples
    wanted: set[str] = set()
    for query in queries:
        read = _query_predicates(query)
        if read is None:
            return data.triples
        wanted |= read
    return [t for p, group in data.by_predicate.items() if p.value in wanted for t in group]


# A blank node in N-Triples (or text that looks like one inside a literal, which only costs the faster load).
_BLANK_NODE = re.compile(rb"(?:^|\s)_:", re.MULTILINE)


class _StoreLoader:
    """A pyoxigraph store of some triples, loaded in a thread (the parser releases the GIL) when the triples
    serialize without blank nodes, whose labels a store load would change; else filled term by term."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples
        self._store = ox.Store()
        self._error: Exception | None = None
        self._thread: threading.Thread | None = None
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if text is not None and not _BLANK_NODE.search(text):
            self._thread = threading.Thread(target=self._load, args=(text,), daemon=True)
            self._thread.start()
        else:
            self._fill()

    def _load(self, text: bytes) -> None:
        try:
            self._store.bulk_load(text, format=ox.RdfFormat.N_TRIPLES)
        except Exception as exc:  # a refused load is redone term by term in store()
            self._error = exc

    def _fill(self) -> None:
        self._store = ox.Store()
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in self._triples)

    def store(self) -> ox.Store:
        """The loaded store."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            if self._error is not None:
                self._fill()  # what the parser refused is loaded term by term
        return self._store


def _fixed_predicates(node: object) -> set[str] | None:
    """The predicates of every triple pattern in a query's algebra; None when one is a variable or anything
    but an IRI or a path of IRIs (a negated property set matches any predicate). A path that can have length zero
    matches any node of the graph with itself (a fixed term too, only when it is a node of the graph), so it is
    allowed only where its match starts or ends at a variable another pattern of the same group binds by a path of
    length one or more: then the nodes it can match are those of the triples with the predicates found, and a
    store of those triples answers the query as the whole graph does."""
    found: set[str] = set()
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "triples":
                    if not isinstance(value, list | tuple):
                        return None
                    iris = _group_predicates(value)
                    if iris is None:
                        return None
                    found |= iris
                else:
                    todo.append(value)
        elif isinstance(item, list | tuple | set):
            todo.extend(item)
    return found


def _group_predicates(triples: list[object] | tuple[object, ...]) -> set[str] | None:
    """The predicates of a group of triple patterns (see `_fixed_predicates`)."""
    patterns: list[tuple[object, object, object]] = []
    for t in triples:
        if not isinstance(t, list | tuple) or len(t) != 3:
            return None
        patterns.append((t[0], t[1], t[2]))
    anchored = {term for s, p, o in patterns if _shortest(p) >= 1 for term in (s, o)}
    found: set[str] = set()
    for s, p, o in patterns:
        iris = _path_iris(p)
        if iris is None:
            return None
        if _shortest(p) == 0 and not any(isinstance(t, Variable) and t in anchored for t in (s, o)):
            return None
        found |= iris
    return found


def _shortest(path: object) -> int:
    """The fewest triples a match of the path (an IRI or a property path of IRIs) goes through."""
    if isinstance(path, SequencePath):
        return sum(_shortest(part) for part in path.args)
    if isinstance(path, AlternativePath):
        return min(_shortest(part) for part in path.args)
    if isinstance(path, InvPath):
        return _shortest(path.arg)
    if isinstance(path, MulPath):
        return 0 if path.mod in ("?", "*") else _shortest(path.path)
    return 1


def _path_iris(predicate: object) -> set[str] | None:
    if isinstance(predicate, URIRef):
        return {str(predicate)}
    parts: list[object]
    if isinstance(predicate, SequencePath | AlternativePath):
        parts = list(predicate.args)
    elif isinstance(predicate, InvPath):
        parts = [predicate.arg]
    elif isinstance(predicate, MulPath):
        parts = [predicate.path]
    else:
        return None
    found: set[str] = set()
    for part in parts:
        iris = _path_iris(part)
        if iris is None:
            return None
        found |= iris
    return found


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib logs a traceback for every ill-typed literal it meets (`"abc"^^xsd:date`); the shapes report
    those as violations, so the log is left out."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def run_validation(
    sources: Sources,
    policy: UrlPolicy,
    lang: str = "en",
    reserved: frozenset[str] | set[str] | None = None,
    progress: Progress = QUIET,
    memory: ValidationMemory | None = None,
) -> ValidationReport:
    """Validate the data against the shapes (and the build rules) and return findings sorted by file, focus node
    and path. `reserved`: the first path segments the site's own files and pages use (default: those of
    `urls.site_first_segments()`; the build adds its static pages). With a `memory` of the last validation, only
    what changed since is checked again against the shapes (the findings are the same)."""
    reserved = site_first_segments() if reserved is None else reserved
    with paused_gc(collect=True), _quiet_rdflib():
        try:
            return _run_validation(sources, policy, lang, reserved, progress, memory)
        except BaseException:
            if memory is not None:
                memory.forget()  # half brought up to date: the next validation checks everything
            raise


def _add_rule_results(report: Graph, results: list[buildrules.RuleResult], policy: UrlPolicy) -> None:
    """The build rules' violations, written into the report as SHACL results."""
    (root,) = report.subjects(SH.conforms, None)
    component = URIRef(policy.shapes_ns + "BuildRuleComponent")
    for r in results:
        result = BNode()
        report.add((root, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.resultSeverity, SH.Violation))
        report.add((result, SH.sourceShape, URIRef(policy.shapes_ns + r.rule)))
        report.add((result, SH.sourceConstraintComponent, component))
        report.add((result, SH.focusNode, rdflib_term(r.focus)))
        if r.path is not None:
            report.add((result, SH.resultPath, rdflib_term(r.path)))
        if r.value is not None:
            report.add((result, SH.value, rdflib_term(r.value)))
        report.add((result, SH.resultMessage, Literal(r.message_en, lang="en")))
        report.add((result, SH.resultMessage, Literal(r.message_da, lang="da")))
    if results:
        report.set((root, SH.conforms, Literal(False)))


_PREFIX_LINE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


class _Lines:
    """Where entities are written in the data files: the line of the first mention of an IRI, found in the file's
    text by its forms (relative to the base, absolute, or a prefixed name)."""

    def __init__(self, project_dir: Path | None, policy: UrlPolicy) -> None:
        self.project_dir = project_dir
        self.policy = policy
        self.texts: dict[str, list[str] | None] = {}

    def _lines(self, file: str) -> list[str] | None:
        if file not in self.texts:
            lines = None
            if self.project_dir is not None and file and not file.startswith("("):
                with contextlib.suppress(OSError, ValueError):
                    lines = (self.project_dir / file).read_text(encoding="utf-8").splitlines()
            self.texts[file] = lines
        return self.texts[file]

    def line(self, file: str, node: Node | None) -> int | None:
        """The line of `file` where `node` (an IRI) is first written as a subject, else first written at all."""
        lines = self._lines(file)
        if lines is None or not isinstance(node, URIRef):
            return None
        iri = str(node)
        forms = [f"<{iri}>"]
        if self.policy.is_local(iri):
            forms.append(f"<{self.policy.path(iri)}>")
        text = "\n".join(lines)
        for prefix, namespace in _PREFIX_LINE.findall(text):
            local = iri[len(namespace) :]
            if namespace and iri.startswith(namespace) and re.fullmatch(r"[\w.-]*", local):
                forms.append(f"{prefix}:{local}")
        first_use = None
        for number, line in enumerate(lines, 1):
            stripped = line.lstrip()
            for form in forms:
                if stripped.startswith(form) and stripped[len(form) : len(form) + 1] in ("", " ", "\t"):
                    return number
                if first_use is None and form in line and not stripped.startswith("#"):
                    first_use = number
        return first_use


def rule_results(
    checked: Checked,
    sources: Sources,
    policy: UrlPolicy,
    reserved: frozenset[str] | set[str],
    memory: ValidationMemory | None = None,
) -> list[buildrules.RuleResult]:
    """The build rules' violations in the checked triples and the shapes. Each rule reads one triple (or one
    subject) at a time, so with a `memory` only the files whose key it has not seen pass the rules (under the same
    base IRI and reserved segments), and the derived triples, are checked again; when they break a rule,
    everything is checked, so the report is a full check's."""
    everything = itertools.chain(checked.triples, sources.triples(Role.SHAPES))
    files = [*checked.files, *(f for f in sources.files if f.role is Role.SHAPES)]
    if memory is None or sum(len(f.triples) for f in checked.files) + len(checked.derived) != len(checked.triples):
        return buildrules.check(everything, policy, reserved)
    rules = hashlib.blake2b(
        "\n".join([policy.base, policy.ontology_ns, *sorted(reserved)]).encode("utf-8"), digest_size=16
    ).hexdigest()
    clean = memory.ruled[1] if memory.ruled[0] == rules else frozenset()
    todo = [f.triples for f in files if not f.key or f.key not in clean]
    broken = buildrules.check(itertools.chain(checked.derived, *todo), policy, reserved)
    if broken:
        broken = buildrules.check(everything, policy, reserved)
    memory.ruled = (rules, frozenset() if broken else frozenset(f.key for f in files if f.key))
    return broken


def _run_validation(
    sources: Sources,
    policy: UrlPolicy,
    lang: str,
    reserved: frozenset[str] | set[str],
    progress: Progress,
    memory: ValidationMemory | None,
) -> ValidationReport:
    vocab = vocabulary(policy)
    checked = checked_triples(sources, vocab)
    triples, data_count = checked.triples, checked.data_count
    shapes = rdflib_graph(sources.triples(Role.SHAPES))
    key = shapes_key(sources) if memory is not None else ""
    report, context = shacl_report(checked, shapes, progress, memory, key)
    broken = rule_results(checked, sources, policy, reserved, memory)
    if broken:
        _add_rule_results(report, broken, policy)
        nodes: set[Node] = set(report.objects(None, SH.focusNode))
        nodes |= {v for v in report.objects(None, SH.value) if isinstance(v, BNode)}
        context = _DataContext(triples, nodes)
    results = list(report.subjects(SH.resultSeverity, None))
    files: dict[Node, str] = (
        {
            URIRef(k.value) if isinstance(k, ox.NamedNode) else BNode(k.value): v
            for k, v in sources.subject_files(Role.DATA, Role.ONTOLOGY, Role.SHAPES).items()
            if not isinstance(k, ox.Triple)
        }
        if results
        else {}
    )
    namer = _Namer(policy, context)
    lines = _Lines(sources.project_dir, policy)
    findings = []
    for result in results:
        severity_node = report.value(result, SH.resultSeverity)
        severity = str(severity_node).rsplit("#", 1)[-1]
        focus = report.value(result, SH.focusNode)
        owner = context.owner(focus) if focus is not None else None
        file = files.get(owner, "(derived)") if isinstance(owner, URIRef | BNode) else ""
        findings.append(
            Finding(
                severity=severity,
                file=file,
                focus=str(focus),
                focus_short=namer.short(focus),
                focus_label=context.label(owner, "da") if owner is not None else "",
                path=_path_text(report, report.value(result, SH.resultPath), namer),
                value=namer.short(report.value(result, SH.value)),
                message=_message(report, result, shapes, lang) or "constraint not met",
                shape=namer.short(report.value(result, SH.sourceShape)),
                line=lines.line(file, owner),
            )
        )
    findings.sort(
        key=lambda f: (f.file, f.focus_short, _SEVERITY_ORDER.get(f.severity, 3), f.path, f.message, f.value, f.focus)
    )
    return ValidationReport(tuple(findings), report, data_count, sum(1 for f in sources.files if f.role is Role.DATA))
