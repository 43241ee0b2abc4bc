"""The security headers every response of the site carries, from `planlod serve` and from the generated nginx and
Apache rules alike.

Stage: shared by serve and the server rules (build). Imports `config`; nothing else from the package.

- Content-Security-Policy: the pages load scripts, styles, images and fonts from the site itself only; no inline
  script or style (the JSON-LD blocks are `application/ld+json` data, which a browser never runs, and need no
  allowance); the query page may fetch from (and its form submit to) the SPARQL endpoint, which is the site
  itself unless `sparql_endpoint` names another host; no plugins, no `<base>`, and no other site may frame a page
  (`frame-ancestors 'none'`; `X-Frame-Options: DENY` for browsers that predate it).
- X-Content-Type-Options: nosniff: a browser takes each file for what its Content-Type says, never for a script.
- Referrer-Policy: strict-origin-when-cross-origin: other sites see at most the site's origin, never the path or
  a `?query=` of the query page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .config import Config

Headers = tuple[tuple[str, str], ...]

REFERRER_POLICY = "strict-origin-when-cross-origin"


def endpoint_origin(base_iri: str, sparql_endpoint: str) -> str | None:
    """The origin of the SPARQL endpoint (the `sparql_endpoint` setting) when it is on another host than the site
    at `base_iri`, else None."""
    endpoint = sparql_endpoint
    if not endpoint or "://" not in endpoint:
        return None
    parts, site = urlsplit(endpoint), urlsplit(base_iri)
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(base_iri: str, sparql_endpoint: str) -> str:
    """The Content-Security-Policy of every page of the site."""
    other = endpoint_origin(base_iri, sparql_endpoint)
    endpoint = f"'self' {other}" if other else "'self'"
    directives = (
        ("default-src", "'none'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("img-src", "'self' data:"),
        ("font-src", "'self'"),
        ("connect-src", endpoint),
        ("form-action", endpoint),
        ("base-uri", "'none'"),
        ("object-src", "'none'"),
        ("frame-ancestors", "'none'"),
    )
    return "; ".join(f"{name} {value}" for name, value in directives)


def site_security_headers(config: Config) -> Headers:
    """`security_headers` for a configuration."""
    return security_headers(config.base_iri, config.sparql_endpoint)


def security_headers(base_iri: str, sparql_endpoint: str) -> Headers:
    """The headers every response carries (pages, documents, redirects and errors alike), for the site at
    `base_iri` with the `sparql_endpoint` setting."""
    return (
        ("Content-Security-Policy", content_security_policy(base_iri, sparql_endpoint)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", REFERRER_POLICY),
        ("X-Frame-Options", "DENY"),
    )
