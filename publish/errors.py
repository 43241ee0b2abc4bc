"""Typed errors raised by the library and reported at the CLI boundary.

Stage: shared by every stage. Imports nothing from the package.
Exit codes: 0 ok, 1 the data do not conform, 2 the command could not run.
"""

from __future__ import annotations

import errno
from pathlib import Path

import click

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_CANNOT_RUN = 2


class PlanlodError(click.ClickException):
    """Base class: a message for the user and an exit code."""

    exit_code = EXIT_CANNOT_RUN


class ConfigError(PlanlodError):
    """The configuration is missing, unreadable or has a bad value."""


class InputError(PlanlodError):
    """An input file or folder is missing, empty or unreadable."""


class SyntaxProblem(InputError):
    """An RDF file does not parse; the message names file, line and column."""

    def __init__(self, path: str, line: int | None, column: int | None, detail: str) -> None:
        where = path if line is None else f"{path}:{line}:{column or 1}"
        super().__init__(f"{where}: cannot parse: {detail}")
        self.path = path
        self.line = line
        self.column = column
        self.detail = detail


class NonConforming(PlanlodError):
    """The data do not conform to the shapes (or warnings under --strict)."""

    exit_code = EXIT_NONCONFORMING


class BuildError(PlanlodError):
    """The site cannot be planned or written (path collision, template error, output folder)."""


_DISK_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ENAMETOOLONG: "a file name is too long for the file system",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EFBIG: "a file is larger than the system allows",
    errno.EMFILE: "too many files are open",
    errno.EIO: "the disk reported an input/output error",
}


def disk_error(exc: OSError, out_dir: Path) -> BuildError:
    """A BuildError for a failed write into the site, in plain words."""
    reason = _DISK_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    return BuildError(f"{out_dir}: cannot write the site: {reason}; the previous site is left as it was")
