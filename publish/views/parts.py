"""What the view makers share: the site graph, the settings, the URI policy, the terms, and the makers of links,
the hierarchy, the shapes' display specification and the coverage tables.

Stage: query (view models). Imports `config`, `model`, `plans`, `query`, `urls` and `vocab`, and the other `views`
modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..config import Config
from ..model import vocabulary
from ..plans import CoverageMatrix
from ..query import SiteGraph
from ..urls import UrlPolicy
from ..vocab import PlanVocabulary
from .coverage import CoverageTables
from .hierarchy import Hierarchy
from .links import Links
from .shapes import ShapeSpecs


@dataclass(frozen=True)
class ViewParts:
    """The parts every view maker of one site graph uses (made once, shared, so their caches are shared too)."""

    graph: SiteGraph
    config: Config
    policy: UrlPolicy
    vocab: PlanVocabulary
    links: Links
    hierarchy: Hierarchy
    shapes: ShapeSpecs
    coverage: CoverageTables

    @classmethod
    def make(cls, graph: SiteGraph, config: Config, policy: UrlPolicy, matrices: Sequence[CoverageMatrix]) -> ViewParts:
        """The parts for a site graph."""
        vocab = vocabulary(policy)
        links = Links(graph, policy, vocab)
        return cls(
            graph,
            config,
            policy,
            vocab,
            links,
            Hierarchy(graph, vocab, links),
            ShapeSpecs(graph),
            CoverageTables(graph, vocab, links, matrices),
        )
