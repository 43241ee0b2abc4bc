"""Rebuild the suggester's shipped knowledge files from their upstream sources.

    python bench/sdg_sources.py aurora AURORA_DIR
    python bench/sdg_sources.py frequencies      (needs `pip install wordfreq`; run after `aurora`)

`frequencies` writes `publish/suggest/knowledge/word-frequency.tsv`: the Zipf frequency (wordfreq 3.1,
Robyn Speer; data CC BY-SA 4.0) of every word of the term lists and UN titles that is common (Zipf >= 3),
so that the suggester can weigh very common words down without shipping wordfreq itself.

AURORA_DIR holds `query_SDG1.xml` … `query_SDG17.xml` of github.com/Aurora-Network-Global/sdg-queries
(version 5.0.3, CC BY 4.0). `aurora` writes two files into `publish/suggest/knowledge/`:
- `aurora-queries-en.tsv`: every TITLE-ABS-KEY query line of a target, whole (Boolean and proximity
  structure kept, white space collapsed), one line `target<TAB>query`; the suggester evaluates them as
  queries (publish/suggest/queries.py);
- `aurora-terms-en.tsv`: every quoted keyword or phrase of a target's queries, one line `target<TAB>term`;
  a trailing `*` (Scopus' truncation) means "any word starting with this". The suggester weighs each term by
  how many targets share it (see docs/sdg-suggestions.md).
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NS = {"aqd": "http://aurora-network.global/queries/namespace/", "dc": "http://dublincore.org/documents/dcmi-namespace/"}
OUT = Path(__file__).resolve().parent.parent / "publish" / "suggest" / "knowledge" / "aurora-terms-en.tsv"
QUERIES_OUT = OUT.parent / "aurora-queries-en.tsv"
QUERIES_HEADER = (
    "# The Aurora Universities Network SDG queries v5.0.3 for Scopus, one TITLE-ABS-KEY query line per row:\n"
    "# target<TAB>query (Boolean and proximity operators kept; white space collapsed). Source:\n"
    "# github.com/Aurora-Network-Global/sdg-queries (Vanderfeesten, Spielberg, Gunes et al.,\n"
    "# doi:10.5281/zenodo.3817445), CC BY 4.0. Changed: the query lines only; the IRI '.../sdg/3c' read as\n"
    "# target 3.c and '13.0' as goal 13.\n"
)
HEADER = (
    "# English keywords per UN SDG target, from the Aurora Universities Network SDG queries v5.0.3\n"
    "# (github.com/Aurora-Network-Global/sdg-queries, CC BY 4.0; Vanderfeesten, Spielberg, Gunes et al.,\n"
    "# doi:10.5281/zenodo.3817445). Extracted by bench/sdg_sources.py: quoted terms only, lower-cased;\n"
    "# a trailing * matches any word that starts with the term. Licence of this list: CC BY 4.0.\n"
)


def terms_of(query: str) -> list[str]:
    """The quoted keywords and phrases of one Scopus query line."""
    found = re.findall(r'"([^"]+)"|\{([^}]+)\}', query)
    terms = []
    for quoted, braced in found:
        term = " ".join((quoted or braced).lower().split())
        term = term.replace("?", "*")
        if len(term.strip("*")) >= 2:
            terms.append(term)
    return terms


def main(folder: Path) -> None:
    rows: set[tuple[str, str]] = set()
    queries: list[tuple[str, str]] = []
    for path in sorted(folder.glob("query_SDG*.xml")):
        root = ET.parse(path).getroot()
        for definition in root.iter(f"{{{NS['aqd']}}}query-definition"):
            uri = definition.find("dc:identifier[@type='uri']", NS)
            if uri is None or not uri.text:
                continue
            notation = uri.text.strip().rsplit("/", 1)[1]
            # One upstream IRI misses its dot (".../sdg/3c" for target 3.c).
            notation = re.sub(r"^(\d+)([a-z])$", r"\1.\2", notation)
            # "13.0" is the part of a goal's query that belongs to the goal as a whole.
            notation = re.sub(r"^(\d+)\.0$", r"\1", notation)
            for line in definition.iter(f"{{{NS['aqd']}}}query-line"):
                if line.get("field", "TITLE-ABS-KEY") == "TITLE-ABS-KEY" and (line.text or "").strip():
                    queries.append((notation, " ".join((line.text or "").split())))
                for term in terms_of(line.text or ""):
                    rows.add((notation, term))

    def order(row: tuple[str, str]) -> tuple[int, str, str]:
        goal, _, rest = row[0].partition(".")
        return int(goal), rest.zfill(3), row[1]

    OUT.write_text(HEADER + "".join(f"{n}\t{t}\n" for n, t in sorted(rows, key=order)), encoding="utf-8")
    print(f"{OUT}: {len(rows)} terms for {len({n for n, _ in rows})} targets")
    ordered = sorted(dict.fromkeys(queries), key=order)
    QUERIES_OUT.write_text(QUERIES_HEADER + "".join(f"{n}\t{q}\n" for n, q in ordered), encoding="utf-8")
    print(f"{QUERIES_OUT}: {len(ordered)} queries for {len({n for n, _ in ordered})} targets")


FREQ_OUT = OUT.parent / "word-frequency.tsv"
FREQ_HEADER = (
    "# Zipf frequencies (log10 of occurrences per billion words) of the words in planlod's SDG term lists and\n"
    "# the UN titles, in Danish and English, from wordfreq 3.1.1 (Robyn Speer et al., doi:10.5281/zenodo.7199437).\n"
    "# wordfreq's data are CC BY-SA 4.0, and so is this file. Words rarer than Zipf 3 are left out.\n"
)


def frequencies() -> None:
    from wordfreq import zipf_frequency  # noqa: PLC0415

    root = OUT.parent.parent.parent.parent
    words: dict[str, set[str]] = {"da": set(), "en": set()}
    for path, lang in ((OUT, "en"), (OUT.parent / "terms-da.tsv", "da")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                words[lang].update(re.findall(r"[^\W\d_]+", line.split("\t", 1)[1].lower()))
    for path in (root / "ontology" / "reference").glob("*.ttl"):
        for text, lang in re.findall(r'"([^"]*)"@(da|en)\b', path.read_text(encoding="utf-8")):
            words[lang].update(re.findall(r"[^\W\d_]+", text.lower()))
    rows = []
    for lang in ("da", "en"):
        for word in sorted(words[lang]):
            zipf = zipf_frequency(word, lang)
            if zipf >= 3.0:
                rows.append(f"{lang}\t{word}\t{zipf:.2f}\n")
    FREQ_OUT.write_text(FREQ_HEADER + "".join(rows), encoding="utf-8")
    print(f"{FREQ_OUT}: {len(rows)} words")


if __name__ == "__main__":
    if sys.argv[1] == "aurora":
        main(Path(sys.argv[2]))
    elif sys.argv[1] == "frequencies":
        frequencies()
    else:
        sys.exit(__doc__)
