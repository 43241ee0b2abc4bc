"""Server rules for the built site: an nginx snippet and an Apache `.htaccess` that negotiate on bare IRIs.

Stage: build (server rules). Imports `config`, `errors`, `formats`, `headers` and `urls`; writes nothing itself:
`build` writes `nginx_conf(...)` to `server/nginx.conf` and `htaccess(...)` to `.htaccess` in the output folder.

What both rule sets do, for the site served at the base IRI's path `B` (`/` or e.g. `/planer/`):

- An entity path `P` is a bare IRI `B` + `P` for which `P.ttl` and `P/index.html` exist in the built site.
  There the Accept header decides (see `negotiate`): an RDF media type answers `303 See Other` to `P.ttl`,
  `P.jsonld` or `P.nt`; HTML, `*/*`, a browser's header or no Accept answer `303 See Other` to the page `P/`
  (the page's relative links are relative to the folder `P/`, so it cannot be served at `P` itself; R1 allows
  one 303 before the `200 text/html`); a header that accepts none of them answers `406 Not Acceptable` with a
  plain-text body and a `Link` header listing the alternatives. All three carry `Vary: Accept`,
  `Access-Control-Allow-Origin: *` (a browser follows a CORS redirect only if the redirect has it too) and
  `Cache-Control: public, max-age=300`.
- Document URLs (everything that is a file) answer `200` whatever the Accept header says, with the content type
  from the formats table (`formats.SITE_FILES`, `charset=utf-8` on text types; `.gz` dumps are
  `application/gzip`, never a `Content-Encoding`). RDF documents, dumps, exports, the catalogue, VoID and the
  JSON-LD context also send `Access-Control-Allow-Origin: *` (never with credentials) and a
  `Link: <licence>; rel="license"` header.
- Caching: `Cache-Control: public, max-age=300` on documents and pages; `max-age=31536000, immutable` on
  versioned contexts (`context/v1.jsonld`) and on fingerprinted assets (`assets/…/name.<8+ hex>.ext`; an asset
  without a content hash in its name may change between builds, so it gets the short policy). ETag and
  Last-Modified come from the server, so `If-None-Match` answers 304.
- Security headers (`headers.security_headers`: Content-Security-Policy, X-Content-Type-Options, Referrer-Policy,
  X-Frame-Options) on every response, errors and redirects included, the same as `planlod serve` sends. nginx
  drops inherited `add_header`s in any block that has its own, so every such block repeats them.
- `OPTIONS` (a CORS preflight, e.g. from Comunica in a browser, whose long Accept header is not CORS-safelisted)
  answers 204 with the CORS headers.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from .config import Config
from .errors import ConfigError
from .formats import DATA_FILES, DEFAULT_CONTENT_TYPE, GZIP, HTML_MEDIA_TYPE, RDF_FORMATS, TEXT, TURTLE, site_file_types
from .formats import HTML as HTML_FORMAT  # `HTML` here is the name of the page representation in the rules
from .headers import Headers, site_security_headers
from .urls import (
    INDEX_FILE,
    PRIVATE_PREFIX,
    VOID_WELL_KNOWN,
    UrlPolicy,
    context_pattern,
    fingerprinted_asset_pattern,
    nginx_file,
)

HTML = "html"
NOT_ACCEPTABLE = "none"

SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"

# Wildcards that a client may send instead of naming a type; they choose the HTML page.
WILDCARD_RANGES: tuple[str, ...] = ("*/*", "text/*")
VOID_CONTENT_TYPE = TURTLE.content_type
# The extensions of the data files, whose responses carry CORS and the licence link.
DATA_EXTENSIONS: tuple[str, ...] = tuple(extension for fmt in DATA_FILES for extension in fmt.extensions)
# Versioned JSON-LD contexts (`context/v1.jsonld`) and fingerprinted assets never change under one name.
VERSIONED_CONTEXT_PATTERN = context_pattern()
FINGERPRINTED_ASSET_PATTERN = fingerprinted_asset_pattern()

# Accept-header parsing, as regular expressions both nginx and Apache (PCRE) and Python understand.
# A media range's parameters other than q; q itself; the end of the element.
_PARAMS = r"(?:\s*;\s*(?!q\s*=)[^;,]*)*"
_END = r"\s*(?:,|$)"
# q-value tiers from low to high: 0.001–0.099, 0.1…, …, 0.9…; the top tier (q=1 or no q) is separate.
_LOW_TIERS: tuple[str, ...] = (
    r"0?\.0(?:0[1-9]|[1-9][0-9]?)",
    *(rf"0?\.{digit}[0-9]{{0,2}}" for digit in range(1, 10)),
)
_TOP_TIER = r"(?:\s*;\s*q\s*=\s*1(?:\.0{0,3})?)?"

_SAFE_PATH = re.compile(r"/(?:[A-Za-z0-9._~-]+/)*")
_SAFE_IRI = re.compile(r"[^\s\"'<>\\{};$`]+")


def representation_ranges() -> tuple[tuple[str, str], ...]:
    """(media range, representation) pairs: the RDF formats by extension (with aliases), the HTML page."""
    pairs: list[tuple[str, str]] = []
    for fmt in RDF_FORMATS:
        for media_type in (fmt.media_type, *fmt.aliases):
            pairs.append((media_type, fmt.extension.lstrip(".")))
    pairs.extend((media_type, HTML) for media_type in HTML_FORMAT.media_types)
    return tuple(pairs)


def _regex_literal(text: str) -> str:
    """`text` as a regex matching itself, escaping only regex metacharacters (readable in the rules)."""
    return re.sub(r"([.+*?()\[\]{}|^$\\])", r"\\\1", text)


def _range_alternation(ranges: tuple[str, ...]) -> str:
    return "|".join(_regex_literal(item) for item in ranges)


def accept_rules() -> tuple[str, ...]:
    """Case-insensitive regexes to search in the Accept header, in order; group 1 of the last that matches
    names the chosen media range.

    nginx cannot compare q-values, so they are bucketed: a rule per tier (no q or q=1; 0.9x; 0.8x; …; 0.0x),
    lowest tier first so that a higher tier overrides. Within a tier a named type beats a wildcard, and the
    first listed wins (a regex search finds the leftmost element). q=0 matches no tier: "not acceptable".
    """
    named = _range_alternation(tuple(item for item, _ in representation_ranges()))
    wildcards = _range_alternation(WILDCARD_RANGES)
    rules: list[str] = []
    for weight in (*(rf"\s*;\s*q\s*=\s*{tier}" for tier in _LOW_TIERS), _TOP_TIER):
        for ranges in (wildcards, named):
            rules.append(rf"(?:^|,)\s*({ranges}){_PARAMS}{weight}{_PARAMS}{_END}")
    return tuple(rules)


def representation_rules() -> tuple[tuple[str, str], ...]:
    """(case-insensitive full-match regex over the chosen media range, representation) pairs."""
    by_representation: dict[str, list[str]] = {}
    for media_range, representation in representation_ranges():
        by_representation.setdefault(representation, []).append(media_range)
    by_representation[HTML].extend(WILDCARD_RANGES)
    return tuple(
        (rf"^(?:{_range_alternation(tuple(ranges))})$", representation)
        for representation, ranges in by_representation.items()
    )


def negotiate(accept: str | None) -> str:
    """The representation the server rules choose at a bare IRI for an Accept header: an RDF format's
    extension without the dot ('ttl', 'jsonld', 'nt'), 'html', or 'none' (406 Not Acceptable).

    This is the same procedure the generated rules run, so tests (and `serve`) can predict them.
    """
    if not accept:
        return HTML
    chosen = ""
    for rule in accept_rules():
        match = re.search(rule, accept, re.IGNORECASE)
        if match:
            chosen = match.group(1)
    for pattern, representation in representation_rules():
        if re.search(pattern, chosen, re.IGNORECASE):
            return representation
    return NOT_ACCEPTABLE


def base_path(policy: UrlPolicy) -> str:
    """The URL path the site is served at: '/' or '/planer/'. Refuses characters the rules cannot quote."""
    path = unquote(urlsplit(policy.base).path) or "/"
    if not _SAFE_PATH.fullmatch(path):
        raise ConfigError(
            f"base_iri {policy.base!r}: the server rules need a path of letters, digits and '._~-' "
            f"segments ending in '/', got {path!r}"
        )
    return path


def _licence(config: Config) -> str:
    if config.licence and not _SAFE_IRI.fullmatch(config.licence):
        raise ConfigError(f"licence {config.licence!r}: not an IRI the server rules can send in a header")
    return config.licence


def _data_headers(licence: str, cache: str = SHORT_CACHE) -> Headers:
    """Headers of data files: CORS, caching, and the licence when one is configured."""
    licence_link = (("Link", f'<{licence}>; rel="license"'),) if licence else ()
    return (("Access-Control-Allow-Origin", "*"), ("Cache-Control", cache), *licence_link)


def _negotiated_headers() -> Headers:
    """Headers of the 303 and 406 responses at a bare IRI."""
    return (("Vary", "Accept"), ("Access-Control-Allow-Origin", "*"), ("Cache-Control", SHORT_CACHE))


def _alternates_link(prefix: str) -> str:
    """A Link header value listing the page and the RDF documents of the entity at `prefix`."""
    items = [f'<{prefix}/>; rel="alternate"; type="{HTML_MEDIA_TYPE}"']
    items += [f'<{prefix}{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"' for fmt in RDF_FORMATS]
    return ", ".join(items)


# --- nginx -----------------------------------------------------------------------------------------------


def _nginx_quote(value: str) -> str:
    """An nginx string token, single-quoted. nginx reads a backslash before a backslash, a quote, t, n or r as
    an escape and keeps any other backslash, so only those backslashes are doubled (regexes stay readable)."""
    escaped = re.sub(r"\\(?=[\\'\"tnr]|$)", r"\\\\", value).replace("'", "\\'")
    return "'" + escaped + "'"


def _nginx_headers(headers: Headers, always: bool = False) -> list[str]:
    suffix = " always" if always else ""
    return [f"add_header {name} {_nginx_quote(value)}{suffix};" for name, value in headers]


def _nginx_preflight(security: Headers) -> list[str]:
    return [
        "if ($request_method = OPTIONS) {",
        "    add_header Access-Control-Allow-Origin '*' always;",
        "    add_header Access-Control-Allow-Methods 'GET, HEAD, OPTIONS' always;",
        "    add_header Access-Control-Allow-Headers $http_access_control_request_headers always;",
        "    add_header Access-Control-Max-Age '86400' always;",
        "    add_header Vary 'Access-Control-Request-Headers' always;",
        *_indent(_nginx_headers(security, always=True)),
        "    return 204;",
        "}",
    ]


def _indent(lines: list[str], levels: int = 1) -> list[str]:
    return [("    " * levels + line) if line else "" for line in lines]


def _nginx_location(head: str, body: list[str]) -> list[str]:
    return [f"location {head} {{", *_indent(body), "}"]


def nginx_conf(config: Config, policy: UrlPolicy) -> str:
    """nginx rules for the site: a snippet for the `server {}` block that serves it.

    Include it after the server's `root`, which must map URL paths to files: for base path `/` the root is
    the built site; for `/planer/` the built site must be the folder `{root}/planer/`. Everything in the
    snippet is valid in server context (the Accept header is classified by server-level `if`/`set` instead
    of `map`, which nginx allows only in the http block), so one `include` deploys it.
    """
    path = base_path(policy)
    licence = _licence(config)
    security = site_security_headers(config)
    lines = [*_nginx_intro(policy, path), "", *_nginx_accept_classification(), ""]
    if path != "/":
        lines += [
            *_nginx_location(
                f"= {path.rstrip('/')}",
                ["absolute_redirect off;", *_nginx_headers(security, always=True), f"return 301 {path};"],
            ),
            "",
        ]
    site = [
        "absolute_redirect off;",
        f"index {INDEX_FILE};",
        "types {",
        *_indent([f"{_nginx_quote(content_type)} {extension};" for extension, content_type in site_file_types()]),
        "}",
        f"default_type {DEFAULT_CONTENT_TYPE};",
        "error_page 406 @planlod_not_acceptable;",
        *_nginx_headers((("Cache-Control", SHORT_CACHE),)),
        *_nginx_headers(security, always=True),
        "",
        "# The build's own records (.planlod-site, .planlod-state) are not part of the site.",
        *_nginx_location(
            "~ " + _nginx_quote("^" + re.escape(path) + _regex_literal(PRIVATE_PREFIX)),
            [*_nginx_headers(security, always=True), "return 404;"],
        ),
        "",
        *_nginx_preflight(security),
        "",
        *_nginx_entity_negotiation(security),
        "",
        *_nginx_document_locations(path, licence, security),
    ]
    lines += [*_nginx_location(path, site), "", *_nginx_not_acceptable_location(security)]
    return "\n".join(lines) + "\n"


def _nginx_intro(policy: UrlPolicy, path: str) -> list[str]:
    """The snippet's header comment: what it does and how to include it."""
    if path == "/":
        root = ["#         root /srv/www/site;"]
        include = f"/srv/www/site/{nginx_file()}"
    else:
        root = [f"#         root /srv/www;    # the built site is the folder /srv/www{path.rstrip('/')}"]
        include = f"/srv/www{path}{nginx_file()}"
    return [
        f"# planlod server rules for nginx, generated by `planlod build` for {policy.base}",
        "#",
        "# Include this file inside the server {} block that serves the site, after its root:",
        "#",
        "#     server {",
        "#         listen 443 ssl;",
        f"#         server_name {urlsplit(policy.base).hostname};",
        *root,
        f"#         include {include};",
        "#     }",
        "#",
        *_summary(path),
        "# A SPARQL endpoint, if any, needs its own location (e.g. proxy_pass to `planlod serve`).",
    ]


def _summary(path: str) -> list[str]:
    return [
        f"# At an entity IRI {path}P (P.ttl and P/index.html exist) the Accept header chooses: RDF media types",
        "# get 303 See Other to P.ttl, P.jsonld or P.nt; HTML, */*, browsers and no Accept get 303 to the page",
        "# P/ (its relative links need the trailing slash); anything else gets 406 with the alternatives.",
        "# Document URLs answer 200 with their own type whatever the Accept. q-values are compared in steps",
        "# of 0.1; within a step a named type beats a wildcard and the first listed wins.",
    ]


def _nginx_accept_classification() -> list[str]:
    """Server-level rules that set $planlod_want to ttl, jsonld, nt, html or none from the Accept header."""
    lines = [
        "# Accept -> $planlod_pick (the chosen media range), lowest q first so that higher ones override.",
        'set $planlod_pick "";',
    ]
    for rule in accept_rules():
        lines += [f"if ($http_accept ~* {_nginx_quote(rule)}) {{", "    set $planlod_pick $1;", "}"]
    lines += ["", "# $planlod_pick -> $planlod_want: ttl, jsonld, nt, html or none.", "set $planlod_want none;"]
    for pattern, representation in representation_rules():
        lines += [
            f"if ($planlod_pick ~* {_nginx_quote(pattern)}) {{",
            f"    set $planlod_want {representation};",
            "}",
        ]
    return [*lines, 'if ($http_accept = "") {', f"    set $planlod_want {HTML};", "}"]


def _nginx_entity_negotiation(security: Headers) -> list[str]:
    """Rules at a bare IRI: 303 to the chosen document or the page, or 406."""
    lines = [
        "# The bare IRI of an entity: P.ttl and P/index.html exist.",
        'set $planlod_entity "";',
        f"if (-f $request_filename{TURTLE.extension}) {{",
        "    set $planlod_entity $planlod_want;",
        "}",
        f"if (!-f $request_filename/{INDEX_FILE}) {{",
        '    set $planlod_entity "";',
        "}",
    ]
    targets = [(fmt.extension.lstrip("."), f"$uri{fmt.extension}") for fmt in RDF_FORMATS]
    for representation, target in [*targets, (HTML, "$uri/")]:
        lines += [
            f"if ($planlod_entity = {representation}) {{",
            *_indent(_nginx_headers((*_negotiated_headers(), *security), always=True)),
            f"    return 303 {target};",
            "}",
        ]
    return [*lines, f"if ($planlod_entity = {NOT_ACCEPTABLE}) {{", "    return 406;", "}"]


def _nginx_document_locations(path: str, licence: str, security: Headers) -> list[str]:
    """Nested locations for documents whose headers differ from the pages'. Regex order matters."""
    regex_path = _regex_literal(path)
    data = "|".join(DATA_EXTENSIONS)
    always = _nginx_headers(security, always=True)
    return [
        "# Documents: RDF, dumps, exports and the catalogue (CORS, licence); the versioned context and",
        "# fingerprinted assets (immutable); VoID at .well-known/void (Turtle without an extension).",
        *_nginx_location(
            f"~ {_nginx_quote(f'^{regex_path}{VERSIONED_CONTEXT_PATTERN}$')}",
            [*_nginx_preflight(security), *_nginx_headers(_data_headers("", LONG_CACHE)), *always],
        ),
        *_nginx_location(
            f"~ {_nginx_quote(f'^{regex_path}{FINGERPRINTED_ASSET_PATTERN}$')}",
            [*_nginx_preflight(security), *_nginx_headers((("Cache-Control", LONG_CACHE),)), *always],
        ),
        *_nginx_location(
            "~ " + _nginx_quote(r"\.(?:" + data + ")$"),
            [*_nginx_preflight(security), *_nginx_headers(_data_headers(licence)), *always],
        ),
        *_nginx_location(
            f"= {path}{VOID_WELL_KNOWN}",
            [
                "types { }",
                f"default_type {_nginx_quote(VOID_CONTENT_TYPE)};",
                *_nginx_preflight(security),
                *_nginx_headers(_data_headers(licence)),
                *always,
            ],
        ),
    ]


def _nginx_not_acceptable_location(security: Headers) -> list[str]:
    """The named location that answers 406 with the alternatives (the URI is still the bare IRI)."""
    return _nginx_location(
        "@planlod_not_acceptable",
        [
            "types { }",
            f"default_type {_nginx_quote(TEXT.content_type)};",
            *_nginx_headers((*_negotiated_headers(), *security), always=True),
            f"add_header Link {_nginx_quote(_alternates_link('$uri'))} always;",
            "return 406 " + _nginx_quote(_not_acceptable_text("$uri")) + ";",
        ],
    )


def _not_acceptable_text(prefix: str) -> str:
    rows = [f"  {HTML_MEDIA_TYPE:<24}{prefix}/"]
    rows += [f"  {fmt.media_type:<24}{prefix}{fmt.extension}" for fmt in RDF_FORMATS]
    return (
        "406 Not Acceptable\n\n"
        f"{prefix} is available in these media types; ask for one in the Accept header, or fetch a URL:\n"
        + "\n".join(rows)
        + "\n"
    )


# --- Apache --------------------------------------------------------------------------------------------


def _apache_quote(value: str) -> str:
    """A quoted argument for core and mod_headers directives, which read \\" and \\\\ as escapes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def htaccess(config: Config, policy: UrlPolicy) -> str:
    """Apache httpd 2.4 rules for the site: a `.htaccess` for the built site's root folder.

    Needs mod_rewrite, mod_headers and mod_mime, and `AllowOverride FileInfo` for the folder. Without
    mod_rewrite or mod_headers the site still works as a static site (the bare IRI redirects to the page).
    """
    path = base_path(policy)
    licence = _licence(config)
    security = site_security_headers(config)
    lines = [
        f"# planlod server rules for Apache httpd 2.4, generated by `planlod build` for {policy.base}",
        f"# This file belongs in the built site's root folder, served at {path}.",
        "# Needs mod_rewrite, mod_headers, mod_mime and `AllowOverride FileInfo` for that folder.",
        "#",
        *_summary(path),
        "",
        *_apache_types(),
        "",
        "# The build's own records (.planlod-site, .planlod-state) are not part of the site.",
        f'<FilesMatch "^{_regex_literal(PRIVATE_PREFIX)}">',
        "    Require all denied",
        "</FilesMatch>",
        "",
        *_apache_rewrites(path),
        "",
        *_apache_headers(path, licence, security),
    ]
    return "\n".join(lines) + "\n"


def _apache_types() -> list[str]:
    """Content types, and the body of the 406 response."""
    alternatives = [f"{HTML_MEDIA_TYPE} (%{{REQUEST_URI}}/)"]
    alternatives += [f"{fmt.media_type} (%{{REQUEST_URI}}{fmt.extension})" for fmt in RDF_FORMATS]
    return [
        f"# Content types, charset=utf-8 on text types. Dumps (.gz) are {GZIP.media_type}, not gzip-encoded.",
        "<IfModule mod_mime.c>",
        "    RemoveEncoding .gz",
        *(f"    AddType {_apache_quote(content_type)} .{extension}" for extension, content_type in site_file_types()),
        "</IfModule>",
        "ErrorDocument 406 "
        + _apache_quote(f"406 Not Acceptable: %{{REQUEST_URI}} is available as {', '.join(alternatives)}"),
    ]


def _apache_rewrites(path: str) -> list[str]:
    """mod_rewrite rules: preflight, the entity test, the Accept classification, the 303s and the 406.

    mod_rewrite reads its arguments raw (a backslash escapes only whitespace), so regexes are written as they
    are, in double quotes; they hold no spaces or double quotes.
    """
    entity = "    RewriteCond %{ENV:PLANLOD_ENTITY} =1"
    lines = [
        "<IfModule mod_rewrite.c>",
        "    RewriteEngine On",
        f"    RewriteBase {path}",
        "",
        "    # CORS preflight.",
        "    RewriteCond %{REQUEST_METHOD} =OPTIONS",
        "    RewriteRule ^ - [R=204,L,E=PLANLOD_PREFLIGHT:1]",
        "",
        "    # The bare IRI of an entity: P.ttl and P/index.html exist.",
        f"    RewriteCond %{{REQUEST_FILENAME}}{TURTLE.extension} -f",
        f"    RewriteCond %{{REQUEST_FILENAME}}/{INDEX_FILE} -f",
        "    RewriteRule ^ - [E=PLANLOD_ENTITY:1,E=PLANLOD_IRI:%{REQUEST_URI}]",
        "",
        "    # Accept -> PLANLOD_PICK (the chosen media range), lowest q first so that higher ones override.",
    ]
    for rule in accept_rules():
        lines += [entity, f'    RewriteCond %{{HTTP:Accept}} "{rule}" [NC]', "    RewriteRule ^ - [E=PLANLOD_PICK:%1]"]
    lines += [
        "",
        "    # PLANLOD_PICK -> PLANLOD_WANT: ttl, jsonld, nt, html or none.",
        entity,
        f"    RewriteRule ^ - [E=PLANLOD_WANT:{NOT_ACCEPTABLE}]",
    ]
    for pattern, representation in representation_rules():
        lines += [
            entity,
            f'    RewriteCond %{{ENV:PLANLOD_PICK}} "{pattern}" [NC]',
            f"    RewriteRule ^ - [E=PLANLOD_WANT:{representation}]",
        ]
    lines += [
        entity,
        "    RewriteCond %{HTTP:Accept} ^$",
        f"    RewriteRule ^ - [E=PLANLOD_WANT:{HTML}]",
        "",
        "    # 303 See Other to the chosen document, the page, or 406.",
    ]
    targets = [(fmt.extension.lstrip("."), f"$1{fmt.extension}") for fmt in RDF_FORMATS]
    for representation, target in [*targets, (HTML, "$1/")]:
        lines += [
            entity,
            f"    RewriteCond %{{ENV:PLANLOD_WANT}} ={representation}",
            f"    RewriteRule ^(.*)$ {target} [R=303,L,E=PLANLOD_NEGOTIATED:1]",
        ]
    return [
        *lines,
        entity,
        f"    RewriteCond %{{ENV:PLANLOD_WANT}} ={NOT_ACCEPTABLE}",
        "    RewriteRule ^ - [R=406,L,E=PLANLOD_NEGOTIATED:1]",
        "</IfModule>",
    ]


def _apache_headers(path: str, licence: str, security: Headers) -> list[str]:
    """mod_headers rules: caching, CORS and the licence on documents; Vary and CORS on negotiated responses."""
    regex_path = _regex_literal(path)

    def header_set(headers: Headers, indent: str = "        ") -> list[str]:
        return [f"{indent}Header set {name} {_apache_quote(value)}" for name, value in headers]

    return [
        "<IfModule mod_headers.c>",
        "    # Security headers on every response, errors and redirects included.",
        *(f"    Header always set {name} {_apache_quote(value)}" for name, value in security),
        "    # Pages, sitemap, robots and other files: a short cache.",
        *header_set((("Cache-Control", SHORT_CACHE),), "    "),
        "    # RDF documents, dumps, exports and the catalogue: CORS and the licence.",
        f'    <FilesMatch "\\.(?:{"|".join(DATA_EXTENSIONS)})$">',
        *header_set(_data_headers(licence)),
        "    </FilesMatch>",
        "    # VoID at .well-known/void: Turtle without an extension.",
        f'    <If "%{{REQUEST_URI}} =~ m#^{regex_path}{_regex_literal(VOID_WELL_KNOWN)}$#">',
        f"        ForceType {_apache_quote(VOID_CONTENT_TYPE)}",
        *header_set(_data_headers(licence)),
        "    </If>",
        "    # Versioned contexts and fingerprinted assets never change under one name.",
        f'    <If "%{{REQUEST_URI}} =~ m#^{regex_path}{VERSIONED_CONTEXT_PATTERN}$#">',
        *header_set(_data_headers("", LONG_CACHE)),
        "    </If>",
        f'    <If "%{{REQUEST_URI}} =~ m#^{regex_path}{FINGERPRINTED_ASSET_PATTERN}$#">',
        *header_set((("Cache-Control", LONG_CACHE),)),
        "    </If>",
        "    # The negotiated responses (303, 406) at entity IRIs; `always` covers non-2xx responses.",
        *(
            f"    Header always set {name} {_apache_quote(value)} env=PLANLOD_NEGOTIATED"
            for name, value in (*_negotiated_headers(), ("Link", _alternates_link("%{PLANLOD_IRI}e")))
        ),
        "    # CORS preflight.",
        *(
            f"    Header always set {name} {_apache_quote(value)} env=PLANLOD_PREFLIGHT"
            for name, value in (
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"),
                ("Access-Control-Allow-Headers", "%{Access-Control-Request-Headers}i"),
                ("Access-Control-Max-Age", "86400"),
            )
        ),
        "</IfModule>",
    ]
