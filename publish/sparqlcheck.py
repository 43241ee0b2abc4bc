"""What the SPARQL endpoint refuses before a query reaches the engine, read from the query's text alone.

Stage: sparql (before the engine); used by `sparql` and `serve`. Imports nothing from the package.

- SPARQL Update in any form (the endpoint is read-only): 403;
- `SERVICE` (pyoxigraph would make an outbound HTTP request for it; the server makes none): 400;
- a query longer than `MAX_QUERY_BYTES`: 413;
- brackets (`{`, `(`, `[`) nested deeper than `MAX_NESTING`: 400. The engine parses and evaluates recursively,
  and a few thousand levels overflow its stack and end the process; no real query nests more than a few dozen;
- `ORDER BY` over a cross product (a group whose patterns share no variable, so every row of one meets every
  row of the other): 400. The engine sorts such results in memory, and pyoxigraph's sort aborts the process on
  mixed-type keys ("comparison function does not correctly implement a total order"). Connecting the patterns
  by a variable (or a FILTER or BIND over both) makes the query acceptable.

The reading is lexical and deliberately eager: strings, IRIs and comments are skipped, and anything else counts
as words, so a keyword can never hide from the checks.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

MAX_QUERY_BYTES = 100_000
MAX_NESTING = 64

_TOKEN = re.compile(
    r"""
    (?P<skip>
        '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
      | '(?:[^'\\\n\r]|\\.)*'
      | "(?:[^"\\\n\r]|\\.)*"
      | <[^<>"{}|^`\\\x00-\x20]*>
      | \#[^\n\r]*
      | \\.
    )
    | (?P<word>[?$@]?[\w\-.:%\u00b7\u0300-\u036f\u203f\u2040]+)
    | (?P<punct>[{}()\[\];,.])
    """,
    re.VERBOSE | re.DOTALL,
)

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_OPEN = {"{": "}", "(": ")", "[": "]"}


@dataclass(frozen=True)
class Refusal:
    """Why the endpoint refuses a query: the HTTP status and a message for the client."""

    status: int
    message: str


def tokens(text: str) -> list[str]:
    """The query's words and brackets outside strings, IRIs and comments (IRIs and strings as `<>` and `""`)."""
    found: list[str] = []
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        if word:
            stripped = word.strip(".")
            if stripped:
                found.append(stripped)
            if word.endswith(".") and not stripped.endswith("."):
                found.append(".")
        elif match.group("punct"):
            found.append(match.group("punct"))
        else:
            skipped = match.group("skip")
            if skipped.startswith("<"):
                found.append("<>")
            elif skipped[0] in "'\"":
                found.append('""')
    return found


def query_words(text: str) -> list[str]:
    """The words of a query outside strings, IRIs and comments: keywords, names, variables."""
    return [t for t in tokens(text) if t not in _OPEN and t not in ("}", ")", "]", ";", ",", ".", "<>", '""')]


def uses_service(text: str) -> bool:
    """Whether the query has a SERVICE keyword (federated query), which the endpoint refuses."""
    return any(word.upper() == "SERVICE" for word in query_words(text))


def is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update request (after its BASE and PREFIX declarations)."""
    words = iter(query_words(text))
    for word in words:
        upper = word.upper()
        if upper == "PREFIX":
            next(words, None)
            continue
        if upper == "BASE":
            continue
        return upper in UPDATE_KEYWORDS
    return False


def nesting_depth(items: list[str]) -> int:
    """How deep brackets nest in the tokens."""
    depth = deepest = 0
    for token in items:
        if token in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("}", ")", "]"):
            depth = max(0, depth - 1)
    return deepest


# ---------------------------------------------------------------- cross products


def _is_variable(token: str) -> bool:
    return token.startswith(("?", "$", "_:"))


def _closing(items: list[str], start: int) -> int:
    """The index of the bracket that closes the one at `start` (or the end of the tokens)."""
    depth = 0
    for index in range(start, len(items)):
        token = items[index]
        if token in _OPEN:
            depth += 1
        elif token in ("}", ")", "]"):
            depth -= 1
            if depth == 0:
                return index
    return len(items)


@dataclass
class _Element:
    variables: set[str]
    pattern: bool  # a pattern that yields rows (a triple block, a group, VALUES); False for FILTER and BIND


def _elements(items: list[str]) -> tuple[list[_Element], list[list[str]]]:
    """The elements of one group's tokens (without its braces), and the nested groups to look into."""
    elements: list[_Element] = []
    nested: list[list[str]] = []
    block: set[str] = set()
    block_open = False
    index = 0

    def end_block() -> None:
        nonlocal block, block_open
        if block_open:
            elements.append(_Element(block, True))
        block, block_open = set(), False

    while index < len(items):
        token = items[index]
        upper = token.upper()
        if token == "{":
            end = _closing(items, index)
            inner = items[index + 1 : end]
            nested.append(inner)
            variables = {t for t in inner if _is_variable(t)}
            index = end + 1
            # `{ A } UNION { B }`: alternatives, one element.
            while index < len(items) and items[index].upper() == "UNION" and items[index + 1 : index + 2] == ["{"]:
                end = _closing(items, index + 1)
                inner = items[index + 2 : end]
                nested.append(inner)
                variables |= {t for t in inner if _is_variable(t)}
                index = end + 1
            end_block()
            elements.append(_Element(variables, True))
            continue
        if upper in ("OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"):
            end_block()
            start = index + 1
            while start < len(items) and items[start] not in ("{", "("):
                start += 1
            end = _closing(items, start)
            if upper == "VALUES" and start < len(items) and items[start] == "(":
                end = _closing(items, end + 1)  # VALUES (?a ?b) { ... }
            inner = items[index + 1 : end + 1]
            variables = {t for t in inner if _is_variable(t)}
            if upper in ("OPTIONAL", "MINUS", "GRAPH", "SERVICE"):
                body = items[start + 1 : end]
                nested.append(body)
            if upper != "MINUS":  # MINUS removes rows; it never multiplies them
                elements.append(_Element(variables, upper not in ("FILTER", "BIND")))
            index = end + 1
            continue
        if token == ".":
            end_block()
        elif token in ("(", "["):
            end = _closing(items, index)
            block |= {t for t in items[index : end + 1] if _is_variable(t)}
            block_open = True
            index = end + 1
            continue
        else:
            block_open = True
            if _is_variable(token):
                block.add(token)
        index += 1
    end_block()
    return elements, nested


def _components(elements: list[_Element]) -> int:
    """How many separate groups of row-yielding patterns the elements form, joined by shared variables."""
    parent = list(range(len(elements)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for number, element in enumerate(elements):
        for variable in element.variables:
            if variable in owner:
                parent[find(number)] = find(owner[variable])
            else:
                owner[variable] = number
    roots = {find(n) for n, e in enumerate(elements) if e.pattern and e.variables}
    return len(roots)


def cross_product(items: list[str]) -> bool:
    """Whether some group of the query joins patterns that share no variable (a cross product)."""
    start = next((i for i, t in enumerate(items) if t == "{"), None)
    if start is None:
        return False
    todo = [items[start + 1 : _closing(items, start)]]
    while todo:
        group = todo.pop()
        if group[:1] and group[0].upper() == "SELECT":  # a subquery: look into its own WHERE group
            inner = next((i for i, t in enumerate(group) if t == "{"), None)
            if inner is not None:
                todo.append(group[inner + 1 : _closing(group, inner)])
            continue
        elements, nested = _elements(group)
        if _components(elements) > 1:
            return True
        todo.extend(nested)
    return False


def _orders(items: list[str]) -> bool:
    upper = [t.upper() for t in items]
    return any(a == "ORDER" and b == "BY" for a, b in itertools.pairwise(upper))


def refusal(query: str) -> Refusal | None:
    """Why the endpoint refuses this query before running it, or None."""
    if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_BYTES:
        return Refusal(413, f"The query is longer than {MAX_QUERY_BYTES} bytes.")
    items = tokens(query)
    if is_update(query):
        return Refusal(
            403, "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP...) is not accepted."
        )
    if any(t.upper() == "SERVICE" for t in items):
        return Refusal(
            400, "SERVICE (federated query) is not supported here: this endpoint makes no outbound requests."
        )
    depth = nesting_depth(items)
    if depth > MAX_NESTING:
        return Refusal(400, f"The query nests brackets {depth} deep; this endpoint accepts at most {MAX_NESTING}.")
    if _orders(items) and cross_product(items):
        return Refusal(
            400,
            "ORDER BY over a cross product is refused: a group of the query has patterns that share no variable, "
            "so every row of one would be paired with every row of the other and sorted in memory. Join the "
            "patterns by a shared variable (or a FILTER over both), or leave out ORDER BY.",
        )
    return None
