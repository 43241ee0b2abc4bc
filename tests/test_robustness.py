"""Whatever happens to the data files, `planlod validate` ends with 0, 1 or 2 and a readable message."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import copy_project, run_planlod

pytestmark = pytest.mark.slow

DATA_FILES = ("ambitioner-og-retning-2020.ttl", "organisationer.ttl", "sdg-koblinger.ttl")


def truncate(content: bytes, data: st.DataObject) -> bytes:
    return content[: data.draw(st.integers(0, len(content)), label="cut at")]


def corrupt(content: bytes, data: st.DataObject) -> bytes:
    if not content:
        return content
    changed = bytearray(content)
    for _ in range(data.draw(st.integers(1, 8), label="bytes to corrupt")):
        position = data.draw(st.integers(0, len(changed) - 1), label="position")
        changed[position] = data.draw(st.integers(0, 255), label="byte")
    return bytes(changed)


def drop_or_duplicate_statements(content: bytes, data: st.DataObject) -> bytes:
    # Statements end with " ." at the end of a line; dropping or repeating whole statements keeps the syntax.
    statements = re.split(rb"(?<= \.\n)", content)
    for _ in range(data.draw(st.integers(1, 5), label="edits")):
        index = data.draw(st.integers(0, len(statements) - 1), label="statement")
        if data.draw(st.booleans(), label="drop"):
            statements.pop(index)
        else:
            statements.insert(index, statements[index])
        if not statements:
            break
    return b"".join(statements)


def swap_language_tags(content: bytes, data: st.DataObject) -> bytes:
    swaps = {b"@da": b"@en", b"@en": b"@da"}
    tags = list(re.finditer(rb"@(da|en)\b", content))
    if not tags:
        return content
    chosen = data.draw(st.sets(st.integers(0, len(tags) - 1), min_size=1, max_size=10), label="tags")
    pieces, last = [], 0
    for number, match in enumerate(tags):
        if number in chosen:
            pieces += [content[last : match.start()], swaps[match.group(0)]]
            last = match.end()
    return b"".join([*pieces, content[last:]])


MUTATIONS = [truncate, corrupt, drop_or_duplicate_statements, swap_language_tags]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_mutation_ends_with_exit_0_1_or_2_and_a_message(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            target = project / "data" / data.draw(st.sampled_from(DATA_FILES), label="file")
            mutation = data.draw(st.sampled_from(MUTATIONS), label="mutation")
            target.write_bytes(mutation(target.read_bytes(), data))
        result = run_planlod("validate", "--project", str(project))
        shutil.rmtree(project)
    assert result.code in (0, 1, 2)
    assert "Traceback" not in result.out + result.err
    assert "internal error" not in result.err
    if result.code == 2:
        assert result.err.startswith("planlod: error: ")
        # The file (with line and column), or the data folder when every file is empty.
        assert re.search(r"data(/[\w.-]+(:\d+:\d+)?)?: ", result.err), result.err
    else:
        assert "the data conform" in result.out or "the data do not conform" in result.out
