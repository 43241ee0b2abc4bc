"""Hostile workbooks: the place for the bad spreadsheets of spreadsheet authoring (`publish/sheet/`).

Add cases here as the other files of this folder do: a list of (id, a function that writes the workbook into a
copy of the project, the expected exit code, a pattern the message must hold), and a test parametrized over it
that runs the import command on the copy and checks the outcome with `assert_outcome` (exit code, message, no
traceback, no "internal error") and the `unchanged` fixture (the previously built site stays as it was).

Cases the authoring issue names: a cell holding a formula (`=HYPERLINK(...)`, `=cmd|...`), text with control
characters, a date typed as text, a missing or renamed sheet, a merged header, a file that is not a workbook
(a renamed CSV, a zip bomb), an encrypted workbook, a workbook with macros, rows past the last one expected.
"""

from __future__ import annotations

from tests.hostile.conftest import Expect, assert_outcome

__all__ = ["Expect", "assert_outcome"]
