"""Meaning, not only words: how close a text is to each goal's and target's title, by static word embeddings.

Stage: suggest/semantic. Imports numpy, tokenizers and safetensors; nothing from the rest of planlod.
The embeddings are WordLlama's `l2_supercat_256` (MIT licence, Lee Miller): 256-dimensional vectors for the
32,000 tokens of the Llama 2 tokenizer, trained so that the mean of a text's token vectors places texts of
similar meaning close together. Both files (the tokenizer and the vectors) ship inside the `wordllama` wheel;
they are read from the installed package, never downloaded. A text's vector is the normalised mean of its
token vectors; similarity is the cosine. English is its strongest language; Danish is read less well.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load_file
from tokenizers import Tokenizer

PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
MAX_TOKENS = 512

Matrix = NDArray[np.float32]


class EmbeddingsMissing(RuntimeError):
    """The embedding files are not installed."""


def package_folder() -> Path:
    """The installed `wordllama` package's folder (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsMissing(f"the Python package {PACKAGE!r} is not installed (pip install -e . installs it)")
    return Path(next(iter(spec.submodule_search_locations)))


@dataclass
class Embedder:
    """Embeds texts as normalised mean token vectors."""

    tokenizer: Tokenizer
    vectors: Matrix

    @classmethod
    def load(cls, folder: Path | None = None) -> Embedder:
        """The embedder from the installed package's files."""
        folder = folder or package_folder()
        weights, tokenizer = folder / WEIGHTS, folder / TOKENIZER
        for path in (weights, tokenizer):
            if not path.is_file():
                raise EmbeddingsMissing(f"{path}: missing from the installed {PACKAGE} package")
        table = load_file(str(weights))
        matrix = next(iter(table.values())).astype(np.float32)
        loaded = Tokenizer.from_file(str(tokenizer))
        loaded.no_padding()
        loaded.enable_truncation(MAX_TOKENS)
        return cls(loaded, matrix)

    def embed(self, texts: list[str]) -> Matrix:
        """One normalised row per text (a zero row for a text without tokens)."""
        rows = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        for i, encoding in enumerate(self.tokenizer.encode_batch(texts)):
            ids = [t for t, special in zip(encoding.ids, encoding.special_tokens_mask, strict=True) if not special]
            if ids:
                mean = self.vectors[ids].mean(axis=0)
                norm = float(np.linalg.norm(mean))
                if norm > 0:
                    rows[i] = mean / norm
        return rows


@dataclass
class Descriptions:
    """The embedded titles of goals and targets for one language, and each row's notation."""

    notations: list[str]
    matrix: Matrix

    def similarities(self, vector: Matrix) -> dict[str, float]:
        """Cosine similarity of one embedded text to every described goal or target."""
        values = self.matrix @ vector
        return {n: float(v) for n, v in zip(self.notations, values, strict=True)}


def describe(embedder: Embedder, titles: dict[str, str]) -> Descriptions:
    """Embedded descriptions (notation -> text), in the given order."""
    notations = list(titles)
    return Descriptions(notations, embedder.embed([titles[n] for n in notations]))
