"""The design's layering, checked: which module of publish/ may import which, and every module's docstring saying
its stage and what it imports, so that neither the code nor the description can drift from the other.

The layers, lowest first: a module imports only from lower layers (its own package's modules aside). The rule of
docs/architecture.md and the design notes: cli → build / serve → render, serialize, views, query, validate, load
→ model, urls, namespaces, config, errors.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "publish"

# Layer by layer, lowest first. Packages (catalog, plans, shacl, sheet, suggest, views) are one unit each.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer.split())
    for layer in (
        # shared; import nothing of the package (namespaces: rdflib only); the build's records on disk; what SPARQL
        # queries may be and the queue; where progress is reported
        "errors collector namespaces rdfterms sealed escaping sparqlcheck sparqlqueue progress",
        "config vocab",  # one frozen configuration; the terms
        "formats headers",  # the formats table; the security headers
        "urls",  # the URI policy
        "model buildrules switch",  # triples that follow from the data; what the build needs; the site's generations
        "load shacl beside",  # reading the inputs; the SHACL Core engine; work run beside the build
        "validate",  # the data against the shapes
        "query plans",  # the site graph; the plans read model
        # view models, writers of documents and files; the staff's workbooks (a plan into a spreadsheet and back)
        "views serialize exports catalog render serverconf sheet",
        "suggest",  # `planlod suggest`: SDG proposals and curators' decisions, written as data
        "write incremental siteplan builtsite",  # the guarded writer; what the last build was made from; the site in memory
        "dumps",  # the build's stages
        "sitefiles entities sitepages",
        "build sparql",  # `planlod build`; the SPARQL engine
        "sparqlpool push",  # the SPARQL worker processes; `planlod push`
        "serve stores",  # `planlod serve`; `planlod push --store`: a triplestore's bulk loader
        "cli",  # the boundary: the only module that prints or exits
        "__main__",
    )
)
LAYER = {name: number for number, layer in enumerate(LAYERS) for name in layer}


def unit(path: Path) -> str:
    """The layering unit of a module: its package for a module of a subpackage, else the module's name."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imported_units(path: Path) -> set[str]:
    """The units of publish/ a module imports (relative imports resolved), its own package left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside = path.parent != PACKAGE
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.startswith("publish"):
                    found.add(node.module.split(".")[1] if "." in node.module else "__init__")
                continue
            base = node.level - (1 if inside else 0)
            if base > 1:
                raise AssertionError(f"{path}: a relative import above the package")
            if base == 0 and inside:
                continue  # a module of the same subpackage
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names if not alias.name.startswith("__"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("publish."):
                    found.add(alias.name.split(".")[1])
    found.discard(unit(path))
    found.discard("__init__")  # `from . import __version__`
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_has_a_layer() -> None:
    units = {unit(p) for p in modules()}
    assert units - set(LAYER) == set(), "add the new module to LAYERS (and to docs/architecture.md)"
    assert set(LAYER) - units == set(), "a module in LAYERS that no longer exists"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_imports_only_from_lower_layers(path: Path) -> None:
    own = LAYER[unit(path)]
    wrong = sorted(name for name in imported_units(path) if LAYER.get(name, own) >= own)
    assert wrong == [], f"{unit(path)} (layer {own}) imports {wrong}: only lower layers may be imported"


def docstring_imports(path: Path) -> set[str] | None:
    """The units a module's docstring says it imports (the backticked names of its 'Imports' sentence), or None
    when it says 'Imports nothing from the package'."""
    text = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    match = re.search(r"\bImports (.+?)(?:\.(?:\s|$)|;)", " ".join(text.split()))
    assert "Stage:" in text and match, f"{path.name}: the docstring says its stage and what it imports"
    if match.group(1).startswith("nothing"):
        return set()
    return {name.split(".")[0] for name in re.findall(r"`([a-z_][a-z_.]*)`", match.group(1))}


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_modules_docstring_names_what_it_imports(path: Path) -> None:
    said = docstring_imports(path)
    assert said is not None
    said.discard(unit(path))
    actual = imported_units(path)
    if path.name == "__init__.py":
        # A package's face speaks for the whole package.
        actual = set().union(*(imported_units(p) for p in path.parent.glob("*.py")))
    assert said == actual, f"the docstring of {path.relative_to(ROOT)} says {sorted(said)}, the code {sorted(actual)}"


def test_nothing_imports_the_cli_and_only_validate_imports_pyshacl() -> None:
    for path in modules():
        text = path.read_text(encoding="utf-8")
        if unit(path) not in ("cli", "__main__"):
            assert "cli" not in imported_units(path), path
        if unit(path) != "validate":
            assert not re.search(r"^\s*(?:from|import) pyshacl", text, re.MULTILINE), path


def test_the_layering_checks_see_imports() -> None:
    """The checks above read real imports: the build imports the guarded writer, the CLI the build."""
    assert "write" in imported_units(PACKAGE / "build.py")
    assert "build" in imported_units(PACKAGE / "cli.py")
    assert "plans" in imported_units(PACKAGE / "views" / "coverage.py")
    assert "models" not in imported_units(PACKAGE / "views" / "coverage.py")
