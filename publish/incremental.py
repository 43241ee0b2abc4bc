"""What the last build was made from, kept beside its output, so the next build re-renders only what changed.

Stage: write. Imports `errors` and `query`.
The state lives in the output folder (`.planlod-state`, never served) and is replaced together with the site:
- the key of everything but the data (settings, ontology, shapes, templates, code): another key means a full build;
- the site graph's triples as sorted N-Triples lines: the difference to the new graph is the changed triples;
- for every node, the entities whose documents and pages looked it up (its outgoing triples, "S", its incoming
  ones, "O", only its labels, "L", or whether it has any triples, "E"), recorded while they were rendered: a
  changed triple `s p o` touches the readers of "S s" and "O o", of "L s" when p is a label property and of
  "E s" when s appeared or disappeared;
- per entity the files it wrote, and digests of what its page shows from outside the graph (a plan's coverage).
"""

from __future__ import annotations

import bisect
import hashlib
import marshal
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .query import LABEL_PREDICATES, Read

STATE = ".planlod-state"
# Bumped whenever the layout below changes; a state of another version is ignored (a full build follows).
STATE_VERSION = 1


def read_key(read: Read) -> str:
    """The stored form of a recorded read: "S" or "O", then the node in N-Triples."""
    return read[0] + str(read[1])


def digest(content: bytes) -> str:
    """A short digest of some bytes."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def graph_lines(triples: Iterable[ox.Triple]) -> list[bytes]:
    """The triples as sorted, distinct N-Triples lines."""
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
    assert text is not None
    return sorted(set(text.splitlines()) - {b""})


def has_subject(lines: list[bytes], subject: str) -> bool:
    """Whether sorted N-Triples lines hold a triple about `subject` (in N-Triples form)."""
    prefix = subject.encode("utf-8") + b" "
    at = bisect.bisect_left(lines, prefix)
    return at < len(lines) and lines[at].startswith(prefix)


@dataclass
class BuildState:
    """What one build recorded (see the module's description)."""

    key: str
    fingerprint: str
    lines: list[bytes]
    # Entity IRI → the files it wrote, as (site path, size).
    files: dict[str, list[tuple[str, int]]]
    # The site's own files (dumps, catalogue, site pages, assets), as (site path, size).
    own: list[tuple[str, int]] = field(default_factory=list)
    # Read key ("S<iri>", "O_:b0", …) → IRIs of the entities that read it.
    readers: dict[str, list[str]] = field(default_factory=dict)
    # Entity IRI → digest of what its page shows from outside the graph.
    outside: dict[str, str] = field(default_factory=dict)

    def add_readers(self, readers: Mapping[str, Iterable[str]]) -> None:
        """Merge recorded reads (a superset of the true readers only costs re-rendering)."""
        for key, entities in readers.items():
            known = self.readers.get(key)
            if known is None:
                self.readers[key] = sorted(set(entities))
            else:
                self.readers[key] = sorted(set(known).union(entities))

    def changed_entities(
        self, lines: list[bytes], entities: Iterable[str], outside: Mapping[str, str]
    ) -> tuple[set[str], int]:
        """The entities whose outputs the new graph (its N-Triples lines) may change, and how many triples changed.

        New entities, entities whose outside digest changed and every reader of a changed triple's subject (its
        outgoing triples, or its labels when the triple is one) and object (its incoming ones).
        """
        changed = set(self.lines).symmetric_difference(lines)
        dirty: set[str] = set()
        if changed:
            subjects: set[str] = set()
            for t in ox.parse(b"\n".join(sorted(changed)) + b"\n", format=ox.RdfFormat.N_TRIPLES):
                subject = str(t.subject)
                subjects.add(subject)
                dirty.update(self.readers.get("S" + subject, ()))
                if t.predicate in LABEL_PREDICATES:
                    dirty.update(self.readers.get("L" + subject, ()))
                if not isinstance(t.object, ox.Literal):
                    dirty.update(self.readers.get("O" + str(t.object), ()))
            for subject in subjects:
                if has_subject(self.lines, subject) != has_subject(lines, subject):
                    dirty.update(self.readers.get("E" + subject, ()))
        for entity in entities:
            if entity not in self.files or self.outside.get(entity) != outside.get(entity):
                dirty.add(entity)
        return dirty, len(changed)

    # -- storage -------------------------------------------------------------------------------------------
    def dump(self) -> bytes:
        """The state as bytes (marshal, compressed): plain data only, nothing that runs code when read."""
        payload = (
            STATE_VERSION,
            self.key,
            self.fingerprint,
            self.lines,
            {k: [(p, s) for p, s in v] for k, v in self.files.items()},
            [(p, s) for p, s in self.own],
            self.readers,
            self.outside,
        )
        return zlib.compress(marshal.dumps(payload), 1)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState | None:
        """The state the build in `out_dir` left, or None when there is none or it cannot be used."""
        try:
            payload = marshal.loads(zlib.decompress((out_dir / STATE).read_bytes()))
        except (OSError, ValueError, EOFError, TypeError, zlib.error):
            return None
        if not isinstance(payload, tuple) or len(payload) != 8 or payload[0] != STATE_VERSION:
            return None
        _, key, fingerprint, lines, files, own, readers, outside = payload
        return cls(key, fingerprint, lines, files, own, readers, outside)
