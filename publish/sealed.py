"""The build's own records beside the site (the build state, the validation's record) as plain data on disk.

Stage: shared (below every stage). Imports nothing from the package.
A value is marshalled (plain data only: nothing that runs code when read) and written after a head of its
length (8 bytes) and its CRC-32 (4 bytes), so that a record cut short or with a byte changed is found when it is
read instead of being taken for another record. A record may hold several sealed values one after the other, so
that the largest is never held whole beside the others while it is written.
"""

from __future__ import annotations

import marshal
import zlib
from typing import Any

# The head before each sealed value: its length (8 bytes) and its CRC-32 (4 bytes).
HEAD = 12


class Damaged(ValueError):
    """A sealed value that is cut short, damaged, or not a sealed value at all."""


def seal(value: Any) -> tuple[bytes, bytes]:
    """The value marshalled, as its head and its bytes (to be written one after the other)."""
    blob = marshal.dumps(value)
    return len(blob).to_bytes(8, "big") + zlib.crc32(blob).to_bytes(4, "big"), blob


def sealed(value: Any) -> bytes:
    """The value marshalled behind its head, whole."""
    return b"".join(seal(value))


def unseal(raw: bytes | memoryview, at: int = 0) -> tuple[Any, int]:
    """The value sealed at `at` in `raw`, and where the next one starts; `Damaged` when it cannot be read."""
    view = memoryview(raw)
    head = view[at : at + HEAD]
    size = int.from_bytes(head[:8], "big")
    blob = view[at + HEAD : at + HEAD + size]
    if len(head) != HEAD or len(blob) != size or zlib.crc32(blob) != int.from_bytes(head[8:], "big"):
        raise Damaged("cut short or damaged")
    try:
        return marshal.loads(blob), at + HEAD + size
    except (ValueError, EOFError, TypeError) as exc:  # a checksum that matches bytes marshal did not write
        raise Damaged(str(exc)) from exc
