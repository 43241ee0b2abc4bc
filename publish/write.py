"""The guarded writer: every output file goes through it into a temporary folder that replaces the output at the end.

Stage: write. Imports `errors` and `urls` (the name of the build's record).
A failed build removes its temporary folder and leaves the previous output exactly as it was. Render workers
(forked processes) write into the same temporary folder through a `FileSink`, and the writer records their files.
An update (an incremental build) writes the changed files into a temporary folder too, then moves each one into
place (every file is replaced whole) and deletes what the build no longer makes; while it does, the marker says the
output is being updated, so a build interrupted there is followed by a full build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from types import TracebackType

from .errors import BuildError
from .urls import BUILD_MARKER

MARKER = BUILD_MARKER
# Files up to this size are compared by digest with the last build's, larger ones are always written again.
DIGESTED_SIZE = 1 << 20


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


class FileSink:
    """Writes files into a writer's temporary folder from a forked render worker, and lists what it wrote (path,
    size) for the writer to account for (`SiteWriter.record`): the same path check as the writer, the folders made
    once each, plain os.open and os.write (the fastest way to write many small files)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        # Folders made so far: an entity's files share a few folders, and its parent's were made before it.
        self.made: set[str] = set()
        self.written: list[tuple[str, int]] = []

    def write(self, path: str, content: bytes) -> None:
        """Write one file (a path inside the folder) and note it."""
        target = os.path.join(self.root, *safe_relative(path).parts)
        folder = os.path.dirname(target)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view) :]
        finally:
            os.close(descriptor)
        self.written.append((path, len(content)))

    def take(self) -> list[tuple[str, int]]:
        """What was written since the last call."""
        written, self.written = self.written, []
        return written


def read_marker(out_dir: Path) -> dict[str, object]:
    """What the build in `out_dir` recorded about itself; empty when there is none or it is unreadable."""
    try:
        marker = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _write_marker(folder: Path, marker: dict[str, object]) -> None:
    staged = folder / (MARKER + ".new")
    staged.write_text(json.dumps(marker, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(staged, folder / MARKER)


def _same_content(path: Path, staged: Path) -> bool:
    try:
        if path.stat().st_size != staged.stat().st_size:
            return False
        return path.read_bytes() == staged.read_bytes()
    except OSError:
        return False


class SiteWriter:
    """Writes files under a temporary folder beside `out_dir`; `commit` swaps it in.

    With `update`, the output folder stays and `commit` moves only the files written (and different from what is
    there) into it, and removes the paths it is given.
    """

    def __init__(self, out_dir: Path, update: bool = False, known: dict[str, str] | None = None) -> None:
        self.out_dir = out_dir
        self.update = update
        # For an update: digests of small files as the output folder holds them, so unchanged ones are skipped.
        self.known = known or {}
        self.written: dict[str, int] = {}
        self.digests: dict[str, str] = {}
        self.tmp: Path | None = None
        self.replaced = 0

    def __enter__(self) -> SiteWriter:
        parent = self.out_dir.parent
        if self.update and not (self.out_dir / MARKER).is_file():
            raise BuildError(f"{self.out_dir}: no site to update")
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
        if len(content) <= DIGESTED_SIZE:
            digest = self.digests[path] = hashlib.blake2b(content, digest_size=16).hexdigest()
            if self.update and self.known.get(path) == digest and self._holds(path, len(content)):
                return  # the output folder holds these bytes already
        write_file(self.tmp, path, content)

    def _holds(self, path: str, size: int) -> bool:
        """Whether the output folder has a file at `path` of this size (as the last build left it)."""
        try:
            return self.out_dir.joinpath(*safe_relative(path).parts).stat().st_size == size
        except OSError:
            return False

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

    def sink(self) -> FileSink:
        """A writer of files into the temporary folder for a render worker; `record` what it wrote."""
        return FileSink(self.root)

    def write_hidden(self, name: str, content: bytes) -> None:
        """A file beside the marker that is not part of the site (the build state); not counted as written."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        (self.tmp / safe_relative(name).as_posix()).write_bytes(content)

    def commit(self, marker: dict[str, object], removed: Iterable[str] = ()) -> None:
        """Replace the output folder with what was written; `marker` records what the build was made from."""
        assert self.tmp is not None
        if self.update:
            self._apply(marker, removed)
            return
        _write_marker(self.tmp, marker)
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

    def _apply(self, marker: dict[str, object], removed: Iterable[str]) -> None:
        """Move the written files into the output folder, replacing only those that differ; delete `removed`."""
        assert self.tmp is not None
        try:
            _write_marker(self.out_dir, {"written_by": "planlod build", "updating": True})
            for path in sorted(self.tmp.rglob("*")):
                if path.is_dir():
                    continue
                relative = path.relative_to(self.tmp)
                target = self.out_dir / relative
                if relative.as_posix() in self.written and _same_content(target, path):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                self.replaced += 1
            for name in sorted(set(removed) - set(self.written)):
                target = self.out_dir.joinpath(*safe_relative(name).parts)
                target.unlink(missing_ok=True)
                self.replaced += 1
                parent = target.parent
                while parent != self.out_dir and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
            _write_marker(self.out_dir, marker)
        except OSError as exc:
            raise BuildError(
                f"{self.out_dir}: cannot update the site: {exc.strerror or exc}; the next build rebuilds it whole"
            ) from exc

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
