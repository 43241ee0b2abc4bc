"""The plan model: the triples that follow from the data.

Stage: model. Imports `rdfterms`, `urls` and `vocab`.
Derived triples, made here and never written by hand:
- an accepted SDG link record also holds as a direct `dct:subject` triple from the plan element to the SDG goal or
  target, so that simple queries stay simple (`derived_triples`);
- the standard terms a consumer who knows DCTERMS, SKOS, PROV, ORG, ADMS and schema.org but not `plo:` expects
  (`aligned_triples`): every `plo:` property's standard super-properties and every `plo:` class's standard
  super-classes, as the ontology states them (`rdfs:subPropertyOf`, `rdfs:subClassOf`, transitively), so a focus
  point is `dct:isPartOf` its area, the plan `dct:hasPart` its areas and `dct:contributor` the group behind it, a
  position is a `schema:position`, a rationale an `rdfs:comment`;
- each decided SDG link record (accepted or rejected) read as an SSSOM mapping (`sssom_triples`): its subject,
  `skos:relatedMatch` and the SDG concept as `owl:annotatedSource`, `owl:annotatedProperty` and
  `owl:annotatedTarget` (SSSOM's RDF form), the SEMAPV justification of its method, and `sssom:predicate_modifier
  "Not"` when it was rejected. docs/consumers.md describes this reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from .rdfterms import Term
from .urls import UrlPolicy
from .vocab import (
    DCT_SUBJECT,
    OWL_ANNOTATED_PROPERTY,
    OWL_ANNOTATED_SOURCE,
    OWL_ANNOTATED_TARGET,
    RDF_TYPE,
    RDFS_SUBCLASS_OF,
    RDFS_SUBPROPERTY_OF,
    SDG_KOS,
    SDG_NS,
    SEMAPV_COMPOSITE_MATCHING,
    SEMAPV_MANUAL_MAPPING_CURATION,
    SKOS_RELATED_MATCH,
    SSSOM_MAPPING_JUSTIFICATION,
    SSSOM_PREDICATE_MODIFIER,
    PlanVocabulary,
)

# The predicates of every triple derived_triples() makes.
DERIVED_PREDICATES = frozenset({DCT_SUBJECT})

# How the SSSOM reading (and export) of a link names its relation: the element contributes to the goal or target;
# it is not the same thing (never skos:exactMatch).
MAPPING_PREDICATE = SKOS_RELATED_MATCH
# sssom:predicate_modifier of a rejected link: "the element is not related to the concept".
NEGATED = "Not"


def vocabulary(policy: UrlPolicy) -> PlanVocabulary:
    """The `plo:` terms of the site with this URI policy."""
    return PlanVocabulary.for_namespace(policy.ontology_ns)


def mapping_justification(method: Term | None, vocab: PlanVocabulary) -> ox.NamedNode:
    """The SEMAPV justification of a link's method: a person chose it (curated, or stated in the plan), or a
    machine suggested it by combining term matching with similarity in meaning."""
    if method == vocab.Suggested:
        return SEMAPV_COMPOSITE_MATCHING
    return SEMAPV_MANUAL_MAPPING_CURATION


LinkFields = dict[Term, dict[str, Term]]


def link_fields(triples: Iterable[ox.Triple], vocab: PlanVocabulary) -> LinkFields:
    """For each subject typed plo:SDGLink, its type, subject, concept, status and method (by the predicate's IRI),
    read in one pass: what `derived_triples` and `sssom_triples` make their triples from."""
    wanted = {vocab.linkSubject, vocab.sdgConcept, vocab.status, vocab.method}
    links: dict[Term, dict[str, Term]] = {}
    for t in triples:
        if t.predicate == RDF_TYPE and t.object == vocab.SDGLink:
            links.setdefault(t.subject, {})["type"] = t.object
        elif t.predicate in wanted:
            links.setdefault(t.subject, {})[t.predicate.value] = t.object
    return {s: fields for s, fields in links.items() if "type" in fields}


def derived_triples(links: LinkFields, vocab: PlanVocabulary) -> list[ox.Triple]:
    """`element dct:subject concept` for every accepted SDG link (`link_fields`), sorted, without duplicates."""
    derived = set()
    for fields in links.values():
        element, concept = fields.get(vocab.linkSubject.value), fields.get(vocab.sdgConcept.value)
        if (
            fields.get(vocab.status.value) == vocab.Accepted
            and isinstance(element, ox.NamedNode)
            and isinstance(concept, ox.NamedNode)
        ):
            derived.add(ox.Triple(element, DCT_SUBJECT, concept))
    return sorted(derived, key=str)


def _closure(pairs: dict[ox.NamedNode, set[ox.NamedNode]]) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    """Every term's ancestors through the pairs (transitively), itself left out."""
    closed: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for start, parents in pairs.items():
        seen: set[ox.NamedNode] = set()
        stack = list(parents)
        while stack:
            current = stack.pop()
            if current in seen or current == start:
                continue
            seen.add(current)
            stack.extend(pairs.get(current, ()))
        closed[start] = seen
    return closed


Ancestors = dict[ox.NamedNode, set[ox.NamedNode]]


def alignment(ontology: Iterable[ox.Triple], vocab: PlanVocabulary) -> tuple[Ancestors, Ancestors]:
    """The `plo:` properties' and classes' standard ancestors (outside the `plo:` namespace), from the ontology's
    rdfs:subPropertyOf and rdfs:subClassOf statements, transitively."""
    properties: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    classes: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
    for t in ontology:
        if not (isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)):
            continue
        if t.predicate == RDFS_SUBPROPERTY_OF:
            properties[t.subject].add(t.object)
        elif t.predicate == RDFS_SUBCLASS_OF:
            classes[t.subject].add(t.object)

    def standard(closed: dict[ox.NamedNode, set[ox.NamedNode]]) -> dict[ox.NamedNode, set[ox.NamedNode]]:
        return {
            term: {a for a in ancestors if not a.value.startswith(vocab.ns)}
            for term, ancestors in closed.items()
            if term.value.startswith(vocab.ns)
        }

    return standard(_closure(properties)), standard(_closure(classes))


def aligned_triples(triples: Iterable[ox.Triple], aligned: tuple[Ancestors, Ancestors]) -> list[ox.Triple]:
    """The `plo:` statements among `triples` in the standard terms `aligned` (`alignment`: the properties' and the
    classes' standard ancestors) gives them, each once, without the triples `triples` state; in the order of the
    statements they derive from."""
    data = list(triples)
    properties, classes = aligned
    derived: dict[ox.Triple, None] = {}
    for t in data:
        if t.predicate == RDF_TYPE:
            for cls in classes.get(t.object, ()) if isinstance(t.object, ox.NamedNode) else ():
                derived[ox.Triple(t.subject, RDF_TYPE, cls)] = None
            continue
        for prop in properties.get(t.predicate, ()):
            derived[ox.Triple(t.subject, prop, t.object)] = None
    stated = set(data)
    return [t for t in derived if t not in stated]


def sssom_triples(links: LinkFields, vocab: PlanVocabulary) -> list[ox.Triple]:
    """Each accepted or rejected link record (`link_fields`) as an SSSOM mapping (its RDF form), on the record
    itself."""
    out = []
    for record, fields in links.items():
        element, concept = fields.get(vocab.linkSubject.value), fields.get(vocab.sdgConcept.value)
        status = fields.get(vocab.status.value)
        if not isinstance(record, ox.NamedNode) or status not in (vocab.Accepted, vocab.Rejected):
            continue
        if not (isinstance(element, ox.NamedNode) and isinstance(concept, ox.NamedNode)):
            continue
        justification = mapping_justification(fields.get(vocab.method.value), vocab)
        out += [
            ox.Triple(record, OWL_ANNOTATED_SOURCE, element),
            ox.Triple(record, OWL_ANNOTATED_PROPERTY, MAPPING_PREDICATE),
            ox.Triple(record, OWL_ANNOTATED_TARGET, concept),
            ox.Triple(record, SSSOM_MAPPING_JUSTIFICATION, justification),
        ]
        if status == vocab.Rejected:
            out.append(ox.Triple(record, SSSOM_PREDICATE_MODIFIER, ox.Literal(NEGATED)))
    return out


def sdg_kos(reference: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The UN SDG KOS among the reference vocabularies: the scheme and every goal, target and indicator (the UN's IRIs),
    with the blank nodes they lead to (the scheme's licence statement); sorted."""
    triples = list(reference)
    by_subject: dict[Term, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        by_subject[t.subject].append(t)
    stack: list[Term] = [
        s for s in by_subject if isinstance(s, ox.NamedNode) and (s == SDG_KOS or s.value.startswith(SDG_NS))
    ]
    seen = set(stack)
    out: list[ox.Triple] = []
    while stack:
        for t in by_subject.get(stack.pop(), ()):
            out.append(t)
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                stack.append(t.object)
    return sorted(out, key=str)
