"""Indexes over the site's triples and the view models the templates and documents are made from.

Stage: query. Imports `rdfterms`, `urls` and `vocab`; never rdflib graphs.
Everything here is linear in the number of triples: one pass builds the indexes (by subject, by object),
and each entity's description, incoming links and neighbour labels are read from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from itertools import islice
from typing import Any, TypeVar

import pyoxigraph as ox

from .rdfterms import Subject, Term
from .urls import UrlPolicy
from .vocab import LABEL_PREDICATES, RDF_TYPE, SDG_NS

LANGS = ("da", "en")


def term_key(term: Term) -> tuple[int, str]:
    """A total order on terms: IRIs, then blank nodes, then literals, each by their text."""
    if isinstance(term, ox.NamedNode):
        return (0, term.value)
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    return (2, str(term))


def triple_key(triple: ox.Triple) -> tuple[tuple[int, str], tuple[int, str], tuple[int, str]]:
    """Sort key for deterministic output."""
    subject, obj = triple.subject, triple.object
    return (
        (0, subject.value) if isinstance(subject, ox.NamedNode) else term_key(subject),
        (0, triple.predicate.value),
        (0, obj.value) if isinstance(obj, ox.NamedNode) else term_key(obj),
    )


def _by_predicate_then_object(t: ox.Triple) -> tuple[str, int, str]:
    o = t.object
    if type(o) is ox.NamedNode:
        return (t.predicate.value, 0, o.value)
    return (t.predicate.value, *term_key(o))


def _subject_key(subject: Term) -> tuple[int, str]:
    """`triple_key`'s first part: IRIs, then blank nodes, each by their text."""
    return (0, subject.value) if type(subject) is ox.NamedNode else term_key(subject)


def _by_predicate_then_subject(t: ox.Triple) -> tuple[str, int, str]:
    s = t.subject
    if type(s) is ox.NamedNode:
        return (t.predicate.value, 0, s.value)
    return (t.predicate.value, *term_key(s))


def pick(texts: dict[str, str], lang: str) -> str:
    """The text in `lang`, else Danish, else English, else any."""
    for key in (lang, "da", "en", ""):
        if key in texts:
            return texts[key]
    return next(iter(texts.values()), "")


def is_sdg(iri: str) -> bool:
    """Whether an IRI is a UN SDG goal or target IRI (http://metadata.un.org/sdg/3, …/3.5)."""
    rest = iri[len(SDG_NS) :] if iri.startswith(SDG_NS) else ""
    return bool(rest) and rest.replace(".", "").isalnum() and rest[0].isdigit()


K = TypeVar("K")
V = TypeVar("V")

# What a recorded read is: ("S", node) for the node's outgoing triples, ("O", node) for its incoming ones,
# ("L", node) for its label triples (LABEL_PREDICATES) only, ("E", node) for whether it has outgoing triples.
Read = tuple[str, Term]


class _Index(dict[Term, list[ox.Triple]]):
    """A subject or object index whose lists are sorted (by `order`) when they are first read, and that can note
    every node looked up in it (see SiteGraph.recording). Sorting on first read spares an incremental build, which
    reads a few entities, sorting every node's triples; `sort_all` sorts what is left (before render workers are
    forked, so they do not each sort, and copy, the lists they read)."""

    __slots__ = ("order", "sink", "tag", "unsorted")

    def __init__(self, entries: dict[Term, list[ox.Triple]], tag: str, order: Callable[[ox.Triple], Any]) -> None:
        super().__init__(entries)
        self.tag = tag
        self.order = order
        self.sink: set[Read] | None = None
        self.unsorted = {key for key, values in entries.items() if len(values) > 1}

    def sorted_get(self, key: Term) -> list[ox.Triple] | None:
        """The node's triples in order, or None (not a recorded read)."""
        values = dict.get(self, key)
        if values is not None and key in self.unsorted:
            values.sort(key=self.order)
            self.unsorted.discard(key)
        return values

    def sort_all(self) -> None:
        """Sort every list not read yet."""
        for key in self.unsorted:
            dict.__getitem__(self, key).sort(key=self.order)
        self.unsorted = set()

    def get(self, key: Term, default: object = None) -> Any:
        if self.sink is not None:
            self.sink.add((self.tag, key))
        values = self.sorted_get(key)
        return default if values is None else values

    def __getitem__(self, key: Term) -> list[ox.Triple]:
        if self.sink is not None:
            self.sink.add((self.tag, key))
        values = self.sorted_get(key)
        if values is None:
            raise KeyError(key)
        return values

    def values(self) -> Any:
        self.sort_all()
        return dict.values(self)

    def items(self) -> Any:
        self.sort_all()
        return dict.items(self)

    def __contains__(self, key: object) -> bool:
        if self.sink is not None and isinstance(key, ox.NamedNode | ox.BlankNode | ox.Literal):
            # Whether a node has outgoing triples at all is a read of its existence only.
            self.sink.add(("E" if self.tag == "S" else self.tag, key))
        return dict.__contains__(self, key)


class SiteGraph:
    """The site's triples indexed by subject and object, with labels and types.

    While `recording` is on, every node whose triples are looked up is noted, as ("S", node) for its outgoing
    triples, ("O", node) for its incoming ones, ("L", node) for its labels only and ("E", node) for whether it has
    any outgoing triples: what a page or document was made from, so an incremental build can tell which outputs a
    changed triple touches.
    """

    def __init__(self, triples: Iterable[ox.Triple], policy: UrlPolicy, distinct: int = 0) -> None:
        """`distinct`: the first so many triples are known to hold no duplicates (the dataset, `dumps.dataset`):
        only the others are compared (hashing a million triples to find none took a third of a second)."""
        self.policy = policy
        by_subject: dict[Term, list[ox.Triple]] = defaultdict(list)
        by_object: dict[Term, list[ox.Triple]] = defaultdict(list)
        listed = triples if isinstance(triples, list) else list(triples)
        for t in islice(listed, distinct):
            by_subject[t.subject].append(t)
            if not isinstance(t.object, ox.Literal):
                by_object[t.object].append(t)
        count = head = min(distinct, len(listed))
        seen: set[ox.Triple] = set()
        for t in islice(listed, distinct, None):
            if t in seen or (head and t in dict.get(by_subject, t.subject, ())):
                continue
            seen.add(t)
            count += 1
            by_subject[t.subject].append(t)
            if not isinstance(t.object, ox.Literal):
                by_object[t.object].append(t)
        # Each list is sorted when it is first read, so every lookup returns its values in a stable order without
        # sorting again. (Keys in the order of (term_key(predicate), term_key(other)): predicates are always IRIs.)
        self.by_subject: dict[Term, list[ox.Triple]] = _Index(by_subject, "S", _by_predicate_then_object)
        self.by_object: dict[Term, list[ox.Triple]] = _Index(by_object, "O", _by_predicate_then_subject)
        self.triple_count = count
        self._labels: dict[Term, dict[str, str]] = {}
        # Subjects whose values by property (and whose label triples) are kept; the values by property in two
        # generations (the newer, and the one before). Entity pages read the same few nodes (an entity, its parents,
        # its link records) many times over, one entity after another, so a small window serves nearly every
        # lookup; pages that walk the whole site (the home page) want a window as large as the site.
        self.cache_window = 4096
        self._outgoing: dict[Subject, dict[ox.NamedNode, list[Term]]] = {}
        self._outgoing_old: dict[Subject, dict[ox.NamedNode, list[Term]]] = {}
        self._label_triples: dict[Term, list[ox.Triple]] = {}

    @contextmanager
    def recording(self) -> Iterator[set[Read]]:
        """Note every node looked up while the block runs (the set is filled as it goes)."""
        reads: set[Read] = set()
        indexes = [i for i in (self.by_subject, self.by_object) if isinstance(i, _Index)]
        for index in indexes:
            index.sink = reads
        try:
            yield reads
        finally:
            for index in indexes:
                index.sink = None

    # -- reading -------------------------------------------------------------------------------------------
    def outgoing(self, subject: Subject) -> dict[ox.NamedNode, list[Term]]:
        """Property → the subject's objects (in a stable order); do not modify the lists."""
        self.note("S", subject)  # a read even when the cache answers
        found = self._outgoing.get(subject)
        if found is None:
            found = self._outgoing_old.get(subject)
            if found is None:
                found = {}
                for t in self.by_subject.get(subject, ()):
                    values = found.get(t.predicate)
                    if values is None:
                        found[t.predicate] = [t.object]
                    else:
                        values.append(t.object)
            if len(self._outgoing) >= self.cache_window:
                self._outgoing_old = self._outgoing
                self._outgoing = {}
            self._outgoing[subject] = found
        return found

    def objects(self, subject: Subject, predicate: ox.NamedNode) -> list[Term]:
        """The objects of `subject predicate ?o`, in a stable order."""
        return list(self.outgoing(subject).get(predicate, ()))

    def value(self, subject: Subject, predicate: ox.NamedNode) -> Term | None:
        """One object of `subject predicate ?o`, or None."""
        values = self.outgoing(subject).get(predicate)
        return values[0] if values else None

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Subject]:
        """The subjects of `?s predicate obj`, in a stable order."""
        return [t.subject for t in self.by_object.get(obj, ()) if t.predicate == predicate]

    def count_about(self, node: Term) -> int:
        """How many triples have the node as subject (not a recorded read)."""
        return len(dict.get(self.by_subject, node, ()))  # the count does not need the order

    def types(self, node: Subject) -> list[ox.NamedNode]:
        """The node's rdf:type values that are IRIs."""
        return [o for o in self.objects(node, RDF_TYPE) if isinstance(o, ox.NamedNode)]

    def texts(self, node: Subject, predicates: Sequence[ox.NamedNode]) -> dict[str, str]:
        """Language → text for the first predicate that has literal values."""
        for predicate in predicates:
            found: dict[str, str] = {}
            for o in self.outgoing(node).get(predicate, ()):
                if isinstance(o, ox.Literal):
                    found.setdefault(o.language or "", o.value)
            if found:
                return found
        return {}

    def labels(self, node: Term) -> dict[str, str]:
        """Language → label (skos:prefLabel, rdfs:label, dct:title or foaf:name)."""
        self._note_label_read(node)
        cached = self._labels.get(node)
        if cached is None:
            if len(self._labels) >= self.cache_window:
                self._labels.clear()  # kept for the nodes recently read (see cache_window)
            cached = self._labels[node] = {}
            outgoing = self._peek(node) if isinstance(node, ox.NamedNode | ox.BlankNode) else ()
            for predicate in LABEL_PREDICATES:
                for t in outgoing:
                    if t.predicate == predicate and isinstance(t.object, ox.Literal):
                        cached.setdefault(t.object.language or "", t.object.value)
                if cached:
                    break
        return cached

    def _peek(self, node: Term) -> Sequence[ox.Triple]:
        """The node's outgoing triples in order, not noted as a read (the caller notes what it reads)."""
        index = self.by_subject
        found = index.sorted_get(node) if isinstance(index, _Index) else dict.get(index, node)
        return found or ()

    def sort_all(self) -> None:
        """Sort every node's triples that no lookup has sorted yet (see `_Index`)."""
        for index in (self.by_subject, self.by_object):
            if isinstance(index, _Index):
                index.sort_all()

    def _note_label_read(self, node: Term) -> None:
        """Note a read of the node's labels only: ("L", node), touched only by changes to its label triples."""
        self.note("L", node)

    def note(self, tag: str, node: Term) -> None:
        """Note a read while recording (for reads answered from a cache rather than the indexes)."""
        if isinstance(self.by_subject, _Index) and self.by_subject.sink is not None:
            self.by_subject.sink.add((tag, node))

    def cached(self, cache: dict[K, tuple[V, frozenset[Read]]], key: K, make: Callable[[], V]) -> V:
        """`cache[key]`, made by `make` when missing; the reads that made it are noted again on every hit."""
        entry = cache.get(key)
        if entry is None:
            outer = self.by_subject.sink if isinstance(self.by_subject, _Index) else None
            with self.recording() as reads:
                value = make()
            entry = cache[key] = (value, frozenset(reads))
            self._resume(outer)
        if isinstance(self.by_subject, _Index) and self.by_subject.sink is not None:
            self.by_subject.sink.update(entry[1])
        return entry[0]

    def _resume(self, sink: set[Read] | None) -> None:
        for index in (self.by_subject, self.by_object):
            if isinstance(index, _Index):
                index.sink = sink

    def label(self, node: Term, lang: str) -> str:
        """The node's label in `lang` (falling back to Danish, English, its short name)."""
        if isinstance(node, ox.Literal):
            return node.value
        texts = self.labels(node)
        if texts:
            return pick(texts, lang)
        if isinstance(node, ox.NamedNode):
            return self.policy.short(node.value)
        return ""

    @cached_property
    def entities(self) -> list[ox.NamedNode]:
        """Every IRI minted under the base that the site describes, sorted."""
        local = [s for s in self.by_subject if isinstance(s, ox.NamedNode) and self.policy.is_local(s.value)]
        return sorted(local, key=lambda n: n.value)

    @cached_property
    def sdg_concepts_linked(self) -> list[ox.NamedNode]:
        """The SDG goals and targets that the site's own entities link to, in the UN's order."""
        linked = [o for o in self.by_object if isinstance(o, ox.NamedNode) and is_sdg(o.value) and self.incoming(o)]
        return sorted(linked, key=lambda n: sdg_sort_key(n.value))

    # -- documents -----------------------------------------------------------------------------------------
    def description(self, node: Subject) -> list[ox.Triple]:
        """The node's concise bounded description: its triples and those of the blank nodes it leads to."""
        out: list[ox.Triple] = []
        stack: list[Subject] = [node]
        seen = {node}
        while stack:
            current = stack.pop()
            for t in self.by_subject.get(current, ()):
                out.append(t)
                if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                    seen.add(t.object)
                    stack.append(t.object)
        return out

    def incoming(self, node: Term) -> list[ox.Triple]:
        """Links to the node from the site's own entities (class membership excluded)."""
        return [
            t
            for t in self.by_object.get(node, ())
            if t.predicate != RDF_TYPE and isinstance(t.subject, ox.NamedNode) and self.policy.is_local(t.subject.value)
        ]

    def label_triples(self, node: Term) -> list[ox.Triple]:
        """The triples that give the node its labels."""
        if not isinstance(node, ox.NamedNode | ox.BlankNode):
            return []
        self._note_label_read(node)
        cached = self._label_triples.get(node)
        if cached is None:
            cached = []
            outgoing = self._peek(node)
            for predicate in LABEL_PREDICATES:
                cached = [t for t in outgoing if t.predicate == predicate]
                if cached:
                    break
            # The same neighbours (a plan, its areas, the SDG targets, the agents) recur from entity to entity.
            if len(self._label_triples) >= self.cache_window:
                self._label_triples.clear()
            self._label_triples[node] = cached
        return cached

    def document(self, entity: ox.NamedNode) -> list[ox.Triple]:
        """The triples of the entity's documents: description, incoming links, labels of its neighbours.

        Classes are not neighbours: their labels are on the ontology's pages.
        """
        own = self.description(entity)
        incoming = self.incoming(entity)
        # The triples by subject: the index keeps each subject's triples sorted by predicate and object, and the
        # description, the incoming links and the labels each give a subject's triples in that order. Only the
        # subjects are sorted here (and a subject's runs merged when it has several), not every triple.
        runs: dict[Term, list[list[ox.Triple]]] = {}
        start = 0
        for end in range(1, len(own) + 1):
            if end == len(own) or own[end].subject != own[start].subject:
                runs.setdefault(own[start].subject, []).append(own[start:end])
                start = end
        neighbours: set[Term] = {
            t.object for t in own if isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE
        }
        for t in incoming:
            runs.setdefault(t.subject, []).append([t])
            neighbours.add(t.subject)
        neighbours.discard(entity)
        for neighbour in neighbours:
            labels = self.label_triples(neighbour)
            if labels:
                runs.setdefault(neighbour, []).append(labels)
        out: list[ox.Triple] = []
        for subject in sorted(runs, key=_subject_key):
            parts = runs[subject]
            if len(parts) == 1:
                out += parts[0]
            else:
                out += sorted({t for part in parts for t in part}, key=_by_predicate_then_object)
        return out


def sdg_sort_key(iri: str) -> tuple[int, int, str]:
    """Orders SDG IRIs as the UN does: goal number, then target (numbers before letters)."""
    code = iri.rsplit("/", 1)[-1]
    goal, _, target = code.partition(".")
    goal_number = int(goal) if goal.isdigit() else 99
    if not target:
        return (goal_number, -1, "")
    return (goal_number, int(target) if target.isdigit() else 100, target)
