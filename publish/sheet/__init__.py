"""The staff's way in: a workbook that holds one plan, made from the shapes, and back into `data/`.

Stage: sheet, beside the build pipeline (`config → load → validate`), split by step:
`index` (the project's triples, indexed) → `layout` (sheets and columns from the shapes) → `cells` (one cell ⇄
RDF terms) → `workbook` (reading and writing .xlsx files) → `assemble` (rows → the plan's graph, each triple
with the cell it came from) → `export`, `fromtext` (a plan or a plan's text → rows) and `importing` (rows →
validated Turtle files, written atomically), with `problems` (errors at the cell, in Danish and English) and
`turtle` (the data files' text). `commands` is the command-line boundary of the `planlod sheet` group.
Modules here import `publish.config`, `publish.errors`, `publish.load`, `publish.model`, `publish.namespaces`,
`publish.urls`, `publish.validate` and each other; nothing outside `publish.cli` imports them.
"""
