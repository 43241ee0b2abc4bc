"""The data indexed by subject and by object, for reading the plans.

Stage: query (the plans read model). Imports `collector`, `rdfterms` and `vocab`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

from ..collector import paused_gc
from ..rdfterms import Term
from ..vocab import RDF_TYPE, XSD_DATE


class DataIndex:
    """The triples indexed by subject and by object, without duplicates, in first-seen order."""

    def __init__(self, triples: Iterable[ox.Triple], distinct: int = 0) -> None:
        """`distinct`: the first so many triples are known to hold no duplicates (the dataset, `dumps.dataset`):
        only the others are compared (hashing a million triples to find none took 0.4 s)."""
        self.triples: list[ox.Triple] = []
        self._out: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        self._in: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        # What is read from the index more than once (the plans, the link rows), by key; the index never changes.
        self.memo: dict[tuple[str, str], object] = {}
        with paused_gc():
            if distinct:
                listed = list(triples)
                self._index(listed[:distinct])
                self._index_more(dict.fromkeys(listed[distinct:]))
            else:
                self._index(dict.fromkeys(triples))  # without duplicates, in first-seen order

    def _index_more(self, triples: Iterable[ox.Triple]) -> None:
        """Index the triples that are not in the index yet (few: each is looked for in its subject's values)."""
        self._index([t for t in triples if t.object not in self._out.get(t.subject, {}).get(t.predicate, ())])

    def _index(self, triples: Iterable[ox.Triple]) -> None:
        """Add `triples`, none of which is in the index yet, in their order."""
        added = list(triples)
        self.triples += added
        out, into = self._out, self._in
        for subject, predicate, obj in added:
            by_predicate = out.get(subject)
            if by_predicate is None:
                out[subject] = {predicate: [obj]}
            elif (objects := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [obj]
            else:
                objects.append(obj)
            by_predicate = into.get(obj)
            if by_predicate is None:
                into[obj] = {predicate: [subject]}
            elif (subjects := by_predicate.get(predicate)) is None:
                by_predicate[predicate] = [subject]
            else:
                subjects.append(subject)

    def first(self, count: int) -> DataIndex:
        """The index of the first `count` triples alone: what `DataIndex(self.triples[:count])` holds, made by
        taking the later triples out of a copy (cheap when they are few, as the ontology and references
        appended to the data are)."""
        part = DataIndex(())
        part.triples = self.triples[:count]
        out, into = dict(self._out), dict(self._in)
        copied_out: set[Term] = set()
        copied_in: set[Term] = set()
        # Last first: each value taken out is then the last of its list (the triples were indexed in order).
        for subject, predicate, obj in reversed(self.triples[count:]):
            _take_out(out, copied_out, subject, predicate, obj)
            _take_out(into, copied_in, obj, predicate, subject)
        part._out, part._in = out, into
        return part

    def all_subjects(self) -> list[Term]:
        """Every subject, in first-seen order."""
        return list(self._out)

    def all_objects(self) -> list[Term]:
        """Every object, in first-seen order."""
        return list(self._in)

    def object_count(self) -> int:
        """How many distinct objects the triples have."""
        return len(self._in)

    def predicates(self) -> set[ox.NamedNode]:
        """Every predicate."""
        return {p for by_predicate in self._out.values() for p in by_predicate}

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        """The objects of (subject, predicate, ?)."""
        found = self._out.get(subject)
        return list(found.get(predicate, ())) if found else []

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Term]:
        """The subjects of (?, predicate, object)."""
        found = self._in.get(obj)
        return list(found.get(predicate, ())) if found else []

    def iris(self, subject: Term, predicate: ox.NamedNode) -> list[ox.NamedNode]:
        """The IRI objects of (subject, predicate, ?), sorted."""
        return sorted((o for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)), key=str)

    def iri(self, subject: Term, predicate: ox.NamedNode) -> ox.NamedNode | None:
        """The first IRI object in sorted order, or None."""
        found = self.iris(subject, predicate)
        return found[0] if found else None

    def literals(self, subject: Term, predicate: ox.NamedNode) -> list[ox.Literal]:
        """The literal objects of (subject, predicate, ?), sorted."""
        return sorted((o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)), key=str)

    def text(self, subject: Term, predicates: Sequence[ox.NamedNode], lang: str) -> str:
        """The first text in `lang` under the first predicate that has one; '' if none."""
        for predicate in predicates:
            for literal in self.literals(subject, predicate):
                if literal.language == lang:
                    return literal.value
        return ""

    def has_type(self, subject: Term, cls: ox.NamedNode) -> bool:
        """Whether the data state `subject a cls`."""
        return cls in self.objects(subject, RDF_TYPE)

    def instances(self, cls: ox.NamedNode) -> list[ox.NamedNode]:
        """The IRIs typed `cls`, sorted."""
        return sorted((s for s in self.subjects(RDF_TYPE, cls) if isinstance(s, ox.NamedNode)), key=str)

    def date(self, subject: Term, predicate: ox.NamedNode) -> str:
        """The earliest xsd:date of (subject, predicate, ?), or ''."""
        dates = [lit.value for lit in self.literals(subject, predicate) if is_date(lit)]
        return min(dates) if dates else ""

    def latest_date(self, holds: Callable[[Term], bool]) -> str:
        """The latest xsd:date stated on a subject for which `holds` is true, or '' (read from the objects' side:
        the data hold far fewer distinct dates than triples)."""
        latest = ""
        for obj, by_predicate in self._in.items():
            if not (isinstance(obj, ox.Literal) and obj.value > latest and is_date(obj)):
                continue
            if any(holds(s) for subjects in by_predicate.values() for s in subjects):
                latest = obj.value
        return latest

    def dates_of(self, subjects: Iterable[Term]) -> list[str]:
        """Every xsd:date stated on the given subjects."""
        return [
            o.value
            for s in subjects
            for objects in self._out.get(s, {}).values()
            for o in objects
            if isinstance(o, ox.Literal) and is_date(o)
        ]


def _take_out(
    table: dict[Term, dict[ox.NamedNode, list[Term]]],
    copied: set[Term],
    key: Term,
    predicate: ox.NamedNode,
    value: Term,
) -> None:
    """Remove `value` from table[key][predicate], copying table[key] first (the table shares it with another)."""
    inner = table[key]
    if key not in copied:
        inner = table[key] = {p: list(values) for p, values in inner.items()}
        copied.add(key)
    values = inner[predicate]
    if values[-1] == value:
        values.pop()
    else:
        values.remove(value)
    if not values:
        del inner[predicate]
        if not inner:
            del table[key]


def as_index(data: Iterable[ox.Triple] | DataIndex) -> DataIndex:
    """The index of the data, built once: callers that make several outputs pass the index itself."""
    return data if isinstance(data, DataIndex) else DataIndex(data)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_date(literal: ox.Literal) -> bool:
    return literal.datatype == XSD_DATE and _DATE.fullmatch(literal.value) is not None
