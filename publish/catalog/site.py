"""What the catalogue states about the whole site, read once from the plans and the Config, and its texts.

Stage: catalog. Imports `config`, `errors`, `model`, `plans`, `rdfterms`, `urls` and `vocab`.
The texts (titles, descriptions, keywords) are made of the plans' own facts: title, municipality, date, counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from ..config import Config
from ..errors import BuildError
from ..model import vocabulary
from ..plans import AgentFacts, DataIndex, PlanFacts, agent_facts, all_plans, as_index
from ..rdfterms import Term
from ..urls import UrlPolicy
from ..vocab import PlanVocabulary

LANGUAGE_CODES = {"da": "DAN", "en": "ENG"}


@dataclass(frozen=True)
class SiteFacts:
    """What the catalogue states about the whole site, derived once from the data and the Config."""

    config: Config
    policy: UrlPolicy
    index: DataIndex
    vocab: PlanVocabulary
    plans: tuple[PlanFacts, ...]
    publisher: AgentFacts

    @cached_property
    def modified(self) -> str:
        """The latest xsd:date on the site's own resources (IRIs under the base, blank nodes)."""
        return self.index.latest_date(lambda s: isinstance(s, ox.BlankNode) or self.is_own(s))

    def is_own(self, subject: Term) -> bool:
        """Whether the subject is an IRI under the base (VoID's uriSpace)."""
        return isinstance(subject, ox.NamedNode) and subject.value.startswith(self.policy.base)

    @property
    def issued(self) -> str:
        """The earliest plan's first date."""
        starts = [p.start for p in self.plans if p.start]
        return min(starts) if starts else ""

    @property
    def municipalities(self) -> list[AgentFacts]:
        """The municipalities of the plans, in plan order, each once."""
        seen: dict[str, AgentFacts] = {}
        for plan in self.plans:
            seen.setdefault(plan.municipality.iri, plan.municipality)
        return list(seen.values())

    @property
    def languages(self) -> list[str]:
        """The language tags (da, en) of the plans' titles, in LANGUAGE_CODES order."""
        present = {lang for p in self.plans for lang, text in (("da", p.title_da), ("en", p.title_en)) if text}
        return [lang for lang in LANGUAGE_CODES if lang in present]

    @property
    def sources(self) -> list[str]:
        """The source documents of every plan, sorted."""
        return sorted({s for p in self.plans for s in p.sources})

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's IRI, or '' when none is configured."""
        return self.policy.endpoint(self.config.sparql_endpoint)


def site_facts(
    config: Config,
    policy: UrlPolicy,
    data: Iterable[ox.Triple] | DataIndex | SiteFacts,
    publisher: str | None = None,
) -> SiteFacts:
    """Read the plans and choose the site's publisher: `publisher`, else the `publisher` setting, else the one
    publisher of every plan. `data` may be the facts read already (a build reads them once for the catalogue and
    the schema.org block: reading every plan takes about a second at 1000 plans)."""
    if isinstance(data, SiteFacts):
        return data
    index = as_index(data)
    vocab = vocabulary(policy)
    plans = all_plans(index, vocab)
    publisher = policy.setting(publisher or config.publisher)
    if publisher:
        agent = agent_facts(index, vocab, ox.NamedNode(publisher))
    else:
        publishers = {p.publisher.iri: p.publisher for p in plans}
        if len(publishers) != 1:
            raise BuildError(
                "the plans have different publishers ("
                + ", ".join(sorted(publishers))
                + "); DCAT-AP allows one publisher per catalogue: set `publisher` in [tool.planlod] "
                "(or PLANLOD_PUBLISHER) to the IRI of the agent that publishes the site"
            )
        (agent,) = publishers.values()
    return SiteFacts(config, policy, index, vocab, tuple(plans), agent)


def plan_title(plan: PlanFacts, lang: str) -> str:
    """'Ambitioner og retning (Hedensted Kommune, 2020)': the plan's own title, whose it is and when."""
    title = (plan.title_da or plan.title_en) if lang == "da" else (plan.title_en or plan.title_da)
    who = plan.municipality.label_da if lang == "da" else plan.municipality.label_en
    when = f", {plan.year}" if plan.year else ""
    return f"{title} ({who}{when})"


def _count_phrase(areas: int, goals: int, points: int, links: int, lang: str) -> str:
    """ "11 focus areas, 11 headline goals, 45 focus points and 103 accepted links …" in a language."""
    if lang == "da":
        return (
            f"{areas} fokusområder, {goals} overordnede mål, {points} fokuspunkter og {links} accepterede koblinger "
            "til FN's verdensmål og delmål"
        )
    return (
        f"{areas} focus areas, {goals} headline goals, {points} focus points and {links} accepted links to the UN "
        "Sustainable Development Goals and targets"
    )


def _counts(plan: PlanFacts, lang: str) -> str:
    return _count_phrase(len(plan.areas), len(plan.goals), len(plan.initiatives), plan.accepted_links, lang)


def plan_description(plan: PlanFacts, lang: str) -> str:
    """A description made of the plan's own facts: title, municipality, date and counts."""
    if lang == "da":
        issued = f", udgivet {plan.issued}," if plan.issued else ""
        title = plan.title_da or plan.title_en
        return f"Planen »{title}« fra {plan.municipality.label_da}{issued} som linked open data: {_counts(plan, 'da')}."
    issued = f", issued {plan.issued}," if plan.issued else ""
    title = plan.title_en or plan.title_da
    return f"The plan “{title}” of {plan.municipality.label_en}{issued} as linked open data: {_counts(plan, 'en')}."


def _names(agents: Sequence[AgentFacts], lang: str) -> str:
    labels = [a.label_da if lang == "da" else a.label_en for a in agents]
    joiner = " og " if lang == "da" else " and "
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + joiner + labels[-1]


def site_title(site: SiteFacts, lang: str) -> str:
    """The title of the site's dataset."""
    if len(site.plans) == 1:
        suffix = " som linked open data" if lang == "da" else " as linked open data"
        return plan_title(site.plans[0], lang) + suffix
    who = _names(site.municipalities, lang)
    if lang == "da":
        return f"Politiske planer fra {who} som linked open data"
    return f"Political plans of {who} as linked open data"


def plans_description(plans: Sequence[PlanFacts], lang: str) -> str:
    """The description of a dataset of one plan (its own description) or of several (a summary of counts)."""
    if len(plans) == 1:
        return plan_description(plans[0], lang)
    who = _names(list({p.municipality.iri: p.municipality for p in plans}.values()), lang)
    areas, goals = sum(len(p.areas) for p in plans), sum(len(p.goals) for p in plans)
    points, links = sum(len(p.initiatives) for p in plans), sum(p.accepted_links for p in plans)
    counts = _count_phrase(areas, goals, points, links, lang)
    if lang == "da":
        return f"{len(plans)} politiske planer fra {who} som linked open data: i alt {counts}."
    return f"{len(plans)} political plans of {who} as linked open data: in all {counts}."


def site_description(site: SiteFacts, lang: str) -> str:
    """The description of the site's dataset."""
    return plans_description(site.plans, lang)


def catalogue_title(site: SiteFacts, lang: str) -> str:
    """The catalogue's title."""
    who = _names(site.municipalities, lang)
    if lang == "da":
        return f"Datakatalog: politiske planer fra {who} som linked open data"
    return f"Data catalogue: political plans of {who} as linked open data"


def catalogue_description(site: SiteFacts, lang: str) -> str:
    """The catalogue's description."""
    if lang == "da":
        return f"Katalog over de datasæt, som dette websted udgiver: {site_title(site, 'da')}."
    return f"Catalogue of the datasets this site publishes: {site_title(site, 'en')}."


# CKAN (ckanext-dcat) refuses tags with characters other than letters, digits, space, '-', '_' and '.'.
_TAG_FORBIDDEN = re.compile(r"[^\w .\-]+")


_AND = {"da": "og", "en": "and"}


def clean_keyword(text: str, lang: str) -> str:
    """A keyword CKAN accepts as a tag: '&' spelled out, other punctuation dropped, spaces collapsed."""
    text = text.replace("&", f" {_AND.get(lang, 'og')} ")
    text = _TAG_FORBIDDEN.sub(" ", text)
    return " ".join(text.split())[:100]


def keywords(plans: Sequence[PlanFacts]) -> list[ox.Literal]:
    """Keywords: the municipalities, what every plan is, and (for one plan) its focus areas; da and en, sorted."""
    found: set[tuple[str, str]] = {
        ("da", "politisk plan"),
        ("en", "political plan"),
        ("da", "verdensmål"),
        ("en", "Sustainable Development Goals"),
        ("en", "linked open data"),
    }
    for plan in plans:
        found |= {("da", plan.municipality.label_da), ("en", plan.municipality.label_en)}
        if len(plans) == 1:
            found |= {("da", a.label_da) for a in plan.areas} | {("en", a.label_en) for a in plan.areas}
    cleaned = {(lang, clean_keyword(text, lang)) for lang, text in found if text}
    return [ox.Literal(text, language=lang) for lang, text in sorted(cleaned) if len(text) >= 2]
