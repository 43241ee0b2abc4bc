"""The output folder as a symbolic link to the current generation of the site, switched in one atomic step.

Stage: write. Imports `errors`.

For an output folder `…/_site`:

    …/_site                  a symbolic link to `._site.sites/<generation>` (a relative link)
    …/._site.sites/          the generations: the current one, and while a build runs, the one it writes
    …/._site.sites/.lock     held (flock) while a build runs, so that two builds never work on one site
    …/._site.sites/.spare    after an update: which generation the site showed before it, and the paths where
                             that one differs from the current one
    …/._site.sites/.spool-<random>
                             while a build gathers the site: the large files it planned (the dumps), which the
                             writer then moves into the new generation; locked (flock on its .lock) while the
                             build runs

A build writes a whole new generation (an incremental build starts it with hard links to the current one's
files and replaces only what changed, never writing into a linked file), then points `_site` at it by renaming a
new link over the old one: one atomic step, so a build killed at any moment leaves `_site` showing either the
previous site or the new one, whole. The next build removes what a killed one left: generations `_site` does not
point at (but the spare), links being made, and spool folders no build holds.

An update keeps the generation it replaced as the spare, with the list of paths where the two differ (`.spare`):
the next update brings the spare up to the current generation at those paths only, and then applies its own
changes to it, so an update costs what changed, not the size of the site (linking every file of a large site into
a new generation and removing the old one took longer than the rest of the build). The record is removed before
the spare is touched: a build stopped while it works on the spare leaves no record, and the next build removes
that folder and links the current generation whole again. A full build leaves a spare too: once its entities'
files are written, what it wrote is linked into a new generation in a forked process (`start_linking` from the
generation being written) while it writes the rest, which is then linked again there. An update that finds no spare
(one removed, or whose linking failed) has the current generation linked whole in a forked process while it renders
and writes, so that linking a large site runs on another core instead of after everything else.

A web server's root (nginx `root`, Apache `DocumentRoot`) is `…/_site` itself, never a generation folder, which
goes away at the next build.

An output folder that is a plain folder (written by an older planlod) is replaced by the link in one step too
(Linux's renameat2 with RENAME_EXCHANGE swaps the two; the old folder is then removed).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import json
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from pathlib import Path, PurePosixPath

from .errors import BuildError

LOCK = ".lock"
SPARE = ".spare"
SPOOL = ".spool-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_PR_SET_PDEATHSIG = 1
# The descriptors of the locks this process holds (the site's, its spool's): a process forked to link the site
# closes them first, so that it never keeps a lock held once the build that took it has ended or been killed.
_HELD: set[int] = set()


def generations(out_dir: Path) -> Path:
    """The folder that holds the generations of the site at `out_dir`."""
    return out_dir.with_name(f".{out_dir.name}.sites")


def current(out_dir: Path) -> Path | None:
    """The folder the site at `out_dir` is now: the generation the link points at, the folder itself when it is
    a plain folder, or None when there is no site."""
    if out_dir.is_symlink():
        target = Path(os.path.realpath(out_dir))
        return target if target.is_dir() else None
    return out_dir if out_dir.is_dir() else None


@contextlib.contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the site's lock while a build works on it; a BuildError when another build holds it."""
    folder = generations(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(f"{folder}: cannot create the build's folder: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"{out_dir}: another build of this site is running; wait until it ends") from None
        _HELD.add(handle)
        yield
    finally:
        _HELD.discard(handle)
        os.close(handle)


def clean_leftovers(out_dir: Path) -> list[str]:
    """Remove what builds that were stopped left behind (call it holding the lock): every generation the site
    does not show, links being made, and the temporary folders of older planlod versions. Their names."""
    removed: list[str] = []
    keep = current(out_dir)
    found = spare(out_dir)
    folder = generations(out_dir)
    if found is None:
        (folder / SPARE).unlink(missing_ok=True)
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name in (LOCK, SPARE) or (keep is not None and entry.resolve() == keep.resolve()):
                continue
            if found is not None and entry == found[0]:
                continue
            if _running_spool(entry):
                continue  # a build gathering its site before it takes the lock
            _remove(entry)
            removed.append(entry.name)
    for pattern in (f".{out_dir.name}.building-*", f".{out_dir.name}.old-*", f".{out_dir.name}.link-*"):
        for entry in out_dir.parent.glob(pattern):
            _remove(entry)
            removed.append(entry.name)
    return removed


@contextlib.contextmanager
def spooling(out_dir: Path) -> Iterator[Path]:
    """A folder beside the site's generations, on the same file system (so its files move into a generation
    without being copied), for the large files a build plans before it writes; removed when the build ends.
    The build holds a lock on it (`flock` on its `.lock`) while it runs: a build that starts meanwhile leaves it
    alone, and removes it once the lock is free (its build ended, or was killed)."""
    for _attempt in range(3):
        folder = generations(out_dir) / f"{SPOOL}{secrets.token_hex(8)}"
        try:
            folder.mkdir(parents=True)
            handle = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            continue  # removed by a build that started meanwhile, before it was locked: another name
        except OSError as exc:
            raise BuildError(f"{folder.parent}: cannot create the build's folder: {exc.strerror or exc}") from exc
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:  # still the folder it made (a build cleaning up may have removed it before the lock was taken)
            held = os.stat(folder / LOCK).st_ino == os.fstat(handle).st_ino
        except FileNotFoundError:
            held = False
        if held:
            break
        os.close(handle)
    else:
        raise BuildError(f"{generations(out_dir)}: cannot keep a folder of the build's own there")
    _HELD.add(handle)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _HELD.discard(handle)
        os.close(handle)
        # A first build that stopped leaves nothing beside its output folder (another build's folder stays).
        with contextlib.suppress(OSError):
            folder.parent.rmdir()


def _running_spool(entry: Path) -> bool:
    """Whether `entry` is the spool folder of a build that runs (one that holds its lock)."""
    if not entry.name.startswith(SPOOL):
        return False
    try:
        handle = os.open(entry / LOCK, os.O_RDONLY)
    except OSError:
        return False  # no lock: a folder left before its build could lock it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)  # closing lets go of the lock taken here
    return False


@dataclass(frozen=True)
class Spooled:
    """A planned file whose bytes wait on disk, in the build's spool folder, for the writer to move them into the
    site (`SiteWriter.write`): the dumps of a large dataset are not held in memory until they are written."""

    file: Path
    size: int


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _generation_name() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def new_generation(out_dir: Path) -> Path:
    """A new, empty generation folder (readable by a web server running as another user)."""
    folder = generations(out_dir) / _generation_name()
    folder.mkdir(parents=True)
    folder.chmod(0o755)
    return folder


def spare(out_dir: Path) -> tuple[Path, list[str]] | None:
    """The generation the site showed before its last update, with the paths where it differs from the current
    one; None when there is none, or its record does not name the current generation and a folder beside it."""
    folder = generations(out_dir)
    now = current(out_dir)
    try:
        record = json.loads((folder / SPARE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if now is None or not isinstance(record, dict) or now.parent.resolve() != folder.resolve():
        return None
    name, shown, paths = record.get("spare"), record.get("current"), record.get("paths")
    if not isinstance(name, str) or shown != now.name or not isinstance(paths, list):
        return None
    path = folder / name
    if name in (LOCK, SPARE, now.name) or "/" in name or path.is_symlink() or not path.is_dir():
        return None
    if not all(isinstance(p, str) and _plain_relative(p) for p in paths):
        return None
    return path, paths


def _plain_relative(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts


def keep_spare(out_dir: Path, previous: Path, now: Path, paths: Iterable[str]) -> None:
    """Keep `previous` (the generation an update replaced) as the spare of `now`, which differs from it at
    `paths`."""
    folder = generations(out_dir)
    record = {"current": now.name, "spare": previous.name, "paths": sorted(set(paths))}
    staged = folder / (SPARE + ".new")
    staged.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.replace(staged, folder / SPARE)


def drop_spare(out_dir: Path) -> None:
    """Remove the spare generation and its record."""
    found = spare(out_dir)
    (generations(out_dir) / SPARE).unlink(missing_ok=True)
    if found is not None:
        shutil.rmtree(found[0], ignore_errors=True)


def take_spare(out_dir: Path) -> Path | None:
    """A new generation holding the same files as the current one, made from the spare when there is one (only
    the paths where the two differ are linked again), else None. The record goes first: a build stopped while it
    works on the folder leaves a generation the next build removes."""
    found = spare(out_dir)
    (generations(out_dir) / SPARE).unlink(missing_ok=True)
    now = current(out_dir)
    if found is None or now is None:
        return None
    folder, paths = found
    generation = generations(out_dir) / _generation_name()
    os.rename(folder, generation)
    for path in paths:
        link_again(now, generation, path)
    return generation


def link_again(source: Path, target: Path, path: str) -> None:
    """Make `target`'s `path` what `source` holds there (a hard link, a symbolic link, or nothing)."""
    origin, there = source / path, target / path
    if there.is_symlink() or there.is_file():
        there.unlink()
    elif there.is_dir():
        shutil.rmtree(there)
    if origin.is_symlink():
        there.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.readlink(origin), there)
    elif origin.is_file():
        there.parent.mkdir(parents=True, exist_ok=True)
        os.link(origin, there)
    else:
        parent = there.parent
        while parent != target and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def link_copy(source: Path, target: Path) -> int:
    """Make `target` hold the same files as `source` by hard links (folders are made, symbolic links copied as
    links); files in `target` must only ever be replaced whole (`os.replace`), never written into. The count of
    files linked. Folders are read with `os.scandir`, whose entries know their kind without a `stat`, and paths
    are plain strings (332,722 files of a large site linked with 1.6 s of user CPU, against 8.5 s with `os.walk`,
    `islink` and `Path`; the file system's own time, 20–40 s there, is the rest)."""
    count = 0
    folders = [(os.fspath(source), os.fspath(target))]
    while folders:
        origin, copy = folders.pop()
        with os.scandir(origin) as entries:
            for entry in entries:
                there = f"{copy}/{entry.name}"
                if entry.is_symlink():
                    os.symlink(os.readlink(entry.path), there)
                    count += 1
                elif entry.is_dir():
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(there)
                    folders.append((entry.path, there))
                else:
                    os.link(entry.path, there)
                    count += 1
    return count


class Started:
    """A process started afresh (not forked), as a `Linking` asks of its process."""

    def __init__(self, popen: subprocess.Popen[bytes]) -> None:
        self.popen = popen

    def join(self) -> None:
        self.popen.wait()

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.popen.kill()


@dataclass
class Linking:
    """A new generation being linked from the current one in another process (`start_linking`)."""

    folder: Path
    process: BaseProcess | Started

    def finish(self) -> bool:
        """Wait for the linking to end: whether the folder holds the current generation's files (when it failed,
        a full disk or a file gone meanwhile, the folder is removed)."""
        self.process.join()
        if self.process.exitcode == 0:
            return True
        _remove(self.folder)
        return False

    def cancel(self) -> None:
        """Stop the linking (or wait for it to end) and remove its folder: the build does not need it."""
        if self.process.is_alive():
            self.process.kill()  # it only makes links, which the folder's removal undoes
        self.process.join()
        _remove(self.folder)

    def stop(self, out_dir: Path) -> None:
        """For a build that failed: a finished linking is kept as the spare (the current generation's files, so
        the next update starts from it); one still running is stopped and its folder removed."""
        if self.process.is_alive():
            self.cancel()
            return
        now = current(out_dir)
        if self.finish() and now is not None and spare(out_dir) is None:
            keep_spare(out_dir, self.folder, now, [])
        else:
            _remove(self.folder)


def start_linking(out_dir: Path, source: Path | None = None) -> Linking | None:
    """Start making a new generation that holds the current one's files by hard links (`link_copy`) in a forked
    process; call it holding the lock. None when there is no current generation or no process can be started.
    With `source` (a generation being written, whose build holds a large heap by then) the files are `source`'s,
    linked by a Python started afresh: a forked copy of that heap would keep every page the build then writes to
    in two copies (at 1000 plans 680 MB more, above the build's memory target)."""
    now = current(out_dir) if source is None else source
    if now is None:
        return None
    folder = new_generation(out_dir)
    if source is not None:
        package = str(Path(__file__).resolve().parents[1])
        paths = os.pathsep.join(filter(None, [package, os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, "PYTHONPATH": paths}
        command = [sys.executable, "-c", _LINK_MAIN, os.fspath(source), os.fspath(folder), str(os.getpid())]
        try:
            popen = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
            )
        except OSError:
            _remove(folder)
            return None
        return Linking(folder, Started(popen))
    try:
        context = multiprocessing.get_context("fork")
        process = context.Process(target=_link_in_child, args=(now, folder, os.getpid()), daemon=True)
        process.start()
    except (OSError, ValueError):
        _remove(folder)
        return None
    return Linking(folder, process)


def tie_to_build(parent: int) -> None:
    """In a process forked from a build (`parent`, its process id): let go of the build's locks (the build holds
    them), and end when the build's process does (Linux's parent-death signal), so that a killed build leaves no
    process behind that holds its site's lock or waits on it for ever."""
    for handle in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(handle)
    _HELD.clear()
    library = ctypes.util.find_library("c")
    prctl = getattr(ctypes.CDLL(library), "prctl", None) if library else None
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)  # the build ended before the signal was asked for


# What the Python started by `start_linking` with a source runs: `_link_in_child` with its arguments.
_LINK_MAIN = "import sys; from pathlib import Path; from publish.switch import _link_in_child as link; " + (
    "link(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))"
)


def _link_in_child(source: Path, target: Path, parent: int) -> None:
    """The forked process of `start_linking`: it lets go of the build's locks (the build holds them), ends when the
    build's process does (Linux's parent-death signal: a killed build's next build removes the folder), and
    leaves Ctrl-C to the build, which stops it itself; a failure is its exit code (the build links again in its
    own process, where the error is reported)."""
    tie_to_build(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        link_copy(source, target)
    except OSError:
        sys.exit(1)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (renameat2 RENAME_EXCHANGE); False where the system cannot."""
    library = ctypes.util.find_library("c")
    if library is None:
        return False
    libc = ctypes.CDLL(library, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def switch(out_dir: Path, generation: Path) -> Path | None:
    """Point the site at `generation` in one atomic step; the folder it showed before (to remove), if any."""
    previous = current(out_dir)
    link = out_dir.with_name(f".{out_dir.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(generation, out_dir.parent), link)
    if out_dir.is_symlink() or not out_dir.exists():
        os.replace(link, out_dir)
    elif _exchange(link, out_dir):
        # The plain folder of an older build now has the link's name: remove it.
        shutil.rmtree(link, ignore_errors=True)
        previous = None
    else:
        # No atomic exchange here: the old folder moves aside and the link takes its place a moment later.
        aside = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
        out_dir.rename(aside)
        os.replace(link, out_dir)
        shutil.rmtree(aside, ignore_errors=True)
        previous = None
    _sync_folder(out_dir.parent)
    return previous
