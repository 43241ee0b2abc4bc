"""Generate a synthetic national corpus of municipal plans as a planlod project folder.

    python bench/corpus.py --plans 1000 --seed 1 --out bench/out/corpus-1000-1

Everything it writes is synthetic test data ("syntetisk testdata"): municipalities are named "Syntetisk Kommune 001"
… with municipality codes 9001 and up (no Danish municipality uses a code above 0860), parties are "Syntetisk
Parti A" …, mayors "Syntetisk Borgmester 001-1" …, and every plan, municipality and source text says so. It never
writes into the repository's own `data/`.

The data follow the structure of the real plan in `data/` (Hedensted, "Ambitioner og retning"): relative IRIs, the
same classes and properties, Danish originals with English translations marked `plo:translatedBy`, focus areas
as a concept scheme per plan, headline goals, focus points with positions, text corrections beside the original,
SDG link records with rationale (da, en), method, status, provenance, and a source document per plan whose
SHA-256 is the checksum of the generated text file in `data/kilder/`. Several plans per municipality: editions of
one plan (same title, later years) follow each other with `plo:follows` and `dct:isVersionOf`; the catalogue
groups them into a `dcat:DatasetSeries`.

IRIs (relative, under the configured base):
    kommune/{k}                                    municipality (k = syntetisk-kommune-001)
    kommune/{k}/flertalsgruppe-{år}-{partier}      majority group of a council term, …/medlem/{parti}
    parti/syntetisk-parti-a                        party
    person/syntetisk-borgmester-001-1              mayor
    plan/{k}/{plan-slug}-{år}                      plan, …/omraader (scheme), …/omraade/{område}[/maal|/indsats/{n}]
    …/sdg/{kode}                                   SDG link record of a plan element
    …/indsats/{n}/rettelse                         text correction
    kilde/{k}/{plan-slug}-{år}                     source document, …/{plan-slug}-{år}.txt its text

Deterministic: the same --plans and --seed give byte-identical files (no clock, no set or hash order; every
random choice comes from a `random.Random` seeded from (seed, municipality, plan)). A municipality's plans depend
only on the seed, the municipality's number and how many plans it gets.

Layout of the project folder:
    data/organisationer.ttl                        parties and agents (national)
    data/kommuner/{k}/organisationer.ttl           municipality, mayors, majority groups, memberships
    data/kommuner/{k}/{plan-slug}-{år}.ttl         plan, source document, scheme, areas, goals, focus points
    data/kommuner/{k}/{plan-slug}-{år}-sdg-koblinger.ttl   the plan's SDG link records
    data/kilder/{k}/{plan-slug}-{år}.txt           the plan's text
    ontology/ shapes/ site/ pyproject.toml         copied from the repository
    corpus.json                                    what was generated (counts, files)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from publish.urls import slugify  # noqa: E402  (the URI policy's own slugs, so paths match the site's)

MARKER = ".planlod-bench-corpus"
SITE_PUBLISHER = "agent/planlod"  # the site publisher named in the corpus's pyproject.toml
COPIED = ("ontology", "shapes", "site", "pyproject.toml")
MAX_MUNICIPALITIES = 98
PLANS_PER_MUNICIPALITY = 10
FIRST_CODE = 9001
SDG_KOS = REPO / "ontology" / "reference" / "un-sdg-kos.ttl"
SDG = "http://metadata.un.org/sdg/"
LANGUAGE_DA = "<http://id.loc.gov/vocabulary/iso639-1/da>"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
# Council terms (kommunalvalg in November 2009, 2013, 2017, 2021): a plan of year y belongs to the term it falls in.
TERMS = (2010, 2014, 2018, 2022)
YEARS = tuple(range(2010, 2026))
MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

# Shape of a plan: areas 6–14 and focus points 3–6 per area, weighted towards the smaller plans so that a plan
# has about 67 entities (structure, SDG links and its share of the municipality's organisations).
AREA_COUNTS = (6, 7, 8, 9, 10, 11, 12, 13, 14)
AREA_WEIGHTS = (40, 24, 12, 8, 6, 4, 3, 2, 1)
POINT_COUNTS = (3, 4, 5, 6)
POINT_WEIGHTS = (38, 34, 18, 10)
GOAL_LINK_SHARE = 0.2  # headline goals with a link to an SDG target
POINT_LINK_SHARE = 0.12  # focus points with a link to an SDG target
SUGGESTED_SHARE = 0.3  # links to targets that were suggested by a machine (with a confidence)
TYPO_SHARE = 0.04  # focus points published with a typo, corrected by a plo:TextCorrection

PREFIXES = """@prefix plo:    <ontologi/> .
@prefix rdf:    <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix schema: <https://schema.org/> .
@prefix sdg:    <http://metadata.un.org/sdg/> .
@prefix spdx:   <http://spdx.org/rdf/terms#> .
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
"""

SYNTHETIC_NOTE = (
    "# SYNTETISK TESTDATA, generated by bench/corpus.py for planlod's benchmark: not a real plan, municipality,\n"
    "# party or person. Danish texts (@da) are the synthetic originals; English texts (@en) are their\n"
    "# translations, marked as the planlod project's (plo:translatedBy) as in the real data.\n"
)

# ------------------------------------------------------------------------------------------- word lists
# Plan titles (da, en). Editions of one plan share the title; the year tells them apart.
PLAN_TITLES = (
    ("Kommuneplanstrategi", "Municipal planning strategy"),
    ("Klimahandleplan", "Climate action plan"),
    ("Sundhedspolitik", "Health policy"),
    ("Børne- og ungepolitik", "Children and youth policy"),
    ("Erhvervsstrategi", "Business strategy"),
    ("Landdistriktspolitik", "Rural policy"),
    ("Kultur- og fritidspolitik", "Culture and leisure policy"),
    ("Ældrepolitik", "Policy for older people"),
    ("Beskæftigelsesplan", "Employment plan"),
    ("Bæredygtighedsstrategi", "Sustainability strategy"),
    ("Handicappolitik", "Disability policy"),
    ("Vision og retning", "Vision and direction"),
    ("Politisk aftale for byrådsperioden", "Political agreement for the council term"),
    ("Naturpolitik", "Nature policy"),
    ("Boligpolitik", "Housing policy"),
    ("Digitaliseringsstrategi", "Digitalisation strategy"),
    ("Uddannelsesstrategi", "Education strategy"),
    ("Trafik- og mobilitetsplan", "Transport and mobility plan"),
)


@dataclass(frozen=True)
class AreaKind:
    """A policy area a plan may have: its names, the SDG goals it serves, and what its focus points are about."""

    da: str
    en: str
    goals: tuple[str, ...]
    topics: tuple[tuple[str, str, tuple[str, ...]], ...]


AREAS = (
    AreaKind(
        "Sundhed",
        "Health",
        ("3",),
        (
            (
                "forebyggelsen af rygning, snus og alkohol blandt unge",
                "the prevention of smoking, snus and alcohol among young people",
                ("3.5", "3.a"),
            ),
            (
                "genoptræningen tættere på borgerens hverdag",
                "rehabilitation closer to the citizen's everyday life",
                ("3.8",),
            ),
            ("den mentale sundhed hos børn og unge", "the mental health of children and young people", ("3.4",)),
            (
                "samarbejdet med de praktiserende læger og hospitalerne",
                "the cooperation with general practitioners and the hospitals",
                ("3.8",),
            ),
            ("oplysningen om kost, motion og søvn", "information about diet, exercise and sleep", ("3.4",)),
        ),
    ),
    AreaKind(
        "Erhvervsliv",
        "Business",
        ("8", "9"),
        (
            (
                "rammerne for iværksættere og mindre virksomheder",
                "the conditions for entrepreneurs and small businesses",
                ("8.3",),
            ),
            ("udbuddet af erhvervsjord langs motorvejen", "the supply of business land along the motorway", ("9.1",)),
            (
                "samarbejdet mellem virksomheder og uddannelsesinstitutioner",
                "the cooperation between businesses and educational institutions",
                ("4.4",),
            ),
            ("den grønne omstilling i de lokale virksomheder", "the green transition in local businesses", ("9.4",)),
            ("adgangen til kvalificeret arbejdskraft", "access to qualified labour", ("4.4", "8.5")),
        ),
    ),
    AreaKind(
        "Landdistrikts- og byudvikling",
        "Rural and urban development",
        ("11",),
        (
            (
                "udviklingen af landsbyerne og de mindre bysamfund",
                "the development of the villages and smaller towns",
                ("11.a",),
            ),
            (
                "bymidterne som mødesteder med liv og handel",
                "the town centres as meeting places with life and trade",
                ("11.7",),
            ),
            ("den kollektive trafik mellem byerne", "public transport between the towns", ("11.2",)),
            (
                "nedrivningen af faldefærdige huse i landdistrikterne",
                "the demolition of derelict houses in rural areas",
                ("11.1",),
            ),
            ("de grønne områder og stierne i byerne", "the green spaces and paths in the towns", ("11.7",)),
        ),
    ),
    AreaKind(
        "Kultur, foreningsliv og fællesskaber",
        "Culture, associations and communities",
        ("11", "4"),
        (
            ("de frivillige foreningers vilkår", "the conditions of the voluntary associations", ("17.17",)),
            (
                "adgangen til kulturtilbud for børn og unge",
                "access to cultural activities for children and young people",
                ("4.7",),
            ),
            ("bibliotekerne som lokale kulturhuse", "the libraries as local cultural centres", ("16.10",)),
            ("de lokale idrætsfaciliteter og haller", "the local sports facilities and halls", ("11.7", "3.4")),
            ("kulturarven og de historiske miljøer", "the cultural heritage and the historic surroundings", ("11.4",)),
        ),
    ),
    AreaKind(
        "Skoler og dagtilbud",
        "Schools and day care",
        ("4",),
        (
            ("normeringerne i vuggestuer og børnehaver", "staffing levels in nurseries and kindergartens", ("4.2",)),
            (
                "trivslen og fagligheden i folkeskolen",
                "well-being and academic standards in the public school",
                ("4.1",),
            ),
            ("dagplejen i de mindre lokalsamfund", "family day care in the smaller local communities", ("4.2",)),
            ("inklusionen af børn med særlige behov", "the inclusion of children with special needs", ("4.5",)),
            ("samarbejdet mellem skole og forældre", "the cooperation between school and parents", ("4.1",)),
        ),
    ),
    AreaKind(
        "Klima & Miljø",
        "Climate & Environment",
        ("13", "7", "12"),
        (
            (
                "udledningen af drivhusgasser fra kommunens egne bygninger",
                "greenhouse gas emissions from the municipality's own buildings",
                ("7.3", "13.2"),
            ),
            (
                "klimatilpasningen mod skybrud og oversvømmelser",
                "climate adaptation against cloudbursts and flooding",
                ("13.1",),
            ),
            ("omstillingen til vedvarende energi", "the transition to renewable energy", ("7.2",)),
            ("genanvendelsen af affald fra husholdningerne", "the recycling of household waste", ("12.5",)),
            (
                "rådgivningen af borgere og virksomheder om energibesparelser",
                "advice to citizens and businesses on energy savings",
                ("7.3", "13.3"),
            ),
        ),
    ),
    AreaKind(
        "Ældreområdet",
        "Care for older people",
        ("3", "10"),
        (
            ("hjemmeplejen med faste og kendte medarbejdere", "home care with permanent and familiar staff", ("3.8",)),
            ("plejehjemmene som gode steder at bo", "the care homes as good places to live", ("3.8",)),
            ("indsatsen mod ensomhed blandt ældre", "the effort against loneliness among older people", ("3.4",)),
            ("de pårørendes mulighed for aflastning", "relatives' access to respite care", ("5.4",)),
            ("velfærdsteknologien i hjemmet", "welfare technology in the home", ("3.8",)),
        ),
    ),
    AreaKind(
        "Det sociale område",
        "Social services",
        ("10", "1"),
        (
            ("den tidlige indsats for udsatte familier", "early support for vulnerable families", ("1.3",)),
            (
                "botilbuddene for borgere med handicap",
                "residential services for citizens with disabilities",
                ("10.2", "11.1"),
            ),
            ("indsatsen mod hjemløshed", "the effort against homelessness", ("11.1",)),
            ("sagsbehandlingen med borgeren i centrum", "case handling with the citizen at the centre", ("16.6",)),
            ("hjælpen til borgere med psykiske lidelser", "help for citizens with mental illness", ("3.4",)),
        ),
    ),
    AreaKind(
        "Beskæftigelse",
        "Employment",
        ("8",),
        (
            ("vejen fra ledighed til job", "the way from unemployment to work", ("8.5",)),
            (
                "samarbejdet med virksomhederne om praktikpladser",
                "the cooperation with businesses on work placements",
                ("8.6",),
            ),
            ("opkvalificeringen af ufaglærte", "the upskilling of unskilled workers", ("4.4",)),
            (
                "indsatsen for unge uden uddannelse og job",
                "the effort for young people without education or work",
                ("8.6",),
            ),
            ("fleksjob og job på særlige vilkår", "flexi-jobs and jobs on special terms", ("8.5",)),
        ),
    ),
    AreaKind(
        "Uddannelse",
        "Education",
        ("4",),
        (
            (
                "andelen af unge, der gennemfører en ungdomsuddannelse",
                "the share of young people who complete an upper secondary education",
                ("4.1",),
            ),
            ("erhvervsuddannelsernes synlighed", "the visibility of vocational education", ("4.3",)),
            ("vejledningen af unge i udskolingen", "guidance for young people in the final school years", ("4.4",)),
            ("de lokale uddannelsestilbud", "the local education options", ("4.3",)),
            ("voksen- og efteruddannelsen", "adult and continuing education", ("4.3", "4.4")),
        ),
    ),
    AreaKind(
        "Børn, unge og familie",
        "Children, young people and family",
        ("4", "3", "16"),
        (
            (
                "forebyggelsen af mistrivsel blandt børn og unge",
                "the prevention of poor well-being among children and young people",
                ("3.4",),
            ),
            ("støtten til familier med små børn", "support for families with young children", ("4.2", "1.3")),
            ("fritidstilbuddene for unge", "leisure activities for young people", ("11.7",)),
            ("indsatsen mod mobning online og i skolen", "the effort against bullying online and at school", ("4.a",)),
            ("børns mulighed for at blive hørt", "children's opportunity to be heard", ("16.7",)),
        ),
    ),
    AreaKind(
        "Natur og biodiversitet",
        "Nature and biodiversity",
        ("15", "14"),
        (
            (
                "de vilde blomsterenge i kommunens rabatter",
                "the wildflower meadows on the municipality's verges",
                ("15.5",),
            ),
            ("beskyttelsen af skove, moser og vandløb", "the protection of forests, bogs and streams", ("15.1",)),
            ("adgangen til naturen for alle", "access to nature for everyone", ("11.7",)),
            (
                "naturplejen i samarbejde med lodsejerne",
                "nature management in cooperation with the landowners",
                ("15.1", "15.5"),
            ),
            ("indsatsen mod invasive arter", "the effort against invasive species", ("15.8",)),
        ),
    ),
    AreaKind(
        "Vand og kyster",
        "Water and coasts",
        ("6", "14"),
        (
            ("kvaliteten af drikkevandet", "the quality of the drinking water", ("6.1",)),
            ("beskyttelsen af kysterne mod erosion", "the protection of the coasts against erosion", ("14.2",)),
            ("rensningen af spildevand", "the treatment of waste water", ("6.3",)),
            ("vandmiljøet i fjorde og søer", "the water environment in the fjords and lakes", ("6.6", "14.1")),
            ("badevandet ved strandene", "the bathing water at the beaches", ("14.1",)),
        ),
    ),
    AreaKind(
        "Trafik og mobilitet",
        "Transport and mobility",
        ("11", "9", "3"),
        (
            ("trafiksikkerheden omkring skolerne", "road safety around the schools", ("3.6",)),
            ("cykelstierne mellem byerne", "the cycle paths between the towns", ("11.2",)),
            ("busforbindelserne i landdistrikterne", "the bus connections in rural areas", ("11.2",)),
            ("ladestanderne til elbiler", "the charging points for electric cars", ("9.4",)),
            ("vedligeholdelsen af veje og broer", "the maintenance of roads and bridges", ("9.1",)),
        ),
    ),
    AreaKind(
        "Energi",
        "Energy",
        ("7",),
        (
            ("udbygningen af fjernvarmen", "the expansion of district heating", ("7.3",)),
            ("solcellerne på kommunens tage", "the solar panels on the municipality's roofs", ("7.2",)),
            (
                "energirenoveringen af de offentlige bygninger",
                "the energy renovation of the public buildings",
                ("7.3",),
            ),
            (
                "planlægningen af nye vindmøller i dialog med naboerne",
                "the planning of new wind turbines in dialogue with the neighbours",
                ("7.2",),
            ),
            ("biogas fra landbrugets restprodukter", "biogas from agricultural residues", ("7.2",)),
        ),
    ),
    AreaKind(
        "Boliger",
        "Housing",
        ("11",),
        (
            (
                "udbuddet af billige boliger til unge og studerende",
                "the supply of affordable housing for young people and students",
                ("11.1",),
            ),
            ("de almene boligområder", "the social housing areas", ("11.1",)),
            ("nye boligformer for seniorer", "new forms of housing for older people", ("11.3",)),
            ("byggemodningen af nye grunde", "the development of new building plots", ("11.3",)),
            ("blandede boligområder med plads til alle", "mixed residential areas with room for everyone", ("10.2",)),
        ),
    ),
    AreaKind(
        "Digitalisering",
        "Digitalisation",
        ("9", "16"),
        (
            (
                "bredbåndet og mobildækningen i hele kommunen",
                "broadband and mobile coverage throughout the municipality",
                ("9.1",),
            ),
            ("de digitale selvbetjeningsløsninger", "the digital self-service solutions", ("16.6",)),
            ("hjælpen til borgere, der ikke er digitale", "help for citizens who are not digital", ("10.2",)),
            ("datasikkerheden i kommunens systemer", "data security in the municipality's systems", ("16.6",)),
            ("brugen af åbne data", "the use of open data", ("16.10",)),
        ),
    ),
    AreaKind(
        "Demokrati og borgerinddragelse",
        "Democracy and citizen participation",
        ("16",),
        (
            ("inddragelsen af borgerne tidligt i beslutningerne", "involving citizens early in decisions", ("16.7",)),
            ("lokalrådenes rolle", "the role of the local councils", ("16.7",)),
            ("ungdomsrådets indflydelse", "the influence of the youth council", ("16.7",)),
            ("åbenheden om byrådets arbejde", "openness about the city council's work", ("16.10",)),
            ("valgdeltagelsen blandt unge", "voter turnout among young people", ("16.7",)),
        ),
    ),
    AreaKind(
        "Ligestilling og inklusion",
        "Equality and inclusion",
        ("5", "10"),
        (
            ("ligelønnen i kommunens egne stillinger", "equal pay in the municipality's own posts", ("8.5",)),
            ("integrationen af nye borgere", "the integration of new citizens", ("10.2",)),
            ("tilgængeligheden for borgere med handicap", "accessibility for citizens with disabilities", ("11.7",)),
            ("indsatsen mod vold i nære relationer", "the effort against domestic violence", ("5.2",)),
            ("mangfoldigheden i ledelsen", "diversity in management", ("5.5",)),
        ),
    ),
    AreaKind(
        "Fødevarer og landbrug",
        "Food and agriculture",
        ("2", "12"),
        (
            (
                "andelen af økologiske råvarer i de offentlige køkkener",
                "the share of organic produce in the public kitchens",
                ("12.7", "2.4"),
            ),
            ("madspildet i institutionerne", "food waste in the institutions", ("12.3",)),
            ("samarbejdet med de lokale fødevareproducenter", "the cooperation with local food producers", ("2.3",)),
            ("jordbrugets omstilling til mindre udledning", "farming's transition to lower emissions", ("2.4",)),
            ("skolemaden", "school meals", ("2.1",)),
        ),
    ),
    AreaKind(
        "Affald og genanvendelse",
        "Waste and recycling",
        ("12",),
        (
            ("sorteringen af affald i ti fraktioner", "the sorting of waste into ten fractions", ("12.5",)),
            ("genbrugspladserne som steder for genbrug", "the recycling centres as places for re-use", ("12.5",)),
            (
                "brugen af genanvendte materialer i byggeriet",
                "the use of recycled materials in construction",
                ("12.2",),
            ),
            ("indkøbene med krav om bæredygtighed", "purchasing with sustainability requirements", ("12.7",)),
            ("affaldet fra kommunens egne arbejdspladser", "waste from the municipality's own workplaces", ("12.5",)),
        ),
    ),
    AreaKind(
        "Internationalt samarbejde",
        "International cooperation",
        ("17",),
        (
            ("venskabsbysamarbejdet", "the twin-town cooperation", ("17.17",)),
            ("deltagelsen i europæiske projekter", "participation in European projects", ("17.6",)),
            (
                "erfaringsudvekslingen med andre kommuner",
                "the exchange of experience with other municipalities",
                ("17.17",),
            ),
            ("partnerskaberne om verdensmålene", "the partnerships on the Sustainable Development Goals", ("17.17",)),
            ("modtagelsen af internationale studerende", "the reception of international students", ("4.3",)),
        ),
    ),
)

VERBS = (
    ("Styrke", "Strengthen"),
    ("Sikre", "Secure"),
    ("Udvikle", "Develop"),
    ("Understøtte", "Support"),
    ("Fremme", "Promote"),
    ("Forbedre", "Improve"),
    ("Udbygge", "Expand"),
    ("Prioritere", "Prioritise"),
    ("Gentænke", "Rethink"),
    ("Målrette", "Target"),
    ("Fastholde og styrke", "Maintain and strengthen"),
    ("Investere i", "Invest in"),
    ("Sætte fokus på", "Put the focus on"),
    ("Arbejde målrettet med", "Work purposefully on"),
)

MODIFIERS = (
    ("i hele kommunen", "throughout the municipality"),
    ("i de mindre lokalsamfund", "in the smaller local communities"),
    ("i tæt dialog med borgerne", "in close dialogue with the citizens"),
    ("i samarbejde med foreninger og frivillige", "in cooperation with associations and volunteers"),
    ("gennem partnerskaber med erhvervslivet", "through partnerships with the business community"),
    ("med særligt fokus på de mest sårbare", "with a special focus on the most vulnerable"),
    ("inden udgangen af byrådsperioden", "before the end of the council term"),
    ("på tværs af forvaltningerne", "across the administrations"),
    ("med udgangspunkt i den enkeltes behov", "based on the needs of the individual"),
    ("uden at øge bureaukratiet", "without increasing bureaucracy"),
    ("for børn, unge og ældre", "for children, young people and older people"),
    ("med klare mål, der følges op hvert år", "with clear goals that are followed up every year"),
)

SECOND_SENTENCES = (
    ("Indsatsen skal evalueres løbende.", "The effort is to be evaluated continuously."),
    ("Det kræver et tættere samarbejde på tværs.", "That requires closer cooperation across boundaries."),
    ("Byrådet følger op i budgetforhandlingerne.", "The city council follows up in the budget negotiations."),
    ("Erfaringerne fra de seneste år skal bruges aktivt.", "The experience of recent years is to be used actively."),
    ("Borgerne skal kunne mærke forskellen.", "Citizens should be able to feel the difference."),
)

OUTCOMES = (
    ("så alle får en god start på livet", "so that everyone gets a good start in life"),
    (
        "så kommunen fortsat er et attraktivt sted at bo og leve",
        "so that the municipality remains an attractive place to live",
    ),
    ("så vi står stærkere i fremtiden", "so that we stand stronger in the future"),
    ("så borgerne oplever sammenhæng i indsatsen", "so that citizens experience coherent services"),
    ("så flere får lyst til at flytte hertil", "so that more people want to move here"),
    ("så vi tager ansvar for de kommende generationer", "so that we take responsibility for the generations to come"),
)

CLOSING_SENTENCES = (
    (
        "Vi håber, at resten af byrådet vil bakke op om planen, så det er et samlet byråd, der står bag.",
        "We hope that the rest of the city council will support the plan, so that it is a united council "
        "that stands behind it.",
    ),
    (
        "Planen følges op hvert år, og byrådet gør status ved udgangen af perioden.",
        "The plan is followed up every year, and the city council takes stock at the end of the term.",
    ),
    (
        "Fokuspunkterne er pejlemærker for arbejdet i udvalgene og i forvaltningen.",
        "The focus points are guiding principles for the work in the committees and the administration.",
    ),
)

PARTIES = tuple(
    (
        f"syntetisk-parti-{letter}",
        f"Syntetisk Parti {letter.upper()}",
        f"Synthetic Party {letter.upper()}",
        f"SP-{letter.upper()}",
    )
    for letter in "abcdefghij"
)


# ------------------------------------------------------------------------------------------- the model


@dataclass
class Link:
    """An SDG link record of one plan element."""

    iri: str
    subject: str
    code: str
    label_da: str
    label_en: str
    rationale_da: str
    rationale_en: str
    suggested: bool
    confidence: str
    status: str
    created: str


@dataclass
class Point:
    """A focus point: its position, the published Danish text (perhaps with a typo), the English text."""

    iri: str
    position: int
    da: str
    en: str
    targets: tuple[str, ...]
    corrected_da: str = ""
    typo: tuple[str, str] = ("", "")


@dataclass
class Area:
    """A focus area with its headline goal and focus points."""

    iri: str
    slug: str
    kind: AreaKind
    position: int
    goal_da: str
    goal_en: str
    goal_targets: tuple[str, ...]
    points: list[Point] = field(default_factory=list)

    @property
    def goal_iri(self) -> str:
        """The headline goal's IRI."""
        return self.iri + "/maal"


@dataclass
class Group:
    """A majority group of one council term."""

    iri: str
    term: int
    parties: tuple[int, ...]
    mayor: str
    mayor_name: str


@dataclass
class Plan:
    """One plan edition."""

    municipality: int
    slug: str
    title_da: str
    title_en: str
    year: int
    date: str
    edition: int
    previous: str
    group: Group
    abstract_da: str = ""
    abstract_en: str = ""
    areas: list[Area] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def iri(self) -> str:
        """The plan's IRI (relative)."""
        return f"plan/{municipality_slug(self.municipality)}/{self.slug}"

    @property
    def source(self) -> str:
        """The source document's IRI (relative)."""
        return f"kilde/{municipality_slug(self.municipality)}/{self.slug}"

    @property
    def text_path(self) -> str:
        """The source text's path under data/kilder/."""
        return f"{municipality_slug(self.municipality)}/{self.slug}.txt"


@dataclass
class Municipality:
    """A synthetic municipality with its council terms and plans."""

    number: int
    groups: dict[int, Group] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """Its path segment."""
        return municipality_slug(self.number)

    @property
    def iri(self) -> str:
        """Its IRI (relative)."""
        return f"kommune/{self.slug}"


def municipality_slug(number: int) -> str:
    """syntetisk-kommune-001."""
    return f"syntetisk-kommune-{number:03d}"


def municipality_name(number: int, lang: str) -> str:
    """Syntetisk Kommune 001 / Synthetic Municipality 001."""
    return f"Syntetisk Kommune {number:03d}" if lang == "da" else f"Synthetic Municipality {number:03d}"


# ------------------------------------------------------------------------------------------- SDG KOS


@dataclass(frozen=True)
class SdgKos:
    """SDG goal and target codes with their English titles, from the repository's copy of the UN SDG KOS."""

    titles: dict[str, str]

    @classmethod
    def read(cls, path: Path = SDG_KOS) -> SdgKos:
        """Parse the KOS: every sdgo:Goal and sdgo:Target with its English prefLabel; check the word lists."""
        sdgo = "http://metadata.un.org/sdg/ontology#"
        kinds: set[str] = set()
        titles: dict[str, str] = {}
        for quad in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE):
            subject = quad.subject.value
            if not subject.startswith(SDG):
                continue
            code = subject[len(SDG) :]
            predicate = quad.predicate.value
            if predicate == RDF_TYPE and quad.object.value in (sdgo + "Goal", sdgo + "Target"):
                kinds.add(code)
            elif predicate == SKOS_PREF_LABEL and isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                titles[code] = quad.object.value
        kos = cls({c: titles[c] for c in sorted(kinds) if c in titles})
        used = {g for a in AREAS for g in a.goals} | {t for a in AREAS for topic in a.topics for t in topic[2]}
        missing = sorted(used - set(kos.titles))
        if missing:
            raise SystemExit(f"corpus: {path} has no goal or target {', '.join(missing)}")
        return kos


# ------------------------------------------------------------------------------------------- texts


def capitalise(text: str) -> str:
    """First letter upper-case."""
    return text[:1].upper() + text[1:]


def sentence(rng: random.Random, kind: AreaKind, low: int = 60, high: int = 200) -> tuple[str, str, tuple[str, ...]]:
    """A focus point: verb + topic + modifiers (+ a second sentence), Danish and English, low–high characters,
    and the SDG targets its topic serves."""
    verb = rng.choice(VERBS)
    topic = rng.choice(kind.topics)
    mods = rng.sample(MODIFIERS, 3)
    wanted = rng.choice((0, 1, 1, 1, 2, 2, 3))
    for count in range(wanted, 4):
        da = " ".join([verb[0], topic[0], *(m[0] for m in mods[:count])]) + "."
        en = " ".join([verb[1], topic[1], *(m[1] for m in mods[:count])]) + "."
        if len(da) >= low:
            break
    if rng.random() < 0.25:
        extra = rng.choice(SECOND_SENTENCES)
        if len(da) + 1 + len(extra[0]) <= high:
            da, en = da + " " + extra[0], en + " " + extra[1]
    while len(da) > high and mods:
        mods = mods[:-1]
        da = " ".join([verb[0], topic[0], *(m[0] for m in mods)]) + "."
        en = " ".join([verb[1], topic[1], *(m[1] for m in mods)]) + "."
    return da, en, topic[2]


def goal_text(rng: random.Random, kind: AreaKind) -> tuple[str, str, tuple[str, ...]]:
    """A headline goal: "Vi vil …, så …." (Danish, English), and the SDG targets its topic serves."""
    verb = rng.choice(VERBS)
    topic = rng.choice(kind.topics)
    mod = rng.choice(MODIFIERS)
    outcome = rng.choice(OUTCOMES)
    da = f"Vi vil {verb[0].lower()} {topic[0]} {mod[0]}, {outcome[0]}."
    en = f"We want to {verb[1].lower()} {topic[1]} {mod[1]}, {outcome[1]}."
    return da, en, topic[2]


def with_typo(rng: random.Random, text: str) -> tuple[str, str, str] | None:
    """The text with two adjacent letters of one long word swapped, the word as published, and the right word."""
    words = [w for w in text.rstrip(".").split(" ") if len(w) >= 7 and w.isalpha()]
    if not words:
        return None
    word = rng.choice(words)
    i = rng.randrange(1, len(word) - 2)
    if word[i] == word[i + 1]:
        return None
    typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return text.replace(word, typo, 1), typo, word


def abstract(plan: Plan, rng: random.Random, group_label: tuple[str, str]) -> tuple[str, str]:
    """The plan's introduction: two to four paragraphs."""
    name_da, name_en = municipality_name(plan.municipality, "da"), municipality_name(plan.municipality, "en")
    end = plan.group.term + 3
    da = [
        f"{plan.title_da} sætter den politiske retning for {name_da} i byrådsperioden {plan.group.term}–{end}.",
        f"Planen er udarbejdet af {group_label[0][0].lower()}{group_label[0][1:]} og samler {len(plan.areas)} "
        "fokusområder, hver med et overordnet mål og en række fokuspunkter.",
    ]
    en = [
        f"{plan.title_en} sets the political direction for {name_en} in the council term {plan.group.term}–{end}.",
        f"The plan was drawn up by {group_label[1][0].lower()}{group_label[1][1:]} and brings together "
        f"{len(plan.areas)} focus areas, each with a headline goal and a number of focus points.",
    ]
    if plan.previous:
        previous_year = plan.previous.rsplit("-", 1)[1]
        da.append(
            f"Planen er en ny udgave af {plan.title_da} fra {previous_year} og bygger videre på erfaringerne derfra."
        )
        en.append(
            f"The plan is a new edition of {plan.title_en} from {previous_year} and builds on the experience from it."
        )
    closing = rng.choice(CLOSING_SENTENCES)
    da.append(closing[0])
    en.append(closing[1])
    return "\n\n".join(da), "\n\n".join(en)


def rationale_goal(area: Area, code: str, kos: SdgKos) -> tuple[str, str]:
    """Why a focus area serves an SDG goal."""
    title = kos.titles[code]
    goal = area.goal_da.rstrip(".")
    return (
        f"Områdets overordnede mål lyder »{goal}«. Det er kernen i verdensmål {code}, “{title}”.",
        f"The area's headline goal reads »{goal}« ({area.goal_en.rstrip('.')}). That is the core of Goal {code}, "
        f"“{title}”.",
    )


def rationale_target(what_da: str, what_en: str, text_da: str, text_en: str, code: str, kos: SdgKos) -> tuple[str, str]:
    """Why a goal or focus point serves an SDG target (curated)."""
    title = kos.titles[code]
    return (
        f"{what_da} vil »{text_da.rstrip('.')}«. Delmål {code} lyder “{title}”.",
        f"{what_en} aims to »{text_da.rstrip('.')}« ({text_en.rstrip('.')}). Target {code} reads “{title}”.",
    )


def rationale_suggested(text_da: str, code: str, confidence: str, kos: SdgKos) -> tuple[str, str]:
    """Why a machine suggested a link."""
    title = kos.titles[code]
    return (
        f"Foreslået maskinelt: teksten »{text_da.rstrip('.')}« ligner ordlyden af delmål {code}, “{title}” "
        f"(sikkerhed {confidence}).",
        f"Suggested by a machine: the text »{text_da.rstrip('.')}« resembles the wording of target {code}, “{title}” "
        f"(confidence {confidence}).",
    )


# ------------------------------------------------------------------------------------------- generation


def plan_counts(plans: int) -> list[int]:
    """How many plans each municipality gets: about ten each, up to 98 municipalities, at least two if possible."""
    municipalities = min(MAX_MUNICIPALITIES, max(min(2, plans), math.ceil(plans / PLANS_PER_MUNICIPALITY)))
    base, extra = divmod(plans, municipalities)
    return [base + (1 if i < extra else 0) for i in range(municipalities)]


def term_of(year: int) -> int:
    """The first year of the council term a year falls in."""
    return max(t for t in TERMS if t <= year)


def make_groups(rng: random.Random, number: int) -> dict[int, Group]:
    """A majority group and a mayor per council term; a mayor is often re-elected."""
    groups: dict[int, Group] = {}
    mayor = 1
    for term in TERMS:
        if term != TERMS[0] and rng.random() < 0.5:
            mayor += 1
        parties = tuple(sorted(rng.sample(range(len(PARTIES)), rng.choice((2, 2, 3, 3, 4)))))
        abbrs = "-".join(PARTIES[p][3].lower() for p in parties)
        groups[term] = Group(
            iri=f"kommune/{municipality_slug(number)}/flertalsgruppe-{term}-{abbrs}",
            term=term,
            parties=parties,
            mayor=f"person/syntetisk-borgmester-{number:03d}-{mayor}",
            mayor_name=f"Syntetisk Borgmester {number:03d}-{mayor}",
        )
    return groups


def editions(rng: random.Random, count: int) -> list[tuple[int, list[int]]]:
    """(title index, years oldest first) per series: about three editions per plan title."""
    series = max(1, round(count / 3))
    titles = rng.sample(range(len(PLAN_TITLES)), series)
    sizes = [1] * series
    for _ in range(count - series):
        sizes[rng.randrange(series)] += 1
    return [(title, sorted(rng.sample(YEARS, size))) for title, size in zip(titles, sizes, strict=True)]


def group_label(group: Group) -> tuple[str, str]:
    """The majority group's name (da, en)."""
    names = [PARTIES[p][3] for p in group.parties]
    listed_da = ", ".join(names[:-1]) + " og " + names[-1]
    listed_en = ", ".join(names[:-1]) + " and " + names[-1]
    end = group.term + 3
    return (
        f"Flertalsgruppen {listed_da} ({group.term}–{end})",
        f"The majority group {listed_en} ({group.term}–{end})",
    )


def make_plan(
    rng: random.Random, municipality: Municipality, title: int, year: int, edition: int, previous: str, kos: SdgKos
) -> Plan:
    """One plan edition with its areas, goals, focus points and SDG links."""
    title_da, title_en = PLAN_TITLES[title]
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    plan = Plan(
        municipality=municipality.number,
        slug=f"{slugify(title_da)}-{year}",
        title_da=title_da,
        title_en=title_en,
        year=year,
        date=f"{year}-{month:02d}-{day:02d}",
        edition=edition,
        previous=previous,
        group=municipality.groups[term_of(year)],
    )
    created = f"{year}-{month:02d}-{day:02d}"
    kinds = rng.sample(AREAS, rng.choices(AREA_COUNTS, AREA_WEIGHTS)[0])
    for position, kind in enumerate(kinds, start=1):
        slug = slugify(kind.da)
        goal_da, goal_en, goal_targets = goal_text(rng, kind)
        area = Area(f"{plan.iri}/omraade/{slug}", slug, kind, position, goal_da, goal_en, goal_targets)
        for n in range(1, rng.choices(POINT_COUNTS, POINT_WEIGHTS)[0] + 1):
            da, en, targets = sentence(rng, kind)
            point = Point(f"{area.iri}/indsats/{n}", n, da, en, targets)
            if rng.random() < TYPO_SHARE and (typo := with_typo(rng, da)) is not None:
                point.da, point.corrected_da, point.typo = typo[0], da, (typo[1], typo[2])
            area.points.append(point)
        plan.areas.append(area)
        plan.links += area_links(rng, plan, area, kos, created)
    plan.abstract_da, plan.abstract_en = abstract(plan, rng, group_label(plan.group))
    return plan


def area_links(rng: random.Random, plan: Plan, area: Area, kos: SdgKos, created: str) -> list[Link]:
    """Links from the area's headline goal and some focus points to targets, and the area's own link to its SDG
    goal where none of those accepted links is to that goal (one level per element, as the linking policy
    says: nothing is counted twice)."""
    goal = area.kind.goals[0]
    links = part_links(rng, area, kos, created)
    if not any(link.status == "Accepted" and link.code.split(".")[0] == goal for link in links):
        da, en = rationale_goal(area, goal, kos)
        label_da, label_en = f"{area.kind.da} → verdensmål {goal}", f"{area.kind.en} → Goal {goal}"
        own = Link(f"{area.iri}/sdg/{goal}", area.iri, goal, label_da, label_en, da, en, False, "", "Accepted", created)
        links.insert(0, own)
    return links


def part_links(rng: random.Random, area: Area, kos: SdgKos, created: str) -> list[Link]:
    """Links from the area's headline goal and some of its focus points to SDG targets."""
    links: list[Link] = []
    elements: list[tuple[str, str, str, str, str, str, str, tuple[str, ...]]] = []
    if rng.random() < GOAL_LINK_SHARE:
        elements.append(
            (
                area.goal_iri,
                "overordnet mål",
                "headline goal",
                "Målet",
                "The goal",
                area.goal_da,
                area.goal_en,
                area.goal_targets,
            )
        )
    for point in area.points:
        if rng.random() < POINT_LINK_SHARE:
            elements.append(
                (
                    point.iri,
                    f"fokuspunkt {point.position}",
                    f"focus point {point.position}",
                    "Fokuspunktet",
                    "The focus point",
                    point.da,
                    point.en,
                    point.targets,
                )
            )
    for iri, part_da, part_en, what_da, what_en, text_da, text_en, targets in elements:
        code = rng.choice(targets)
        label_da = f"{area.kind.da}, {part_da} → delmål {code}"
        label_en = f"{area.kind.en}, {part_en} → target {code}"
        if rng.random() < SUGGESTED_SHARE:
            confidence = f"{rng.randrange(35, 100) / 100:.2f}"
            status = "Accepted" if float(confidence) >= 0.8 else rng.choice(("Proposed", "Proposed", "Rejected"))
            da, en = rationale_suggested(text_da, code, confidence, kos)
            links.append(
                Link(f"{iri}/sdg/{code}", iri, code, label_da, label_en, da, en, True, confidence, status, created)
            )
        else:
            da, en = rationale_target(what_da, what_en, text_da, text_en, code, kos)
            links.append(
                Link(f"{iri}/sdg/{code}", iri, code, label_da, label_en, da, en, False, "", "Accepted", created)
            )
    return links


def make_municipality(seed: int, number: int, count: int, kos: SdgKos) -> Municipality:
    """A municipality with `count` plans, reproducible from (seed, number, count)."""
    rng = random.Random(f"planlod-corpus:{seed}:{number}:{count}")
    municipality = Municipality(number, make_groups(rng, number))
    for title, years in editions(rng, count):
        previous = ""
        for edition, year in enumerate(years, start=1):
            plan_rng = random.Random(f"planlod-corpus:{seed}:{number}:{title}:{year}")
            plan = make_plan(plan_rng, municipality, title, year, edition, previous, kos)
            municipality.plans.append(plan)
            previous = plan.iri
    municipality.plans.sort(key=lambda p: (p.year, p.slug))
    return municipality


# ------------------------------------------------------------------------------------------- Turtle


def lit(text: str, lang: str = "") -> str:
    """A Turtle string literal with escapes, and a language tag if given."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def texts(da: str, en: str) -> str:
    """A Danish and an English literal."""
    return f"{lit(da, 'da')}, {lit(en, 'en')}"


def iri_list(iris: list[str], indent: str = "        ") -> str:
    """IRIs one per line, as the real data writes long object lists."""
    return ",\n".join(f"{indent}<{i}>" for i in iris)


def block(subject: str, lines: list[str]) -> str:
    """One subject with its predicate-object lines."""
    body = " ;\n".join(f"    {line}" for line in lines)
    return f"<{subject}>\n{body} .\n"


def national_file() -> str:
    """Parties and agents."""
    parts = [
        "# Parties and agents of the synthetic national corpus.\n",
        SYNTHETIC_NOTE,
        "\n",
        PREFIXES,
        "\n# ---------------------------------------------------------------- parties\n\n",
    ]
    for slug, da, en, abbr in PARTIES:
        parts.append(
            block(
                f"parti/{slug}",
                [
                    "a plo:PoliticalParty",
                    f"skos:prefLabel {texts(da, en)}",
                    f"skos:altLabel {texts(abbr, abbr)}",
                    f"foaf:name {lit(da, 'da')}",
                    "rdfs:comment "
                    + texts(
                        "Syntetisk testdata: et opdigtet parti i planlods benchmark, ikke et rigtigt parti.",
                        "Synthetic test data: a made-up party in planlod's benchmark, not a real party.",
                    ),
                    "plo:translatedBy <agent/planlod>",
                ],
            )
            + "\n"
        )
    parts.append("# ---------------------------------------------------------------- agents\n\n")
    parts.append(
        block(
            "agent/planlod",
            [
                "a prov:SoftwareAgent, foaf:Agent",
                f"rdfs:label {texts('planlod-projektet', 'the planlod project')}",
                'foaf:name "planlod"',
                "rdfs:comment "
                + texts(
                    "Det open source-projekt, der udgiver planerne som linked data. Det har skrevet de engelske "
                    "oversættelser, koblingerne til FN's verdensmål og tekstrettelserne.",
                    "The open-source project that publishes the plans as linked data. It wrote the English "
                    "translations, the links to the UN Sustainable Development Goals and the text corrections.",
                ),
                "plo:translatedBy <agent/planlod>",
            ],
        )
        + "\n"
    )
    parts.append(
        block(
            "agent/syntetisk-forslagsmotor",
            [
                "a prov:SoftwareAgent, foaf:Agent",
                f"rdfs:label {texts('Syntetisk forslagsmotor', 'Synthetic suggestion engine')}",
                'foaf:name "Syntetisk forslagsmotor"',
                "rdfs:comment "
                + texts(
                    "Syntetisk testdata: den opdigtede maskine, der har foreslået de maskinelt foreslåede "
                    "verdensmålskoblinger (plo:Suggested) i planlods benchmark.",
                    "Synthetic test data: the made-up machine that suggested the machine-suggested SDG links "
                    "(plo:Suggested) in planlod's benchmark.",
                ),
                "plo:translatedBy <agent/planlod>",
            ],
        )
    )
    return "".join(parts)


def municipality_file(m: Municipality) -> str:
    """The municipality, its mayors, majority groups and memberships."""
    name_da, name_en = municipality_name(m.number, "da"), municipality_name(m.number, "en")
    parts = [
        f"# {name_da}: the municipality, its mayors, majority groups and their memberships.\n",
        SYNTHETIC_NOTE,
        "\n",
        PREFIXES,
        "\n# ---------------------------------------------------------------- the municipality\n\n",
        block(
            m.iri,
            [
                "a plo:Municipality",
                f"skos:prefLabel {texts(name_da, name_en)}",
                f"foaf:name {lit(name_da, 'da')}",
                f"plo:municipalityCode {lit(str(FIRST_CODE + m.number - 1))}",
                "rdfs:comment "
                + texts(
                    "Syntetisk testdata: en opdigtet kommune i planlods benchmark, ikke en rigtig dansk kommune. "
                    "Kommunekoder fra 9001 bruges ikke af nogen dansk kommune.",
                    "Synthetic test data: a made-up municipality in planlod's benchmark, not a real Danish "
                    "municipality. Municipality codes from 9001 are used by no Danish municipality.",
                ),
                "plo:translatedBy <agent/planlod>",
            ],
        ),
    ]
    used_terms = sorted({p.group.term for p in m.plans})
    mayors: dict[str, str] = {}
    for term in used_terms:
        mayors.setdefault(m.groups[term].mayor, m.groups[term].mayor_name)
    parts.append("\n# ---------------------------------------------------------------- mayors\n")
    for iri, name in sorted(mayors.items()):
        parts.append(
            "\n"
            + block(
                iri,
                [
                    "a foaf:Person, schema:Person",
                    f"foaf:name {lit(name)}",
                    f"rdfs:label {lit(name)}, {lit(name, 'da')}, {lit(name, 'en')}",
                    f"schema:jobTitle {texts('borgmester', 'mayor')}",
                    f"schema:worksFor <{m.iri}>",
                    "rdfs:comment "
                    + texts(
                        "Syntetisk testdata: en opdigtet person, ikke en rigtig borgmester.",
                        "Synthetic test data: a made-up person, not a real mayor.",
                    ),
                    "plo:translatedBy <agent/planlod>",
                ],
            )
        )
    for term in used_terms:
        group = m.groups[term]
        label_da, label_en = group_label(group)
        parts.append(f"\n# ---------------------------------------------------------------- council term {term}\n\n")
        members = [f"parti/{PARTIES[p][0]}" for p in group.parties]
        parts.append(
            block(
                group.iri,
                [
                    "a plo:MajorityGroup",
                    f"skos:prefLabel {texts(label_da, label_en)}",
                    "skos:definition "
                    + texts(
                        f"Flertalsgruppen i {name_da}s byråd i byrådsperioden {term}–{term + 3} (syntetisk testdata).",
                        f"The majority group in the council of {name_en} in the council term {term}–{term + 3} "
                        "(synthetic test data).",
                    ),
                    f"plo:municipality <{m.iri}>",
                    "org:hasMember " + ", ".join(f"<{p}>" for p in members),
                    "plo:translatedBy <agent/planlod>",
                ],
            )
        )
        for p in group.parties:
            slug, _, _, abbr = PARTIES[p]
            membership = f"{group.iri}/medlem/{slugify(abbr)}"
            parts.append(
                "\n"
                + block(
                    membership,
                    [
                        "a org:Membership",
                        f"org:member <parti/{slug}>",
                        f"org:organization <{group.iri}>",
                        f"rdfs:label {texts(f'{abbr} i flertalsgruppen', f'{abbr} in the majority group')}",
                        "plo:translatedBy <agent/planlod>",
                    ],
                )
                + "\n"
                + block(f"parti/{slug}", [f"org:hasMembership <{membership}>"])
            )
    return "".join(parts)


def plan_file(plan: Plan, checksum: str) -> str:
    """The plan, its source document, the scheme of focus areas, the areas, goals, focus points, corrections."""
    name_da = municipality_name(plan.municipality, "da")
    areas = [a.iri for a in plan.areas]
    lines = [
        "a plo:Plan",
        f"dct:title {texts(plan.title_da, plan.title_en)}",
        f"rdfs:label {texts(plan.title_da, plan.title_en)}",
        f'dct:issued "{plan.date}"^^xsd:date',
        f"dct:creator <{plan.group.mayor}>",
        f"dct:publisher <kommune/{municipality_slug(plan.municipality)}>",
        f"plo:municipality <kommune/{municipality_slug(plan.municipality)}>",
        f"plo:backedBy <{plan.group.iri}>",
    ]
    if plan.previous:
        lines += [f"plo:follows <{plan.previous}>", f"dct:isVersionOf <{plan.previous}>"]
    lines += [
        f"dct:language {LANGUAGE_DA}",
        f"prov:wasDerivedFrom <{plan.source}>",
        f"dct:abstract {lit(plan.abstract_da, 'da')},\n        {lit(plan.abstract_en, 'en')}",
        "rdfs:comment "
        + texts(
            f"Syntetisk testdata: en opdigtet plan for {name_da}, genereret til planlods benchmark.",
            f"Synthetic test data: a made-up plan for {municipality_name(plan.municipality, 'en')}, generated for "
            "planlod's benchmark.",
        ),
        "plo:focusArea\n" + iri_list(areas),
        "plo:translatedBy <agent/planlod>",
    ]
    edition = f", edition {plan.edition}, follows {plan.previous}" if plan.previous else ", edition 1"
    parts = [
        f"# {plan.title_da} ({name_da}, {plan.date}{edition}): plan, source text, focus areas, headline goals,\n",
        "# focus points and text corrections. SDG links are in the -sdg-koblinger.ttl file beside this one.\n",
        SYNTHETIC_NOTE,
        "\n",
        PREFIXES,
        "\n# ---------------------------------------------------------------- the plan\n\n",
        block(plan.iri, lines),
        "\n# ---------------------------------------------------------------- the source text\n\n",
        block(
            plan.source,
            [
                "a plo:SourceDocument",
                f"dct:title {texts(plan.title_da, plan.title_en)}",
                f"rdfs:label {texts('Kildetekst: ' + plan.title_da, 'Source text: ' + plan.title_en)}",
                'dct:format "text/plain"',
                f"dct:language {LANGUAGE_DA}",
                f"dcat:downloadURL <kilde/{plan.text_path}>",
                f"dct:creator <{plan.group.mayor}>",
                f"dct:publisher <kommune/{municipality_slug(plan.municipality)}>",
                f'dct:issued "{plan.date}"^^xsd:date',
                "rdfs:comment "
                + texts(
                    f"Planens tekst (syntetisk testdata), opbevaret uændret som data/kilder/{plan.text_path}.",
                    f"The plan's text (synthetic test data), kept unchanged as data/kilder/{plan.text_path}.",
                ),
                "spdx:checksum [\n        a spdx:Checksum ;\n        spdx:algorithm spdx:checksumAlgorithm_sha256 ;\n"
                f'        spdx:checksumValue "{checksum}"\n    ]',
                "plo:translatedBy <agent/planlod>",
            ],
        ),
        "\n# ---------------------------------------------------------------- the focus areas as a concept scheme\n\n",
        block(
            plan.iri + "/omraader",
            [
                "a skos:ConceptScheme",
                f"dct:title {texts('Fokusområder i ' + plan.title_da, 'Focus areas of ' + plan.title_en)}",
                f"skos:prefLabel {texts('Fokusområder i ' + plan.title_da, 'Focus areas of ' + plan.title_en)}",
                "skos:hasTopConcept\n" + iri_list(areas),
                "plo:translatedBy <agent/planlod>",
            ],
        ),
    ]
    for area in plan.areas:
        parts.append(
            f"\n# ---------------------------------------------------------------- {area.position}. {area.kind.da}\n\n"
        )
        parts.append(
            block(
                area.iri,
                [
                    "a plo:FocusArea",
                    f"skos:prefLabel {texts(area.kind.da, area.kind.en)}",
                    f"skos:altLabel {texts(area.kind.da.lower(), area.kind.en.lower())}",
                    f'plo:position "{area.position}"^^xsd:positiveInteger',
                    f"plo:inPlan <{plan.iri}>",
                    f"skos:inScheme <{plan.iri}/omraader>",
                    f"skos:topConceptOf <{plan.iri}/omraader>",
                    f"plo:headlineGoal <{area.goal_iri}>",
                    "plo:initiative\n" + iri_list([p.iri for p in area.points]),
                    "plo:translatedBy <agent/planlod>",
                ],
            )
        )
        parts.append(
            "\n"
            + block(
                area.goal_iri,
                [
                    "a plo:Goal",
                    f"rdfs:label {texts(area.goal_da, area.goal_en)}",
                    f"plo:area <{area.iri}>",
                    "plo:translatedBy <agent/planlod>",
                ],
            )
        )
        for point in area.points:
            parts.append(
                "\n"
                + block(
                    point.iri,
                    [
                        "a plo:Initiative",
                        f"rdfs:label {texts(point.da, point.en)}",
                        f'plo:position "{point.position}"^^xsd:positiveInteger',
                        f"plo:area <{area.iri}>",
                        "plo:translatedBy <agent/planlod>",
                    ],
                )
            )
            if point.corrected_da:
                typo, word = point.typo
                parts.append(
                    "\n"
                    + block(
                        point.iri + "/rettelse",
                        [
                            "a plo:TextCorrection",
                            "rdfs:label "
                            + texts(
                                f"Rettelse til {area.kind.da}, fokuspunkt {point.position}",
                                f"Correction to {area.kind.en}, focus point {point.position}",
                            ),
                            f"plo:corrects <{point.iri}>",
                            f"plo:correctedText {lit(point.corrected_da, 'da')}",
                            "skos:editorialNote "
                            + texts(
                                f"Stavefejl: »{typo}« er rettet til »{word}«. Den offentliggjorte tekst står uændret "
                                "på fokuspunktet.",
                                f"Spelling error: “{typo}” has been corrected to “{word}”. The published text is kept "
                                "unchanged on the focus point.",
                            ),
                            "prov:wasAttributedTo <agent/planlod>",
                            "plo:translatedBy <agent/planlod>",
                        ],
                    )
                )
    return "".join(parts)


def links_file(plan: Plan) -> str:
    """The plan's SDG link records."""
    name_da = municipality_name(plan.municipality, "da")
    parts = [
        f"# Links from the elements of {plan.title_da} ({name_da}, {plan.year}) to the UN Sustainable\n",
        "# Development Goals and targets (UN SDG KOS, http://metadata.un.org/sdg). Accepted links are turned into\n",
        "# dct:subject triples by the software; they are not stated here.\n",
        SYNTHETIC_NOTE,
        "\n",
        PREFIXES,
    ]
    current_area = ""
    for link in plan.links:
        area = link.subject.split("/omraade/", 1)[1].split("/", 1)[0]
        if area != current_area:
            current_area = area
            parts.append(f"\n# ---------------------------------------------------------------- {area}\n")
        lines = [
            "a plo:SDGLink",
            f"rdfs:label {texts(link.label_da, link.label_en)}",
            f"plo:linkSubject <{link.subject}>",
            f"plo:sdgConcept sdg:{link.code}",
            f"plo:rationale {lit(link.rationale_da, 'da')}, {lit(link.rationale_en, 'en')}",
            f"plo:method plo:{'Suggested' if link.suggested else 'Curated'}",
        ]
        if link.suggested:
            lines.append(f"plo:confidence {link.confidence}")
        lines += [
            f"plo:status plo:{link.status}",
            f"prov:wasAttributedTo <agent/{'syntetisk-forslagsmotor' if link.suggested else 'planlod'}>",
        ]
        if link.status != "Proposed":
            lines += ["plo:decidedBy <agent/planlod>", f'plo:decisionDate "{link.created}"^^xsd:date']
        lines += [
            f'dct:created "{link.created}"^^xsd:date',
            f"prov:wasDerivedFrom <{plan.source}>",
            "plo:translatedBy <agent/planlod>",
        ]
        parts.append("\n" + block(link.iri, lines))
    return "".join(parts)


def source_text(plan: Plan, seed: int) -> str:
    """The plan's text as 'published': every Danish text of the data appears in it verbatim."""
    year, month, day = (int(x) for x in plan.date.split("-"))
    lines = [
        f"SYNTETISK TESTDATA – genereret af planlods bench/corpus.py (seed {seed}); ikke en rigtig plan.",
        "",
        f"{day}. {MONTHS_DA[month - 1]} {year}",
        f"Af: {plan.group.mayor_name}",
        "",
        plan.title_da,
        "",
        plan.abstract_da,
        "",
        f"De {len(plan.areas)} fokusområder er",
        "",
        *(f" {a.position}. {a.kind.da.lower()}" for a in plan.areas),
    ]
    for area in plan.areas:
        lines += ["", "", f"{area.position}. {area.kind.da}", "", area.goal_da, ""]
        lines += [f" • {p.da}" for p in area.points]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- writing


@dataclass
class CorpusInfo:
    """What was generated."""

    plans: int
    seed: int
    municipalities: int
    entities: int
    links: int
    files: list[str]

    def as_json(self) -> str:
        """Deterministic JSON."""
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def check_target(out: Path) -> None:
    """Refuse to write into the repository or into a folder that holds something other than an old corpus."""
    out = out.resolve()
    if out == REPO or REPO.is_relative_to(out) or out.is_relative_to(REPO / "data"):
        raise SystemExit(f"corpus: refusing to write into {out}: it is (or holds) the repository or its data/")
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise SystemExit(f"corpus: {out} exists, is not empty and is not a generated corpus; choose another --out")


def name_site_publisher(pyproject: Path) -> None:
    """Set `publisher` in the copied [tool.planlod]: the corpus's plans have many publishers (one per municipality),
    and the catalogue needs the site's own. The synthetic corpus is published by the planlod project's agent."""
    lines = pyproject.read_text(encoding="utf-8").splitlines(keepends=True)
    table = next((i for i, line in enumerate(lines) if line.strip() == "[tool.planlod]"), None)
    if table is None:
        raise SystemExit(f"corpus: {pyproject} has no [tool.planlod] table")
    end = next((i for i in range(table + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    kept = [line for line in lines[table + 1 : end] if line.split("=", 1)[0].strip() != "publisher"]
    setting = [
        "# The synthetic corpus: plans of several municipalities, published by one agent.\n",
        f'publisher = "{SITE_PUBLISHER}"\n',
    ]
    pyproject.write_text("".join(lines[: table + 1] + setting + kept + lines[end:]), encoding="utf-8")


def entity_count(municipalities: list[Municipality]) -> int:
    """The IRIs the corpus describes (what the build will publish as entities, besides the catalogue's)."""
    count = len(PARTIES) + 2  # parties, agent/planlod, agent/syntetisk-forslagsmotor
    for m in municipalities:
        terms = {p.group.term for p in m.plans}
        count += 1 + len({m.groups[t].mayor for t in terms})
        count += sum(1 + len(m.groups[t].parties) for t in terms)
        for plan in m.plans:
            count += 3 + len(plan.links)  # plan, source, scheme, links
            for area in plan.areas:
                count += 2 + len(area.points) + sum(1 for p in area.points if p.corrected_da)
    return count


def write_corpus(plans: int, seed: int, out: Path) -> CorpusInfo:
    """Generate the corpus into `out` (a project folder); returns what was written."""
    if plans < 1:
        raise SystemExit("corpus: --plans must be at least 1")
    check_target(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Generated by planlod bench/corpus.py: synthetic test data (syntetisk testdata).\n")
    for name in (*COPIED, "data", "corpus.json", "README.md"):
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, out / name)
    name_site_publisher(out / "pyproject.toml")
    kos = SdgKos.read()
    municipalities = [make_municipality(seed, i + 1, count, kos) for i, count in enumerate(plan_counts(plans))]
    data = out / "data"
    written: list[str] = []

    def put(relative: str, content: str) -> bytes:
        path = data / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = content.encode("utf-8")
        path.write_bytes(raw)
        written.append("data/" + relative)
        return raw

    put("organisationer.ttl", national_file())
    for m in municipalities:
        put(f"kommuner/{m.slug}/organisationer.ttl", municipality_file(m))
        for plan in m.plans:
            text = put(f"kilder/{plan.text_path}", source_text(plan, seed))
            put(f"kommuner/{m.slug}/{plan.slug}.ttl", plan_file(plan, hashlib.sha256(text).hexdigest()))
            put(f"kommuner/{m.slug}/{plan.slug}-sdg-koblinger.ttl", links_file(plan))
    (out / "README.md").write_text(
        "# Synthetic planlod corpus (syntetisk testdata)\n\n"
        f"Generated by `bench/corpus.py --plans {plans} --seed {seed}`. Every municipality, party, person and plan\n"
        "here is made up for planlod's benchmark; none of it is real data. Build it with\n"
        "`planlod build --project .`.\n",
        encoding="utf-8",
    )
    info = CorpusInfo(
        plans=plans,
        seed=seed,
        municipalities=len(municipalities),
        entities=entity_count(municipalities),
        links=sum(len(p.links) for m in municipalities for p in m.plans),
        files=sorted(written),
    )
    (out / "corpus.json").write_text(info.as_json(), encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--plans", type=int, required=True, help="number of plans")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write (never the repository)")
    args = parser.parse_args(argv)
    info = write_corpus(args.plans, args.seed, args.out)
    print(
        f"corpus: {info.plans} plans in {info.municipalities} municipalities, {info.entities} entities, "
        f"{info.links} SDG links, {len(info.files)} data files in {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
