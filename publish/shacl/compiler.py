"""The shapes compiled into checks: each constraint component of a shape becomes a function over the data index;
a shape the engine cannot check is listed in the plan with the reason. `_Compiler` is one class of small methods,
one per constraint component (`c_minCount`, `c_class`, …), found by the component's name.

Stage: validate. Imports `rdfterms`; rdflib for the shapes graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from ..rdfterms import Term, TermError, ox_term
from .model import (
    _NON_VALIDATING,
    _XSD_STRING,
    TARGETS,
    Check,
    DataIndex,
    Found,
    Path,
    Plan,
    Shape,
    Test,
    Unsupported,
    Values,
    _conformance,
)


class _Compiler:
    def __init__(self, graph: Graph, whole_graph_sparql: set[Node]) -> None:
        self.g = graph
        self.sparql = whole_graph_sparql
        self.forward: set[str] = set()
        self.inverse: set[str] = set()
        self.compiling: list[Node] = []

    def one(self, node: Node, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(node, predicate))
        if len(values) > 1:
            raise Unsupported(f"{node} has more than one {predicate}")
        return values[0] if values else None

    def path(self, node: Node) -> Path:
        if isinstance(node, URIRef):
            iri = str(node)
            self.forward.add(iri)
            return lambda data, focus: data.objects(iri, focus)
        inverse = self.one(node, SH.inversePath)
        if isinstance(inverse, URIRef) and len(list(self.g.predicate_objects(node))) == 1:
            iri = str(inverse)
            self.inverse.add(iri)
            return lambda data, focus: data.subjects(iri, focus)
        if isinstance(node, BNode) and self.one(node, RDF.first) is not None:
            steps = [self.path(step) for step in Collection(self.g, node)]

            def sequence(data: DataIndex, focus: Term) -> Values:
                nodes = {focus}
                for step in steps:
                    nodes = {v for n in nodes for v in step(data, n)}
                return nodes

            return sequence
        raise Unsupported(f"the path {node} is not an IRI, an inverse IRI or a sequence of those")

    def items(self, node: Node | None) -> list[Node]:
        if node is None:
            return []
        if not isinstance(node, BNode | URIRef) or (node != RDF.nil and self.one(node, RDF.first) is None):
            raise Unsupported(f"{node} is not an RDF list")
        return list(Collection(self.g, node))

    def shape(self, node: Node, nested: bool) -> Shape:
        if node in self.compiling:
            raise Unsupported(f"the shape {node} refers to itself")
        self.compiling.append(node)
        try:
            return self._shape(node, nested)
        finally:
            self.compiling.pop()

    def _shape(self, node: Node, nested: bool) -> Shape:
        g = self.g
        path_node = self.one(node, SH.path)
        deactivated_node = self.one(node, SH.deactivated)
        severity = self.one(node, SH.severity) or SH.Violation
        if not isinstance(severity, URIRef):
            raise Unsupported(f"the severity of {node} is not an IRI")
        shape = Shape(
            node=node,
            path_node=path_node,
            path=self.path(path_node) if path_node is not None else None,
            severity=severity,
            messages=tuple(sorted((m for m in g.objects(node, SH.message) if isinstance(m, Literal)), key=str)),
            deactivated=bool(deactivated_node.value) if isinstance(deactivated_node, Literal) else False,
        )
        if deactivated_node is not None and not isinstance(deactivated_node, Literal):
            raise Unsupported(f"sh:deactivated of {node} is not a literal")
        if any(not isinstance(m, Literal) for m in g.objects(node, SH.message)):
            raise Unsupported(f"a message of {node} is not a literal")
        predicates = {p for p in g.predicates(node, None) if isinstance(p, URIRef) and str(p).startswith(str(SH))}
        for predicate in sorted(predicates):
            if predicate in _NON_VALIDATING:
                continue
            if predicate == SH.sparql:
                if nested or set(g.objects(node, SH.sparql)) - self.sparql:
                    raise Unsupported(f"{node} has a SPARQL constraint that cannot run on the whole graph")
                continue
            maker = getattr(self, "c_" + str(predicate)[len(str(SH)) :], None)
            if maker is None:
                raise Unsupported(f"{node} uses {predicate}, which this engine does not implement")
            check = maker(shape, node)
            if check is not None:
                shape.checks.append(check)
        for prop in sorted(g.objects(node, SH.property), key=str):
            if nested:
                raise Unsupported(f"the nested shape {node} has sh:property")
            child = self.shape(prop, nested=False)
            if child.path is None:
                raise Unsupported(f"{prop}, a value of sh:property, has no sh:path")
            shape.properties.append(child)
        if not nested and shape.checks and not shape.messages:
            raise Unsupported(f"{node} has no sh:message (pySHACL's generated messages are not reproduced)")
        return shape

    @staticmethod
    def _per_value(shape: Shape, component: URIRef, tests: list[Test]) -> Check:
        """A check that reports each value node failing one of the tests, once per failed test."""
        if shape.tests is not None:
            shape.tests.extend(tests)
        if len(tests) == 1:
            (test,) = tests
            return lambda data, f, vs: [(v, component) for v in vs if not test(data, v)]
        return lambda data, f, vs: [(v, component) for test in tests for v in vs if not test(data, v)]

    # Constraint components, one method per parameter (`c_<local name>`); None when another parameter's method
    # covers it.

    def _count(self, node: Node, predicate: URIRef) -> int:
        value = self.one(node, predicate)
        if not isinstance(value, Literal) or not isinstance(value.value, int):
            raise Unsupported(f"{predicate} of {node} is not an integer")
        return int(value.value)

    def c_minCount(self, shape: Shape, node: Node) -> Check | None:
        n = self._count(node, SH.minCount)
        if n == 0:
            return None
        shape.tests = None
        return lambda data, f, vs: [(None, SH.MinCountConstraintComponent)] if len(vs) < n else []

    def c_maxCount(self, shape: Shape, node: Node) -> Check:
        n = self._count(node, SH.maxCount)
        shape.tests = None
        return lambda data, f, vs: [(None, SH.MaxCountConstraintComponent)] if len(vs) > n else []

    def c_class(self, shape: Shape, node: Node) -> Check:
        def test(cls: Term) -> Test:
            return lambda data, v: not isinstance(v, ox.Literal) and data.is_instance(v, cls)

        classes = [ox_term(c) for c in self.g.objects(node, SH["class"])]
        return self._per_value(shape, SH.ClassConstraintComponent, [test(c) for c in classes])

    def c_datatype(self, shape: Shape, node: Node) -> Check:
        rule = self.one(node, SH.datatype)
        if not isinstance(rule, URIRef):
            raise Unsupported(f"sh:datatype of {node} is not an IRI")
        cache: dict[Term, bool] = {}

        tagged_ok = rule in (RDF.langString, RDFS.Literal)
        string_ok = rule in (XSD.string, RDFS.Literal)

        def ok(data: DataIndex, v: Term) -> bool:
            if not isinstance(v, ox.Literal):
                return False
            if v.language:
                return tagged_ok
            if v.datatype.value == _XSD_STRING:
                return string_ok
            found = cache.get(v)
            if found is None:
                found = cache[v] = isinstance(v, ox.Literal) and _datatype_matches(data.rdflib(v), rule)
            return found

        return self._per_value(shape, SH.DatatypeConstraintComponent, [ok])

    def c_nodeKind(self, shape: Shape, node: Node) -> Check:
        rule = self.one(node, SH.nodeKind)
        kinds = {
            SH.IRI: (ox.NamedNode,),
            SH.BlankNode: (ox.BlankNode,),
            SH.Literal: (ox.Literal,),
            SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode),
            SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
            SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
        }
        if not isinstance(rule, URIRef) or rule not in kinds:
            raise Unsupported(f"sh:nodeKind of {node} is not a SHACL node kind")
        allowed = kinds[rule]
        return self._per_value(shape, SH.NodeKindConstraintComponent, [lambda data, v: isinstance(v, allowed)])

    def c_languageIn(self, shape: Shape, node: Node) -> Check:
        languages = set()
        for item in self.items(self.one(node, SH.languageIn)):
            if not isinstance(item, Literal) or not isinstance(item.value, str):
                raise Unsupported(f"sh:languageIn of {node} holds a value that is not a string")
            languages.add(str(item.value).lower())
        wildcard = "*" in languages

        def ok(data: DataIndex, v: Term) -> bool:
            if not isinstance(v, ox.Literal) or not v.language:
                return False
            lang = v.language.lower()
            return wildcard or lang in languages or lang.split("-")[0] in languages

        return self._per_value(shape, SH.LanguageInConstraintComponent, [ok])

    def c_uniqueLang(self, shape: Shape, node: Node) -> Check | None:
        value = self.one(node, SH.uniqueLang)
        if shape.path is None or not isinstance(value, Literal) or not isinstance(value.value, bool):
            raise Unsupported(f"sh:uniqueLang of {node} is not a boolean on a property shape")
        if not value.value:
            return None
        shape.tests = None

        def check(data: DataIndex, f: Term, vs: Values) -> Found:
            seen: set[str] = set()
            duplicates: set[str] = set()
            for v in vs:
                if isinstance(v, ox.Literal) and v.language:
                    lang = v.language.lower()
                    (duplicates if lang in seen else seen).add(lang)
            return [(None, SH.UniqueLangConstraintComponent)] * len(duplicates)

        return check

    def c_in(self, shape: Shape, node: Node) -> Check:
        allowed = {ox_term(item) for item in self.items(self.one(node, SH["in"]))}
        return self._per_value(shape, SH.InConstraintComponent, [lambda data, v: v in allowed])

    def c_pattern(self, shape: Shape, node: Node) -> Check:
        flags_node = next(iter(self.g.objects(node, SH.flags)), None)
        flags = 0
        if flags_node is not None:
            text = str(flags_node.value if isinstance(flags_node, Literal) else flags_node).lower()
            flags = (re.I if "i" in text else 0) | (re.M if "m" in text else 0)
        patterns = []
        for p in self.g.objects(node, SH.pattern):
            if not isinstance(p, Literal):
                raise Unsupported(f"sh:pattern of {node} is not a literal")
            patterns.append(re.compile(str(p.value) if p.value is not None and len(p.value) > 1 else str(p), flags))

        def test(pattern: re.Pattern[str]) -> Test:
            return lambda data, v: not isinstance(v, ox.BlankNode) and pattern.search(_string(v)) is not None

        return self._per_value(shape, SH.PatternConstraintComponent, [test(p) for p in patterns])

    def _range(
        self, shape: Shape, node: Node, predicate: URIRef, component: URIRef, accept: Callable[[int], bool]
    ) -> Check:
        bounds = [b for b in self.g.objects(node, predicate) if isinstance(b, Literal)]
        if len(bounds) != len(list(self.g.objects(node, predicate))):
            raise Unsupported(f"{predicate} of {node} is not a literal")

        def test(bound: Literal) -> Test:
            def ok(data: DataIndex, v: Term) -> bool:
                if not isinstance(v, ox.Literal):
                    return False
                value = data.rdflib(v)
                if isinstance(bound.value, str) != isinstance(value.value, str):
                    return False
                try:
                    return accept(_compare_literal(value, bound))
                except (TypeError, NotImplementedError):
                    return False

            return ok

        return self._per_value(shape, component, [test(b) for b in bounds])

    def c_minInclusive(self, shape: Shape, node: Node) -> Check:
        return self._range(shape, node, SH.minInclusive, SH.MinInclusiveConstraintComponent, lambda c: c >= 0)

    def c_maxInclusive(self, shape: Shape, node: Node) -> Check:
        return self._range(shape, node, SH.maxInclusive, SH.MaxInclusiveConstraintComponent, lambda c: c <= 0)

    def c_minExclusive(self, shape: Shape, node: Node) -> Check:
        return self._range(shape, node, SH.minExclusive, SH.MinExclusiveConstraintComponent, lambda c: c > 0)

    def c_maxExclusive(self, shape: Shape, node: Node) -> Check:
        return self._range(shape, node, SH.maxExclusive, SH.MaxExclusiveConstraintComponent, lambda c: c < 0)

    def _nested(self, nodes: Iterable[Node]) -> list[Shape]:
        return [self.shape(n, nested=True) for n in nodes]

    def _logical(
        self, shape: Shape, node: Node, predicate: URIRef, component: URIRef, accept: Callable[[int, int], bool]
    ) -> Check:
        def test(shapes: list[Shape]) -> Test:
            tests = [_conformance(s) for s in shapes]
            return lambda data, v: accept(sum(1 for t in tests if t(data, v)), len(tests))

        # pySHACL counts the shapes of an sh:xone list as listed, of sh:and and sh:or once each
        lists = [
            self._nested(self.items(item) if predicate == SH.xone else set(self.items(item)))
            for item in self.g.objects(node, predicate)
        ]
        return self._per_value(shape, component, [test(shapes) for shapes in lists])

    def c_or(self, shape: Shape, node: Node) -> Check:
        return self._logical(shape, node, SH["or"], SH.OrConstraintComponent, lambda n, total: n > 0)

    def c_and(self, shape: Shape, node: Node) -> Check:
        return self._logical(shape, node, SH["and"], SH.AndConstraintComponent, lambda n, total: n == total)

    def c_xone(self, shape: Shape, node: Node) -> Check:
        return self._logical(shape, node, SH.xone, SH.XoneConstraintComponent, lambda n, total: n == 1)

    def c_not(self, shape: Shape, node: Node) -> Check:
        def test(negated: Shape) -> Test:
            conforming = _conformance(negated)
            return lambda data, v: not conforming(data, v)

        return self._per_value(
            shape, SH.NotConstraintComponent, [test(s) for s in self._nested(self.g.objects(node, SH["not"]))]
        )

    def c_qualifiedValueShape(self, shape: Shape, node: Node) -> Check | None:
        if shape.path is None:
            return None  # pySHACL ignores it on node shapes
        disjoint = [d for d in self.g.objects(node, SH.qualifiedValueShapesDisjoint) if isinstance(d, Literal)]
        if any(d.value is True for d in disjoint):
            raise Unsupported(f"{node} uses sh:qualifiedValueShapesDisjoint")
        low = self._count(node, SH.qualifiedMinCount) if self.one(node, SH.qualifiedMinCount) is not None else None
        high = self._count(node, SH.qualifiedMaxCount) if self.one(node, SH.qualifiedMaxCount) is not None else None
        if low is None and high is None:
            raise Unsupported(f"{node} has sh:qualifiedValueShape without a qualified count")
        qualified = [_conformance(s) for s in self._nested(set(self.g.objects(node, SH.qualifiedValueShape)))]
        shape.tests = None

        def check(data: DataIndex, f: Term, vs: Values) -> Found:
            if not vs and (low is None or low < 1):
                return []
            found: Found = []
            for conforming in qualified:
                n = sum(1 for v in vs if conforming(data, v))
                if high is not None and n > high:
                    found.append((None, SH.QualifiedMaxCountConstraintComponent))
                if low is not None and n < low:
                    found.append((None, SH.QualifiedMinCountConstraintComponent))
            return found

        return check


def _string(v: Term) -> str:
    """The string a pattern is matched against: the lexical form in rdflib's normal form, or the IRI."""
    return "" if isinstance(v, ox.Triple) else v.value


_FORCE_COMPARE = (datetime, time)


def _compare_literal(l1: Literal, l2: Literal) -> int:
    """pySHACL's literal order: 0 equal, 1 greater, -1 smaller; TypeError when incomparable."""
    if l1.eq(l2):
        return 0
    if l1.value.__class__ in _FORCE_COMPARE:
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _datatype_matches(v: Literal, rule: URIRef) -> bool:
    """pySHACL's sh:datatype test on an rdflib literal."""
    if v.datatype == rule:
        if getattr(v, "ill_typed", None) is True:
            return False
        return _actual_datatype(v, rule)
    if rule == RDFS.Literal:
        return True
    if rule == RDFS.Datatype and v.datatype:
        return True
    if v.datatype is None and v.language is None and rule == XSD.string:
        return _actual_datatype(v, rule)
    if rule == RDF.langString and v.language:
        return _actual_datatype(v, rule)
    return False


_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _actual_datatype(v: Literal, rule: URIRef) -> bool:
    expected = _PYTHON_TYPES.get(rule)
    return True if expected is None else isinstance(v.value, expected)


def target_shapes(g: Graph) -> list[Node]:
    found: set[Node] = set()
    for predicate in TARGETS:
        found.update(g.subjects(predicate, None))
    for cls in (RDFS.Class, OWL.Class):
        for node in g.subjects(RDF.type, cls):
            if (node, RDF.type, SH.NodeShape) in g or (node, RDF.type, SH.PropertyShape) in g:
                found.add(node)
    return sorted(found, key=str)


def plan(shapes: Graph, whole_graph_sparql: set[Node]) -> Plan:
    """Compile the shapes with targets; those the engine cannot check go to `Plan.unsupported`."""
    if any(shapes.subjects(RDF.type, SH.ConstraintComponent)):
        reason = "the shapes graph declares its own constraint components"
        return Plan([], dict.fromkeys(target_shapes(shapes), reason), set(), set())
    compiled: list[Shape] = []
    unsupported: dict[Node, str] = {}
    forward: set[str] = set()
    inverse: set[str] = set()
    for node in target_shapes(shapes):
        compiler = _Compiler(shapes, whole_graph_sparql)
        try:
            if shapes.value(node, SH.target) is not None:
                raise Unsupported(f"{node} uses sh:target")
            _check_targets(shapes, node)
            shape = compiler.shape(node, nested=False)
        except (Unsupported, TermError) as exc:
            unsupported[node] = str(exc)
            continue
        forward |= compiler.forward
        inverse |= compiler.inverse
        for predicate in (SH.targetSubjectsOf, SH.targetObjectsOf):
            forward.update(str(p) for p in shapes.objects(node, predicate))
        compiled.append(shape)
    return Plan(compiled, unsupported, forward, inverse)


def _check_targets(g: Graph, node: Node) -> None:
    for predicate in TARGETS:
        for value in g.objects(node, predicate):
            if not isinstance(value, URIRef) and predicate != SH.targetNode:
                raise Unsupported(f"{predicate} of {node} is not an IRI")
