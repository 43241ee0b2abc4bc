"""What the engine works with: the data indexed for the shapes' paths, compiled shapes, results, the plan of a
validation, and whether a node conforms to a shape.

Stage: validate. Imports `collector`, `rdfterms` and `vocab`; rdflib for the shapes' terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from ..collector import paused_gc
from ..rdfterms import Term, rdflib_literal
from ..vocab import RDF_TYPE, RDFS_SUBCLASS_OF

_XSD_STRING = str(XSD.string)


_LANG_STRING = str(RDF.langString)


_ALLOWED = (SH.Warning, SH.Info)  # severities that do not break a shape's conformance (pySHACL allow_warnings)


# Parameters this engine reads. Anything else in the SHACL namespace on a shape makes the shape unsupported.
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


_NON_VALIDATING = {
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.path,
    SH.property,
    SH.flags,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    *TARGETS,
}


Values = set[Term]


Found = list[tuple[Term | None, URIRef]]


# A test of one value node.
Test = Callable[["DataIndex", Term], bool]


# A compiled constraint component: (data, focus node, value nodes) -> [(value node or None, source component)].
Check = Callable[["DataIndex", Term, Values], Found]


class Unsupported(Exception):
    """A shape uses something this engine does not implement."""


def _values_index(
    triples: Iterable[ox.Triple], normal: Callable[[ox.Literal], ox.Literal], inverse: bool
) -> dict[Term, set[Term]]:
    """Subject → its objects (or, `inverse`, object → its subjects), plain typed literals in normal form."""
    index: dict[Term, set[Term]] = {}
    for s, _p, term in triples:
        o = normal(term) if isinstance(term, ox.Literal) and term.language is None else term
        key, value = (o, s) if inverse else (s, o)
        values = index.get(key)
        if values is None:
            index[key] = {value}
        else:
            values.add(value)
    return index


class DataIndex:
    """The data graph, indexed for the paths the shapes use.

    Typed literals are replaced by their rdflib normal form (`"01"^^xsd:integer` is `"1"`), as the value
    sets of pySHACL's rdflib graph hold them.
    """

    def __init__(self, triples: list[ox.Triple], forward: set[str], inverse: set[str]) -> None:
        with paused_gc():
            self._build(triples, forward, inverse)

    def _build(self, triples: list[ox.Triple], forward: set[str], inverse: set[str]) -> None:
        self.triples = triples
        self._normal: dict[ox.Literal, ox.Literal] = {}
        self._rdflib: dict[ox.Literal, Literal] = {}
        self.by_predicate: dict[ox.NamedNode, list[ox.Triple]] = {}
        by_predicate = self.by_predicate
        for t in triples:
            p = t.predicate
            group = by_predicate.get(p)
            if group is None:
                by_predicate[p] = [t]
            else:
                group.append(t)
        self.out: dict[str, dict[Term, set[Term]]] = {}
        self.inv: dict[str, dict[Term, set[Term]]] = {}
        normal = self.normal
        for iri in forward | {RDF_TYPE.value, RDFS_SUBCLASS_OF.value}:
            self.out[iri] = _values_index(by_predicate.get(ox.NamedNode(iri), ()), normal, inverse=False)
        for iri in inverse | {RDF_TYPE.value, RDFS_SUBCLASS_OF.value}:
            self.inv[iri] = _values_index(by_predicate.get(ox.NamedNode(iri), ()), normal, inverse=True)
        self._types = self.out[RDF_TYPE.value]
        self._supers: dict[Term, frozenset[Term]] = {}
        # While a focus node is checked, the nodes whose triples the checks read (see `engine`); None otherwise.
        self.reads: set[Term] | None = None

    def normal(self, literal: ox.Literal) -> ox.Literal:
        """A typed literal in rdflib's normal lexical form."""
        if literal.datatype.value == _XSD_STRING:
            return literal
        found = self._normal.get(literal)
        if found is None:
            if literal.datatype.value == _LANG_STRING:
                found = literal
            else:
                lexical = str(self.rdflib(literal))
                found = literal if lexical == literal.value else ox.Literal(lexical, datatype=literal.datatype)
            self._normal[literal] = found
        return found

    def rdflib(self, literal: ox.Literal) -> Literal:
        """The rdflib form of a literal, cached."""
        found = self._rdflib.get(literal)
        if found is None:
            found = self._rdflib[literal] = rdflib_literal(literal)
        return found

    def objects(self, iri: str, node: Term) -> set[Term]:
        if self.reads is not None:
            self.reads.add(node)
        return self.out[iri].get(node, set())

    def subjects(self, iri: str, node: Term) -> set[Term]:
        if self.reads is not None:
            self.reads.add(node)
        return self.inv[iri].get(node, set())

    def superclasses(self, cls: Term) -> frozenset[Term]:
        """cls and every class it is a subclass of (rdfs:subClassOf*)."""
        found = self._supers.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            subclass_of = self.out[RDFS_SUBCLASS_OF.value]
            while todo:
                for parent in subclass_of.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._supers[cls] = frozenset(seen)
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        """node rdf:type/rdfs:subClassOf* cls."""
        if self.reads is not None:
            self.reads.add(node)
        return any(cls in self.superclasses(t) for t in self._types.get(node, ()))

    def instances(self, cls: Term) -> set[Term]:
        """The instances of cls and of its subclasses."""
        classes = {cls}
        todo = [cls]
        while todo:
            for sub in self.subjects(RDFS_SUBCLASS_OF.value, todo.pop()):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        found: set[Term] = set()
        for c in classes:
            found |= self.subjects(RDF_TYPE.value, c)
        return found


Path = Callable[[DataIndex, Term], Values]


@dataclass
class Shape:
    """A compiled shape."""

    node: Node
    path_node: Node | None
    path: Path | None
    severity: URIRef
    messages: tuple[Literal, ...]
    deactivated: bool
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    # Per-value tests of the checks when every check is one (None otherwise): a node shape's conformance is then
    # whether its node passes them all.
    tests: list[Test] | None = field(default_factory=list)

    # Deactivated, or a severity that pySHACL's allow_warnings does not count against conformance.
    always_conforms: bool = field(init=False)

    def __post_init__(self) -> None:
        self.always_conforms = self.deactivated or self.severity in _ALLOWED


@dataclass(frozen=True)
class Result:
    """One validation result, its terms from the data (pyoxigraph) and from the shapes (rdflib)."""

    focus: Term
    path: Node | None
    value: Term | None
    shape: Node
    component: URIRef
    severity: URIRef
    messages: tuple[Literal, ...]


@dataclass
class Plan:
    """What the engine checks: the shapes with targets it supports, and the ones it hands on, with the reason."""

    shapes: list[Shape]
    unsupported: dict[Node, str]
    forward: set[str]
    inverse: set[str]


def _conformance(shape: Shape) -> Test:
    """The conformance test of a compiled nested shape, as direct as its checks allow."""
    if shape.always_conforms:
        return lambda data, v: True
    tests = shape.tests
    if shape.path is None and tests is not None:
        if len(tests) == 1:
            return tests[0]
        return lambda data, v: all(test(data, v) for test in tests)
    return lambda data, v: conforms(data, shape, v)


def conforms(data: DataIndex, shape: Shape, node: Term) -> bool:
    """Whether a node conforms to a nested shape (as pySHACL decides it with allow_warnings)."""
    if shape.always_conforms:
        return True
    if shape.path is None and shape.tests is not None:
        return all(test(data, node) for test in shape.tests)
    values = {node} if shape.path is None else shape.path(data, node)
    return not any(check(data, node, values) for check in shape.checks)
