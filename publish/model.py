"""The plan model: the triples that follow from the data.

Stage: model. Imports `rdfterms`, `urls` and `vocab`.
Derived triples: an accepted SDG link record also holds as a direct `dct:subject` triple from the plan element
to the SDG goal or target, so that simple queries stay simple. They are derived here, never written by hand.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from .rdfterms import Term
from .urls import UrlPolicy
from .vocab import DCT_SUBJECT, RDF_TYPE, PlanVocabulary

# The predicates of every triple derived_triples() makes.
DERIVED_PREDICATES = frozenset({DCT_SUBJECT})


def vocabulary(policy: UrlPolicy) -> PlanVocabulary:
    """The `plo:` terms of the site with this URI policy."""
    return PlanVocabulary.for_namespace(policy.ontology_ns)


def derived_triples(triples: Iterable[ox.Triple], vocab: PlanVocabulary) -> list[ox.Triple]:
    """`element dct:subject concept` for every accepted SDG link, sorted, without duplicates."""
    link_subject, sdg_concept, status = vocab.linkSubject, vocab.sdgConcept, vocab.status
    links: dict[Term, dict[str, Term]] = {}
    for t in triples:
        if t.predicate == RDF_TYPE and t.object == vocab.SDGLink:
            links.setdefault(t.subject, {})["type"] = t.object
        elif t.predicate in (link_subject, sdg_concept, status):
            links.setdefault(t.subject, {})[t.predicate.value] = t.object
    derived = set()
    for fields in links.values():
        element, concept = fields.get(link_subject.value), fields.get(sdg_concept.value)
        if (
            "type" in fields
            and fields.get(status.value) == vocab.Accepted
            and isinstance(element, ox.NamedNode)
            and isinstance(concept, ox.NamedNode)
        ):
            derived.add(ox.Triple(element, DCT_SUBJECT, concept))
    return sorted(derived, key=str)
