"""The staff's way in: a workbook that holds one plan, made from the shapes, and back into `data/`.

Stage: sheet, beside the build (it reads what `load` reads and checks with `validate`). Imports `config`, `errors`,
`formats`, `load`, `model`, `plans`, `rdfterms`, `urls`, `validate` and `vocab`; only `cli` imports it (the
`planlod sheet` commands). Its modules, step by step: `index` (the project's triples, indexed) → `layout`
(sheets and columns from the shapes) → `cells` (one cell ⇄ RDF terms) → `workbook` (reading and writing .xlsx
files) → `assemble` (rows → the plan's graph, each triple with the cell it came from) → `export`, `fromtext` (a
plan or a plan's text → rows) and `importing` (rows → validated Turtle files, written atomically), with
`problems` (errors at the cell, in Danish and English) and `turtle` (the data files' text).
"""
