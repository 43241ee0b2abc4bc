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
  `Cache-Control: public, max-age=300`. The rules are `negotiation_steps`, rendered for nginx and Apache and run
  by `negotiate`: a wildcard chooses the page unless the client ranks text/html below it.
- A namespace IRI (`B` + `ontologi/`, `B` + `shapes/`): an RDF media type answers `303` to the namespace's
  document (`ontologi.ttl` …); anything else gets the folder's page; both with `Vary: Accept`.
- Document URLs (everything that is a file) answer `200` whatever the Accept header says, with the content type
  from the formats table (`formats.SITE_FILES`, `charset=utf-8` on text types; `.gz` dumps are
  `application/gzip`, never a `Content-Encoding`). RDF documents, dumps, exports, the catalogue, VoID and the
  JSON-LD context also send a `Link: <licence>; rel="license"` header (`is_data_file`). Every response carries
  `Access-Control-Allow-Origin: *` (never with credentials); an unknown path answers 404 with the plain-text
  body `NOT_FOUND_TEXT`. `serve` sends the same (it asks `cache_control_for`, `is_data_file`, `licence_link`).
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
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .config import Config
from .errors import ConfigError
from .formats import DATA_FILES, DEFAULT_CONTENT_TYPE, GZIP, HTML_MEDIA_TYPE, RDF_FORMATS, TEXT, TURTLE, site_file_types
from .formats import HTML as HTML_FORMAT  # `HTML` here is the name of the page representation in the rules
from .headers import Headers, site_security_headers
from .urls import (
    INDEX_FILE,
    NAMESPACE_PATHS,
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
# Every response may be read by a script on any site (the data are public; credentials are never allowed).
CORS = ("Access-Control-Allow-Origin", "*")
LONG_CACHE = "public, max-age=31536000, immutable"

# Wildcards that a client may send instead of naming a type: each chooses the first representation it covers in
# the server's order (`*/*` and `text/*` the HTML page, `application/*` JSON-LD).
WILDCARD_RANGES: tuple[str, ...] = ("*/*", "text/*", "application/*")
VOID_CONTENT_TYPE = TURTLE.content_type
# The extensions of the data files, whose responses carry CORS and the licence link.
DATA_EXTENSIONS: tuple[str, ...] = tuple(extension for fmt in DATA_FILES for extension in fmt.extensions)
# Versioned JSON-LD contexts (`context/v1.jsonld`) and fingerprinted assets never change under one name.
VERSIONED_CONTEXT_PATTERN = context_pattern()
FINGERPRINTED_ASSET_PATTERN = fingerprinted_asset_pattern()

# Accept-header parsing, as regular expressions both nginx and Apache (PCRE) and Python understand.
# A media range's parameters other than q; q itself; the end of the element.
_PARAMS = r"(?:\s*;(?!\s*q\s*=)[^;,]*)*"
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


def _weights() -> tuple[tuple[str, str], ...]:
    """(tier label, regex of the q parameter) from low to high: '01' is 0.001–0.099, '02' to '10' are 0.1… to
    0.9…, '11' is q=1 or no q. Labels compare as strings in the same order as the tiers."""
    low = tuple((f"{number:02d}", rf"\s*;\s*q\s*=\s*{tier}") for number, tier in enumerate(_LOW_TIERS, 1))
    return (*low, (TOP_TIER_LABEL, _TOP_TIER))


TOP_TIER_LABEL = "11"
# q=0: the client refuses the type. Only the HTML page's tier is recorded with it.
_ZERO_WEIGHT = ("00", r"\s*;\s*q\s*=\s*0(?:\.0{0,3})?")


def _element(ranges: str, weight: str) -> str:
    """A regex for one element of an Accept header: one of `ranges` (group 1) with the q of `weight`."""
    return rf"(?:^|,)\s*({ranges}){_PARAMS}{weight}{_PARAMS}{_END}"


def accept_rules() -> tuple[str, ...]:
    """Case-insensitive regexes to search in the Accept header, in order; group 1 of the last that matches
    names the chosen media range.

    nginx cannot compare q-values, so they are bucketed: a rule per tier (no q or q=1; 0.9x; 0.8x; …; 0.0x),
    lowest tier first so that a higher tier overrides. Within a tier a named type beats a wildcard, and the
    first listed wins (a regex search finds the leftmost element). q=0 matches no tier: "not acceptable".
    """
    return tuple(rule for rule, _ in _pick_rules())


def _pick_rules() -> tuple[tuple[str, str], ...]:
    """`accept_rules` with the tier label of each."""
    named = _range_alternation(tuple(item for item, _ in representation_ranges()))
    wildcards = _range_alternation(WILDCARD_RANGES)
    return tuple((_element(ranges, weight), label) for label, weight in _weights() for ranges in (wildcards, named))


def _entity_offers() -> tuple[tuple[str, str], ...]:
    """(media type, representation) in the server's order of preference, as `serve` offers them at an entity:
    the page first (so that `*/*` gets it), then the RDF formats, then the aliases."""
    return (
        (HTML_FORMAT.media_type, HTML),
        *((fmt.media_type, fmt.extension.lstrip(".")) for fmt in RDF_FORMATS),
        *((alias, HTML) for alias in HTML_FORMAT.aliases),
        *((alias, fmt.extension.lstrip(".")) for fmt in RDF_FORMATS for alias in fmt.aliases),
    )


def _first_offer(wildcard: str, page: bool = True) -> str:
    """The representation a wildcard range chooses: the first offer it covers (leaving out the page when the
    client ranks the page below the wildcard)."""
    main = wildcard.split("/", 1)[0]
    for media_type, representation in _entity_offers():
        if (main == "*" or media_type.startswith(main + "/")) and (page or representation != HTML):
            return representation
    return NOT_ACCEPTABLE


def representation_rules() -> tuple[tuple[str, str], ...]:
    """(case-insensitive full-match regex over the chosen media range, representation) pairs."""
    by_representation: dict[str, list[str]] = {}
    for media_range, representation in representation_ranges():
        by_representation.setdefault(representation, []).append(media_range)
    for wildcard in WILDCARD_RANGES:
        by_representation.setdefault(_first_offer(wildcard), []).append(wildcard)
    return tuple(
        (rf"^(?:{_range_alternation(tuple(ranges))})$", representation)
        for representation, ranges in by_representation.items()
    )


# The variables of the negotiation: the Accept header, and what the rules set.
ACCEPT = "accept"
PICK = "pick"  # the chosen media range
TIER = "tier"  # its q tier
PAGE_TIER = "html"  # the q tier the client gives text/html ('' when it does not name it)
WANT = "want"  # the representation: ttl, jsonld, nt, html or none
VARIABLES = (PICK, TIER, PAGE_TIER, WANT)


@dataclass(frozen=True)
class Step:
    """One rule of the negotiation: when `pattern` is found, case-insensitively, in the values of the variables
    `source` joined by '|', each variable of `sets` gets its value ('$1': the pattern's first group)."""

    source: tuple[str, ...]
    pattern: str
    sets: tuple[tuple[str, str], ...]


def negotiation_steps() -> tuple[Step, ...]:
    """The negotiation at a bare IRI as steps, in order: what nginx's `if`/`set`, Apache's RewriteCond/RewriteRule
    and `negotiate` all run.

    1. The chosen media range and its tier (`_pick_rules`).
    2. The tier of text/html, q=0 included.
    3. The representation of the chosen range; a wildcard chooses the page, unless the client ranks text/html
       below the wildcard (`text/html;q=0, */*`): then the first RDF format the wildcard covers.
    4. No Accept header: the page.
    """
    steps = [Step((ACCEPT,), rule, ((PICK, "$1"), (TIER, label))) for rule, label in _pick_rules()]
    page = _regex_literal(HTML_FORMAT.media_type)
    for label, weight in (_ZERO_WEIGHT, *_weights()):
        steps.append(Step((ACCEPT,), _element(page, weight), ((PAGE_TIER, label),)))
    steps.append(Step((ACCEPT,), "^", ((WANT, NOT_ACCEPTABLE),)))
    steps += [Step((PICK,), pattern, ((WANT, representation),)) for pattern, representation in representation_rules()]
    labels = [_ZERO_WEIGHT[0], *(label for label, _ in _weights())]
    below = "|".join(f"{tier}\\|(?:{'|'.join(labels[:number])})" for number, tier in enumerate(labels) if number > 0)
    for wildcard in WILDCARD_RANGES:
        if _first_offer(wildcard) == HTML:
            pattern = rf"^{_regex_literal(wildcard)}\|(?:{below})$"
            steps.append(Step((PICK, TIER, PAGE_TIER), pattern, ((WANT, _first_offer(wildcard, page=False)),)))
    steps.append(Step((ACCEPT,), "^$", ((WANT, HTML),)))
    return tuple(steps)


def negotiate(accept: str | None) -> str:
    """The representation the server rules choose at a bare IRI for an Accept header: an RDF format's
    extension without the dot ('ttl', 'jsonld', 'nt'), 'html', or 'none' (406 Not Acceptable).

    This runs `negotiation_steps`, as the generated rules do, so tests can predict them.
    """
    values = {ACCEPT: accept or ""}
    for step in negotiation_steps():
        match = re.search(step.pattern, "|".join(values.get(name, "") for name in step.source), re.IGNORECASE)
        if match:
            for name, value in step.sets:
                values[name] = (match.group(1) or "") if value == "$1" else value
    return values.get(WANT, NOT_ACCEPTABLE)


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
    link = (("Link", licence_link(licence)),) if licence else ()
    return (("Access-Control-Allow-Origin", "*"), ("Cache-Control", cache), *link)


# The body of a 404, from `serve` and the rules alike (plain text).
NOT_FOUND_TEXT = "Not Found"


def cache_control_for(relative: str) -> str:
    """Cache-Control of a file of the site (`relative`: its path under the base, '/' separated), as `serve`
    sends it and the rules set it: versioned contexts and fingerprinted assets never change under one name;
    everything else, pages included, may change at the next build."""
    if re.fullmatch(VERSIONED_CONTEXT_PATTERN, relative) or re.fullmatch(FINGERPRINTED_ASSET_PATTERN, relative):
        return LONG_CACHE
    return SHORT_CACHE


def is_data_file(relative: str) -> bool:
    """Whether a file of the site is data that carries the licence link (RDF documents, dumps, exports, the
    catalogue, VoID at its well-known address); the versioned context is vocabulary, not data."""
    if re.fullmatch(VERSIONED_CONTEXT_PATTERN, relative):
        return False
    return relative == VOID_WELL_KNOWN or relative.endswith(tuple("." + extension for extension in DATA_EXTENSIONS))


def licence_link(licence: str) -> str:
    """The value of the `Link` header that names the data's licence."""
    return f'<{licence}>; rel="license"'


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
        "error_page 404 @planlod_not_found;",
        "error_page 406 @planlod_not_acceptable;",
        *_nginx_headers((("Cache-Control", SHORT_CACHE),)),
        *_nginx_headers((CORS, *security), always=True),
        "",
        "# The build's own records (.planlod-site, .planlod-state) are not part of the site.",
        *_nginx_location(
            "~ " + _nginx_quote("^" + re.escape(path) + _regex_literal(PRIVATE_PREFIX)),
            [*_nginx_headers((CORS, *security), always=True), "return 404;"],
        ),
        "",
        *_nginx_preflight(security),
        "",
        *_nginx_entity_negotiation(security),
        "",
        *_nginx_namespace_locations(path, security),
        "",
        *_nginx_document_locations(path, licence, security),
    ]
    lines += [
        *_nginx_location(path, site),
        "",
        *_nginx_not_acceptable_location(security),
        "",
        *_nginx_not_found_location(security),
    ]
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
        "# A wildcard chooses the page unless the client ranks HTML below it (HTML with q=0 and */*): then",
        "# Turtle. The namespace IRIs (ontologi/, shapes/) give their RDF document, or their page.",
        "# Document URLs answer 200 with their own type whatever the Accept. q-values are compared in steps",
        "# of 0.1; within a step a named type beats a wildcard and the first listed wins.",
    ]


def _nginx_accept_classification() -> list[str]:
    """Server-level rules that set $planlod_want to ttl, jsonld, nt, html or none from the Accept header: the
    steps of `negotiation_steps`, as `if`/`set`."""
    lines = [
        "# Accept -> $planlod_want (ttl, jsonld, nt, html or none): the chosen media range and its q tier, lowest",
        "# tier first so that higher ones override; the tier of HTML; the representation of the range.",
        *(f'set $planlod_{name} "";' for name in VARIABLES),
    ]
    for step in negotiation_steps():
        if len(step.source) == 1:
            variable = "$http_accept" if step.source == (ACCEPT,) else f"$planlod_{step.source[0]}"
        else:
            joined = "|".join(f"$planlod_{name}" for name in step.source)
            lines.append(f'set $planlod_source "{joined}";')
            variable = "$planlod_source"
        lines += [
            f"if ({variable} ~* {_nginx_quote(step.pattern)}) {{",
            *(f"    set $planlod_{name} {value};" for name, value in step.sets),
            "}",
        ]
    return lines


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


def _nginx_namespace_locations(path: str, security: Headers) -> list[str]:
    """Namespace IRIs that are documents (`ontologi/`): 303 to the ontology's document for an RDF format, else
    the folder's page, with `Vary: Accept` either way."""
    lines = ["# Namespace IRIs: the namespace's RDF document by the Accept header, else its page."]
    for name in NAMESPACE_PATHS:
        body: list[str] = []
        for fmt in RDF_FORMATS:
            body += [
                f"if ($planlod_want = {fmt.extension.lstrip('.')}) {{",
                *_indent(_nginx_headers((*_negotiated_headers(), *security), always=True)),
                f"    return 303 {path}{name}{fmt.extension};",
                "}",
            ]
        body += [
            *_nginx_headers((("Cache-Control", SHORT_CACHE),)),
            *_nginx_headers((CORS, ("Vary", "Accept"), *security), always=True),
            f"try_files {path}{name}/{INDEX_FILE} =404;",
        ]
        lines += _nginx_location(f"= {path}{name}/", body)
    return lines


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
            [*_nginx_preflight(security), *_nginx_headers((("Cache-Control", LONG_CACHE), CORS)), *always],
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


def _nginx_not_found_location(security: Headers) -> list[str]:
    """The named location that answers 404 with the same plain-text body as `serve`."""
    return _nginx_location(
        "@planlod_not_found",
        [
            "types { }",
            f"default_type {_nginx_quote(TEXT.content_type)};",
            *_nginx_headers((CORS, *security), always=True),
            f"return 404 {_nginx_quote(NOT_FOUND_TEXT)};",
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
        "# Unknown paths: the same plain-text 404 as `planlod serve` and the nginx rules.",
        f"ErrorDocument 404 {_apache_quote(NOT_FOUND_TEXT)}",
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
    negotiated = "    RewriteCond %{ENV:PLANLOD_ENTITY}%{ENV:PLANLOD_NAMESPACE} =1"
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
        *(
            line
            for name in NAMESPACE_PATHS
            for line in (
                f"    RewriteCond %{{REQUEST_URI}} ={path}{name}/",
                "    RewriteRule ^ - [E=PLANLOD_NAMESPACE:1]",
            )
        ),
        "",
        "    # Accept -> PLANLOD_WANT (ttl, jsonld, nt, html or none): the chosen media range and its q tier, lowest",
        "    # tier first so that higher ones override; the tier of HTML; the representation of the range.",
    ]
    for step in negotiation_steps():
        test = "|".join(
            "%{HTTP:Accept}" if name == ACCEPT else f"%{{ENV:PLANLOD_{name.upper()}}}" for name in step.source
        )
        sets = ",".join(f"E=PLANLOD_{name.upper()}:{'%1' if value == '$1' else value}" for name, value in step.sets)
        lines += [negotiated, f'    RewriteCond "{test}" "{step.pattern}" [NC]', f"    RewriteRule ^ - [{sets}]"]
    lines += [
        "",
        "    # Namespace IRIs (ontologi/): the namespace's RDF document by the Accept header, else its page.",
    ]
    for name in NAMESPACE_PATHS:
        namespace = f"    RewriteCond %{{REQUEST_URI}} ={path}{name}/"
        for fmt in RDF_FORMATS:
            lines += [
                namespace,
                f"    RewriteCond %{{ENV:PLANLOD_WANT}} ={fmt.extension.lstrip('.')}",
                f"    RewriteRule ^(.*)/$ $1{fmt.extension} [R=303,L,E=PLANLOD_NEGOTIATED:1]",
            ]
        lines += [namespace, "    RewriteRule ^ - [L,E=PLANLOD_VARY:1]"]
    lines += [
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
        "    # CORS and the security headers on every response, errors and redirects included.",
        *(f"    Header always set {name} {_apache_quote(value)}" for name, value in (CORS, *security)),
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
        "    # The page of a namespace IRI depends on the Accept header too.",
        '    Header always set Vary "Accept" env=PLANLOD_VARY',
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
