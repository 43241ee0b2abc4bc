"""The guarded writer: every output file goes through it into a temporary folder that replaces the output at the end.

Stage: write. Imports `errors`, `switch` (the site's generations and the atomic switch between them) and `urls`
(the name of the build's record).
Every build writes a new generation of the site, and the output folder (a symbolic link) is switched to it in one
step when everything succeeded: a failed or stopped build leaves the previous site exactly as it was, and the next
build removes what it left. Render workers (forked processes) write into the same folder through a `FileSink`, and
the writer records their files. An update (an incremental build) makes its generation from hard links to the
current one's files and replaces only the files that changed (each replaced whole, never written into); it starts
from the generation the last update replaced when that one is kept (`switch.take_spare`), so only the paths where
the two differ are linked again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import multiprocessing
import os
import shutil
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path, PurePosixPath
from types import TracebackType

from . import switch
from .errors import BuildError, disk_error
from .switch import Spooled
from .urls import BUILD_FILES, BUILD_MARKER

MARKER = BUILD_MARKER
FILES = BUILD_FILES
_FILES_VERSION = 1
# Files up to this size are compared by digest with the last build's, larger ones are always written again.
DIGESTED_SIZE = 1 << 20


def safe_relative(path: str) -> PurePosixPath:
    """The path if it stays inside the output folder; a BuildError otherwise."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(part in ("..", "") for part in pure.parts):
        raise BuildError(f"refusing to write outside the output folder: {path!r}")
    return pure


def check_out_dir(out_dir: Path, inputs: dict[str, Path]) -> None:
    """Refuse an output folder that lies inside an input folder (the next build would read the site as its input,
    or copy it into itself) or that holds one (replacing the site would replace the input). `inputs`: what each
    input folder is, by name."""
    out = Path(os.path.realpath(out_dir))
    for name, folder in inputs.items():
        real = Path(os.path.realpath(folder))
        if out == real or out.is_relative_to(real):
            raise BuildError(
                f"{out_dir}: the output folder lies inside the {name} folder {folder}; "
                "choose an output folder outside the project's input folders (--out)"
            )
        if real.is_relative_to(out):
            raise BuildError(
                f"{out_dir}: the output folder holds the {name} folder {folder}, which a build would replace; "
                "choose another output folder (--out)"
            )


def spooling(out_dir: Path) -> contextlib.AbstractContextManager[Path]:
    """A folder for the large files a build plans before it writes (`switch.spooling`), removed when it ends."""
    return switch.spooling(out_dir)


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
    """Writes files into a new generation of the site; `commit` switches the output folder to it in one step
    (see `switch`): a build stopped at any moment leaves the previous site or the new one, whole.

    With `update`, the files written (and different from what the site has) go into a staging folder, and
    `commit` makes the new generation from hard links to the current one's files, moves the staged files over
    them, removes the paths it is given, and switches. The site's lock is held from `__enter__` to `__exit__`;
    `__enter__` removes what stopped builds left.

    With `link`, the writer is entered before the build knows whether it is an update (`settle` says so): when
    the site has no spare generation, `__enter__` starts linking the current one into a new one on another core
    (`switch.start_linking`), which a full build then stops, as does a build that fails before it settles.
    """

    def __init__(
        self, out_dir: Path, update: bool = False, known: dict[str, str] | None = None, link: bool = False
    ) -> None:
        self.out_dir = out_dir
        self.update = update
        self.link = link
        self._settled = not link
        # For an update: digests of small files as the output folder holds them, so unchanged ones are skipped.
        self.known = known or {}
        self.written: dict[str, int] = {}
        self.digests: dict[str, str] = {}
        self.tmp: Path | None = None
        self.replaced = 0
        self.cleaned: list[str] = []
        self._lock: contextlib.AbstractContextManager[None] | None = None
        self._pending: Path | None = None
        # For an update: the paths where the new generation differs from the current one.
        self._differ: set[str] = set()
        # For an update without a spare: the current generation being linked into a new one meanwhile.
        self._linking: switch.Linking | None = None
        # For a full build: the generation being written, linked into the spare of the next update meanwhile
        # (`prepare_spare`), and the paths written since that began.
        self._spare: switch.Linking | None = None
        self._since: set[str] = set()

    def __enter__(self) -> SiteWriter:
        try:
            return self._enter()
        except OSError as exc:
            self._release()
            raise disk_error(exc, self.out_dir) from exc
        except BaseException:
            self._release()
            raise

    def _enter(self) -> SiteWriter:
        check_output_folder(self.out_dir)
        self._check_update()
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"{self.out_dir.parent}: cannot create the output folder: {exc.strerror or exc}") from exc
        self._lock = switch.locked(self.out_dir)
        self._lock.__enter__()
        self.cleaned = switch.clean_leftovers(self.out_dir)
        self.tmp = switch.new_generation(self.out_dir)
        if (self.update or self.link) and (self.out_dir / MARKER).is_file() and switch.spare(self.out_dir) is None:
            # No spare to start the new generation from: link the current one on another core meanwhile.
            self._linking = switch.start_linking(self.out_dir)
        return self

    def _check_update(self) -> None:
        if self.update and not (self.out_dir / MARKER).is_file():
            raise BuildError(f"{self.out_dir}: no site to update")

    def settle(self, update: bool, known: dict[str, str] | None = None) -> None:
        """For a writer entered with `link`: whether the build is an update after all, and what the site holds
        (see `__init__`). A full build stops the linking."""
        self.update, self.known, self._settled = update, known or {}, True
        self._check_update()
        if not update and self._linking is not None:
            linking, self._linking = self._linking, None
            linking.cancel()

    def _release(self) -> None:
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)

    def prepare_spare(self) -> None:
        """For a full build, once most of its files are written (the entities'): link what it wrote into a new
        generation on another core while it writes the rest, so that the next update starts from that spare
        rather than linking the whole site itself (at 1000 plans 333,000 links, 13-40 s of the file system's
        time). `commit` links what was written since, and keeps the folder as the spare."""
        if not self.update and self.tmp is not None and self._spare is None:
            self._spare = switch.start_linking(self.out_dir, source=self.tmp)
            self._since = set()

    def write(self, path: str, content: bytes | Spooled) -> None:
        """Write one file (or move a spooled one in); two writes to the same path are a planning error."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        if self._spare is not None:
            self._since.add(path)
        if isinstance(content, Spooled):
            self.record([(path, content.size)])
            target = self.tmp.joinpath(*safe_relative(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(content.file, target)
            return
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
        """The folder being written (the new generation, or for an update the staging folder)."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        return self.tmp

    def sink(self) -> FileSink:
        """A writer of files into the temporary folder for a render worker; `record` what it wrote."""
        return FileSink(self.root)

    def write_hidden(self, name: str, content: bytes | Iterable[bytes]) -> None:
        """A file beside the marker that is not part of the site (the build state), given whole or in pieces; not
        counted as written."""
        assert self.tmp is not None, "use SiteWriter as a context manager"
        if self._spare is not None:
            self._since.add(name)
        with (self.tmp / safe_relative(name).as_posix()).open("wb") as file:
            if isinstance(content, (bytes, bytearray, memoryview)):
                file.write(content)
            else:
                for piece in content:
                    file.write(piece)

    def commit(self, marker: dict[str, object], removed: Iterable[str] = ()) -> None:
        """Switch the output folder to what was written; `marker` records what the build was made from."""
        assert self.tmp is not None
        generation = self._apply(removed) if self.update else self.tmp
        # Written last: its modification time is when the build committed (see `changed_files`).
        _write_marker(generation, marker)
        if not self.update:
            switch.drop_spare(self.out_dir)
        previous = switch.switch(self.out_dir, generation)
        if self.update:
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = self._pending = None
        if previous is not None and previous.parent == switch.generations(self.out_dir):
            if self.update:
                # The replaced generation is the next update's starting point.
                switch.keep_spare(self.out_dir, previous, generation, self._differ | {MARKER})
            else:
                shutil.rmtree(previous, ignore_errors=True)
        if self._spare is not None:
            spare, self._spare = self._spare, None
            self._keep_spare(spare, generation)

    def _keep_spare(self, spare: switch.Linking, generation: Path) -> None:
        """A full build's spare (`prepare_spare`) made whole and kept: an optimisation only, so a linking that
        failed (a full disk, too many links) leaves no spare, and the next update links the site itself."""
        if not spare.finish():
            return
        try:
            for path in sorted(self._since | {MARKER}):
                switch.link_again(generation, spare.folder, safe_relative(path).as_posix())
            switch.keep_spare(self.out_dir, spare.folder, generation, [])
        except OSError:
            shutil.rmtree(spare.folder, ignore_errors=True)

    def _apply(self, removed: Iterable[str]) -> Path:
        """The new generation of an update: the current one's files linked, the staged files moved over them
        where they differ, `removed` deleted."""
        assert self.tmp is not None
        now = switch.current(self.out_dir)
        if now is None:
            raise BuildError(f"{self.out_dir}: no site to update")
        generation = self._pending = switch.take_spare(self.out_dir)
        linking, self._linking = self._linking, None
        if generation is None and linking is not None and linking.finish():
            generation = self._pending = linking.folder
        elif generation is None:
            generation = self._pending = switch.new_generation(self.out_dir)
            switch.link_copy(now, generation)
        (generation / MARKER).unlink(missing_ok=True)
        for path in sorted(self.tmp.rglob("*")):
            if path.is_dir():
                continue
            relative = path.relative_to(self.tmp)
            target = generation / relative
            if relative.as_posix() in self.written and _same_content(target, path):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
            self._differ.add(relative.as_posix())
            self.replaced += 1
        for name in sorted(set(removed) - set(self.written)):
            target = generation.joinpath(*safe_relative(name).parts)
            target.unlink(missing_ok=True)
            self._differ.add(safe_relative(name).as_posix())
            self.replaced += 1
            parent = target.parent
            while parent != generation and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        return generation

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._linking is not None:
                linking, self._linking = self._linking, None
                if self._settled:
                    linking.stop(self.out_dir)
                else:  # the build failed before it knew it would update (invalid data): it leaves nothing
                    linking.cancel()
            if self._spare is not None:  # the build failed: the generation it was linking is removed too
                spare, self._spare = self._spare, None
                spare.cancel()
            for folder in (self.tmp, self._pending):
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)
            self.tmp = self._pending = None
        finally:
            self._release()
        if isinstance(exc, OSError):
            # A write failed (a full disk, a name too long, no permission): what this build wrote is gone and the
            # previous site is as it was; say so plainly.
            raise disk_error(exc, self.out_dir) from exc


def check_output_folder(out_dir: Path) -> None:
    """Refuse an output folder that is a file, or a folder with content that planlod did not write."""
    try:
        _check_output_folder(out_dir)
    except OSError as exc:
        raise disk_error(exc, out_dir) from exc


def _check_output_folder(out_dir: Path) -> None:
    if out_dir.is_symlink() and switch.current(out_dir) is None:
        return  # a link whose generation is gone: the next build replaces it
    if out_dir.exists() and not out_dir.is_dir():
        raise BuildError(f"{out_dir}: the output folder is a file; choose another output folder (--out)")
    if out_dir.is_dir() and not (out_dir / MARKER).exists() and any(out_dir.iterdir()):
        raise BuildError(
            f"{out_dir}: exists, is not empty and was not written by planlod; "
            "choose another output folder (--out) or remove it"
        )


def tidy(out_dir: Path) -> list[str]:
    """Remove what stopped builds left beside the site (holding its lock); their names."""
    try:
        if not switch.generations(out_dir).is_dir() and not any(out_dir.parent.glob(f".{out_dir.name}.*")):
            return []
        with switch.locked(out_dir):
            return switch.clean_leftovers(out_dir)
    except OSError as exc:
        raise disk_error(exc, out_dir) from exc


def _inside(folder: str) -> bool:
    """Whether a relative folder path stays inside the output folder (as `safe_relative`, without pathlib)."""
    return not folder.startswith("/") and all(part not in ("", ".", "..") for part in folder.split("/"))


def files_record(recorded: Iterable[tuple[str, int]]) -> bytes:
    """The site's files as a build left them, (path, size), grouped by folder, for `changed_files` (marshal,
    compressed: plain data only), in path order so that the same site gives the same bytes. Marshal's version 2,
    which writes every value whole: later versions write a value met twice as a reference to the first, so their
    bytes depend on which objects the process happens to share (a size read from the last build's state)."""
    folders: dict[str, dict[str, int]] = {}
    for path, size in sorted(recorded):
        folder, _, name = path.rpartition("/")
        folders.setdefault(folder, {})[name] = size
    return zlib.compress(marshal.dumps((_FILES_VERSION, folders), 2), 1)


def read_files_record(out_dir: Path) -> dict[str, dict[str, int]] | None:
    """The files the last build recorded with `files_record`, by folder; None when there is no usable record."""
    try:
        payload = marshal.loads(zlib.decompress((out_dir / FILES).read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        return None
    if not isinstance(payload, tuple) or len(payload) != 2 or payload[0] != _FILES_VERSION:
        return None
    folders = payload[1]
    if not isinstance(folders, dict) or not all(isinstance(names, dict) for names in folders.values()):
        return None
    return folders


def changed_files(
    out_dir: Path, recorded: Iterable[tuple[str, int]] | dict[str, dict[str, int]], alone: bool = False
) -> list[str]:
    """The site's files that are not as the last build left them: gone, of another size, or modified after the
    build committed (the marker is the last file a build writes). `recorded`: (path, size) pairs, or the sizes
    by folder and name (`read_files_record`); each file is looked up by its folder's path, made once. A large
    site's folders are checked on every core (`check_in_parallel`), unless `alone` (in this process only)."""
    try:
        committed_ns: int | None = (out_dir / MARKER).stat().st_mtime_ns
    except OSError:
        committed_ns = None
    if isinstance(recorded, dict):
        folders = recorded
    else:
        folders = {}
        for path, size in recorded:
            folder, _, name = path.rpartition("/")
            folders.setdefault(folder, {})[name] = size
    # The generation the output folder points to, resolved once rather than by every lookup.
    root = os.path.realpath(out_dir)
    latest = committed_ns if committed_ns is not None else float("inf")
    items = list(folders.items())
    files = sum(len(names) for _, names in items)
    workers = 1 if alone else min(usable_cores(), 8)
    if files >= PARALLEL_CHECK_FROM and workers > 1:
        return sorted(check_in_parallel(root, items, latest, workers))
    return sorted(_changed_in(root, items, latest))


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# Recorded files from which the check runs on every core: a process's start costs about what 20,000 lookups do.
PARALLEL_CHECK_FROM = 50_000


def check_in_parallel(root: str, items: list[tuple[str, dict[str, int]]], latest: float, workers: int) -> list[str]:
    """`_changed_in` over every `workers`-th folder in forked processes and this one (a lookup is mostly system
    time, which threads of one process do not share out); the check in this process alone where forking fails or
    a worker dies."""
    global _CHECK  # noqa: PLW0603 - the forked workers read the folders from the module, not from a pickle
    _CHECK = (root, items, latest, workers)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            others = [pool.submit(_check_share, share) for share in range(1, workers)]
            changed = _check_share(0)
            for other in others:
                changed += other.result()
        return changed
    except (OSError, ValueError, BrokenProcessPool):
        return _changed_in(root, items, latest)
    finally:
        _CHECK = None


_CHECK: tuple[str, list[tuple[str, dict[str, int]]], float, int] | None = None


def _check_share(share: int) -> list[str]:
    """The changed files of every `workers`-th folder from `share` (the job set by `check_in_parallel`)."""
    assert _CHECK is not None
    root, items, latest, workers = _CHECK
    return _changed_in(root, items[share::workers], latest)


def _changed_in(root: str, items: Iterable[tuple[str, dict[str, int]]], latest: float) -> list[str]:
    """The files of the given folders that are gone, of another size, or modified after `latest` (ns)."""
    changed = []
    stat = os.stat
    for folder, names in items:
        if folder and not _inside(folder):  # a record naming a place outside the site: its files are made again
            changed += [f"{folder}/{name}" for name in names]
            continue
        where = f"{root}/{folder}/" if folder else f"{root}/"
        for name, size in names.items():
            try:
                if name in ("", ".", ".."):
                    raise FileNotFoundError(name)
                info = stat(where + name)
            except OSError:
                changed.append(f"{folder}/{name}" if folder else name)
                continue
            if info.st_size != size or info.st_mtime_ns > latest:
                changed.append(f"{folder}/{name}" if folder else name)
    return changed
