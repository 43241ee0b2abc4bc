"""The shapes as the pages' display specification: per class, each property's name, description and order.

Stage: query (view models). Imports `query`, `rdfterms`, `vocab` and `views.models`.
Shapes double as the display spec (`sh:name`, `sh:description`, `sh:order`, in Danish and English); a property shape
whose path is `[ sh:inversePath p ]` names the links to an entity by `p` (its incoming rows). The data-model page
draws the node shapes themselves.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..query import SiteGraph, term_key
from ..rdfterms import Term
from ..vocab import SH_DESCRIPTION, SH_INVERSE_PATH, SH_NAME, SH_ORDER, SH_PATH, SH_PROPERTY, SH_TARGET_CLASS
from .models import PropertySpec


def order_value(order: Term | None) -> float:
    """A shape's sh:order as a number; shapes without a usable one come last."""
    try:
        return float(order.value) if isinstance(order, ox.Literal) else 999.0
    except ValueError:
        return 999.0


class ShapeSpecs:
    """The node shapes that target a class, and what their property shapes say about each property."""

    def __init__(self, graph: SiteGraph) -> None:
        self.g = graph
        # The shapes' sh:targetClass triples (found by one walk over every triple, in the index's order: a
        # subject's lists are sorted when first read, so the few found are sorted here instead).
        self.target_class_triples: list[ox.Triple] = []
        for triples in dict.values(graph.by_subject):
            found = [t for t in triples if t.predicate == SH_TARGET_CLASS]
            self.target_class_triples += sorted(found, key=lambda t: term_key(t.object)) if len(found) > 1 else found
        self.specs = self._property_specs(inverse=False)
        self.inverse_specs = self._property_specs(inverse=True)

    def _property_specs(self, inverse: bool) -> dict[str, dict[str, PropertySpec]]:
        """class IRI → property IRI → the first (lowest sh:order) property shape's names and descriptions; with
        `inverse`, of the shapes whose path is the property's inverse (`[ sh:inversePath p ]`)."""
        specs: dict[str, dict[str, PropertySpec]] = defaultdict(dict)
        for shape_triple in self.target_class_triples:
            cls = shape_triple.object
            if not isinstance(cls, ox.NamedNode):
                continue
            for prop in self.g.objects(shape_triple.subject, SH_PROPERTY):
                if not isinstance(prop, ox.NamedNode | ox.BlankNode):
                    continue
                path = self.g.value(prop, SH_PATH)
                if inverse:
                    path = self.g.value(path, SH_INVERSE_PATH) if isinstance(path, ox.BlankNode) else None
                order = self.g.value(prop, SH_ORDER)
                if not isinstance(path, ox.NamedNode):
                    continue
                spec = PropertySpec(
                    order_value(order),
                    self.g.texts(prop, (SH_NAME,)),
                    self.g.texts(prop, (SH_DESCRIPTION,)),
                )
                known = specs[cls.value].get(path.value)
                if known is None or spec.order < known.order:
                    specs[cls.value][path.value] = spec
        return specs

    def spec(self, predicate: ox.NamedNode, classes: list[ox.NamedNode], inverse: bool = False) -> PropertySpec | None:
        """The display spec of a property (with `inverse`, of links to an entity by the property) for the first of
        the classes that has one."""
        specs = self.inverse_specs if inverse else self.specs
        for cls in classes:
            spec = specs.get(cls.value, {}).get(predicate.value)
            if spec is not None:
                return spec
        return None
