"""The generated server rules as text: the Accept-header model, the nginx snippet (checked by `nginx -t`) and
the Apache `.htaccess`.

There is no Apache httpd here (and the project does not install one), so the `.htaccess` is tested
structurally, and its mod_rewrite block is run by a small interpreter of the subset of mod_rewrite it uses
(RewriteBase, RewriteCond with -f, =string and regex patterns, RewriteRule with E=, R= and L). That checks
the rules' logic and order, not Apache's own behaviour. The nginx rules are served by a real nginx in
tests/test_nginx.py.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from publish.config import Config
from publish.errors import ConfigError
from publish.formats import RDF_FORMATS, site_file_types
from publish.headers import security_headers
from publish.serverconf import (
    accept_rules,
    base_path,
    htaccess,
    negotiate,
    negotiation_steps,
    nginx_conf,
    representation_ranges,
)
from publish.urls import UrlPolicy

from .negotiation_cases import NEGOTIATION_CASES
from .nginx_server import free_port, nginx_check, write_nginx_conf

ROOT_BASE = "https://data.example.dk/"
PREFIX_BASE = "https://data.example.dk/planer/"


@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION_CASES)
def test_negotiate(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


def test_every_rdf_media_type_and_alias_is_negotiated() -> None:
    ranges = dict(representation_ranges())
    for fmt in RDF_FORMATS:
        for media_type in (fmt.media_type, *fmt.aliases):
            assert ranges[media_type] == fmt.extension.lstrip(".")
            assert negotiate(media_type) == fmt.extension.lstrip(".")
            assert negotiate(f"{media_type};q=0.4, text/html;q=0.3") == fmt.extension.lstrip(".")


def test_accept_rules_are_valid_regexes_with_one_group() -> None:
    for rule in accept_rules():
        assert re.compile(rule).groups == 1


def policy_config(config: Config, base: str) -> tuple[Config, UrlPolicy]:
    return dataclasses.replace(config, base_iri=base), UrlPolicy(base)


@pytest.mark.parametrize(
    ("base", "path"), [(ROOT_BASE, "/"), (PREFIX_BASE, "/planer/"), ("http://x.dk/a/b-c/", "/a/b-c/")]
)
def test_base_path(base: str, path: str) -> None:
    assert base_path(UrlPolicy(base)) == path


@pytest.mark.parametrize(
    "base", ["https://x.dk/pl$an/", "https://x.dk/pl'an/", "https://x.dk/a%20b/", "https://x.dk/{x}/"]
)
def test_base_paths_the_rules_cannot_quote_are_refused(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    with pytest.raises(ConfigError, match="base_iri"):
        nginx_conf(settings, policy)
    with pytest.raises(ConfigError, match="base_iri"):
        htaccess(settings, policy)


def test_a_licence_that_cannot_go_in_a_header_is_refused(config: Config) -> None:
    settings = dataclasses.replace(config, licence='https://x.dk/l"; evil')
    with pytest.raises(ConfigError, match="licence"):
        nginx_conf(settings, UrlPolicy(ROOT_BASE))


# --- nginx -------------------------------------------------------------------------------------------------


def nginx_unquote(token: str) -> str:
    """The value nginx reads from a quoted token."""
    body = token[1:-1]
    return re.sub(r"\\([\\'\"])", r"\1", body)


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_nginx_snippet_structure(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    text = nginx_conf(settings, policy)
    path = base_path(policy)
    assert text == nginx_conf(settings, policy), "deterministic"
    assert f"\nlocation {path} {{\n" in text
    assert "location @planlod_not_acceptable {" in text
    assert ("location = /planer {" in text) == (path != "/")
    for fmt in RDF_FORMATS:
        assert f"return 303 $uri{fmt.extension};" in text
        assert f"'{fmt.content_type}' {fmt.extension.lstrip('.')};" in text
    assert "return 303 $uri/;" in text
    assert "return 406;" in text
    assert f"= {path}.well-known/void" in text
    assert f'{settings.licence}>; rel="license"' in text
    # The negotiation's steps are in the snippet exactly, in order.
    quoted = re.findall(r"if \(\$(?:http_accept|planlod_\w+) ~\* ('(?:[^'\\]|\\.)*')\)", text)
    assert [nginx_unquote(token) for token in quoted] == [step.pattern for step in negotiation_steps()]
    # Every content type of the table is declared.
    for extension, content_type in site_file_types():
        assert f"'{content_type}' {extension};" in text
    assert "map " not in text, "map is not allowed in server context"


def test_nginx_snippet_without_licence_sends_no_licence_link(config: Config) -> None:
    text = nginx_conf(dataclasses.replace(config, licence=""), UrlPolicy(ROOT_BASE))
    assert 'rel="license"' not in text


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_nginx_accepts_the_snippet(config: Config, base: str, tmp_path: Path) -> None:
    settings, policy = policy_config(config, base)
    snippet = tmp_path / "planlod.conf"
    snippet.write_text(nginx_conf(settings, policy), encoding="utf-8")
    (tmp_path / "www").mkdir()
    result = nginx_check(write_nginx_conf(tmp_path, tmp_path / "www", snippet, free_port()))
    assert result.returncode == 0, result.stderr
    assert "warn" not in result.stderr, result.stderr


# --- Apache ------------------------------------------------------------------------------------------------


def apache_tokens(line: str) -> list[str]:
    """A directive's words, double quotes removed (mod_rewrite keeps backslashes as they are)."""
    return [a if a else b for a, b in re.findall(r'"([^"]*)"|(\S+)', line)]


def rewrite_block(text: str) -> list[list[str]]:
    block = text.split("<IfModule mod_rewrite.c>", 1)[1].split("</IfModule>", 1)[0]
    lines = [line.strip() for line in block.splitlines()]
    return [apache_tokens(line) for line in lines if line and not line.startswith("#")]


def expand(
    value: str,
    variables: dict[str, str],
    env: dict[str, str],
    groups: tuple[str | None, ...] = (),
    rule_groups: tuple[str | None, ...] = (),
) -> str:
    """mod_rewrite's expansion of %{VAR}, %{ENV:VAR}, %N (last matched condition) and $N (the rule)."""

    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        return env.get(name[4:], "") if name.startswith("ENV:") else variables[name]

    value = re.sub(r"%\{([^}]+)\}", variable, value)
    value = re.sub(r"%([0-9])", lambda m: (groups[int(m.group(1)) - 1] or "") if groups else "", value)
    return re.sub(r"\$([0-9])", lambda m: rule_groups[int(m.group(1)) - 1] or "", value)


def conditions_hold(
    conditions: list[list[str]], variables: dict[str, str], env: dict[str, str], files: set[str]
) -> tuple[bool, tuple[str | None, ...]]:
    """Whether all RewriteConds hold (they are ANDed), and the groups of the last regex that matched."""
    groups: tuple[str | None, ...] = ()
    for test, pattern, *flags in conditions:
        assert not pattern.startswith("!") and flags in ([], ["[NC]"]), (pattern, flags)
        value = expand(test, variables, env)
        if pattern == "-f":
            ok = value.startswith("/site/") and value[len("/site/") :] in files
        elif pattern.startswith("="):
            ok = value == pattern[1:]
        else:
            found = re.search(pattern, value, re.IGNORECASE if flags else 0)
            ok = found is not None
            if found:
                groups = found.groups()
        if not ok:
            return False, groups
    return True, groups


def run_rewrite(
    text: str, uri: str, accept: str | None, files: set[str], method: str = "GET"
) -> tuple[int, str | None] | None:
    """What the .htaccess mod_rewrite block does for a request: (status, Location) or None (no rule ends it).

    `files` are paths relative to the site folder; the site folder is served at the RewriteBase.
    """
    base = "/"
    env: dict[str, str] = {}
    conditions: list[list[str]] = []
    for words in rewrite_block(text):
        if words[0] == "RewriteEngine":
            assert words[1] == "On"
        elif words[0] == "RewriteBase":
            base = words[1]
        elif words[0] == "RewriteCond":
            conditions.append(words[1:])
        else:
            assert words[0] == "RewriteRule", words
            assert uri.startswith(base)
            local = uri[len(base) :]
            variables = {
                "REQUEST_METHOD": method,
                "REQUEST_URI": uri,
                "REQUEST_FILENAME": "/site/" + local,
                "HTTP:Accept": accept or "",
            }
            holds, groups = conditions_hold(conditions, variables, env, files)
            conditions = []
            pattern, substitution, flag_text = words[1], words[2], words[3]
            rule_match = re.search(pattern, local)
            if not holds or rule_match is None:
                continue
            flags = flag_text.strip("[]").split(",")
            for flag in flags:
                if flag.startswith("E="):
                    name, value = flag[2:].split(":", 1)
                    env[name] = expand(value, variables, env, groups, rule_match.groups())
            status = next((int(f[2:]) for f in flags if f.startswith("R=")), None)
            if status is not None:
                if 300 <= status < 400:
                    return status, base + expand(substitution, variables, env, groups, rule_match.groups())
                return status, None
            if "L" in flags:
                return None
    return None


SITE_FILES = {
    "plan/x.ttl",
    "plan/x/index.html",
    "sdg/3.5.ttl",
    "sdg/3.5/index.html",
    "catalog.ttl",
    "daekning/index.html",
    "ontologi.ttl",
    "ontologi.jsonld",
    "ontologi.nt",
    "ontologi/index.html",
}


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
@pytest.mark.parametrize(("accept", "expected"), NEGOTIATION_CASES)
def test_htaccess_negotiates_like_negotiate(config: Config, base: str, accept: str | None, expected: str) -> None:
    settings, policy = policy_config(config, base)
    text = htaccess(settings, policy)
    path = base_path(policy)
    targets = {"ttl": ".ttl", "jsonld": ".jsonld", "nt": ".nt", "html": "/"}
    for entity in ("plan/x", "sdg/3.5"):
        outcome = run_rewrite(text, path + entity, accept, SITE_FILES)
        if expected == "none":
            assert outcome == (406, None)
        else:
            assert outcome == (303, path + entity + targets[expected])


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_htaccess_leaves_documents_pages_and_unknown_paths_alone(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    text = htaccess(settings, policy)
    path = base_path(policy)
    for uri in ("plan/x.ttl", "plan/x/", "catalog", "catalog.ttl", "daekning", "findes-ikke", ""):
        for accept in (None, "text/turtle", "image/png"):
            assert run_rewrite(text, path + uri, accept, SITE_FILES) is None, (uri, accept)
    assert run_rewrite(text, path + "plan/x", "text/turtle", SITE_FILES, method="OPTIONS") == (204, None)


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_htaccess_structure(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    text = htaccess(settings, policy)
    path = base_path(policy)
    assert text == htaccess(settings, policy), "deterministic"
    # Sections are balanced and properly nested.
    stack: list[str] = []
    for line in text.splitlines():
        opening = re.match(r"\s*<(\w+)[\s>]", line)
        closing = re.match(r"\s*</(\w+)>", line)
        if closing:
            assert stack and stack.pop() == closing.group(1), line
        elif opening:
            stack.append(opening.group(1))
    assert not stack
    # Every directive line has balanced double quotes (mod_headers values escape theirs as \").
    for line in text.splitlines():
        if not line.lstrip().startswith("#"):
            assert len(re.findall(r'(?<!\\)"', line)) % 2 == 0, line
    assert f"RewriteBase {path}\n" in text
    assert "RewriteCond %{REQUEST_FILENAME}.ttl -f" in text
    assert "RewriteCond %{REQUEST_FILENAME}/index.html -f" in text
    for fmt in RDF_FORMATS:
        assert f"RewriteCond %{{ENV:PLANLOD_WANT}} ={fmt.extension.lstrip('.')}\n" in text
        assert f"RewriteRule ^(.*)$ $1{fmt.extension} [R=303,L,E=PLANLOD_NEGOTIATED:1]" in text
        assert f'AddType "{fmt.content_type}" {fmt.extension}\n' in text
        for media_type in (fmt.media_type, *fmt.aliases):
            assert media_type.replace("+", "\\+") in text
    assert "RewriteRule ^(.*)$ $1/ [R=303,L,E=PLANLOD_NEGOTIATED:1]" in text
    assert "RewriteRule ^ - [R=406,L,E=PLANLOD_NEGOTIATED:1]" in text
    # The negotiation's steps are in the file exactly, in order.
    rules = [w[2] for w in rewrite_block(text) if w[0] == "RewriteCond" and ("%{HTTP:Accept}" in w[1] or "|" in w[1])]
    rules += [
        w[2] for w in rewrite_block(text) if w[0] == "RewriteCond" and re.fullmatch(r"%\{ENV:PLANLOD_PICK\}", w[1])
    ]
    assert sorted(rules) == sorted(step.pattern for step in negotiation_steps())
    assert 'Header always set Vary "Accept" env=PLANLOD_NEGOTIATED' in text
    assert 'Header always set Access-Control-Allow-Origin "*" env=PLANLOD_NEGOTIATED' in text
    assert 'Header set Access-Control-Allow-Origin "*"' in text
    assert "Access-Control-Allow-Credentials" not in text
    assert "RemoveEncoding .gz" in text
    assert 'AddType "application/gzip" .gz' in text
    assert f"m#^{path}\\.well-known/void$#" in text
    assert 'ForceType "text/turtle; charset=utf-8"' in text
    assert f"m#^{path}context/v[0-9]+\\.jsonld$#" in text
    assert "immutable" in text
    assert "ErrorDocument 406 " in text
    for fmt in RDF_FORMATS:
        assert f"{fmt.media_type} (%{{REQUEST_URI}}{fmt.extension})" in text


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_htaccess_sends_the_security_headers_on_every_response(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    text = htaccess(settings, policy)
    lines = text.splitlines()
    opened = lines.index("<IfModule mod_headers.c>")
    for name, value in security_headers(settings.base_iri, settings.sparql_endpoint):
        line = f"    Header always set {name} {json.dumps(value)}"
        assert line in lines, line
        # At the top of the mod_headers block, not inside a FilesMatch or If section.
        assert all(not re.match(r"\s*<(FilesMatch|If)\b", ln) for ln in lines[opened + 1 : lines.index(line)])


@pytest.mark.parametrize("base", [ROOT_BASE, PREFIX_BASE])
def test_htaccess_negotiates_the_namespace_iri(config: Config, base: str) -> None:
    settings, policy = policy_config(config, base)
    text = htaccess(settings, policy)
    path = base_path(policy)
    for accept, expected in (
        ("text/turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("text/html;q=0, */*", ".ttl"),
    ):
        assert run_rewrite(text, path + "ontologi/", accept, SITE_FILES) == (303, path + "ontologi" + expected)
    for accept in (None, "text/html", "image/png"):
        assert run_rewrite(text, path + "ontologi/", accept, SITE_FILES) is None
    assert 'Header always set Vary "Accept" env=PLANLOD_VARY' in text
