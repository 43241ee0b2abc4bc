"""What the build needs of the data beyond the shapes, checked when the data are validated: so that what
`validate` passes, `build` publishes.

Stage: validate. Imports `escaping` and `urls`; pyoxigraph terms. Used by `validate` (the only caller).

The rules (each result is a violation, reported like a SHACL result; see `validate`):
- every IRI the site would publish (a subject under the base IRI) has a path the site can publish: no query or
  fragment, no characters that need percent-encoding, no empty, '.' or '..' segment, no segment reserved for the
  site's own files and pages, none that ends like a file name, none longer than a file name may be
  (`urls.path_problem`);
- the plans' own things (instances of the ontology's classes) have IRIs under the base IRI, or the site could
  not publish them;
- no text holds a control character, a lone surrogate or a non-character (`escaping.text_problem`): XML (the
  catalogue's RDF/XML, the sitemap) cannot carry most of them, and terminals and spreadsheets misread them.
These rules depend on the configuration (the base IRI, the site's static pages), so they are written here
rather than as SHACL shapes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from .escaping import text_problem
from .urls import UrlPolicy, site_first_segments

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# Rule names: the last segment of the shape IRI under the shapes namespace that results name as their source.
PUBLISHABLE_IRI = "PublishableIRIRule"
UNDER_BASE = "UnderBaseIRIRule"
PLAIN_TEXT = "PlainTextRule"


@dataclass(frozen=True)
class RuleResult:
    """One violation of a build rule: the rule, the node it is about, the property and value, and a message."""

    rule: str
    focus: ox.NamedNode | ox.BlankNode
    path: ox.NamedNode | None
    value: ox.NamedNode | ox.Literal | None
    message_en: str
    message_da: str


def check(
    triples: Iterable[ox.Triple], policy: UrlPolicy, reserved: frozenset[str] | set[str] | None = None
) -> list[RuleResult]:
    """Every violation of the build rules in the triples (the data, the triples derived from them, the ontology
    and the shapes: whatever the site publishes). `reserved`: first path segments of the site's own folders and
    pages (default `urls.site_first_segments()`)."""
    reserved = site_first_segments() if reserved is None else reserved
    results: list[RuleResult] = []
    checked: set[str] = set()
    own_classes: set[ox.NamedNode] = set()
    typed: list[ox.Triple] = []
    for t in triples:
        subject = t.subject
        if isinstance(subject, ox.NamedNode) and subject.value not in checked:
            checked.add(subject.value)
            if policy.is_local(subject.value):
                problem = policy.publish_problem(subject.value, reserved)
                if problem:
                    results.append(
                        RuleResult(
                            PUBLISHABLE_IRI,
                            subject,
                            None,
                            subject,
                            f"the site cannot publish this IRI: {problem}; give it another IRI",
                            f"webstedet kan ikke udgive denne IRI: {problem}; giv den en anden IRI",
                        )
                    )
        obj = t.object
        if isinstance(obj, ox.Literal):
            problem = text_problem(obj.value)
            if problem and isinstance(subject, ox.NamedNode | ox.BlankNode):
                results.append(
                    RuleResult(
                        PLAIN_TEXT,
                        subject,
                        t.predicate,
                        obj,
                        f"the text cannot be published: {problem}; remove it",
                        f"teksten kan ikke udgives: {problem}; fjern tegnet",
                    )
                )
        if t.predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
            if obj.value.startswith(policy.ontology_ns):
                own_classes.add(obj)
            typed.append(t)
    for t in typed:
        subject = t.subject
        if t.object in own_classes and isinstance(subject, ox.NamedNode) and not policy.is_local(subject.value):
            results.append(
                RuleResult(
                    UNDER_BASE,
                    subject,
                    RDF_TYPE,
                    t.object,  # type: ignore[arg-type]
                    f"this {policy.short(t.object.value)} is not under the base IRI {policy.base}, so the site cannot "  # type: ignore[union-attr]
                    "publish it; give it an IRI under the base (a relative IRI in the data)",
                    f"denne {policy.short(t.object.value)} ligger ikke under basis-IRI'en {policy.base}, så webstedet "  # type: ignore[union-attr]
                    "kan ikke udgive den; giv den en IRI under basis-IRI'en (en relativ IRI i data)",
                )
            )
    return results
