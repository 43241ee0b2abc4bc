"""bench/corpus.py: the synthetic national corpus is deterministic, valid under the shapes, and builds."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, generate

pytestmark = pytest.mark.slow


def data_files(project: Path) -> dict[str, bytes]:
    """Every generated file (data/ and corpus.json) by its path in the project."""
    files = {p.relative_to(project).as_posix(): p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()}
    files["corpus.json"] = (project / "corpus.json").read_bytes()
    return files


def planlod(*args: str) -> subprocess.CompletedProcess[str]:
    """The planlod command line in a fresh process."""
    return subprocess.run([sys.executable, "-m", "publish", *args], capture_output=True, text=True, check=False)


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, 12, 5, hash_seed="1")
    generate(second, 12, 5, hash_seed="2")
    generate(other, 12, 6, hash_seed="1")
    a, b = data_files(first), data_files(second)
    assert sorted(a) == sorted(b)
    differing = [path for path in a if a[path] != b[path]]
    assert not differing, f"files differ between two runs with the same --plans and --seed: {differing[:5]}"
    assert data_files(other) != a, "another seed should give another corpus"


def test_regenerating_replaces_the_old_corpus(tmp_path: Path) -> None:
    out = tmp_path / "c"
    generate(out, 12, 5)
    generate(out, 3, 5)
    info = json.loads((out / "corpus.json").read_text())
    listed = sorted(info["files"])
    assert sorted(p for p in data_files(out) if p != "corpus.json") == listed
    assert info["plans"] == 3


def load_corpus_module() -> object:
    """bench/corpus.py as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_corpus", CORPUS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the module runs
    spec.loader.exec_module(module)
    return module


def test_refuses_to_write_into_the_repository_or_a_foreign_folder(tmp_path: Path) -> None:
    # checked without running the generator, so that a broken check cannot touch the repository
    corpus = load_corpus_module()
    for target in (ROOT, ROOT / "data", ROOT / "data" / "x", ROOT.parent):
        with pytest.raises(SystemExit, match="refusing"):
            corpus.check_target(target)  # type: ignore[attr-defined]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    done = subprocess.run(
        [sys.executable, str(CORPUS), "--plans", "1", "--out", str(foreign)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0 and "not a generated corpus" in done.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_corpus_has_the_structure_of_real_plans(corpus3: Path) -> None:
    info = json.loads((corpus3 / "corpus.json").read_text())
    assert info["plans"] == 3 and info["municipalities"] == 2
    plans = sorted(
        p
        for p in (corpus3 / "data" / "kommuner").glob("*/*.ttl")
        if p.name != "organisationer.ttl" and not p.name.endswith("-sdg-koblinger.ttl")
    )
    assert len(plans) == 3
    texts = "".join(p.read_text(encoding="utf-8") for p in plans)
    # IRIs are relative, like the real data's; plan slugs carry the municipality and the year
    assert "<http://localhost" not in texts
    assert re.search(r"<plan/syntetisk-kommune-\d{3}/[a-z0-9-]+-20\d\d>", texts)
    assert "plo:follows" in texts and "dct:isVersionOf" in texts, "an edition series is expected in 3 plans"
    for plan in plans:
        text = plan.read_text(encoding="utf-8")
        assert "SYNTETISK TESTDATA" in text and "Syntetisk testdata" in text
        # the checksum is the SHA-256 of the generated source text
        (download,) = re.findall(r"dcat:downloadURL <kilde/([^>]+)>", text)
        (checksum,) = re.findall(r'spdx:checksumValue "([0-9a-f]{64})"', text)
        source = (corpus3 / "data" / "kilder" / download).read_bytes()
        assert hashlib.sha256(source).hexdigest() == checksum
        # the Danish texts are verbatim in the source text; texts are 60–200 characters
        for label in re.findall(r'a plo:Initiative ;\n    rdfs:label "([^"]+)"@da', text):
            assert label in source.decode("utf-8")
            assert 60 <= len(label) <= 200
        areas = len(re.findall(r"a plo:FocusArea", text))
        assert 6 <= areas <= 14
    links = "".join(
        p.read_text(encoding="utf-8") for p in (corpus3 / "data" / "kommuner").glob("*/*-sdg-koblinger.ttl")
    )
    assert links.count("a plo:SDGLink") >= 3 * 6
    assert '"@da, "' in links and "plo:Curated" in links
    assert re.search(r"plo:method plo:Suggested ;\n    plo:confidence 0\.\d\d ;", links)
    organisations = (corpus3 / "data" / "kommuner" / "syntetisk-kommune-001" / "organisationer.ttl").read_text()
    assert 'plo:municipalityCode "9001"' in organisations and "Syntetisk Kommune 001" in organisations


def test_corpus_validates(corpus3: Path) -> None:
    done = planlod("validate", "--project", str(corpus3))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 violation(s), 0 warning(s)" in done.stdout


def test_corpus_builds(corpus3: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = planlod("build", "--project", str(corpus3), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    for plan in (corpus3 / "data" / "kommuner").glob("*/*.ttl"):
        if plan.name == "organisationer.ttl" or plan.name.endswith("-sdg-koblinger.ttl"):
            continue
        path = f"plan/{plan.parent.name}/{plan.stem}"
        for suffix in ("/index.html", "/en/index.html", ".ttl", ".jsonld", ".nt"):
            assert (out / (path + suffix)).is_file(), path + suffix
        assert (out / "kilde" / plan.parent.name / (plan.stem + ".txt")).is_file()


def test_the_home_page_of_many_plans_lists_them_by_municipality_with_their_figures(tmp_path: Path) -> None:
    """Past three plans the home page lists the municipalities with their plans, each with its date and its
    numbers of focus areas and focus points (counted from the data), and shows no plan's focus areas."""
    project, out = tmp_path / "corpus", tmp_path / "site"
    generate(project, 5, 2)
    done = planlod("build", "--project", str(project), "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    home = (out / "index.html").read_text("utf-8")
    figures = {name: int(n) for n, name in re.findall(r"<li><strong>(\d+)</strong> ([^<]+)</li>", home)}
    assert figures["plan(er)"] == 5
    listed = re.findall(r'<li><a href="(plan/[^"]+/)">[^<]+</a> <span class="meta">· ([\d-]+) · (\d+) ', home)
    plans = [
        p
        for p in (project / "data" / "kommuner").glob("*/*.ttl")
        if p.name != "organisationer.ttl" and not p.name.endswith("-sdg-koblinger.ttl")
    ]
    areas = {
        f"plan/{p.parent.name}/{p.stem}/": len(re.findall(r"a plo:FocusArea", p.read_text("utf-8"))) for p in plans
    }
    assert {href: int(count) for href, _issued, count in listed} == areas
    assert figures["fokusområde(r)"] == sum(areas.values())
    assert '<ol class="areas compact">' not in home and "/omraade/" not in home
