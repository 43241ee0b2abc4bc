"""Validation: every compiled shape checked for all its focus nodes over the data index.

Stage: validate. Imports `collector` and `rdfterms`; rdflib for the shapes graph.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from ..collector import paused_gc
from ..rdfterms import Term, ox_term
from .model import DataIndex, Plan, Result, Shape


def _evaluate(data: DataIndex, shape: Shape, focus: Term, out: list[Result]) -> None:
    if shape.deactivated:
        return
    values = {focus} if shape.path is None else shape.path(data, focus)
    for check in shape.checks:
        for value, component in check(data, focus, values):
            out.append(Result(focus, shape.path_node, value, shape.node, component, shape.severity, shape.messages))
    for prop in shape.properties:
        for v in values:
            _evaluate(data, prop, v, out)


def focus_nodes(data: DataIndex, g: Graph, node: Node) -> set[Term]:
    """The focus nodes of a shape's targets."""
    found: set[Term] = {ox_term(n) for n in g.objects(node, SH.targetNode)}
    classes = set(g.objects(node, SH.targetClass))
    if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g:
        classes.add(node)
    for cls in classes:
        found |= data.instances(ox_term(cls))
    for p in g.objects(node, SH.targetSubjectsOf):
        found.update(data.out[str(p)])
    for p in g.objects(node, SH.targetObjectsOf):
        for values in data.out[str(p)].values():
            found |= values
    return found


def validate(
    data: DataIndex,
    shapes: Graph,
    compiled: Plan,
    done: Callable[[int], None] | None = None,
    memory: CoreMemory | None = None,
    dirty: set[Term] | None = None,
) -> list[Result]:
    """Check the data against the compiled shapes: every result, in no particular order. `done(1)` is told after
    each shape.

    With a `memory` of the last check of the same shapes, only the focus nodes that are new, or whose check read a
    node in `dirty` (the subjects and objects of every triple added or removed since), are checked again; the
    others keep their results. `dirty` None checks everything. The memory is brought up to date either way.
    """
    results: list[Result] = []
    if memory is not None and dirty is None:
        memory.clear()
    stale = memory.stale(dirty) if memory is not None and dirty is not None else set()
    with paused_gc():
        for number, shape in enumerate(compiled.shapes):
            if not shape.deactivated:
                foci = focus_nodes(data, shapes, shape.node)
                if memory is None:
                    for focus in foci:
                        _evaluate(data, shape, focus, results)
                else:
                    memory.check(data, number, shape, foci, stale, results)
            if done is not None:
                done(1)
    return results


class CoreMemory:
    """What the last check learned: per shape (by its position in the plan) and focus node, the results and the
    nodes whose triples the check read, and the reverse (node → the checks that read it)."""

    def __init__(self) -> None:
        self.entries: dict[int, dict[Term, tuple[list[Result], frozenset[Term]]]] = {}
        self.readers: dict[Term, set[tuple[int, Term]]] = {}

    def clear(self) -> None:
        self.entries.clear()
        self.readers.clear()

    def stale(self, dirty: set[Term]) -> set[tuple[int, Term]]:
        """The checks that read a dirty node."""
        found: set[tuple[int, Term]] = set()
        for node in dirty:
            readers = self.readers.get(node)
            if readers:
                found |= readers
        return found

    def check(
        self,
        data: DataIndex,
        number: int,
        shape: Shape,
        foci: set[Term],
        stale: set[tuple[int, Term]],
        out: list[Result],
    ) -> None:
        """Results of one shape for its focus nodes: kept where still good, checked (and remembered) otherwise."""
        entries = self.entries.setdefault(number, {})
        for focus in foci:
            entry = entries.get(focus)
            if entry is not None:
                if (number, focus) not in stale:
                    out.extend(entry[0])
                    continue
                self._forget(number, focus, entry[1])
            data.reads = {focus}
            found: list[Result] = []
            try:
                _evaluate(data, shape, focus, found)
            finally:
                reads, data.reads = frozenset(data.reads), None
            entries[focus] = (found, reads)
            for node in reads:
                readers = self.readers.get(node)
                if readers is None:
                    self.readers[node] = {(number, focus)}
                else:
                    readers.add((number, focus))
            out.extend(found)
        if len(entries) != len(foci):  # some focus nodes are no longer targets of this shape
            for focus in [f for f in entries if f not in foci]:
                self._forget(number, focus, entries.pop(focus)[1])

    def _forget(self, number: int, focus: Term, reads: frozenset[Term]) -> None:
        for node in reads:
            readers = self.readers.get(node)
            if readers is not None:
                readers.discard((number, focus))
                if not readers:
                    del self.readers[node]
