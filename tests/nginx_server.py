"""Test helpers for the server rules: a real nginx on a free loopback port, and a site for it to serve.

The site is the project built by `planlod build` (`build_site`) for the base IRI under test.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from publish.build import build_site
from publish.config import Config, load_config

NGINX = Path("/usr/sbin/nginx")
STARTUP_SECONDS = 10.0
STOP_SECONDS = 5.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quote(value: str | Path) -> str:
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_nginx_conf(workdir: Path, root: Path, snippet: Path, port: int) -> Path:
    """A complete nginx.conf: one server on 127.0.0.1:port with `root` and the snippet included.

    Single process (`master_process off`), so stopping it leaves no workers behind. Temp folders and logs
    are in `workdir`, so it runs without root and touches nothing outside.
    """
    temp = workdir / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        "\n".join(
            [
                "master_process off;",
                "worker_processes 1;",
                "events { worker_connections 64; }",
                "http {",
                "    access_log off;",
                *(
                    f"    {kind}_temp_path {_quote(temp / kind)};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                ),
                "    default_type application/octet-stream;",
                "    server {",
                f"        listen 127.0.0.1:{port};",
                "        server_name localhost;",
                f"        root {_quote(root)};",
                f"        include {_quote(snippet)};",
                "    }",
                "}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    return conf


def _global_directives(workdir: Path) -> str:
    return f"daemon off; pid {workdir / 'nginx.pid'}; error_log stderr;"


def nginx_check(conf: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a configuration written by `write_nginx_conf`."""
    workdir = conf.parent
    return subprocess.run(
        [str(NGINX), "-t", "-p", str(workdir), "-c", str(conf), "-g", _global_directives(workdir)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec function that makes the child get SIGTERM if the test process dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None

    def set_death_signal() -> None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    return set_death_signal


@contextlib.contextmanager
def running_nginx(conf: Path, port: int) -> Iterator[str]:
    """Run nginx with `conf` until the block ends; yields its base URL. Bounded waits on start and stop."""
    workdir = conf.parent
    log = workdir / "nginx.stderr"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(NGINX), "-p", str(workdir), "-c", str(conf), "-g", _global_directives(workdir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            preexec_fn=_die_with_parent(),  # noqa: PLW1509 - no threads are started before this
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer on port {port}: {log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(STOP_SECONDS)


# --- the site ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltSite:
    """A site folder and what the tests need to know about it."""

    config: Config
    out_dir: Path
    entities: tuple[str, ...]


def make_site(workdir: Path, out_dir: Path, base_iri: str) -> BuiltSite:
    """The project built for `base_iri` into `out_dir` (from a copy of the project in `workdir`)."""
    from .conftest import copy_project  # noqa: PLC0415 - conftest imports the CLI, only needed here

    project = copy_project(workdir / "project")
    config = load_config(project, {"out_dir": str(out_dir), "base_iri": base_iri}, environ={})
    build_site(config)
    return BuiltSite(config, out_dir, sample_entities(out_dir))


def entity_paths(out_dir: Path) -> list[str]:
    """Every entity path of a built site: P with P.ttl and P/index.html."""
    found = []
    for ttl in out_dir.rglob("*.ttl"):
        path = ttl.relative_to(out_dir).as_posix()[: -len(".ttl")]
        if (out_dir / path / "index.html").is_file():
            found.append(path)
    return sorted(found)


def sample_entities(out_dir: Path) -> tuple[str, ...]:
    """Entities of every kind: the shortest path under each first segment, the deepest path, and one whose last
    segment has a dot (an SDG target such as sdg/3.5)."""
    paths = entity_paths(out_dir)
    chosen: dict[str, str] = {}
    for path in sorted(paths, key=lambda p: (p.count("/"), p)):
        chosen.setdefault(path.split("/")[0], path)
    picked = list(chosen.values())
    picked += [max(paths, key=lambda p: (p.count("/"), p))] if paths else []
    picked += [p for p in paths if "." in p.rsplit("/", 1)[-1]][:1]
    return tuple(dict.fromkeys(picked))
