"""The guarded writer: every output file goes through it into a temporary folder that replaces the output at the end.

Stage: write. Imports `errors` only.
A failed build removes its temporary folder and leaves the previous output exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from types import TracebackType

from .errors import BuildError

MARKER = ".planlod-site"


def safe_relative(path: str) -> PurePosixPath:
    """The path if it stays inside the output folder; a BuildError otherwise."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("..", "") for part in pure.parts):
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return pure


def write_file(root: Path, path: str, content: bytes) -> None:
    """Write one file under `root` (a temporary site folder); the path must stay inside it."""
    target = root.joinpath(*safe_relative(path).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def read_marker(out_dir: Path) -> dict[str, object]:
    """What the build in `out_dir` recorded about itself; empty when there is none or it is unreadable."""
    try:
        marker = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marker if isinstance(marker, dict) else {}


class SiteWriter:
    """Writes files under a temporary folder beside `out_dir`; `commit` swaps it in."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: dict[str, int] = {}
        self.tmp: Path | None = None

    def __enter__(self) -> SiteWriter:
        parent = self.out_dir.parent
        if self.out_dir.exists() and not self.out_dir.is_dir():
            raise BuildError(f"{self.out_dir}: the output folder is a file; choose another output folder (--out)")
        if self.out_dir.exists() and not (self.out_dir / MARKER).exists() and any(self.out_dir.iterdir()):
            raise BuildError(
                f"{self.out_dir}: exists, is not empty and was not written by planlod; "
                "choose another output folder (--out) or remove it"
            )
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.building-", dir=parent))
        except OSError as exc:
            raise BuildError(f"{parent}: cannot create the output folder: {exc.strerror or exc}") from exc
        return self

    def write(self, path: str, content: bytes) -> None:
        """Write one file; two writes to the same path are a planning error."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        self.record([(path, len(content))])
        write_file(self.tmp, path, content)

    def record(self, written: list[tuple[str, int]]) -> None:
        """Account for files written into the temporary folder (by this writer or by worker processes)."""
        for path, size in written:
            key = safe_relative(path).as_posix()
            if key in self.written:
                raise BuildError(f"two outputs want the same path: {key}")
            self.written[key] = size

    @property
    def root(self) -> Path:
        """The temporary folder being written."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        return self.tmp

    def commit(self, marker: dict[str, object]) -> None:
        """Replace the output folder with what was written; `marker` records what the build was made from."""
        assert self.tmp is not None
        (self.tmp / MARKER).write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        # mkdtemp makes the folder private; a web server running as another user must be able to read the site.
        self.tmp.chmod(0o755)
        old = None
        if self.out_dir.exists():
            old = self.out_dir.with_name(f".{self.out_dir.name}.old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            self.out_dir.rename(old)
        try:
            self.tmp.rename(self.out_dir)
        except OSError as exc:
            if old is not None:
                old.rename(self.out_dir)  # put the previous output back as it was
            raise BuildError(f"{self.out_dir}: cannot put the new site in place: {exc.strerror or exc}") from exc
        self.tmp = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
