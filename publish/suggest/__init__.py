"""The SDG suggester: proposes links from plan elements (or any text) to UN SDG goals and targets.

Stage: suggest (a way in beside `sheet`). Its modules, one per stage, in import order:
`text` (text analysis) → `knowledge` (what it knows) → `scoring` → `explain` → `records` (proposals and
curation decisions as data) and `tabular` (the CSV mode); `progress` shows long runs. They may import
`config`, `errors`, `load`, `model`, `urls` and `namespaces`; nothing here imports `cli`, `build` or `serve`.
"""

SUGGESTER_NAME = "planlod suggest"
SUGGESTER_VERSION = "1.0.0"
