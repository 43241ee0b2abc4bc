"""The data files' text: Turtle in the project's style, and edits that change only the statements that changed.

Stage: sheet (turtle). Imports `rdfterms` (the bridge to rdflib), `urls`, `vocab` and `sheet.index`; pyoxigraph
parses what it writes, rdflib compares the graphs.
A new file gets a comment line, the data files' prefixes (`FILE_PREFIXES`, the ontology's relative to the base)
and one block per subject (`a` first, then the
properties, several objects on one line, long lists one per line), relative IRIs. An existing file is edited in
place: a removed subject's block is cut, a new subject's block goes after its nearest sibling, and in a changed
block only the statements of the properties whose values changed are rewritten; every other byte stays. The
result is parsed and compared with the intended triples; when they differ (a file laid out in a way the editor
does not follow), the file is written whole instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib.compare import isomorphic

from ..rdfterms import rdflib_graph
from ..urls import UrlPolicy
from ..vocab import RDF_TYPE, SDG_NS, XSD_STRING
from .index import natural_key, term_sort_key

# The prefixes a new data file declares, in the order the project's data files declare them.
FILE_PREFIXES = ("plo", "rdfs", "xsd", "skos", "dct", "prov", "org", "foaf", "schema", "cv", "sdg", "spdx", "dcat")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Style:
    """How terms are written in one file: its prefixes (resolved), the base IRI."""

    base: str
    prefixes: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, text: str, policy: UrlPolicy) -> Style:
        """The style of an existing file (its own prefix declarations), or the project's for a new one."""
        declared = (
            [(m.group(1) or "", m.group(2)) for m in _PREFIX_LINE.finditer(text)] if text else file_prefixes(policy)
        )
        resolved = tuple((p, ns if "://" in ns else policy.iri(ns)) for p, ns in declared)
        return cls(policy.base, resolved)

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, blank: dict[ox.BlankNode, str]) -> str:
        if isinstance(term, ox.NamedNode):
            value = term.value
            for prefix, namespace in self.prefixes:
                local = value[len(namespace) :]
                if (value.startswith(namespace) and local and _PN_LOCAL.fullmatch(local) and namespace != SDG_NS) or (
                    value.startswith(namespace) and namespace == SDG_NS and re.fullmatch(r"[0-9]+(\.[0-9a-z]+)?", local)
                ):
                    return f"{prefix}:{local}"
            if value.startswith(self.base) and "#" not in value[len(self.base) :]:
                return f"<{value[len(self.base) :]}>"
            return f"<{value}>"
        if isinstance(term, ox.BlankNode):
            return blank.get(term, "[]")
        text = _escape(term.value)
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype == XSD_STRING:
            return f'"{text}"'
        return f'"{text}"^^{self.term(term.datatype, blank)}'


def file_prefixes(policy: UrlPolicy) -> list[tuple[str, str]]:
    """The prefixes of a new data file: the ontology's namespace relative to the base, the others whole."""
    known = dict(policy.prefixes())
    return [(p, policy.path(known[p]) if policy.is_local(known[p]) else known[p]) for p in FILE_PREFIXES]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def statement(
    style: Style,
    predicate: ox.NamedNode,
    objects: list[ox.NamedNode | ox.BlankNode | ox.Literal],
    nested: dict[ox.BlankNode, list[ox.Triple]],
    indent: str = "    ",
    one_per_line: bool | None = None,
) -> str:
    """One `predicate objects` statement (without its closing ' ;' or ' .')."""
    name = "a" if predicate == RDF_TYPE else style.term(predicate, {})
    rendered = []
    for obj in sorted(objects, key=term_sort_key):
        if isinstance(obj, ox.BlankNode):
            inner = nested.get(obj, [])
            lines = [
                statement(style, p, [t.object for t in inner if t.predicate == p], nested, indent + "    ")  # type: ignore[misc]
                for p in _predicates(inner)
            ]
            rendered.append("[\n" + " ;\n".join(indent + "    " + line.strip() for line in lines) + "\n" + indent + "]")
        else:
            rendered.append(style.term(obj, {}))
    iris = [r for r, o in zip(rendered, objects, strict=False) if isinstance(o, ox.NamedNode)]
    if one_per_line is None:
        one_per_line = len(rendered) > 4 and len(iris) == len(rendered)
    if one_per_line and len(rendered) > 1:
        return indent + name + "\n" + ",\n".join(indent + "    " + r for r in rendered)
    return indent + name + " " + ", ".join(rendered)


def _predicates(triples: Iterable[ox.Triple]) -> list[ox.NamedNode]:
    seen: dict[str, ox.NamedNode] = {}
    for t in triples:
        seen.setdefault(t.predicate.value, t.predicate)
    return [seen[k] for k in sorted(seen, key=lambda p: (p != RDF_TYPE.value, p))]


def block(
    style: Style, subject: ox.NamedNode, triples: list[ox.Triple], nested: dict[ox.BlankNode, list[ox.Triple]]
) -> str:
    """A subject's whole block."""
    lines = [
        statement(style, p, [t.object for t in triples if t.predicate == p], nested)  # type: ignore[misc]
        for p in _predicates(triples)
    ]
    return style.term(subject, {}) + "\n" + " ;\n".join(lines) + " .\n"


def _split(
    triples: Iterable[ox.Triple],
) -> tuple[dict[ox.NamedNode, list[ox.Triple]], dict[ox.BlankNode, list[ox.Triple]]]:
    subjects: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
    nested: dict[ox.BlankNode, list[ox.Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            nested[t.subject].append(t)
        elif isinstance(t.subject, ox.NamedNode):
            subjects[t.subject].append(t)
    return subjects, nested


def new_file(comment: str, triples: list[ox.Triple], policy: UrlPolicy, order: dict[str, int]) -> str:
    """A whole file: the comment, the prefixes and the subjects' blocks in the given order (then naturally)."""
    style = Style.of("", policy)
    subjects, nested = _split(triples)
    head = "".join(f"# {line}\n".replace("# \n", "#\n") for line in comment.splitlines())
    prefixes = "".join(f"@prefix {p + ':':<8}<{ns}> .\n" for p, ns in file_prefixes(policy))
    ordered = sorted(subjects, key=lambda s: (order.get(s.value, 10**6), natural_key(s.value)))
    return head + "\n" + prefixes + "".join("\n" + block(style, s, subjects[s], nested) for s in ordered)


# -- editing an existing file -------------------------------------------------------------------------------
@dataclass
class Block:
    """One subject's block in a file: where it starts and ends, and its statements' spans."""

    subject: str
    start: int
    end: int
    statements: list[tuple[str, int, int]]  # (predicate text, start, end) within the file


def _tokens(text: str, start: int) -> Iterable[tuple[str, int, int]]:
    """Top-level punctuation (';', '.', ',') of Turtle from `start`, skipping strings, IRIs, comments, brackets."""
    i, depth, n = start, 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if c == "<":
            i = text.find(">", i) + 1
            continue
        if c == '"':
            if text.startswith('"""', i):
                i = text.find('"""', i + 3) + 3
                continue
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if c in "[(":
            depth += 1
        elif c in "])":
            depth -= 1
        elif depth == 0 and c in ";.":
            if c == "." and i + 1 < n and not text[i + 1].isspace():
                i += 1
                continue
            yield c, i, i + 1
        i += 1


def blocks(text: str) -> list[Block]:
    """The subject blocks of a file laid out one statement group per subject."""
    found: list[Block] = []
    for match in re.finditer(r"^(<[^>\n]*>|[A-Za-z][\w-]*:[^\s]*)\s*$", text, re.MULTILINE):
        if found and match.start() < found[-1].end:
            continue
        subject = match.group(1)
        position = match.end()
        statements: list[tuple[str, int, int]] = []
        statement_start = position
        for punct, at, after in _tokens(text, position):
            part = text[statement_start:at]
            predicate = part.strip().split(None, 1)[0] if part.strip() else ""
            statements.append((predicate, statement_start, at))
            statement_start = after
            if punct == ".":
                end = after
                if end < len(text) and text[end] == "\n":
                    end += 1
                found.append(Block(subject, match.start(), end, statements))
                break
    return found


def edit_file(old_text: str, old: list[ox.Triple], new: list[ox.Triple], policy: UrlPolicy) -> str:
    """The file's text with only what changed between `old` and `new` rewritten (see the module docstring)."""
    style = Style.of(old_text, policy)
    old_subjects, old_nested = _split(old)
    new_subjects, new_nested = _split(new)
    found = blocks(old_text)
    by_subject = {b.subject: b for b in found}

    def written(subject: ox.NamedNode) -> str:
        return style.term(subject, {})

    edits: list[tuple[int, int, str]] = []
    for subject in set(old_subjects) | set(new_subjects):
        before = old_subjects.get(subject, [])
        after = new_subjects.get(subject, [])
        if _same_description(before, after, old_nested, new_nested):
            continue
        current = by_subject.get(written(subject))
        if current is None and before:
            raise _Relayout()
        if not after:
            assert current is not None
            start = current.start
            # The blank line before a removed block goes with it.
            if start >= 2 and old_text[start - 2 : start] == "\n\n":
                start -= 1
            edits.append((start, current.end, ""))
        elif current is None:
            anchor = _anchor(written(subject), found)
            text = "\n" + block(style, subject, after, new_nested)
            if anchor is None:
                edits.append((len(old_text), len(old_text), text))
            else:
                edits.append((anchor.end, anchor.end, text))
        else:
            edits.extend(_statement_edits(style, old_text, current, before, after, old_nested, new_nested))
    text = old_text
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


class _Relayout(Exception):
    """The file is not laid out as the editor expects."""


def _same_description(
    a: list[ox.Triple],
    b: list[ox.Triple],
    an: dict[ox.BlankNode, list[ox.Triple]],
    bn: dict[ox.BlankNode, list[ox.Triple]],
) -> bool:
    return {_key(t, an) for t in a} == {_key(t, bn) for t in b}


def _key(t: ox.Triple, nested: dict[ox.BlankNode, list[ox.Triple]]) -> tuple[str, str]:
    obj = t.object
    if isinstance(obj, ox.BlankNode):
        return (
            t.predicate.value,
            "[" + " ".join(sorted(f"{x.predicate} {x.object}" for x in nested.get(obj, []))) + "]",
        )
    return (t.predicate.value, str(obj))


def _anchor(target: str, found: list[Block]) -> Block | None:
    """The block a new subject's block goes after: the last one sharing the longest start of the path."""
    target = target.strip("<>")
    best: Block | None = None
    best_score = -1
    for candidate in found:
        path = candidate.subject.strip("<>")
        score = 0
        for x, y in zip(path.split("/"), target.split("/"), strict=False):
            if x != y:
                break
            score += 1
        if score > best_score or (score == best_score and natural_key(path) <= natural_key(target)):
            best, best_score = candidate, score
    return best


def _statement_edits(
    style: Style,
    text: str,
    current: Block,
    before: list[ox.Triple],
    after: list[ox.Triple],
    old_nested: dict[ox.BlankNode, list[ox.Triple]],
    new_nested: dict[ox.BlankNode, list[ox.Triple]],
) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    old_by = defaultdict(list)
    new_by = defaultdict(list)
    for t in before:
        old_by[t.predicate.value].append(t)
    for t in after:
        new_by[t.predicate.value].append(t)
    spans = {}
    for predicate_text, start, end in current.statements:
        spans[predicate_text] = (start, end)
    names = {p: ("a" if p == RDF_TYPE.value else style.term(ox.NamedNode(p), {})) for p in set(old_by) | set(new_by)}
    if len(spans) != len(current.statements) or any(names[p] not in spans for p in old_by):
        raise _Relayout()
    last_kept_end = current.statements[-1][2]
    for predicate, triples in new_by.items():
        name = names[predicate]
        if predicate in old_by and _same_description(old_by[predicate], triples, old_nested, new_nested):
            continue
        objects = [t.object for t in triples]
        if name in spans:
            start, end = spans[name]
            old_statement = text[start:end]
            one_per_line = "\n" in old_statement.strip()
            rendered = statement(style, ox.NamedNode(predicate), objects, new_nested, one_per_line=one_per_line)  # type: ignore[arg-type]
            lead = old_statement[: len(old_statement) - len(old_statement.lstrip())]
            trail = old_statement[len(old_statement.rstrip()) :]
            edits.append((start, end, lead + rendered.lstrip() + trail))
        else:
            rendered = statement(style, ox.NamedNode(predicate), objects, new_nested)  # type: ignore[arg-type]
            edits.append((last_kept_end, last_kept_end, " ;\n" + rendered))
    for predicate in old_by:
        if predicate not in new_by:
            start, end = spans[names[predicate]]
            # Cut the statement with the separator before it (or after it, for the first one).
            index = [s[0] for s in current.statements].index(names[predicate])
            if index > 0:
                previous_end = current.statements[index - 1][2]
                edits.append((previous_end, end, ""))
            else:
                following = current.statements[1][1] if len(current.statements) > 1 else end
                edits.append((start, following, "\n"))
    return edits


def file_text(
    old_text: str | None,
    old: list[ox.Triple],
    new: list[ox.Triple],
    policy: UrlPolicy,
    comment: str,
    order: dict[str, int],
) -> str:
    """The text to write: an edit of the old text when that reads back to `new`, else a whole new file."""
    if old_text is not None:
        try:
            edited = edit_file(old_text, old, new, policy)
        except _Relayout:
            edited = None
        if edited is not None and _reads_as(edited, new, policy):
            return edited
        kept = "".join(line + "\n" for line in old_text.splitlines() if line.startswith("#"))
        comment = "\n".join(line[1:].lstrip() for line in kept.splitlines()[:20] if line.strip("# ")) or comment
    return new_file(comment, new, policy, order)


def _reads_as(text: str, triples: list[ox.Triple], policy: UrlPolicy) -> bool:
    try:
        parsed = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.TURTLE, base_iri=policy.base)
        ]
    except SyntaxError:
        return False
    return isomorphic(rdflib_graph(parsed), rdflib_graph(triples))
