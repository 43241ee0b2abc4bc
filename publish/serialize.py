"""Serialise triples as Turtle, N-Triples, JSON-LD, TriG and RDF/XML, deterministically.

Stage: serialize. Imports `query` (sort keys), `rdfterms`, `vocab`, `escaping` and `errors`; writes with pyoxigraph
and the standard library.
Input triples are sorted here, so the same triples always give the same bytes.
`jsonld_flat_and_prefixes` is one long function on purpose: it writes the JSON-LD dump of the whole dataset as
text in a single pass over the sorted triples (the dumps' hottest loop), with its state in local variables.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring as json_string  # the C encoder json.dumps uses

import pyoxigraph as ox

from .errors import BuildError
from .escaping import xml_problem
from .query import term_key, triple_key
from .rdfterms import Subject, Term
from .vocab import RDF_LANG_STRING, RDF_TYPE, XSD_STRING

Prefixes = Sequence[tuple[str, str]]
# IRIs as strings, for the loops that compare and collect datatype IRIs.
XSD_STRING_IRI = XSD_STRING.value
RDF_TYPE_IRI = RDF_TYPE.value
RDF_LANG_STRING_IRI = RDF_LANG_STRING.value


def _bytes(content: bytes | None) -> bytes:
    """pyoxigraph returns the bytes when given no output file."""
    assert content is not None
    return content


PrefixScan = tuple[dict[str, str], set[str]]


def prefix_scan(triples: Iterable[ox.Triple], prefixes: Prefixes) -> PrefixScan:
    """The prefixes whose namespace some IRI in the triples (or a literal's datatype) belongs to, and the schemes
    of the IRIs in the triples (the part before the first ':')."""
    by_namespace = {namespace: prefix for prefix, namespace in prefixes}
    namespaces: set[str] = set()
    schemes: set[str] = set()
    facts = _IRI_FACTS
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iri = term.value
                found = facts.get(iri)
                if found is None:
                    found = _iri_facts(iri)
                namespaces.add(found[0])
                schemes.add(found[1])
            elif isinstance(term, ox.Literal):
                iri = term.datatype.value
                found = facts.get(iri)
                namespaces.add(found[0] if found is not None else _iri_facts(iri)[0])
    found_namespaces = namespaces.intersection(by_namespace)
    return {prefix: namespace for prefix, namespace in prefixes if namespace in found_namespaces}, schemes


# IRI -> (its namespace, the part up to its last '/' or '#'; its scheme), for the IRIs documents recur to.
_IRI_FACTS: dict[str, tuple[str, str]] = {}
_IRI_FACTS_LIMIT = 1 << 18


def _iri_facts(iri: str) -> tuple[str, str]:
    found = (iri[: max(iri.rfind("/"), iri.rfind("#")) + 1], iri.split(":", 1)[0])
    if len(_IRI_FACTS) >= _IRI_FACTS_LIMIT:
        _IRI_FACTS.clear()
    _IRI_FACTS[iri] = found
    return found


def used_prefixes(triples: Iterable[ox.Triple], prefixes: Prefixes) -> dict[str, str]:
    """The prefixes whose namespace some IRI in the triples (or a literal's datatype) belongs to.

    Namespaces end in '/' or '#' and their terms contain neither, so an IRI's namespace is its part up to the
    last of those.
    """
    return prefix_scan(triples, prefixes)[0]


def ordered(triples: Iterable[ox.Triple], first: Term | None = None) -> list[ox.Triple]:
    """Triples sorted by subject, predicate, object; the triples of `first` come first."""
    return sorted(triples, key=lambda t: (t.subject != first, *triple_key(t)))


def ordered_presorted(triples: Sequence[ox.Triple], first: Term | None = None) -> list[ox.Triple]:
    """`ordered` for triples already sorted by `triple_key`: the triples of `first` moved to the front."""
    if first is None:
        return list(triples)
    return [t for t in triples if t.subject == first] + [t for t in triples if t.subject != first]


def turtle(
    triples: Iterable[ox.Triple],
    prefixes: Prefixes,
    first: Term | None = None,
    *,
    presorted: bool = False,
    scan: PrefixScan | None = None,
) -> bytes:
    """Turtle with only the prefixes it uses; the `first` subject's triples lead.

    `presorted`: the triples are a sequence already sorted by `triple_key` (as `SiteGraph.document` returns them).
    `scan`: `prefix_scan` of these triples, or of triples whose IRIs have the same namespaces, when the caller has it.
    """
    items = ordered_presorted(list(triples), first) if presorted else ordered(triples, first)
    used = scan[0] if scan is not None else used_prefixes(items, prefixes)
    return _bytes(ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=used))


def ntriples(triples: Iterable[ox.Triple], *, presorted: bool = False) -> bytes:
    """N-Triples, one sorted line per triple (`presorted`: the triples are already sorted by `triple_key`)."""
    items = triples if presorted else sorted(triples, key=triple_key)
    return "".join(f"{t} .\n" for t in items).encode("utf-8")


def rdfxml(triples: Iterable[ox.Triple], prefixes: Prefixes) -> bytes:
    """RDF/XML (for harvesters that expect it). A BuildError when a literal holds a character XML 1.0 cannot
    carry (the escaping policy's `xml_problem`; validation and the configuration refuse such text earlier)."""
    items = ordered(triples)
    for t in items:
        for term in (t.subject, t.object):
            problem = xml_problem(term.value) if isinstance(term, ox.Literal) else None
            if problem:
                raise BuildError(f"cannot write RDF/XML for {t.subject}: {problem}")
    return _bytes(ox.serialize(items, format=ox.RdfFormat.RDF_XML, prefixes=used_prefixes(items, prefixes)))


def sorted_turtle(triples: Sequence[ox.Triple], used: dict[str, str]) -> bytes:
    """Turtle of triples already in `ordered` order, declaring the prefixes `used`: what `turtle` writes for them
    when `used` is their `used_prefixes`, without sorting again (for the dumps)."""
    return _bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used))


def sorted_ntriples(triples: Sequence[ox.Triple]) -> bytes:
    """N-Triples of triples already in `triple_key` order: what `ntriples` writes for them, by pyoxigraph's
    writer (one `{triple} .` line each)."""
    return _bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def _split_prefixes(document: bytes, count: int) -> tuple[bytes, bytes]:
    """A Turtle or TriG document's `count` leading @prefix lines, and the rest (b"" lines if it has fewer)."""
    end = 0
    for _ in range(count):
        if not document.startswith(b"@prefix ", end):
            return b"", document
        end = document.index(b"\n", end) + 1
    return document[:end], document[end:]


def trig(
    graphs: Sequence[tuple[ox.NamedNode | None, Sequence[ox.Triple]]],
    prefixes: Prefixes,
    *,
    presorted: bool = False,
    used: dict[str, str] | None = None,
    default_turtle: bytes | None = None,
) -> bytes:
    """TriG: each (graph name, triples) pair; None is the default graph.

    `presorted`: every graph's triples are already in `ordered` order. `used`: the prefixes to declare when the
    caller has computed them (those `used_prefixes` gives for all the graphs' triples). `default_turtle`: the
    default graph's triples as `sorted_turtle(triples, used)` wrote them, to reuse.
    """
    items: list[tuple[ox.NamedNode | None, list[ox.Triple]]] = []
    for name, triples in graphs:
        ordered_triples = list(triples) if presorted else ordered(triples)
        if items and items[-1][0] == name:
            items[-1][1].extend(ordered_triples)  # one block per run of the same graph, as a single writer makes
        elif ordered_triples:
            items.append((name, ordered_triples))
    if used is None:
        used = used_prefixes((t for _, triples in items for t in triples), prefixes)
    header: bytes | None = None
    parts = []
    for name, triples in items:
        # A default graph is written as its Turtle, a named graph as a TriG block; each piece starts with the
        # same prefix lines, which the document states once.
        if name is None:
            piece = default_turtle or _bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used))
        else:
            piece = _bytes(ox.serialize(_quads(triples, name), format=ox.RdfFormat.TRIG, prefixes=used))
        lines, body = _split_prefixes(piece, len(used))
        if header is None:
            header = lines
            parts.append(lines)
        if lines != header or (not lines and used):  # a writer that words its prefixes otherwise: one pass
            quads = [q for name, triples in items for q in _quads(triples, name)]
            return _bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=used))
        parts.append(body)
    return b"".join(parts)


def _quads(triples: Sequence[ox.Triple], name: ox.NamedNode | None) -> list[ox.Quad]:
    graph = ox.DefaultGraph() if name is None else name
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


# ---------------------------------------------------------------------------------------------------- JSON-LD


# How deep node objects nest in a JSON-LD tree; a node deeper than this (a long RDF list, a deep chain of blank
# nodes) is written beside the tree and referenced by its @id, so no document nests without bound.
MAX_NESTING = 32


class _JsonLd:
    """Builds one JSON-LD tree rooted at an entity: its own triples nested, links to it under @reverse."""

    def __init__(self, triples: Sequence[ox.Triple], prefixes: dict[str, str], presorted: bool = False) -> None:
        # With the triples sorted by `triple_key`, every list below is in that order already and needs no sorting.
        self.presorted = presorted
        self.by_subject: dict[Subject, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[Term, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            self.by_subject[t.subject].append(t)
            self.by_object[t.object].append(t)
        self.prefixes = sorted(prefixes.items(), key=lambda p: -len(p[1]))
        # When every namespace ends in '/' or '#', an IRI compacts only with the prefix of its own namespace (the
        # part up to its last '/' or '#'): one lookup instead of a loop over the prefixes.
        self.by_namespace: dict[str, str] | None = None
        if all(namespace.endswith(("/", "#")) for _, namespace in self.prefixes):
            self.by_namespace = {}
            for prefix, namespace in self.prefixes:
                self.by_namespace.setdefault(namespace, prefix)
        self.compacted: dict[str, str] = {}
        self.emitted: set[ox.Triple] = set()
        # Nodes met deeper than MAX_NESTING: referenced by their @id where met, written at the top level instead.
        self.deferred: list[Subject] = []

    def compact(self, iri: str) -> str:
        found = self.compacted.get(iri)
        if found is None:
            if self.by_namespace is not None:
                cut = max(iri.rfind("/"), iri.rfind("#")) + 1
                prefix = self.by_namespace.get(iri[:cut])
                found = f"{prefix}:{iri[cut:]}" if prefix is not None and cut < len(iri) else iri
                self.compacted[iri] = found
            else:
                found = self.compacted[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and "/" not in rest and "#" not in rest:
                return f"{prefix}:{rest}"
        return iri

    def node_id(self, node: Term) -> str:
        if isinstance(node, ox.BlankNode):
            return "_:" + node.value
        assert isinstance(node, ox.NamedNode)
        return node.value

    def literal(self, literal: ox.Literal) -> dict[str, str]:
        if literal.language:
            return {"@value": literal.value, "@language": literal.language}
        if literal.datatype.value == XSD_STRING_IRI:
            return {"@value": literal.value}
        return {"@value": literal.value, "@type": self.compact(literal.datatype.value)}

    def node(self, subject: Subject, path: frozenset[Term]) -> dict[str, object]:
        """The subject's triples not yet written, objects nested unless already on the path."""
        result: dict[str, object] = {"@id": self.node_id(subject)}
        triples = [t for t in self.by_subject.get(subject, ()) if t not in self.emitted]
        if not self.presorted:
            triples.sort(key=lambda t: (term_key(t.predicate), term_key(t.object)))
        for t in triples:
            self.emitted.add(t)
        types = [t for t in triples if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)]
        if types:
            result["@type"] = [self.compact(t.object.value) for t in types if isinstance(t.object, ox.NamedNode)]
        grouped: dict[str, list[object]] = defaultdict(list)
        for t in triples:
            if t in types:
                continue
            grouped[self.compact(t.predicate.value)].append(self.value(t.object, path | {subject}))
        result.update(sorted(grouped.items()))
        return result

    def value(self, obj: Term, path: frozenset[Term]) -> object:
        if isinstance(obj, ox.Literal):
            return self.literal(obj)
        if obj in path or not any(t not in self.emitted for t in self.by_subject.get(obj, ())):
            return {"@id": self.node_id(obj)}
        if len(path) >= MAX_NESTING:
            self.deferred.append(obj)
            return {"@id": self.node_id(obj)}
        return self.node(obj, path)

    def document(self, root: ox.NamedNode) -> dict[str, object]:
        tree = self.node(root, frozenset())
        reverse: dict[str, list[object]] = defaultdict(list)
        incoming = self.by_object.get(root, [])
        for t in incoming if self.presorted else sorted(incoming, key=triple_key):
            if t in self.emitted:
                continue
            self.emitted.add(t)
            reverse[self.compact(t.predicate.value)].append(self.node(t.subject, frozenset({root})))
        if reverse:
            tree["@reverse"] = dict(sorted(reverse.items()))
        beside = self._beside()
        if beside:
            tree = {"@graph": [tree, *beside]}
        return tree

    def _beside(self) -> list[dict[str, object]]:
        """Node objects for the triples the tree does not hold: nodes nested too deep to be written in place
        (in the order met), then triples not reachable from the root in one step either way."""
        beside: list[dict[str, object]] = []
        while self.deferred:
            subject = self.deferred.pop(0)
            if any(x not in self.emitted for x in self.by_subject[subject]):
                beside.append(self.node(subject, frozenset()))
        missing = [t for t in self.by_subject if any(x not in self.emitted for x in self.by_subject[t])]
        if not self.presorted:
            missing.sort(key=term_key)
        for subject in missing:
            beside.append(self.node(subject, frozenset()))
            while self.deferred:
                deeper = self.deferred.pop(0)
                if any(x not in self.emitted for x in self.by_subject[deeper]):
                    beside.append(self.node(deeper, frozenset()))
        return beside


def jsonld_prefixes(triples: Sequence[ox.Triple], prefixes: Prefixes, scan: PrefixScan | None = None) -> dict[str, str]:
    """The prefixes for a JSON-LD context: those used, less any named like an IRI scheme in the document
    (JSON-LD would read the IRI `dct:x` as a compact IRI if `dct` were a prefix)."""
    used, schemes = scan if scan is not None else prefix_scan(triples, prefixes)
    return {prefix: namespace for prefix, namespace in used.items() if prefix not in schemes}


def jsonld_tree(
    root: ox.NamedNode,
    triples: Sequence[ox.Triple],
    prefixes: Prefixes,
    *,
    presorted: bool = False,
    scan: PrefixScan | None = None,
) -> dict[str, object]:
    """A self-contained JSON-LD document (inline @context) with the root entity as its single top object.

    `presorted`: the triples are already sorted by `triple_key` (the document is the same either way).
    `scan`: `prefix_scan` of these triples, or of triples whose IRIs have the same namespaces and schemes.
    """
    used = jsonld_prefixes(triples, prefixes, scan)
    builder = _JsonLd(triples, used, presorted)
    body = builder.document(root)
    return {"@context": dict(sorted(used.items())), **body}


def json_text(document: object) -> str:
    """A JSON document as compact text (the C encoder; indenting makes Python encode it several times slower)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _namespace(iri: str) -> str:
    return iri[: max(iri.rfind("/"), iri.rfind("#")) + 1]


def jsonld_flat(triples: Sequence[ox.Triple], prefixes: Prefixes, *, presorted: bool = False) -> bytes:
    """A JSON-LD document for a whole graph: one node object per subject in @graph (for dumps and catalogues).

    The same document as `json_text` of {"@context": the `jsonld_prefixes`, "@graph": [node per subject]}, each
    node {"@id", then its properties by compact name: "@type" for IRI types, else the predicate; values in triple
    order}, written as text in one pass over the triples. `presorted`: the triples are in `triple_key` order.
    """
    return jsonld_flat_and_prefixes(triples, prefixes, presorted=presorted)[0]


def jsonld_flat_and_prefixes(
    triples: Sequence[ox.Triple], prefixes: Prefixes, *, presorted: bool = False
) -> tuple[bytes, dict[str, str]]:
    """`jsonld_flat`, and the triples' `used_prefixes`, which the same pass finds."""
    document, used, _ = jsonld_flat_scan(triples, prefixes, presorted=presorted)
    return document, used


def jsonld_flat_scan(
    triples: Sequence[ox.Triple], prefixes: Prefixes, *, presorted: bool = False
) -> tuple[bytes, dict[str, str], set[str]]:
    """`jsonld_flat_and_prefixes`, and the schemes of the triples' IRIs (`prefix_scan`'s second part)."""
    items = triples if presorted else sorted(triples, key=triple_key)
    encode = json_string
    # Per node: its @id and, by predicate IRI (or "@type"), the values: JSON text, or for a typed literal
    # (its value's JSON text, the datatype IRI), compacted once the prefixes are known.
    nodes: list[tuple[str, dict[str, list[str | tuple[str, str]]]]] = []
    iris: set[str] = set()  # every IRI of a subject, predicate or object, for the prefixes and schemes
    datatypes: set[str] = set()
    current: object = None
    properties: dict[str, list[str | tuple[str, str]]] = {}
    for subject, predicate, obj in items:
        if subject != current:
            current = subject
            if isinstance(subject, ox.NamedNode):
                node_id = subject.value
                iris.add(node_id)
            else:
                node_id = "_:" + subject.value
            properties = {}
            nodes.append((node_id, properties))
        key = predicate.value
        if isinstance(obj, ox.Literal):
            language = obj.language
            if language:
                datatypes.add(RDF_LANG_STRING_IRI)
                value: str | tuple[str, str] = (
                    '{"@value":' + encode(obj.value) + ',"@language":' + encode(language) + "}"
                )
            else:
                datatype = obj.datatype.value
                datatypes.add(datatype)
                if datatype == XSD_STRING_IRI:
                    value = '{"@value":' + encode(obj.value) + "}"
                else:
                    value = (encode(obj.value), datatype)
        elif isinstance(obj, ox.NamedNode):
            iri = obj.value
            iris.add(iri)
            if key == RDF_TYPE_IRI:
                key, value = "@type", ("", iri)
            else:
                value = '{"@id":' + encode(iri) + "}"
        elif isinstance(obj, ox.BlankNode):
            value = '{"@id":' + encode("_:" + obj.value) + "}"
        else:
            raise TypeError(f"JSON-LD: cannot write the object {obj!r}")
        found = properties.get(key)
        if found is None:
            properties[key] = [value]
        else:
            found.append(value)
    predicates = {key for _, props in nodes for key in props}
    if "@type" in predicates:
        predicates.discard("@type")
        iris.add(RDF_TYPE_IRI)
    iris |= predicates
    by_namespace = {namespace for _, namespace in prefixes}
    present = {ns for ns in map(_namespace, iris | datatypes) if ns in by_namespace}
    schemes = {iri.split(":", 1)[0] for iri in iris}
    in_triples = {prefix: ns for prefix, ns in prefixes if ns in present}
    used = {prefix: ns for prefix, ns in in_triples.items() if prefix not in schemes}
    longest_first = sorted(used.items(), key=lambda p: -len(p[1]))
    compacted: dict[str, str] = {}

    def compact(iri: str) -> str:
        found = compacted.get(iri)
        if found is None:
            found = iri
            for prefix, namespace in longest_first:
                rest = iri[len(namespace) :]
                if iri.startswith(namespace) and rest and "/" not in rest and "#" not in rest:
                    found = f"{prefix}:{rest}"
                    break
            compacted[iri] = found
        return found

    names = {key: encode(compact(key)) for key in predicates}
    names["@type"] = '"@type"'
    sort_keys = {key: compact(key) for key in predicates}
    sort_keys["@type"] = "@type"
    out = ['{"@context":', json_text(dict(sorted(used.items()))).rstrip("\n"), ',"@graph":[']
    first = True
    for node_id, props in nodes:
        fields = []
        for key in sorted(props, key=sort_keys.__getitem__):
            values = []
            for value in props[key]:
                if isinstance(value, str):
                    values.append(value)
                elif key == "@type":
                    values.append(encode(compact(value[1])))
                else:
                    values.append('{"@value":' + value[0] + ',"@type":' + encode(compact(value[1])) + "}")
            fields.append(names[key] + ":[" + ",".join(values) + "]")
        out.append(
            ("{" if first else ",{") + '"@id":' + encode(node_id) + ("," if fields else "") + ",".join(fields) + "}"
        )
        first = False
    out.append("]}\n")
    return "".join(out).encode("utf-8"), in_triples, schemes
