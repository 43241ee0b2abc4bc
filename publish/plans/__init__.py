"""The plans read model: the plans as pages, exports and the catalogue read them, from one index of the data.

Stage: query. Imports `collector`, `errors`, `model`, `rdfterms`, `urls` and `vocab`; its modules: `index` (the
triples by subject and object), `facts` (plans, agents, focus areas, goals, focus points, link records and dates),
`links` (the SDG link records as rows, in the plans' order) and `coverage` (focus areas × the 17 goals).
Everything is read once per index (`DataIndex.memo`) and shared by the exports, the catalogue and the views.
"""

from .coverage import GOAL_NUMBERS, CoverageGoal, CoverageMatrix, coverage_goals, coverage_matrix
from .facts import (
    TITLES,
    AgentFacts,
    Area,
    PlanFacts,
    agent_facts,
    all_plans,
    area_parts,
    links_from,
    plan_areas,
    plan_facts,
)
from .index import DataIndex, as_index, is_date
from .links import LinkRow, SdgConcept, goal_notation, link_rows, notation_key, sdg_concept

__all__ = [
    "GOAL_NUMBERS",
    "TITLES",
    "AgentFacts",
    "Area",
    "CoverageGoal",
    "CoverageMatrix",
    "DataIndex",
    "LinkRow",
    "PlanFacts",
    "SdgConcept",
    "agent_facts",
    "all_plans",
    "area_parts",
    "as_index",
    "coverage_goals",
    "coverage_matrix",
    "goal_notation",
    "is_date",
    "link_rows",
    "links_from",
    "notation_key",
    "plan_areas",
    "plan_facts",
    "sdg_concept",
]
