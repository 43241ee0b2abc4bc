"""Test helpers for the server rules: a real nginx on a free loopback port, and a site for it to serve.

The site is `planlod build` output when `publish.build.build_site` exists; until then a small fake site that
follows docs/site-layout.md (a few entities with their pages and documents, dumps, catalogue, VoID, context).
Set PLANLOD_TESTS_FAKE_SITE=1 to use the fake site anyway (to test the rules while the build is broken).
"""

from __future__ import annotations

import contextlib
import ctypes
import gzip
import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS, VOID

from publish.config import Config, load_config

NGINX = Path("/usr/sbin/nginx")
STARTUP_SECONDS = 10.0
STOP_SECONDS = 5.0

# Entity paths of the fake site: a plan, a focus area, an SDG target (a dot in the last segment).
FAKE_ENTITIES = ("plan/x", "plan/x/omraade/a", "sdg/3.5")


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


def build_available() -> bool:
    """Whether `planlod build` exists (publish.build with build_site) and PLANLOD_TESTS_FAKE_SITE is not set."""
    if os.environ.get("PLANLOD_TESTS_FAKE_SITE") or importlib.util.find_spec("publish.build") is None:
        return False
    return hasattr(importlib.import_module("publish.build"), "build_site")


@dataclass(frozen=True)
class BuiltSite:
    """A site folder and what the tests need to know about it."""

    config: Config
    out_dir: Path
    entities: tuple[str, ...]
    real: bool


def make_site(workdir: Path, out_dir: Path, base_iri: str) -> BuiltSite:
    """The real build of the project for `base_iri` into `out_dir` if it exists, else the fake site."""
    if build_available():
        from .conftest import copy_project  # noqa: PLC0415 - conftest imports the CLI, only needed here

        project = copy_project(workdir / "project")
        config = load_config(project, {"out_dir": str(out_dir), "base_iri": base_iri}, environ={})
        importlib.import_module("publish.build").build_site(config)
        return BuiltSite(config, out_dir, sample_entities(out_dir), real=True)
    config = load_config(workdir, {"out_dir": str(out_dir), "base_iri": base_iri}, environ={})
    write_fake_site(out_dir, base_iri)
    return BuiltSite(config, out_dir, FAKE_ENTITIES, real=False)


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


def _entity_graph(iri: str, doc: str, label: str) -> Graph:
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.add((URIRef(iri), RDF.type, SKOS.Concept))
    graph.add((URIRef(iri), SKOS.prefLabel, Literal(label, lang="da")))
    graph.add((URIRef(iri), RDFS.label, Literal(label, lang="da")))
    graph.add((URIRef(doc), FOAF.primaryTopic, URIRef(iri)))
    return graph


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")


def _page(lang: str, title: str, links: str = "") -> str:
    return (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>{links}'
        f"</head><body><h1>{title}</h1></body></html>\n"
    )


CONTEXT = {"skos": str(SKOS), "rdfs": str(RDFS), "foaf": str(FOAF), "dct": str(DCTERMS)}


def write_fake_site(out_dir: Path, base: str) -> None:
    """A small site with the layout of docs/site-layout.md, for the server tests until the build exists."""
    whole = Graph()
    for path in FAKE_ENTITIES:
        iri = base + path
        name = path.rsplit("/", 1)[-1]
        graph = _entity_graph(iri, iri + ".ttl", name)
        whole += graph
        links = "".join(
            f'<link rel="alternate" type="{media}" href="../{name}{ext}">'
            for media, ext in (
                ("text/turtle", ".ttl"),
                ("application/ld+json", ".jsonld"),
                ("application/n-triples", ".nt"),
            )
        )
        _write(out_dir / path / "index.html", _page("da", name, links + '<link rel="canonical" href="./">'))
        _write(
            out_dir / path / "en" / "index.html", _page("en", name, '<link rel="alternate" hreflang="da" href="../">')
        )
        _write(out_dir / f"{path}.ttl", graph.serialize(format="turtle"))
        _write(out_dir / f"{path}.nt", graph.serialize(format="nt"))
        _write(out_dir / f"{path}.jsonld", graph.serialize(format="json-ld", context=CONTEXT))
    _write(out_dir / "index.html", _page("da", "planlod"))
    _write(out_dir / "en" / "index.html", _page("en", "planlod"))
    _write(out_dir / "daekning" / "index.html", _page("da", "Dækning"))
    _write(out_dir / "daekning.csv", "omraade,1,2\nsundhed,0,1\n")
    _write(out_dir / "eksport" / "sdg-koblinger.csv", "subject,object\nplan/x,sdg/3.5\n")
    _write(out_dir / "eksport" / "sdg-koblinger.sssom.tsv", "subject_id\tobject_id\nplan/x\tsdg:3.5\n")
    dumps = {
        "ttl": whole.serialize(format="turtle"),
        "nt": whole.serialize(format="nt"),
        "jsonld": whole.serialize(format="json-ld", context=CONTEXT),
        "trig": whole.serialize(format="trig"),
    }
    for ext, text in dumps.items():
        _write(out_dir / "dump" / f"latest.{ext}", text)
        _write(out_dir / "dump" / f"latest.{ext}.gz", gzip.compress(text.encode("utf-8"), mtime=0))
    _write(out_dir / "dump" / "ontology.ttl", dumps["ttl"])
    catalog = Graph()
    catalog.add((URIRef(base + "katalog"), RDF.type, DCAT.Catalog))
    catalog.add((URIRef(base + "katalog"), DCTERMS.title, Literal("planlod", lang="da")))
    _write(out_dir / "catalog.ttl", catalog.serialize(format="turtle"))
    _write(out_dir / "catalog.rdf", catalog.serialize(format="xml"))
    _write(out_dir / "catalog.jsonld", catalog.serialize(format="json-ld", context=CONTEXT))
    void = Graph()
    void.add((URIRef(base + "datasaet"), RDF.type, VOID.Dataset))
    void.add((URIRef(base + "datasaet"), VOID.uriSpace, Literal(base)))
    _write(out_dir / "void.ttl", void.serialize(format="turtle"))
    _write(out_dir / ".well-known" / "void", void.serialize(format="turtle"))
    _write(out_dir / "context" / "v1.jsonld", json.dumps({"@context": CONTEXT}, indent=2) + "\n")
    _write(
        out_dir / "sitemap.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(f"<url><loc>{base}{path}/</loc></url>" for path in FAKE_ENTITIES)
        + "</urlset>\n",
    )
    _write(out_dir / "robots.txt", f"Sitemap: {base}sitemap.xml\n")
    _write(out_dir / "assets" / "site.css", "body { margin: 0 }\n")
    _write(out_dir / "assets" / "site.0123abcd.css", "body { margin: 0 }\n")
