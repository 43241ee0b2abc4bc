"""`planlod sheet`: workbooks made from the shapes, opened by a real office suite, and back into the data.

The round trip (export, import into a copy, the same graph and the same files), starting from the plan's text
(.txt and a Word document LibreOffice makes from it), edits that change exactly what was edited, bad workbooks
of every kind (each reported at its cell, exit 1 or 2, no traceback, data/ unchanged), a new property shape that
shows up in the next workbook, a plan in progress that imports with warnings and builds, and the linking policy's
decisions kept in the workbook. Marked `slow`: what drives LibreOffice, builds a site, uses the corpus, runs several
imports, or tries the many bad workbooks (an import of seconds each).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from tests.conftest import ROOT, copy_project, run_planlod

BASE = "http://localhost:8000/"
PLAN = "plan/ambitioner-og-retning-2020"
TEXT = "data/kilder/ambitioner-og-retning-2020.txt"
PLO = Namespace(BASE + "ontologi/")
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
F = TypeVar("F", bound=Callable[..., object])


def needs_office(test: F) -> F:
    """A test that drives LibreOffice (headless, seconds per conversion): slow, and skipped where it is missing."""
    return pytest.mark.slow(
        pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by tests/setup.sh")(test)
    )


# -- helpers ------------------------------------------------------------------------------------------------
def data_graph(project: Path) -> Graph:
    graph = Graph()
    for path in sorted((project / "data").rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


def data_digest(project: Path) -> dict[str, str]:
    return {
        p.relative_to(project).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((project / "data").rglob("*"))
        if p.is_file()
    }


def office(profile: Path, *args: str) -> None:
    assert SOFFICE is not None
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def office_csv(profile: Path, workbook: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of the workbook as LibreOffice Calc reads it, converted to CSV (UTF-8)."""
    out.mkdir(parents=True, exist_ok=True)
    office(
        profile,
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        "--outdir",
        str(out),
        str(workbook),
    )
    sheets = {}
    for path in out.glob(f"{workbook.stem}-*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem[len(workbook.stem) + 1 :]] = list(csv.reader(handle))
    return sheets


def export(project: Path, out: Path, *extra: str) -> Path:
    result = run_planlod("sheet", "export", PLAN, "--out", str(out), "--project", str(project), *extra)
    assert result.code == 0, result.out + result.err
    return out


def headers(ws: Worksheet) -> dict[str, int]:
    return {str(c.value).removesuffix(" *"): c.column for c in ws[1] if c.value}


def set_cell(ws: Worksheet, row: int, header: str, value: object) -> None:
    ws.cell(row=row, column=headers(ws)[header]).value = value


def row_of(ws: Worksheet, header: str, value: object) -> int:
    column = headers(ws)[header]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"no row with {header} = {value!r}")


def import_(project: Path, workbook: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run_planlod("sheet", "import", str(workbook), "--project", str(project), *extra)


@pytest.fixture(scope="session")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice user profile for the tests (so they never touch a real one)."""
    return tmp_path_factory.mktemp("lo-profile")


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Hedensted plan exported from a copy of the project."""
    folder = tmp_path_factory.mktemp("exported")
    return export(copy_project(folder / "project"), folder / "plan.xlsx")


def curated() -> Graph:
    return data_graph(ROOT)


def areas_in_order(graph: Graph, plan: URIRef) -> list[URIRef]:
    areas = list(graph.objects(plan, PLO.focusArea))
    return sorted(areas, key=lambda a: int(graph.value(a, PLO.position)))  # type: ignore[arg-type]


def texts_of(graph: Graph, plan: URIRef) -> list[tuple[str, str, list[str]]]:
    """Each area's Danish name, headline goal and focus points (in order), in the plan's order."""
    found = []
    for area in areas_in_order(graph, plan):
        goal = graph.value(area, PLO.headlineGoal)
        points = sorted(graph.objects(area, PLO.initiative), key=lambda p: int(graph.value(p, PLO.position)))  # type: ignore[arg-type]
        found.append(
            (
                _da(graph, area, SKOS.prefLabel),
                _da(graph, goal, RDFS.label),
                [_da(graph, p, RDFS.label) for p in points],
            )
        )
    return found


def _da(graph: Graph, node: object, predicate: URIRef) -> str:
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal) and o.language == "da"]  # type: ignore[arg-type]
    assert len(values) == 1, (node, predicate, values)
    return str(values[0])


# -- round trip -------------------------------------------------------------------------------------------
def test_export_then_import_into_a_copy_gives_the_same_graph_and_files(tmp_path: Path, exported: Path) -> None:
    target = copy_project(tmp_path / "copy")
    before = data_digest(target)
    result = import_(target, exported)
    assert result.code == 0, result.out + result.err
    assert "0 tilføjet, 0 ændret, 0 fjernet, 0 advarsel(er)" in result.out
    assert isomorphic(data_graph(target), curated())
    assert data_digest(target) == before
    graph = data_graph(target)
    assert len(set(graph.subjects(RDF.type, PLO.SDGLink))) == 110
    assert len(set(graph.subjects(RDF.type, PLO.TextCorrection))) == 3
    # The linking policy's facts went through the workbook too: decisions, their dates, withdrawn links and the
    # links that replace them.
    statuses = {graph.value(link, PLO.status) for link in graph.subjects(RDF.type, PLO.SDGLink)}
    assert {PLO.Accepted, PLO.Rejected, PLO.Withdrawn} <= statuses
    assert len(set(graph.subjects(PLO.decidedBy, None))) == 110
    assert len(list(graph.subject_objects(DCTERMS.isReplacedBy))) > 20


def test_import_writes_every_triple_when_the_plan_files_are_gone(tmp_path: Path, exported: Path) -> None:
    """Importing into a copy without the plan's files writes them anew (the layout's files), same graph."""
    target = copy_project(tmp_path / "copy")
    for name in ("ambitioner-og-retning-2020.ttl", "sdg-koblinger.ttl", "organisationer.ttl"):
        (target / "data" / name).unlink()
    (target / "data" / "placeholder.ttl").write_text(
        "<agent/placeholder> a <http://www.w3.org/ns/prov#Agent> .\n", encoding="utf-8"
    )
    result = import_(target, exported)
    assert result.code == 0, result.out + result.err
    graph = data_graph(target)
    graph.remove((URIRef(BASE + "agent/placeholder"), None, None))
    assert isomorphic(graph, curated())
    written = sorted(p.relative_to(target).as_posix() for p in (target / "data").rglob("*.ttl"))
    assert "data/kommuner/hedensted/organisationer.ttl" in written
    assert "data/kommuner/hedensted/ambitioner-og-retning-2020-sdg-koblinger.ttl" in written
    run = subprocess.run(
        ["rapper", "-q", "-i", "turtle", "-c", str(target / written[0])], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr


@pytest.mark.slow
def test_an_english_workbook_round_trips(tmp_path: Path, project: Path) -> None:
    out = export(project, tmp_path / "plan-en.xlsx", "--lang", "en")
    book = load_workbook(out)
    assert book.sheetnames[:4] == ["Plan", "Focus areas", "Focus points", "SDG links"]
    links = book["SDG links"]
    assert links["B2"].value == "3 – Ensure healthy lives and promote well-being for all at all ages"
    assert links["E2"].value == "curated" and links["F2"].value == "withdrawn"
    danish = export(project, tmp_path / "plan-da.xlsx")
    assert load_workbook(danish)["Verdensmål"]["B2"].value == "3 – Sundhed og trivsel"
    before = data_digest(project)
    result = import_(project, out, "--lang", "en")
    assert result.code == 0, result.out + result.err
    assert "0 added, 0 changed, 0 removed" in result.out
    assert data_digest(project) == before


@needs_office
def test_a_workbook_saved_by_libreoffice_imports_to_no_change(tmp_path: Path, exported: Path, profile: Path) -> None:
    office(profile, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "saved"), str(exported))
    target = copy_project(tmp_path / "copy")
    before = data_digest(target)
    result = import_(target, tmp_path / "saved" / exported.name)
    assert result.code == 0, result.out + result.err
    assert "0 tilføjet, 0 ændret, 0 fjernet" in result.out
    assert data_digest(target) == before


@needs_office
def test_libreoffice_reads_the_exported_workbook(tmp_path: Path, exported: Path, profile: Path) -> None:
    sheets = office_csv(profile, exported, tmp_path / "csv")
    assert {
        "Plan",
        "Fokusområder",
        "Fokuspunkter",
        "Verdensmål",
        "Rettelser",
        "Kilder",
        "Organisationer",
        "Øvrige",
    } <= set(sheets)
    points = sheets["Fokuspunkter"]
    assert points[0][:5] == ["ID", "tekst (dansk) *", "tekst (engelsk)", "placering *", "fokusområde *"]
    assert len(points) == 46
    graph = curated()
    expected = [p for _, _, ps in texts_of(graph, URIRef(BASE + PLAN)) for p in ps]
    assert [row[1] for row in points[1:]] == expected
    plan = dict(zip(sheets["Plan"][0], sheets["Plan"][1], strict=True))
    assert plan["dato *"] == "2020-02-17"
    assert plan["udgiver *"] == "Hedensted Kommune"
    links = sheets["Verdensmål"]
    assert links[1][1].startswith("3 – ")
    # A Danish workbook names the targets by their Danish titles (the project's translation, ontology/reference/).
    assert any(row[1].startswith("3.5 – Forebyggelse og behandling af misbrug af rusmidler") for row in links)
    lists = sheets["Lister"]
    assert any("3.5 – Forebyggelse" in cell for row in lists for cell in row)
    # The linking policy's columns, from the shapes: who decided and when, and the links a withdrawn one names.
    head = links[0]
    assert head[9:15] == ["besluttet af", "beslutningsdato", "oprettet", "ændret", "kilde", "erstattet af"]
    withdrawn = dict(zip(head, links[1], strict=True))
    assert withdrawn["status *"] == "trukket tilbage" and withdrawn["beslutningsdato"] == "2026-12-02"
    assert "sundhed/maal/sdg/3.4" in withdrawn["erstattet af"].splitlines()
    # Its dropdown: the workbook's own links, by the same names.
    assert any("sundhed/maal/sdg/3.4" in row for row in lists)


@needs_office
def test_a_new_workbook_opens_in_libreoffice_with_the_generated_columns(
    tmp_path: Path, project: Path, profile: Path
) -> None:
    out = tmp_path / "ny.xlsx"
    result = run_planlod("sheet", "new", "--out", str(out), "--project", str(project))
    assert result.code == 0, result.err
    sheets = office_csv(profile, out, tmp_path / "csv")
    assert sheets["Fokusområder"][0][:4] == ["ID", "navn (dansk) *", "navn (engelsk)", "placering *"]
    assert "overordnet mål: tekst (dansk) *" in sheets["Fokusområder"][0]
    assert sheets["Verdensmål"][0][:3] == ["element *", "verdensmål eller delmål *", "begrundelse (dansk) *"]
    book = load_workbook(out)
    assert book["Lister"].sheet_state == "hidden"
    ws = book["Verdensmål"]
    assert ws.freeze_panes == "A2"
    formulas = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation
    }
    assert formulas["B"].startswith(("Lister!", "'Lister'!"))  # 169 targets and 17 goals: too long to be inline
    assert formulas["F"] == '"accepteret,foreslået,afvist,trukket tilbage"'  # the statuses, inline
    comment = book["Fokuspunkter"]["B1"].comment
    assert comment is not None and "ordret som udgivet" in comment.text and "Påkrævet" in comment.text
    english = tmp_path / "new-en.xlsx"
    assert run_planlod("sheet", "new", "--out", str(english), "--lang", "en", "--project", str(project)).code == 0
    assert "Focus points" in load_workbook(english).sheetnames


# -- from the plan's text ---------------------------------------------------------------------------------
def without_plan(project: Path) -> Path:
    """The project with the Hedensted plan's own files removed (its organisations stay)."""
    (project / "data" / "ambitioner-og-retning-2020.ttl").unlink()
    (project / "data" / "sdg-koblinger.ttl").unlink()
    return project


def from_text(project: Path, source: Path, out: Path) -> str:
    result = run_planlod("sheet", "from-text", str(source), "--out", str(out), "--project", str(project))
    assert result.code == 0, result.out + result.err
    book = load_workbook(out)
    ws = book["Plan"]
    for header in ("udgiver", "kommune"):
        set_cell(ws, 2, header, "Hedensted Kommune")
    book.save(out)
    return result.out


def assert_plan_from_text(project: Path, out: Path) -> None:
    result = import_(project, out)
    assert result.code == 0, result.out + result.err
    assert "advarsel" in result.out  # English texts and SDG links are still to come
    graph = data_graph(project)
    plans = list(graph.subjects(RDF.type, PLO.Plan))
    assert plans == [URIRef(BASE + "plan/hedensted/ambitioner-og-retning-2020")]
    plan = plans[0]
    got = texts_of(graph, plan)
    want = texts_of(curated(), URIRef(BASE + PLAN))
    assert len(got) == 11 and sum(len(p) for _, _, p in got) == 45
    assert got == want
    assert str(graph.value(plan, DCTERMS.issued)) == "2020-02-17"
    assert graph.value(plan, DCTERMS.creator) == URIRef(BASE + "person/henrik-alleslev")
    assert _da(graph, plan, DCTERMS.title) == "Ambitioner og retning"
    assert not [
        o
        for o in graph.objects(None, RDFS.label)
        if isinstance(o, Literal) and o.language == "en" and "Initiative" in str(o)
    ]
    assert not list(graph.subjects(RDF.type, PLO.SDGLink))
    assert (project / "data" / "kommuner" / "hedensted" / "ambitioner-og-retning-2020.ttl").is_file()


@pytest.mark.slow
def test_from_text_gives_the_plans_areas_goals_and_focus_points_verbatim(tmp_path: Path, project: Path) -> None:
    without_plan(project)
    out = tmp_path / "fra-tekst.xlsx"
    printed = from_text(project, project / TEXT, out)
    assert "ambitioner-og-retning-2020.txt:8: kunne ikke placeres: ».«" in printed
    assert "ambitioner-og-retning-2020.txt:31: kunne ikke placeres: »Få overblik over planens fokuspunkter«" in printed
    assert_plan_from_text(project, out)
    again = import_(project, out)
    assert again.code == 0 and "0 tilføjet, 0 ændret, 0 fjernet" in again.out, again.out + again.err
    build = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert build.code == 0, build.out + build.err


@needs_office
def test_from_a_word_document_made_by_libreoffice(tmp_path: Path, project: Path, profile: Path) -> None:
    without_plan(project)
    office(
        profile,
        "--infilter=Text (encoded):UTF8",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(tmp_path / "word"),
        str(project / TEXT),
    )
    document = tmp_path / "word" / "ambitioner-og-retning-2020.docx"
    out = tmp_path / "fra-word.xlsx"
    from_text(project, document, out)
    assert_plan_from_text(project, out)
    source = next(data_graph(project).subjects(RDF.type, PLO.SourceDocument))
    assert str(data_graph(project).value(source, DCTERMS.format)).endswith("wordprocessingml.document")


def test_a_word_document_with_real_lists(tmp_path: Path, project: Path) -> None:
    """Word's own numbered and bulleted lists (not typed bullets) are read as the list of areas and points."""

    document = Document()
    document.add_paragraph("3. marts 2021")
    document.add_paragraph("Af: Henrik Alleslev")
    document.add_heading("En prøveplan", level=1)
    document.add_paragraph("Indledningen.")
    document.add_paragraph("Områderne er")
    document.add_paragraph("sundhed", style="List Number")
    document.add_paragraph("Sundhed", style="Heading 2")
    document.add_paragraph("Et godt liv.")
    document.add_paragraph("Mere motion.", style="List Bullet")
    document.add_paragraph("Mindre sukker.", style="List Bullet")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    out = tmp_path / "plan.xlsx"
    from_text(project, path, out)
    book = load_workbook(out)
    assert [c.value for c in book["Fokuspunkter"]["B"][1:]] == ["Mere motion.", "Mindre sukker."]
    assert book["Fokusområder"]["B2"].value == "Sundhed"
    result = import_(project, out)
    assert result.code == 0, result.out + result.err


# -- edits ------------------------------------------------------------------------------------------------
def git(project: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.slow
def test_edits_reimport_to_exactly_those_changes(tmp_path: Path, project: Path, exported: Path) -> None:
    git(project, "init", "-q")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(project, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "before")
    before = data_graph(project)
    book = load_workbook(exported)
    points = book["Fokuspunkter"]
    changed = row_of(points, "tekst (dansk)", "Genoptræning tættere på borgeren.")
    set_cell(points, changed, "tekst (dansk)", "Genoptræning tæt på borgeren.")
    deleted = row_of(points, "tekst (dansk)", "Mere oplysning om sundhed.")
    points.delete_rows(deleted)
    new = points.max_row + 1
    for header, value in (
        ("fokusområde", "Sundhed"),
        ("placering", 4),
        ("tekst (dansk)", "Flere sundhedstilbud om aftenen."),
    ):
        set_cell(points, new, header, value)
    links = book["Verdensmål"]
    links.delete_rows(row_of(links, "element", "sundhed/indsats/3"))
    # The area's withdrawn link named the deleted one among the links that replace it: no longer.
    withdrawn = row_of(links, "element", "sundhed")
    replaced_by = links.cell(row=withdrawn, column=headers(links)["erstattet af"])
    assert "sundhed/indsats/3/sdg/3.4" in str(replaced_by.value).splitlines()
    replaced_by.value = "\n".join(x for x in str(replaced_by.value).splitlines() if x != "sundhed/indsats/3/sdg/3.4")
    areas = book["Fokusområder"]
    set_cell(areas, row_of(areas, "ID", "sundhed"), "placering", 2)
    set_cell(areas, row_of(areas, "ID", "erhvervsliv"), "placering", 1)
    edited = tmp_path / "rettet.xlsx"
    book.save(edited)
    dry = import_(project, edited, "--dry-run")
    assert dry.code == 0, dry.out + dry.err
    assert "1 tilføjet, 4 ændret, 2 fjernet" in dry.out
    assert f"dct:isReplacedBy: {PLAN}/omraade/sundhed/indsats/3/sdg/3.4 → –" in dry.out
    assert "rdfs:label: »Genoptræning tættere på borgeren.«@da → »Genoptræning tæt på borgeren.«@da" in dry.out
    assert f"fjernet: {PLAN}/omraade/sundhed/indsats/3 «Mere oplysning om sundhed.»" in dry.out
    assert f"fjernet: {PLAN}/omraade/sundhed/indsats/3/sdg/3.4" in dry.out
    assert f"tilføjet: {PLAN}/omraade/sundhed/indsats/4" in dry.out
    assert "plo:position: »1« → »2«" in dry.out and "plo:position: »2« → »1«" in dry.out
    assert git(project, "status", "--porcelain") == ""
    done = import_(project, edited)
    assert done.code == 0, done.out + done.err
    diff = git(project, "diff", "-U0", "--", "data")
    changed_lines = sorted(
        line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )
    assert (
        '-    rdfs:label "Genoptræning tættere på borgeren."@da, "Rehabilitation closer to the citizen."@en ;'
        in changed_lines
    )
    assert (
        '+    rdfs:label "Genoptræning tæt på borgeren."@da, "Rehabilitation closer to the citizen."@en ;'
        in changed_lines
    )
    assert '+    plo:position "2"^^xsd:positiveInteger ;' in changed_lines
    assert '+    rdfs:label "Flere sundhedstilbud om aftenen."@da .' in changed_lines
    assert "-<plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/3/sdg/3.4>" in changed_lines
    assert "-        <plan/ambitioner-og-retning-2020/omraade/sundhed/indsats/3/sdg/3.4>," in changed_lines
    # Nothing else: the two positions, the text, the area's list of points, the removed and the new blocks.
    assert len([line for line in changed_lines if line.startswith("+")]) <= 10, diff
    after = data_graph(project)
    removed = {
        URIRef(BASE + PLAN + "/omraade/sundhed/indsats/3"),
        URIRef(BASE + PLAN + "/omraade/sundhed/indsats/3/sdg/3.4"),
    }
    named_before = {s for s in before.subjects() if isinstance(s, URIRef)}
    named_after = {s for s in after.subjects() if isinstance(s, URIRef)}
    assert named_before - removed <= named_after
    assert named_after - named_before == {URIRef(BASE + PLAN + "/omraade/sundhed/indsats/4")}
    edited_things = {
        URIRef(BASE + PLAN + p)
        for p in ("/omraade/sundhed", "/omraade/erhvervsliv", "/omraade/sundhed/indsats/2", "/omraade/sundhed/sdg/3")
    }
    for subject in named_before - removed - edited_things:
        described = {(p, o) for p, o in before.predicate_objects(subject) if not isinstance(o, BNode)}
        assert described == {(p, o) for p, o in after.predicate_objects(subject) if not isinstance(o, BNode)}, subject
    again = import_(project, edited)
    assert "0 tilføjet, 0 ændret, 0 fjernet" in again.out


def test_renaming_an_area_keeps_its_iri(tmp_path: Path, project: Path, exported: Path) -> None:
    book = load_workbook(exported)
    areas = book["Fokusområder"]
    set_cell(areas, row_of(areas, "ID", "sundhed"), "navn (dansk)", "Sundhed og trivsel")
    points = book["Fokuspunkter"]
    for row in range(2, points.max_row + 1):
        if points.cell(row=row, column=headers(points)["fokusområde"]).value == "Sundhed":
            set_cell(points, row, "fokusområde", "Sundhed og trivsel")
    edited = tmp_path / "omdoebt.xlsx"
    book.save(edited)
    result = import_(project, edited)
    assert result.code == 0, result.out + result.err
    graph = data_graph(project)
    area = URIRef(BASE + PLAN + "/omraade/sundhed")
    assert _da(graph, area, SKOS.prefLabel) == "Sundhed og trivsel"
    assert len(list(graph.objects(area, PLO.initiative))) == 3


def test_dry_run_writes_nothing(tmp_path: Path, project: Path, exported: Path) -> None:
    book = load_workbook(exported)
    set_cell(book["Plan"], 2, "titel (engelsk)", "Ambition and direction")
    edited = tmp_path / "x.xlsx"
    book.save(edited)
    before = data_digest(project)
    result = import_(project, edited, "--dry-run", "--lang", "en")
    assert result.code == 0
    assert "dct:title: »Ambitions and direction«@en → »Ambition and direction«@en" in result.out
    assert "nothing written (--dry-run)" in result.out
    assert data_digest(project) == before


def test_a_curator_withdraws_a_link_in_the_workbook(tmp_path: Path, project: Path, exported: Path) -> None:
    """The linking policy's decision, made in the workbook: status, who decided and when, and the link that now
    carries it, chosen by the workbook's name for it; re-imported to exactly that change."""
    book = load_workbook(exported)
    links = book["Verdensmål"]
    row = next(
        r
        for r in range(2, links.max_row + 1)
        if links.cell(row=r, column=headers(links)["element"]).value == "sundhed/maal"
        and str(links.cell(row=r, column=headers(links)["verdensmål eller delmål"]).value).startswith("3.8 ")
    )
    assert links.cell(row=row, column=headers(links)["status"]).value == "accepteret"
    for header, value in (
        ("status", "trukket tilbage"),
        ("besluttet af", "planlod"),
        ("beslutningsdato", "03-12-2026"),
        ("erstattet af", "sundhed/indsats/2/sdg/3.8"),
    ):
        set_cell(links, row, header, value)
    edited = tmp_path / "tilbagetrukket.xlsx"
    book.save(edited)
    dry = import_(project, edited, "--dry-run")
    assert dry.code == 0, dry.out + dry.err
    assert "0 tilføjet, 1 ændret, 0 fjernet" in dry.out
    assert "plo:status: plo:Accepted → plo:Withdrawn" in dry.out
    assert f"dct:isReplacedBy: – → {PLAN}/omraade/sundhed/indsats/2/sdg/3.8" in dry.out
    assert import_(project, edited).code == 0
    graph = data_graph(project)
    link = URIRef(BASE + PLAN + "/omraade/sundhed/maal/sdg/3.8")
    assert graph.value(link, PLO.status) == PLO.Withdrawn
    assert graph.value(link, DCTERMS.isReplacedBy) == URIRef(BASE + PLAN + "/omraade/sundhed/indsats/2/sdg/3.8")
    assert str(graph.value(link, PLO.decisionDate)) == "2026-12-03"
    assert run_planlod("validate", "--project", str(project)).code == 0


# -- bad workbooks ----------------------------------------------------------------------------------------
Edit = Callable[[Workbook], None]


def cell_edit(sheet: str, header: str, value: object, row: int = 2) -> Edit:
    def edit(book: Workbook) -> None:
        set_cell(book[sheet], row, header, value)

    return edit


def edits(*steps: Edit) -> Edit:
    def edit(book: Workbook) -> None:
        for step in steps:
            step(book)

    return edit


def _rename_header(book: Workbook) -> None:
    book["Fokuspunkter"].cell(row=1, column=2, value="tekstt (dansk)")


def _delete_column(book: Workbook) -> None:
    book["Fokuspunkter"].delete_cols(3)


def _duplicate_column(book: Workbook) -> None:
    ws = book["Fokuspunkter"]
    ws.cell(row=1, column=ws.max_column + 1, value="placering")


def _delete_sheet(book: Workbook) -> None:
    del book["Fokuspunkter"]


def _delete_meta(book: Workbook) -> None:
    del book["planlod"]


def _second_plan(book: Workbook) -> None:
    set_cell(book["Plan"], 3, "titel (dansk)", "En plan mere")


def _duplicate_link(book: Workbook) -> None:
    ws = book["Verdensmål"]
    last = ws.max_row + 1
    for column in range(1, ws.max_column + 1):
        ws.cell(row=last, column=column, value=ws.cell(row=2, column=column).value)


def _bad_language(book: Workbook) -> None:
    ws = book["Øvrige"]
    assert ws.cell(row=3, column=headers(ws)["sprog"]).value == "da"
    set_cell(ws, 3, "sprog", "dansk!")


def _suggested(book: Workbook) -> None:
    set_cell(book["Verdensmål"], 2, "metode", "Foreslået")


# (name, edit, exit code, cell (or None), words in the message)
BAD: list[tuple[str, Edit, int, str | None, str]] = [
    ("date that is not a date", cell_edit("Plan", "dato", "sidste tirsdag"), 1, "Plan!F2", "er ikke en dato"),
    ("plan date missing", cell_edit("Plan", "dato", None), 1, "Plan!F2", "dct:issued"),
    ("title missing", cell_edit("Plan", "titel (dansk)", None), 1, "Plan!B2", "den danske tekst mangler"),
    ("unknown publisher", cell_edit("Plan", "udgiver", "Aarhus Kommune"), 1, "Plan!G2", "findes ikke i projektet"),
    (
        "publisher is not a municipality",
        cell_edit("Plan", "udgiver", "SF – Socialistisk Folkeparti"),
        1,
        "Plan!G2",
        "plo:Municipality",
    ),
    ("language that is not a code", cell_edit("Plan", "sprog", "dansk"), 1, "Plan!O2", "sprogkode"),
    ("two plans", _second_plan, 1, "Plan!A2", "præcis én plan"),
    ("plan ID with spaces", cell_edit("Plan", "ID", "Ambitioner og retning"), 1, "Plan!A2", "små bogstaver"),
    (
        "area name missing",
        cell_edit("Fokusområder", "navn (dansk)", None),
        1,
        "Fokusområder!B2",
        "den danske tekst mangler",
    ),
    ("area position not a number", cell_edit("Fokusområder", "placering", "første"), 1, "Fokusområder!D2", "helt tal"),
    (
        "two areas with the same position",
        cell_edit("Fokusområder", "placering", 2),
        1,
        "Fokusområder!D2",
        "samme placering",
    ),
    (
        "headline goal missing",
        edits(
            cell_edit("Fokusområder", "overordnet mål: tekst (dansk)", None),
            cell_edit("Fokusområder", "overordnet mål: tekst (engelsk)", None),
        ),
        1,
        "Fokusområder!G2",
        "overordnet mål",
    ),
    (
        "headline goal without its Danish text",
        cell_edit("Fokusområder", "overordnet mål: tekst (dansk)", None),
        1,
        "Fokusområder!G2",
        "den danske tekst mangler",
    ),
    ("area ID not a slug", cell_edit("Fokusområder", "ID", "Sundhed!"), 1, "Fokusområder!A2", "små bogstaver"),
    ("area ID used twice", cell_edit("Fokusområder", "ID", "erhvervsliv"), 1, "Fokusområder!A3", "også i række"),
    (
        "focus point text missing",
        cell_edit("Fokuspunkter", "tekst (dansk)", None),
        1,
        "Fokuspunkter!B2",
        "den danske tekst mangler",
    ),
    ("focus point position zero", cell_edit("Fokuspunkter", "placering", 0), 1, "Fokuspunkter!D2", "helt tal fra 1"),
    (
        "two focus points with the same position",
        cell_edit("Fokuspunkter", "placering", 2),
        1,
        "Fokuspunkter!D2",
        "samme placering",
    ),
    (
        "unknown focus area",
        cell_edit("Fokuspunkter", "fokusområde", "Sundhed og trivsel"),
        1,
        "Fokuspunkter!E2",
        "står ikke på arket Fokusområder",
    ),
    ("focus point ID not a number", cell_edit("Fokuspunkter", "ID", "a"), 1, "Fokuspunkter!A2", "helt tal"),
    ("focus point ID used twice", cell_edit("Fokuspunkter", "ID", 2), 1, "Fokuspunkter!A3", "også i række"),
    (
        "mention of an unknown organisation",
        cell_edit("Fokuspunkter", "nævner", "Ukendt Forening"),
        1,
        "Fokuspunkter!F2",
        "findes ikke",
    ),
    (
        "unknown SDG target",
        cell_edit("Verdensmål", "verdensmål eller delmål", "3.99"),
        1,
        "Verdensmål!B2",
        "ikke et af FN's verdensmål",
    ),
    (
        "SDG cell with a word",
        cell_edit("Verdensmål", "verdensmål eller delmål", "sundhed"),
        1,
        "Verdensmål!B2",
        "ikke et af FN's verdensmål",
    ),
    (
        "unknown element",
        cell_edit("Verdensmål", "element", "sundhed/indsats/99"),
        1,
        "Verdensmål!A2",
        "ikke et element i planen",
    ),
    (
        "method not in the list",
        cell_edit("Verdensmål", "metode", "Gættet"),
        1,
        "Verdensmål!E2",
        "ikke en af mulighederne",
    ),
    (
        "status not in the list",
        cell_edit("Verdensmål", "status", "Måske"),
        1,
        "Verdensmål!F2",
        "ikke en af mulighederne",
    ),
    ("confidence not a number", cell_edit("Verdensmål", "sikkerhed", "høj"), 1, "Verdensmål!G2", "ikke et tal"),
    ("confidence above 1", cell_edit("Verdensmål", "sikkerhed", 1.5), 1, "Verdensmål!G2", "mellem 0 og 1"),
    ("suggested link without confidence", _suggested, 1, "Verdensmål!G2", "plo:confidence"),
    (
        "rationale missing",
        cell_edit("Verdensmål", "begrundelse (dansk)", None),
        1,
        "Verdensmål!C2",
        "den danske tekst mangler",
    ),
    ("the same link twice", _duplicate_link, 1, "Verdensmål!A112", "gentager række 2"),
    (
        "link created date not a date",
        cell_edit("Verdensmål", "oprettet", "i går"),
        1,
        "Verdensmål!L2",
        "er ikke en dato",
    ),
    (
        "decision date not a date",
        cell_edit("Verdensmål", "beslutningsdato", "snart"),
        1,
        "Verdensmål!K2",
        "er ikke en dato",
    ),
    (
        "decision dated before the link was created",
        cell_edit("Verdensmål", "beslutningsdato", "2020-01-01"),
        1,
        "Verdensmål!K2",
        "kan ikke ligge før",
    ),
    (
        "decided by someone not in the project",
        cell_edit("Verdensmål", "besluttet af", "En Ukendt Kurator"),
        1,
        "Verdensmål!J2",
        "findes ikke i projektet",
    ),
    (
        "a proposed link with a decision",
        cell_edit("Verdensmål", "status", "foreslået"),
        1,
        "Verdensmål!J2",
        "ikke besluttet endnu",
    ),
    (
        "a withdrawn link that names no link replacing it",
        cell_edit("Verdensmål", "erstattet af", None),
        1,
        "Verdensmål!O2",
        "tilbagetrukket kobling",
    ),
    (
        "replaced by a link that is not on the sheet",
        cell_edit("Verdensmål", "erstattet af", "sundhed/indsats/1/sdg/3.9"),
        1,
        "Verdensmål!O2",
        "ikke en kobling på arket",
    ),
    (
        "replaced by an element, not a link",
        cell_edit("Verdensmål", "erstattet af", "sundhed/indsats/1"),
        1,
        "Verdensmål!O2",
        "ikke en kobling på arket",
    ),
    (
        "correction text missing",
        cell_edit("Rettelser", "rettet tekst (dansk)", None),
        1,
        "Rettelser!B2",
        "den danske tekst mangler",
    ),
    ("checksum that is not one", cell_edit("Kilder", "kontrolsum", "abc"), 1, "Kilder!E2", "SHA-256"),
    (
        "municipality code with three digits",
        cell_edit("Organisationer", "kommunekode", "766"),
        1,
        "Organisationer!E2",
        "firecifret",
    ),
    (
        "unknown type of organisation",
        cell_edit("Organisationer", "type", "Forening"),
        1,
        "Organisationer!A2",
        "ikke en af typerne",
    ),
    ("organisation ID not a path", cell_edit("Organisationer", "ID", "Parti SF"), 1, "Organisationer!B2", "sti"),
    (
        "other fact with a bad property",
        cell_edit("Øvrige", "egenskab", "ikke en egenskab"),
        1,
        "Øvrige!B2",
        "ikke en egenskab",
    ),
    ("other fact with a bad language", _bad_language, 1, "Øvrige!D3", "sprogkode"),
    (
        "formula error in a cell",
        cell_edit("Fokuspunkter", "tekst (engelsk)", "#REF!"),
        1,
        "Fokuspunkter!C2",
        "formelfejl",
    ),
    ("renamed column", _rename_header, 2, "Fokuspunkter!B1", "omdøbt"),
    ("deleted column", _delete_column, 2, None, "mangler i første række"),
    ("column twice", _duplicate_column, 2, "Fokuspunkter!G1", "to gange"),
    ("deleted sheet", _delete_sheet, 2, None, "arket »Fokuspunkter« mangler"),
    ("not a planlod workbook", _delete_meta, 2, None, "ikke en planlod-projektmappe"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "edit", "code", "cell", "words"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_workbook_is_reported_at_its_cell(
    tmp_path: Path, project: Path, exported: Path, name: str, edit: Edit, code: int, cell: str | None, words: str
) -> None:
    book = load_workbook(exported)
    edit(book)
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    before = data_digest(project)
    result = import_(project, bad)
    shown = result.out + result.err
    assert result.code == code, shown
    assert "Traceback" not in shown and "internal error" not in shown
    lines = [line for line in shown.splitlines() if words in line]
    assert lines, f"{name}: expected “{words}” in:\n{shown}"
    if cell is not None:
        assert any(cell in line for line in lines), f"{name}: expected {cell} in:\n{shown}"
    assert data_digest(project) == before


# -- the linking policy's rules (docs/sdg-linking.md), each reported at the cell its triple came from --------
PolicyEdit = Callable[[Workbook], str]


def link_row(ws: Worksheet, element: str, code: str) -> int:
    """The row of the link from an element (as the workbook names it) to an SDG goal or target (its code)."""
    columns = headers(ws)
    for row in range(2, ws.max_row + 1):
        concept = str(ws.cell(row=row, column=columns["verdensmål eller delmål"]).value or "")
        if ws.cell(row=row, column=columns["element"]).value == element and concept.split(" ", 1)[0] == code:
            return row
    raise AssertionError(f"no link from {element} to {code}")


def at(ws: Worksheet, row: int, header: str) -> str:
    """A cell's place as the import reports it: Verdensmål!B7."""
    return f"{ws.title}!{get_column_letter(headers(ws)[header])}{row}"


def _goal_beside_its_target(book: Workbook) -> str:
    """An accepted link to goal 4 beside the element's accepted link to target 4.1."""
    ws = book["Verdensmål"]
    source, new = link_row(ws, "skoler-og-dagtilbud/indsats/4", "4.1"), ws.max_row + 1
    for column in range(1, ws.max_column + 1):
        ws.cell(row=new, column=column, value=ws.cell(row=source, column=column).value)
    set_cell(ws, new, "verdensmål eller delmål", "4")
    return at(ws, new, "verdensmål eller delmål")


def _developing_country_target_accepted(book: Workbook) -> str:
    """The rejected link to target 4.c (scholarships for developing countries) accepted."""
    ws = book["Verdensmål"]
    row = link_row(ws, "skoler-og-dagtilbud/indsats/4", "4.c")
    assert ws.cell(row=row, column=headers(ws)["status"]).value == "afvist"
    set_cell(ws, row, "status", "accepteret")
    return at(ws, row, "verdensmål eller delmål")


def _area_link_beside_its_parts(book: Workbook) -> str:
    """The area's own link to goal 3, withdrawn for its parts' links, accepted again."""
    ws = book["Verdensmål"]
    row = link_row(ws, "sundhed", "3")
    set_cell(ws, row, "status", "accepteret")
    set_cell(ws, row, "erstattet af", None)
    return at(ws, row, "element")


def _stated_in_plan_without_mention(book: Workbook) -> str:
    """A link said to be stated in the plan, whose element's text names no goal or target."""
    ws = book["Verdensmål"]
    row = link_row(ws, "skoler-og-dagtilbud/indsats/4", "4.1")
    set_cell(ws, row, "metode", "angivet i planen")
    return at(ws, row, "metode")


def _decision_without_curator(book: Workbook) -> str:
    """An accepted link that no longer says who decided: a warning, the import goes on."""
    ws = book["Verdensmål"]
    row = link_row(ws, "skoler-og-dagtilbud/indsats/4", "4.1")
    set_cell(ws, row, "besluttet af", None)
    return at(ws, row, "besluttet af")


POLICY: list[tuple[str, PolicyEdit, int, str]] = [
    ("a goal beside its own target", _goal_beside_its_target, 1, "et af dette måls delmål"),
    ("an accepted developing-country target", _developing_country_target_accepted, 1, "udviklingslandene"),
    ("an area linked beside its parts", _area_link_beside_its_parts, 1, "kobl delene, ikke helheden"),
    ("stated in the plan without a mention", _stated_in_plan_without_mention, 1, "plo:mentions"),
    ("a decision that names no curator", _decision_without_curator, 0, "hvem der har besluttet"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "edit", "code", "words"), POLICY, ids=[p[0] for p in POLICY])
def test_the_linking_policy_is_checked_at_the_cell(
    tmp_path: Path, project: Path, exported: Path, name: str, edit: PolicyEdit, code: int, words: str
) -> None:
    """The shapes' policy rules found on the imported graph: a violation stops the import (exit 1, data/
    unchanged), a warning is listed; either at the cell of the triple the rule is about, with the shape's message."""
    book = load_workbook(exported)
    cell = edit(book)
    edited = tmp_path / "policy.xlsx"
    book.save(edited)
    before = data_digest(project)
    result = import_(project, edited, "--dry-run")
    shown = result.out + result.err
    assert result.code == code, shown
    assert "Traceback" not in shown
    kind = "fejl" if code else "advarsel"
    assert [line for line in shown.splitlines() if line.startswith(f"{kind}: {cell}: ") and words in line], (
        f"{name}: expected {kind} at {cell} with “{words}” in:\n{shown}"
    )
    assert data_digest(project) == before


def _not_zip(path: Path, _: Path, _p: Path) -> None:
    path.write_text("ID;tekst\n1;hej\n", encoding="utf-8")


def _old_xls(path: Path, _: Path, _p: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def _encrypted(path: Path, _: Path, _p: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))


def _truncated(path: Path, exported: Path, _p: Path) -> None:
    path.write_bytes(exported.read_bytes()[:5000])


def _word(path: Path, _: Path, _p: Path) -> None:

    Document().save(str(path))


def _ods(path: Path, exported: Path, profile: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice is installed by tests/setup.sh")
    office(profile, "--convert-to", "ods", "--outdir", str(path.parent / "ods"), str(exported))
    (path.parent / "ods" / (exported.stem + ".ods")).replace(path)


BROKEN: list[tuple[str, Callable[[Path, Path, Path], None], str]] = [
    ("a text file", _not_zip, "ikke en Excel-projektmappe"),
    ("an .xls file", _old_xls, "gammel Excel-fil (.xls)"),
    ("a password-protected file", _encrypted, "beskyttet med adgangskode"),
    ("a damaged file", _truncated, "beskadiget"),
    ("a Word document", _word, "ikke en Excel-projektmappe"),
    ("an .ods file", _ods, "OpenDocument-regneark"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "make", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_file_that_is_not_a_workbook_exits_2(
    tmp_path: Path,
    project: Path,
    exported: Path,
    profile: Path,
    name: str,
    make: Callable[[Path, Path, Path], None],
    words: str,
) -> None:
    bad = tmp_path / "plan.xlsx"
    make(bad, exported, profile)
    before = data_digest(project)
    result = import_(project, bad)
    assert result.code == 2, result.out + result.err
    assert words in result.err, f"{name}: {result.err}"
    assert "Traceback" not in result.err
    assert data_digest(project) == before


def test_messages_in_english(tmp_path: Path, project: Path, exported: Path) -> None:
    book = load_workbook(exported)
    set_cell(book["Plan"], 2, "dato", "last Tuesday")
    set_cell(book["Fokuspunkter"], 2, "tekst (dansk)", None)
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    result = import_(project, bad, "--lang", "en")
    assert result.code == 1
    assert "error: Plan!F2: “last Tuesday” is not a date" in result.err
    assert "error: Fokuspunkter!B2: text: the Danish text is missing" in result.err
    assert "nothing was written" in result.err


# -- generated from the shapes ----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_new_property_shape_is_a_column_of_the_next_workbook(tmp_path: Path, project: Path) -> None:
    shapes = project / "shapes" / "planlod-shapes.ttl"
    text = shapes.read_text(encoding="utf-8")
    anchor = "<shapes/FocusAreaShape>\n    a sh:NodeShape ;\n"
    assert anchor in text
    shapes.write_text(
        text.replace(
            anchor,
            anchor
            + '    sh:property [ sh:path dct:description ; sh:order 2.5 ; sh:name "beskrivelse"@da, "description"@en ;\n'
            '        sh:description "En kort beskrivelse af området."@da, "A short description of the area."@en ;\n'
            '        sh:datatype rdf:langString ; sh:minCount 1 ; sh:severity sh:Warning ;\n        sh:message "beskrivelse mangler"@da, "description missing"@en ] ;\n',
        ),
        encoding="utf-8",
    )
    out = tmp_path / "ny.xlsx"
    assert run_planlod("sheet", "new", "--out", str(out), "--project", str(project)).code == 0
    names = list(headers(load_workbook(out)["Fokusområder"]))
    assert names.index("beskrivelse (dansk)") == names.index("placering") + 1
    assert "beskrivelse (engelsk)" in names
    exported = export(project, tmp_path / "plan.xlsx")
    book = load_workbook(exported)
    areas = book["Fokusområder"]
    set_cell(areas, row_of(areas, "ID", "sundhed"), "beskrivelse (dansk)", "Forebyggelse og sundhedstilbud.")
    book.save(exported)
    result = import_(project, exported)
    assert result.code == 0, result.out + result.err
    assert "Fokusområder!E" in result.out  # the other areas' missing descriptions, at their cells
    graph = data_graph(project)
    assert (
        URIRef(BASE + PLAN + "/omraade/sundhed"),
        DCTERMS.description,
        Literal("Forebyggelse og sundhedstilbud.", lang="da"),
    ) in graph


# -- a new plan from a new workbook -------------------------------------------------------------------------
@pytest.mark.slow
def test_a_new_workbook_filled_in_becomes_a_plan_in_progress_that_builds(tmp_path: Path, project: Path) -> None:
    out = tmp_path / "ny.xlsx"
    assert run_planlod("sheet", "new", "--out", str(out), "--project", str(project)).code == 0
    book = load_workbook(out)
    plan = book["Plan"]
    for header, value in (
        ("titel (dansk)", "Grøn plan"),
        ("etiket (dansk)", "Grøn plan"),
        ("dato", "01-03-2022"),
        ("udgiver", "Hedensted Kommune"),
        ("kommune", "Hedensted Kommune"),
        ("kilde", "kilde/ambitioner-og-retning-2020"),
    ):
        set_cell(plan, 2, header, value)
    set_cell(book["Fokusområder"], 2, "navn (dansk)", "Natur & Miljø")
    set_cell(book["Fokusområder"], 2, "placering", 1)
    set_cell(book["Fokusområder"], 2, "overordnet mål: tekst (dansk)", "Mere natur.")
    for header, value in (("fokusområde", "Natur & Miljø"), ("placering", 1), ("tekst (dansk)", "Plant flere træer.")):
        set_cell(book["Fokuspunkter"], 2, header, value)
    book.save(out)
    result = import_(project, out)
    assert result.code == 0, result.out + result.err
    assert "advarsel: Fokuspunkter!C2: tekst: den engelske oversættelse mangler" in result.out
    assert (
        "advarsel: Fokusområder!A2: verdensmålskoblinger: hverken fokusområdet eller dets mål og fokuspunkter er "
        "endnu koblet" in result.out
    )
    written = project / "data" / "kommuner" / "hedensted" / "groen-plan-2022.ttl"
    assert written.is_file()
    graph = data_graph(project)
    point = URIRef(BASE + "plan/hedensted/groen-plan-2022/omraade/natur-og-miljoe/indsats/1")
    assert _da(graph, point, RDFS.label) == "Plant flere træer."
    validate = run_planlod("validate", "--project", str(project))
    assert validate.code == 0 and "warning(s)" in validate.out
    again = import_(project, out)
    assert again.code == 0 and "0 tilføjet, 0 ændret, 0 fjernet" in again.out, again.out + again.err
    build = run_planlod("build", "--project", str(project), "--out", str(tmp_path / "site"))
    assert build.code == 0, build.out + build.err
    area = tmp_path / "site" / "plan" / "hedensted" / "groen-plan-2022" / "omraade" / "natur-og-miljoe"
    danish = (area / "index.html").read_text(encoding="utf-8")
    assert "Endnu ikke færdigt" in danish and "er endnu koblet til FN&#39;s verdensmål" in danish
    english = (area / "en" / "index.html").read_text(encoding="utf-8")
    assert "The English translation is still to come" in english
    assert "are linked to the UN Sustainable Development Goals yet" in english
    point = (area / "indsats" / "1" / "en" / "index.html").read_text(encoding="utf-8")
    assert "The English translation is still to come" in point
    finished = tmp_path / "site" / "plan" / "ambitioner-og-retning-2020" / "omraade" / "sundhed" / "en" / "index.html"
    assert "Still to come" not in finished.read_text(encoding="utf-8")


# -- a corpus of plans --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_every_plan_of_a_corpus_round_trips_and_an_edit_touches_only_its_files(tmp_path: Path, corpus3: Path) -> None:
    """Plans in the multi-plan layout (parties described in a national file and in each municipality's), with
    suggested links and confidences: export and import change no file; an edit changes only that plan's file."""
    project = tmp_path / "c3"
    shutil.copytree(corpus3, project)
    before = data_digest(project)
    graph = data_graph(project)
    plans = sorted(str(p)[len(BASE) :] for p in graph.subjects(RDF.type, PLO.Plan))
    assert len(plans) == 3
    for plan in plans:
        out = tmp_path / (plan.replace("/", "-") + ".xlsx")
        assert run_planlod("sheet", "export", plan, "--out", str(out), "--project", str(project)).code == 0
        result = import_(project, out)
        assert result.code == 0, result.out + result.err
        assert "0 tilføjet, 0 ændret, 0 fjernet" in result.out
    assert data_digest(project) == before
    book = load_workbook(out)
    set_cell(book["Fokuspunkter"], 2, "tekst (engelsk)", "An edited translation.")
    book.save(out)
    assert import_(project, out).code == 0
    after = data_digest(project)
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == [f"data/kommuner/{plans[-1].split('/')[1]}/{plans[-1].split('/')[2]}.ttl"]
