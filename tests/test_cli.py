"""`planlod validate` exit codes and messages, as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from tests.conftest import ROOT, run_planlod

PLAN_FILE = "data/ambitioner-og-retning-2020.ttl"


def test_the_project_data_validate_with_exit_0(project: Path) -> None:
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 0, result.out + result.err
    assert "the data conform: 0 violation(s), 0 warning(s)" in result.out
    assert "Traceback" not in result.err


def test_a_violation_exits_1_and_names_file_entity_property_and_fix(project: Path) -> None:
    plan = project / PLAN_FILE
    text = plan.read_text(encoding="utf-8")
    assert '"2020-02-17"^^xsd:date' in text
    plan.write_text(text.replace('"2020-02-17"^^xsd:date', '"17. februar 2020"', 1), encoding="utf-8")
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 1, result.out + result.err
    line = next(line for line in result.out.splitlines() if line.startswith("Violation"))
    assert PLAN_FILE in line
    assert "plan/ambitioner-og-retning-2020 «Ambitioner og retning»" in line
    assert "dct:issued" in line and "xsd:date" in line
    assert "the data do not conform: 1 violation(s)" in result.out


def test_messages_and_labels_in_danish(project: Path) -> None:
    plan = project / PLAN_FILE
    plan.write_text(plan.read_text(encoding="utf-8").replace('"2020-02-17"^^xsd:date', '"2020"', 1), encoding="utf-8")
    result = run_planlod("validate", "--project", str(project), "--lang", "da")
    assert result.code == 1
    assert "dato: planen skal have præcis én dct:issued" in result.out


def test_a_syntax_error_exits_2_with_file_line_and_column(project: Path) -> None:
    broken = project / "data" / "organisationer.ttl"
    lines = broken.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("<kommune/hedensted>"))
    lines[number] = lines[number].replace("<kommune/hedensted>", "<kommune/hedensted", 1)
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 2, result.out + result.err
    assert f"data/organisationer.ttl:{number + 1}:" in result.err
    assert "cannot parse" in result.err
    assert "Traceback" not in result.err


def test_missing_and_empty_data_folders_exit_2_and_say_so(project: Path) -> None:
    for path in sorted((project / "data").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 2
    assert "data: the data folder holds no .ttl or .nt files" in result.err
    (project / "data").rmdir()
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 2
    assert "data: the data folder does not exist" in result.err


def test_an_empty_data_file_exits_2(project: Path) -> None:
    for path in (project / "data").glob("*.ttl"):
        path.write_text("# nothing here\n", encoding="utf-8")
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 2
    assert "the data files hold no triples" in result.err


def test_warnings_pass_unless_strict(project: Path) -> None:
    plan = project / PLAN_FILE
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace('"Ambitions and direction"@en', '"Ambitions and direction"@de', 1), encoding="utf-8")
    relaxed = run_planlod("validate", "--project", str(project))
    assert relaxed.code == 0, relaxed.out
    assert "Warning:" in relaxed.out
    strict = run_planlod("validate", "--project", str(project), "--strict")
    assert strict.code == 1


def test_turtle_format_is_the_shacl_report(project: Path) -> None:
    plan = project / PLAN_FILE
    plan.write_text(plan.read_text(encoding="utf-8").replace('"2020-02-17"^^xsd:date', '"2020"', 1), encoding="utf-8")
    result = run_planlod("validate", "--project", str(project), "--format", "turtle")
    assert result.code == 1
    report = Graph().parse(data=result.out, format="turtle")
    assert (None, SH.conforms, None) in report
    assert len(list(report.subjects(SH.resultSeverity, SH.Violation))) == 1


def test_a_bad_base_iri_exits_2(project: Path) -> None:
    result = run_planlod("validate", "--project", str(project), "--base-iri", "data.example.dk")
    assert result.code == 2
    assert "base_iri must be an absolute http(s) IRI" in result.err


def test_an_unknown_setting_in_pyproject_exits_2(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace("[tool.planlod]", "[tool.planlod]\nbase_uri = 'x'"),
        encoding="utf-8",
    )
    result = run_planlod("validate", "--project", str(project))
    assert result.code == 2
    assert "unknown setting(s) in [tool.planlod]: base_uri" in result.err


# In a fresh process: `planlod validate`, then which of the modules a check of conforming data does not use are
# loaded (each costs a tenth of a second or more of every command's start-up).
LOADED = """
import json, sys
from publish.cli import main
sys.argv = ["planlod", "validate", "--project", sys.argv[1]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, [m for m in ("pyshacl", "rdflib.plugins.sparql", "tqdm") if m in sys.modules]]))
"""


def test_checking_conforming_data_loads_neither_pyshacl_nor_a_sparql_parser_nor_progress_bars(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, str(project)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    code, loaded = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stdout
    assert loaded == []


def test_a_reader_that_stops_after_the_first_line_leaves_the_build_to_finish(project: Path, tmp_path: Path) -> None:
    """`planlod build | head -1`: once the pipe's reader has gone, the build goes on without its output lines and
    ends with its own status (0) and the site complete, not stopped half-way with exit 1 ("do not conform")."""
    site = tmp_path / "site"
    command = [sys.executable, "-m", "publish", "build", "--project", str(project), "--out", str(site)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()  # the reader goes away; the build prints a line per step until its summary
    errors = child.stderr.read()
    assert child.wait(timeout=300) == 0, errors
    assert first.startswith("check: ")
    assert "error" not in errors and "Traceback" not in errors
    assert (site / "dump" / "latest.ttl").stat().st_size > 100_000
