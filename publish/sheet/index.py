"""An index of RDF triples for the workbook steps: descriptions by subject, instances by class, labels.

Stage: sheet (index). Imports `rdfterms` and `vocab`; pyoxigraph terms only.
The workbook reads the shapes (their lists and texts) and writes every triple of a plan back into cells, so it
keeps the triples themselves by subject; what a plan consists of is read from the plans read model (`plans`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ..rdfterms import Subject, Term
from ..vocab import LABEL_PREDICATES, RDF_FIRST, RDF_NIL, RDF_REST, RDF_TYPE, RDFS_SUBCLASS_OF


def text_of(term: Term) -> str:
    """A term's text: an IRI, a blank node's label, a literal's value (a triple term: its N-Triples form)."""
    return term.value if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal) else str(term)


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key that orders the numbers inside a text by value: 'indsats/2' before 'indsats/10'."""
    parts: list[tuple[int, int, str]] = []
    number = ""
    word = ""
    for char in text:
        if char.isdigit():
            if word:
                parts.append((1, 0, word))
                word = ""
            number += char
        else:
            if number:
                parts.append((0, int(number), ""))
                number = ""
            word += char
    if number:
        parts.append((0, int(number), ""))
    if word:
        parts.append((1, 0, word))
    return tuple(parts)


def term_sort_key(term: Term) -> tuple[int, tuple[tuple[int, int, str], ...], str]:
    """A total, natural order on terms: IRIs, blank nodes, literals."""
    if isinstance(term, ox.NamedNode):
        return (0, natural_key(term.value), "")
    if isinstance(term, ox.BlankNode):
        return (1, natural_key(term.value), "")
    if isinstance(term, ox.Literal):
        return (2, natural_key(term.value), (term.language or "") + "|" + term.datatype.value)
    return (3, (), str(term))


class Index:
    """Triples by subject and by (subject, predicate); instances by class with the ontology's subclasses."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
        self.values: dict[tuple[Subject, ox.NamedNode], list[Term]] = defaultdict(list)
        self.instances: dict[ox.NamedNode, list[Subject]] = defaultdict(list)
        self.referrers: dict[Term, list[ox.Triple]] = defaultdict(list)
        self.superclasses: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        seen: set[ox.Triple] = set()
        for t in triples:
            if t in seen:
                continue
            seen.add(t)
            self.by_subject[t.subject].append(t)
            self.values[(t.subject, t.predicate)].append(t.object)
            self.referrers[t.object].append(t)
            if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                self.instances[t.object].append(t.subject)
            elif (
                t.predicate == RDFS_SUBCLASS_OF
                and isinstance(t.subject, ox.NamedNode)
                and isinstance(t.object, ox.NamedNode)
            ):
                self.superclasses[t.subject].add(t.object)

    def by_subject_triples(self) -> list[ox.Triple]:
        """Every triple, subject by subject."""
        return [t for triples in self.by_subject.values() for t in triples]

    def objects(self, subject: Subject, predicate: ox.NamedNode) -> list[Term]:
        """The values of one property of one subject, in the order read."""
        return self.values.get((subject, predicate), [])

    def value(self, subject: Subject, predicate: ox.NamedNode) -> Term | None:
        """One value of a property, or None."""
        found = self.values.get((subject, predicate))
        return found[0] if found else None

    def types(self, subject: Subject) -> list[ox.NamedNode]:
        """The subject's rdf:type values."""
        return [t for t in self.objects(subject, RDF_TYPE) if isinstance(t, ox.NamedNode)]

    def subclasses_of(self, cls: ox.NamedNode) -> set[ox.NamedNode]:
        """The class and every class below it (rdfs:subClassOf*)."""
        found = {cls}
        changed = True
        while changed:
            changed = False
            for sub, supers in self.superclasses.items():
                if sub not in found and supers & found:
                    found.add(sub)
                    changed = True
        return found

    def instances_of(self, *classes: ox.NamedNode) -> list[Subject]:
        """The instances of any of the classes (or their subclasses), sorted naturally, without duplicates."""
        wanted: set[ox.NamedNode] = set()
        for cls in classes:
            wanted |= self.subclasses_of(cls)
        found = {s for cls in wanted for s in self.instances.get(cls, [])}
        return sorted(found, key=term_sort_key)

    def is_a(self, subject: Subject, *classes: ox.NamedNode) -> bool:
        """Whether the subject is an instance of any of the classes (or their subclasses)."""
        wanted: set[ox.NamedNode] = set()
        for cls in classes:
            wanted |= self.subclasses_of(cls)
        return any(t in wanted for t in self.types(subject))

    def rdf_list(self, head: Term | None) -> list[Term]:
        """The members of an RDF list."""
        items: list[Term] = []
        node = head
        seen: set[Term] = set()
        while isinstance(node, ox.NamedNode | ox.BlankNode) and node != RDF_NIL and node not in seen:
            seen.add(node)
            first = self.value(node, RDF_FIRST)
            if first is not None:
                items.append(first)
            node = self.value(node, RDF_REST)
        return items

    def texts(self, subject: Subject, predicate: ox.NamedNode) -> dict[str, str]:
        """The subject's texts of one property by language ('' for a text without one); the first of each."""
        found: dict[str, str] = {}
        for value in self.objects(subject, predicate):
            if isinstance(value, ox.Literal):
                found.setdefault(value.language or "", value.value)
        return found

    def label(self, node: Term, lang: str) -> str:
        """The node's name in `lang`, else in Danish, English or without a language; '' when it has none."""
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            return node.value if isinstance(node, ox.Literal) else ""
        for predicate in LABEL_PREDICATES:
            texts = self.texts(node, predicate)
            for choice in (lang, "da", "en", ""):
                if texts.get(choice):
                    return texts[choice]
        return ""
