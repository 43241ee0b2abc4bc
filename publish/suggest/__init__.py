"""The SDG suggester: proposes links from plan elements (or any text) to UN SDG goals and targets, and records
curators' decisions on them as data.

Stage: suggest, a way in beside the build pipeline. Imports `config`, `errors`, `load`, `model`, `plans`,
`progress`, `urls`, `validate` and `vocab`. Its modules, in import order: `text` (words, lemmas, Danish compounds)
and `queries` (Boolean search queries) → `knowledge` (what it knows) and `semantic` (a sentence-embedding model) →
`scoring` → `explain` → `records` (proposals and curation decisions as data, under the linking policy) and
`tabular` (the CSV mode); `command` is the work of `planlod suggest` below the command line, its long runs counted
on the shared `progress`. Nothing here imports `cli`, `build` or `serve`.
"""

SUGGESTER_NAME = "planlod suggest"
SUGGESTER_VERSION = "1.1.0"
