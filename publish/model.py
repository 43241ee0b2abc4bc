"""The plan model: its vocabulary terms, and the triples that follow from the data.

Stage: model. Imports `urls` and pyoxigraph terms only.
Derived triples: an accepted SDG link record also holds as a direct `dct:subject` triple from the plan element
to the SDG goal or target, so that simple queries stay simple. They are derived here, never written by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .urls import UrlPolicy

# pyoxigraph terms; a Triple as a term is RDF-star, which planlod reads but never produces.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode | ox.Triple

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_SUBJECT = ox.NamedNode("http://purl.org/dc/terms/subject")
# The predicates of every triple derived_triples() makes.
DERIVED_PREDICATES = frozenset({DCT_SUBJECT})


@dataclass(frozen=True)
class Vocabulary:
    """The project's own terms under one base IRI."""

    ns: str

    def term(self, name: str) -> ox.NamedNode:
        """The IRI of one term of the ontology."""
        return ox.NamedNode(self.ns + name)

    @classmethod
    def for_policy(cls, policy: UrlPolicy) -> Vocabulary:
        """The vocabulary of the site with this URI policy."""
        return cls(policy.ontology_ns)


def derived_triples(triples: Iterable[ox.Triple], vocab: Vocabulary) -> list[ox.Triple]:
    """`element dct:subject concept` for every accepted SDG link, sorted, without duplicates."""
    link_class = vocab.term("SDGLink")
    link_subject, sdg_concept = vocab.term("linkSubject"), vocab.term("sdgConcept")
    status, accepted = vocab.term("status"), vocab.term("Accepted")
    links: dict[Term, dict[str, Term]] = {}
    for t in triples:
        if t.predicate == RDF_TYPE and t.object == link_class:
            links.setdefault(t.subject, {})["type"] = t.object
        elif t.predicate in (link_subject, sdg_concept, status):
            links.setdefault(t.subject, {})[t.predicate.value] = t.object
    derived = set()
    for fields in links.values():
        element, concept = fields.get(link_subject.value), fields.get(sdg_concept.value)
        if (
            "type" in fields
            and fields.get(status.value) == accepted
            and isinstance(element, ox.NamedNode)
            and isinstance(concept, ox.NamedNode)
        ):
            derived.add(ox.Triple(element, DCT_SUBJECT, concept))
    return sorted(derived, key=str)
