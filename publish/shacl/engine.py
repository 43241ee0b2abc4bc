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


def validate(data: DataIndex, shapes: Graph, compiled: Plan, done: Callable[[int], None] | None = None) -> list[Result]:
    """Check the data against the compiled shapes: every result, in no particular order. `done(1)` is told after
    each shape."""
    results: list[Result] = []
    with paused_gc():
        for shape in compiled.shapes:
            if not shape.deactivated:
                for focus in focus_nodes(data, shapes, shape.node):
                    _evaluate(data, shape, focus, results)
            if done is not None:
                done(1)
    return results
