"""RDF terms: pyoxigraph's, as every stage holds them, and the one bridge to and from rdflib's.

Stage: shared (below every stage). Imports nothing from the package; pyoxigraph and rdflib.
planlod holds data as pyoxigraph terms (fast to parse, sort and serialise); rdflib is used only where its
ecosystem is needed (pySHACL, the shapes graph, the SHACL report). Every conversion between the two goes through
here, so a literal always crosses the same way: a plain string as an untyped literal, a language-tagged string
with its tag, any other literal with its datatype (rdflib then reads the typed value; `str()` gives rdflib's
normal lexical form back).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

# pyoxigraph terms; a Triple as a term is RDF-star, which planlod reads but never produces.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode | ox.Triple

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class TermError(ValueError):
    """A term that has no form on the other side (an RDF-star triple term, an rdflib variable)."""


def rdflib_literal(term: ox.Literal) -> Literal:
    """The rdflib form of a pyoxigraph literal (rdflib parses typed values and normalises their lexical form)."""
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def rdflib_term(term: Term) -> Node:
    """The rdflib form of a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        return rdflib_literal(term)
    raise TermError(f"RDF-star triple terms are not supported: {term}")


def ox_term(node: Node) -> Term:
    """The pyoxigraph form of an rdflib term, literals in rdflib's normal lexical form."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD_STRING)))
    raise TermError(f"unexpected term {node!r}")


class RdflibTerms:
    """rdflib forms of pyoxigraph terms, each converted once (the same nodes recur in many triples)."""

    def __init__(self) -> None:
        self.cache: dict[Term, Node] = {}

    def __call__(self, term: Term) -> Node:
        node = self.cache.get(term)
        if node is None:
            node = self.cache[term] = rdflib_term(term)
        return node


def rdflib_graph(triples: Iterable[ox.Triple], graph: Graph | None = None) -> Graph:
    """An rdflib graph holding the given pyoxigraph triples (added to `graph` when given)."""
    graph = Graph() if graph is None else graph
    convert = RdflibTerms()
    add = graph.add
    for t in triples:
        add((convert(t.subject), convert(t.predicate), convert(t.object)))
    return graph


# -- triples kept as N-Triples lines (what a build keeps for the next one to compare with) ----------------------
def nt_lines(triples: Iterable[ox.Triple]) -> set[bytes]:
    """The triples as distinct N-Triples lines."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    return set(text.splitlines()) - {b""}


def pack(lines: Iterable[bytes]) -> bytes:
    """Lines stored compressed, in a fixed order."""
    return zlib.compress(b"\n".join(sorted(lines)), 1)


def unpack(packed: bytes) -> set[bytes]:
    """Lines stored by `pack` (zlib.error when they are damaged)."""
    return set(zlib.decompress(packed).split(b"\n")) - {b""}


def parse_lines(lines: Iterable[bytes]) -> list[ox.Triple]:
    """The triples of N-Triples lines (SyntaxError when one is not N-Triples)."""
    text = b"\n".join(sorted(lines))
    return [q.triple for q in ox.parse(text + b"\n", format=ox.RdfFormat.N_TRIPLES)] if text else []
