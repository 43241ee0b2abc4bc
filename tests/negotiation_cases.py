"""One table of content-negotiation cases at an entity IRI: (Accept header, representation chosen). The same
table runs against the generated rules' model (`serverconf.negotiate`), the Apache rules (tests/test_serverconf.py),
a real nginx with the generated rules (tests/test_nginx.py) and `planlod serve` (tests/test_serve.py).

Representations: an RDF document ('ttl', 'jsonld', 'nt'), the page ('html'), or 406 Not Acceptable ('none').
"""

from __future__ import annotations

COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
    "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)

NEGOTIATION_CASES = [
    (None, "html"),
    ("", "html"),
    ("text/html", "html"),
    ("*/*", "html"),
    ("text/*", "html"),
    (FIREFOX, "html"),
    (CHROME, "html"),
    ("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", "html"),
    ("text/turtle", "ttl"),
    ("application/x-turtle", "ttl"),
    ("Text/Turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("text/plain+ntriples", "nt"),
    (COMUNICA, "jsonld"),
    ("application/ld+json, text/turtle", "jsonld"),
    ("text/turtle, application/ld+json", "ttl"),
    ("text/turtle;q=0.5, application/n-triples", "nt"),
    ("text/turtle;q=0.5, text/html;q=0.9", "html"),
    ("text/html;q=0.5, text/turtle", "ttl"),
    ("text/turtle ; q=1.0, text/html;q=0.999", "ttl"),
    ("text/turtle;q=.8, text/html;q=.7", "ttl"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', "jsonld"),
    ("application/ld+json;profile=x;q=0.9, text/turtle;q=0.8", "jsonld"),
    ("*/*, text/turtle", "ttl"),  # a named type beats a wildcard at the same q
    ("*/*;q=0.9, text/turtle;q=0.8", "html"),
    ("text/turtle;q=0, */*", "html"),
    ("text/turtle;q=0.05", "ttl"),
    ("text/turtle;q=0", "none"),
    ("text/turtle; q=0", "none"),
    ("text/turtle ; q=0.5, text/html", "html"),
    ("text/html;q=0, */*;q=0", "none"),
    # A client that refuses the page, or ranks it below a wildcard, gets an RDF format, never HTML.
    ("text/html;q=0, */*", "ttl"),
    ("text/html;q=0,*/*", "ttl"),
    ("TEXT/HTML; q=0.0, */*", "ttl"),
    ("text/html;q=0.3, */*;q=0.8", "ttl"),
    ("text/html;q=0, text/*", "ttl"),
    ("application/xhtml+xml;q=0, text/html;q=0, */*", "ttl"),
    ("text/html;q=0.9, */*;q=0.3", "html"),
    ("text/html;q=0, application/ld+json;q=0.5, */*;q=0.1", "jsonld"),
    ("text/html;q=0, text/turtle", "ttl"),
    ("text/html;q=0", "none"),
    # Wildcards: each chooses the first representation it covers in the server's order.
    ("application/*", "jsonld"),
    ("application/*, text/html;q=0.5", "jsonld"),
    ("text/*;q=0.5, application/*", "jsonld"),
    ("image/png", "none"),
    ("application/rdf+xml", "none"),
    ("application/json", "none"),
    ("image/*", "none"),
    ("text/turtlex", "none"),
    ("xtext/turtle", "none"),
]

# Where each representation redirects, relative to the entity's path.
TARGETS = {"ttl": ".ttl", "jsonld": ".jsonld", "nt": ".nt", "html": "/"}
