"""The plan's hierarchy as pages show it: plan › focus area › goal or focus point › link record, each element's
parent, its breadcrumbs, its ordered parts and the plan's source document.

Stage: query (view models). Imports `query`, `rdfterms`, `urls`, `vocab` and the `views` links and models.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..query import SiteGraph, pick
from ..rdfterms import Term
from ..urls import home_page, page, relative
from ..vocab import DCT_ISSUED, PROV_WAS_DERIVED_FROM, PlanVocabulary
from .links import Links
from .models import ChildView, LinkView


class Hierarchy:
    """Walks the plan's hierarchy up (parents) and down (ordered parts)."""

    def __init__(self, graph: SiteGraph, vocab: PlanVocabulary, links: Links) -> None:
        self.g = graph
        self.vocab = vocab
        self.links = links
        # What makes an element part of another: an SDG link record its element, a goal or focus point its area,
        # an area its plan, a correction what it corrects.
        self.parent_predicates = (vocab.linkSubject, vocab.area, vocab.inPlan, vocab.corrects)
        self.part_predicates = (vocab.focusArea, vocab.initiative)

    def parent(self, entity: ox.NamedNode) -> ox.NamedNode | None:
        """The element the entity belongs to in the plan's hierarchy (plan › area › goal/focus point › link)."""
        for predicate in self.parent_predicates:
            value = self.g.value(entity, predicate)
            if isinstance(value, ox.NamedNode):
                return value
        return None

    def breadcrumbs(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[LinkView, ...]:
        """Home › plan › area › … › the entity's parent."""
        chain: list[ox.NamedNode] = []
        current = self.parent(entity)
        while current is not None and current not in chain and len(chain) < 10:
            chain.append(current)
            current = self.parent(current)
        home = LinkView("Forside" if lang == "da" else "Home", relative(from_dir, page(home_page(), lang)))
        return (home, *(self.links.link(n, from_dir, lang) for n in reversed(chain)))

    def plan_elements(self, entity: ox.NamedNode, lang: str, here: str) -> tuple[LinkView, ...]:
        """Links to the elements the entity belongs to, the plan first (at most five)."""
        chain: list[LinkView] = []
        current = self.parent(entity)
        while current is not None and len(chain) < 5:
            chain.append(self.links.link(current, here, lang))
            current = self.parent(current)
        return tuple(reversed(chain))

    def top(self, element: Term | None) -> Term | None:
        """The top of the element's hierarchy: its plan (or the element itself when it has no parent)."""
        while isinstance(element, ox.NamedNode) and self.parent(element) is not None:
            element = self.parent(element)
        return element

    def children(self, entity: ox.NamedNode, from_dir: str, lang: str, depth: int = 1) -> tuple[ChildView, ...]:
        """The ordered parts: a plan's focus areas (with their goals and focus points), an area's focus points."""
        parts: list[Term] = []
        for predicate in self.part_predicates:
            parts += self.g.objects(entity, predicate)
        views = []
        for part in parts:
            if not isinstance(part, ox.NamedNode):
                continue
            position = self.g.value(part, self.vocab.position)
            goal = self.g.value(part, self.vocab.headlineGoal)
            goal_texts = self.g.labels(goal) if isinstance(goal, ox.NamedNode) else {}
            link = self.links.link(part, from_dir, lang)
            views.append(
                ChildView(
                    int(position.value) if isinstance(position, ox.Literal) and position.value.isdigit() else 0,
                    link,
                    link.text,
                    link.lang,
                    self.links.badges(part, from_dir, lang),
                    pick(goal_texts, lang) if goal_texts else "",
                    lang if lang in goal_texts else "da",
                    self.children(part, from_dir, lang, depth - 1) if depth > 0 else (),
                )
            )
        views.sort(key=lambda c: (c.position, c.link.href))
        return tuple(views)

    def source(self, entity: ox.NamedNode, from_dir: str, lang: str) -> tuple[LinkView | None, str]:
        """The source document and date of the entity's plan (walking up the hierarchy)."""
        current: ox.NamedNode | None = entity
        seen = 0
        while current is not None and seen < 10:
            source = self.g.value(current, PROV_WAS_DERIVED_FROM)
            if isinstance(source, ox.NamedNode):
                issued = self.g.value(current, DCT_ISSUED)
                return self.links.link(source, from_dir, lang), issued.value if isinstance(issued, ox.Literal) else ""
            current = self.parent(current)
            seen += 1
        return None, ""
