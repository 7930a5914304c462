"""The one model interface every recommender implements, with pickle-free save/load.

A model is fitted on ``Interactions``, scores users against every candidate item and saves as
``config.json`` + ``weights.safetensors`` (+ ``ids.json`` for string ids). Subclasses implement
``_fit``, ``_score``, ``_state`` and ``_set_state``; the base class owns parameters, the id maps,
the seen-item matrix, top-K and persistence. What else a model can do (explanations, compression,
diagnostics) it declares by implementing the protocols of ``engine.models.capabilities``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from safetensors import SafetensorError
from safetensors.numpy import load_file, save_file

from engine.data.interactions import Interactions
from engine.errors import ModelError
from engine.models.capabilities import capabilities_of
from engine.models.ranking import mask_seen, topk
from engine.progress import CancelToken, ProgressCallback
from engine.i18n import N_

FORMAT = "recscope-model"
FORMAT_VERSION = 1
#: Refuse weight files larger than this (bytes) unless the caller raises it.
MAX_WEIGHTS_BYTES = 8 * 1024**3


def coerce_param(name: str, value: Any, default: Any) -> Any:
    """Convert ``value`` (often a CLI string) to the type of ``default``; ModelError if it cannot."""
    if default is None or type(value) is type(default):
        return value
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise ValueError(value)
            return bool(value)
        if isinstance(default, int):
            f = float(value)
            if f != int(f):
                raise ValueError(value)
            return int(f)
        if isinstance(default, float):
            return float(value)
        return type(default)(value)
    except (TypeError, ValueError):
        raise ModelError(f"parameter {name}: {value!r} is not a valid {type(default).__name__}") from None


class _Capabilities:
    """``capabilities``: the capability names (``engine.models.capabilities``) of a model class, or
    of an instance (less what it switched off in ``unavailable``)."""

    def __get__(self, obj, owner) -> frozenset[str]:
        return capabilities_of(owner if obj is None else obj)


class Recommender:
    """Base class. Learned attributes end in ``_`` (scikit-learn convention).

    Class attributes: ``name`` (registry key), ``title`` (display name), ``defaults`` (parameter ->
    default value; the GUI builds its form from it), ``fast_params``, ``personalised`` (False when
    every customer gets the same scores), ``needs_catalog``; ``capabilities`` is derived from the
    protocols the class implements. Instances may switch capabilities off in ``unavailable``.
    """

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: One line a merchandiser reads in the model picker.
    description: ClassVar[str] = ""
    capabilities = _Capabilities()
    defaults: ClassVar[dict[str, Any]] = {}
    #: Parameters for a quick fit (contract test, the app's self-test), e.g. {"epochs": 2}.
    fast_params: ClassVar[dict[str, Any]] = {}
    #: Hyper-parameter search space: name -> ("int"|"float"|"log", low, high) or ("cat", [choices]).
    search_space: ClassVar[dict[str, tuple]] = {}
    #: Allowed values of string parameters, and form ranges (low, high[, "log"]) that differ from
    #: the defaults of ``engine.runs.param_space``.
    param_choices: ClassVar[dict[str, tuple]] = {}
    param_ranges: ClassVar[dict[str, tuple]] = {}
    #: Tooltips of parameters that mean something else for this model than ``param_space.HELP`` says.
    param_help: ClassVar[dict[str, str]] = {}
    #: False when the scores are the same for every customer (nothing to explain by history).
    personalised: ClassVar[bool] = True
    #: True when ``fit`` needs an item catalog (titles or descriptions).
    needs_catalog: ClassVar[bool] = False
    #: How the model learns, in plain words, when it has no training objective to inspect.
    training_note: ClassVar[str] = N_("This model is not trained by gradient descent, so it has no gradients.")
    #: Capabilities this instance does not have although its class implements them.
    unavailable: frozenset[str] = frozenset()
    #: Trains in epochs and chooses their number on validation data (needs params "epochs",
    #: "patience", "seed", "valid_frac", "refit", "validate_every", "valid_users"); see ``fit``.
    early_stopping: ClassVar[bool] = False
    #: How ``fit`` carves its own validation events: "random" share per user or "leave-last".
    validation_split: ClassVar[str] = "random"
    #: Largest value of each size parameter (layers, widths, lengths): a saved model's config is
    #: untrusted, and these values decide how much memory building the model takes.
    limits: ClassVar[dict[str, int]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ModelError(f"model {self.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(sorted(self.defaults)) or 'none'}")
        self.params = {k: coerce_param(k, params.get(k, d), d) for k, d in self.defaults.items()}
        for key, top in self.limits.items():
            if not self.params[key] <= top:
                raise ModelError(f"model {self.name}: {key} must be at most {top:,}, got {self.params[key]}")
        if self.early_stopping:
            if not 0.0 <= self.params["valid_frac"] < 1.0:
                raise ModelError(f"model {self.name}: valid_frac must be in [0, 1), got {self.params['valid_frac']}")
            self.check_ranges(at_least_1=("validate_every",))
            if self.params["valid_users"] < 0:
                raise ModelError(f"model {self.name}: valid_users must be >= 0 (0: all), got {self.params['valid_users']}")
        # None until fit/load; every public method calls ``_check_fitted`` before reading them.
        self.user_ids_: np.ndarray = None  # type: ignore[assignment]
        self.item_ids_: np.ndarray = None  # type: ignore[assignment]
        self.seen_: sp.csr_matrix = None  # type: ignore[assignment]

    # ---- public API -------------------------------------------------------------------------
    def fit(self, interactions: Interactions, *, catalog=None, valid: Interactions | None = None,
            progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> "Recommender":
        """Learn from ``interactions``: everything the user has in training, which the fitted model
        excludes from each user's rankings (``seen_``).

        ``valid``: validation events (external ids), normally a subset of ``interactions``. Models
        that stop early (``early_stopping``) fit on ``interactions`` minus ``valid``'s user–item
        pairs while choosing their epoch count on ``valid``, then (param ``refit``) fit again on all
        of ``interactions`` for the best epoch count; without ``valid`` they carve their own
        validation share (param ``valid_frac``; 0 turns validation off). Other models ignore
        ``valid`` and fit on all of ``interactions``.
        """
        if interactions.n_events == 0:
            raise ModelError(f"model {self.name}: no interactions to learn from")
        self.check_memory(interactions)
        from engine.train.distributed import per_process_batch
        with per_process_batch(self):     # one of N data-parallel workers (torchrun): batch_size / N each
            if self.early_stopping:
                from engine.models.validated import fit_validated
                fit_validated(self, interactions, catalog=catalog, valid=valid, progress=progress, cancel=cancel)
            else:
                self._adopt(interactions)
                self._fit(interactions, catalog=catalog, valid=valid, progress=progress, cancel=cancel)
        return self

    def memory_bytes(self, n_users: int, n_items: int, nnz: int) -> int:
        """Estimated peak bytes a fit on ``n_users`` x ``n_items`` with ``nnz`` user–item pairs holds
        (its formula is in docs/SCALING.md); 0: not estimated."""
        return 0

    def check_memory(self, interactions: Interactions) -> None:
        """Refuse a fit whose ``memory_bytes`` exceed the free memory of its device (before any
        large allocation): ``ModelError`` saying how much it needs and how to shrink it."""
        from engine.machine.memory import require
        need = self.memory_bytes(interactions.n_users, interactions.n_items, interactions.seen.nnz)
        if need:
            device = str(self.params.get("device", "cpu"))
            if device == "auto":
                import torch
                device = "cuda" if torch.cuda.is_available() else "cpu"
            require(f"model {self.name} on {interactions.n_users:,} users x {interactions.n_items:,} items", need,
                    device, "filter rare users and items (--filter min-user=N / min-item=N), use fewer factors, "
                            "or a machine with more memory (docs/SCALING.md)")

    def _adopt(self, interactions: Interactions) -> None:
        """Take the id maps and the seen-item matrix of ``interactions``."""
        self.user_ids_ = interactions.user_ids
        self.item_ids_ = interactions.item_ids
        self.seen_ = interactions.seen

    @property
    def n_users(self) -> int:
        self._check_fitted()
        return len(self.user_ids_)

    @property
    def n_items(self) -> int:
        self._check_fitted()
        return len(self.item_ids_)

    def score(self, user_indices) -> np.ndarray:
        """Scores (n_users_asked, n_items) float32 for internal user indices (n_users_asked,)."""
        self._check_fitted()
        users = np.asarray(user_indices, dtype=np.int64).reshape(-1)
        if users.size and (users.min() < 0 or users.max() >= self.n_users):
            raise ModelError(f"model {self.name}: user index out of range 0..{self.n_users - 1}")
        return np.ascontiguousarray(self._score(users), dtype=np.float32)

    def recommend(self, users, k: int = 10, exclude_seen: bool = True,
                  batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` item indices (n, k) int64 and scores (n, k) float32, best first.

        Ties go to the lower item index; seen items are excluded unless ``exclude_seen`` is False;
        -1 pads rows with fewer than ``k`` candidates.
        """
        users = np.asarray(users, dtype=np.int64).reshape(-1)
        out_i, out_s = [], []
        for start in range(0, len(users), batch_size):
            rows = users[start:start + batch_size]
            s = self.score(rows)
            if exclude_seen:
                mask_seen(s, self.seen_, rows)
            i, v = topk(s, k)
            out_i.append(i)
            out_s.append(v)
        if not out_i:
            return np.empty((0, min(k, self.n_items)), np.int64), np.empty((0, min(k, self.n_items)), np.float32)
        return np.concatenate(out_i), np.concatenate(out_s)

    def history_of(self, user: int) -> np.ndarray:
        """(h,) int64 item indices the model reads for training user index ``user``: the user's
        distinct training items, ascending (sequence models: their last items in time order)."""
        self._check_fitted()
        return np.unique(self.seen_[user].indices).astype(np.int64)

    def learned_arrays(self) -> dict[str, np.ndarray]:
        """The learned arrays ``save`` writes (name -> array), e.g. for size and weight statistics."""
        self._check_fitted()
        return self._state()

    def runtime_bytes(self) -> int:
        """Bytes of weights the model runs with that are kept outside its folder (the shipped
        language model of a text model, …); 0 for a self-contained model."""
        return 0

    def parameter_count(self) -> int:
        """Stored weight values: the floating-point numbers in ``learned_arrays`` (compressed forms
        count their stored values and scales)."""
        return int(sum(v.size for v in self.learned_arrays().values() if np.asarray(v).dtype.kind == "f"))

    def user_index(self, user_id) -> int:
        """Internal index of external ``user_id``; ModelError if the model never saw that user."""
        self._check_fitted()
        from engine.data.interactions import index_of, normalize_ids
        idx = index_of(normalize_ids([user_id]), self.user_ids_)[0]
        if idx < 0:
            raise ModelError(f"user {user_id!r} is not in the training data")
        return int(idx)

    def check_ranges(self, at_least_1=(), non_negative=()) -> None:
        """ModelError unless params in ``at_least_1`` are >= 1 and those in ``non_negative`` are finite >= 0."""
        for key in at_least_1:
            if self.params[key] < 1:
                raise ModelError(f"model {self.name}: {key} must be at least 1, got {self.params[key]}")
        for key in non_negative:
            value = self.params[key]
            if not (value >= 0 and math.isfinite(value)):
                raise ModelError(f"model {self.name}: {key} must be a finite number >= 0, got {value}")

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    def with_users_renamed(self, new_ids) -> "Recommender":
        """A copy whose customers are called ``new_ids`` ((n_users,) str, aligned with
        ``user_ids_``, e.g. pseudonyms): ids back in protocol (sorted) order, the seen-item matrix
        and every per-customer array (``_reorder_users``) moved with them, so each customer keeps
        exactly the same scores and lists. This model is left as it was."""
        self._check_fitted()
        new_ids = np.asarray(list(new_ids), dtype=object)
        if new_ids.shape != (self.n_users,) or len(set(new_ids.tolist())) != self.n_users:
            raise ModelError(f"model {self.name}: renaming needs {self.n_users} distinct new customer ids")
        order = np.array(sorted(range(self.n_users), key=new_ids.__getitem__), dtype=np.int64)
        clone = copy.copy(self)
        clone.params = dict(self.params)
        clone.user_ids_ = new_ids[order]
        clone.seen_ = self.seen_[order]
        clone._reorder_users(order, new_ids)
        return clone

    # ---- persistence ------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike) -> Path:
        """Write config.json, weights.safetensors and ids.json into ``directory`` (created)."""
        self._check_fitted()
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        tensors = {f"model.{k}": np.ascontiguousarray(v) for k, v in self._state().items()}
        tensors["seen.indptr"] = self.seen_.indptr.astype(np.int64)
        tensors["seen.indices"] = self.seen_.indices.astype(np.int32)
        ids: dict[str, list] = {}
        for key, arr in (("user_ids", self.user_ids_), ("item_ids", self.item_ids_)):
            if arr.dtype == object:
                ids[key] = [str(v) for v in arr.tolist()]
            else:
                tensors[key] = arr.astype(np.int64)
        try:
            save_file(tensors, str(d / "weights.safetensors"))
        except SafetensorError as e:  # the disk refused the write (full, read-only)
            raise ModelError(f"{d}: could not write the model weights ({' '.join(str(e).split())})") from None
        config = {"format": FORMAT, "format_version": FORMAT_VERSION, "model": self.name,
                  "params": self.params, "n_users": self.n_users, "n_items": self.n_items,
                  "weights_sha256": _file_sha256(d / "weights.safetensors"), "extra": self._extra_config()}
        (d / "ids.json").write_text(json.dumps(ids))
        (d / "config.json").write_text(json.dumps(config, indent=2))
        return d

    @staticmethod
    def load(directory: str | os.PathLike, max_bytes: int = MAX_WEIGHTS_BYTES) -> "Recommender":
        """Read a model saved by ``save``. Never unpickles; validates shapes against the config."""
        from engine.models import registry
        d = Path(directory)
        try:
            config = json.loads((d / "config.json").read_text())
            ids = json.loads((d / "ids.json").read_text())
        except FileNotFoundError as e:
            raise ModelError(f"{d}: not a saved model ({Path(e.filename).name} missing)") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelError(f"{d}: model config is not valid JSON ({e})") from None
        if not isinstance(config, dict) or config.get("format") != FORMAT:
            raise ModelError(f"{d}: not a RecScope model folder")
        version = config.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ModelError(f"{d}: config.json has no valid format_version")
        if version > FORMAT_VERSION:
            raise ModelError(f"{d}: saved by a newer RecScope (format {config.get('format_version')}); update the app")
        wpath = d / "weights.safetensors"
        if not wpath.exists():
            raise ModelError(f"{d}: weights.safetensors is missing")
        if wpath.stat().st_size > max_bytes:
            raise ModelError(f"{wpath}: {wpath.stat().st_size} bytes exceeds the {max_bytes}-byte limit")
        expected = config.get("weights_sha256")  # absent in models saved before checksums
        if expected is not None and _file_sha256(wpath) != expected:
            raise ModelError(f"{wpath}: the weights are damaged (they do not match the checksum in config.json)")
        try:
            tensors = load_file(str(wpath))
        except Exception as e:  # safetensors raises its own error types for corrupt headers
            raise ModelError(f"{wpath}: corrupt weights file ({e})") from None
        cls = registry.get(str(config.get("model")))
        params = config.get("params") or {}
        if not isinstance(params, dict):
            raise ModelError(f"{d}: params in config.json must be an object")
        model = cls(**params)
        try:
            n_users, n_items = int(config["n_users"]), int(config["n_items"])
            model.user_ids_ = _load_ids(ids, tensors, "user_ids", n_users)
            model.item_ids_ = _load_ids(ids, tensors, "item_ids", n_items)
            indptr, indices = tensors["seen.indptr"], tensors["seen.indices"]
        except (KeyError, TypeError, ValueError) as e:
            raise ModelError(f"{d}: incomplete or inconsistent model files ({e})") from None
        if (indptr.shape != (n_users + 1,) or indptr[0] != 0 or np.any(np.diff(indptr) < 0)
                or indptr[-1] != len(indices) or (len(indices) and (indices.min() < 0 or indices.max() >= n_items))):
            raise ModelError(f"{d}: seen-item matrix does not match {n_users} users x {n_items} items")
        model.seen_ = sp.csr_matrix((np.ones(len(indices), np.float32), indices, indptr),
                                    shape=(n_users, n_items))
        state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
        model._set_state(state, config.get("extra") or {})
        return model

    # ---- subclass hooks ---------------------------------------------------------------------
    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        raise NotImplementedError

    def _score(self, users: np.ndarray) -> np.ndarray:
        """(n,) int64 user indices -> (n, n_items) scores."""
        raise NotImplementedError

    def _state(self) -> dict[str, np.ndarray]:
        """Learned arrays to save (names without the "model." prefix)."""
        raise NotImplementedError

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        """Restore from ``_state()`` output; validate with ``expect_array``."""
        raise NotImplementedError

    def _extra_config(self) -> dict:
        """JSON-able facts besides params that ``_set_state`` needs."""
        return {}

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        """Put every per-customer array of this (shallow) copy in ``order`` (new row j = old row
        ``order[j]``), assigning new arrays (the original model shares the old ones). Models
        without per-customer state keep this no-op."""

    def _check_fitted(self) -> None:
        if self.item_ids_ is None:
            raise ModelError(f"model {self.name} is not fitted yet")


def expect_array(state: dict[str, np.ndarray], key: str, shape: tuple, dtype=None) -> np.ndarray:
    """``state[key]`` checked against ``shape`` (None = any size) and ``dtype``; ModelError otherwise."""
    if key not in state:
        raise ModelError(f"saved model lacks array '{key}'")
    arr = state[key]
    if len(arr.shape) != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
        raise ModelError(f"saved array '{key}' has shape {tuple(arr.shape)}, expected {shape}")
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise ModelError(f"saved array '{key}' has dtype {arr.dtype}, expected {np.dtype(dtype)}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ModelError(f"saved array '{key}' contains NaN or infinite values")
    return arr


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def reorder_rows(indptr: np.ndarray, values: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a ragged (CSR-like) array in ``order``, each row's values kept in their order:
    indptr (n+1,) int64, values (nnz,) -> new indptr, new values."""
    lengths = np.diff(indptr)[order]
    new_indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    take = np.repeat(indptr[:-1][order] - new_indptr[:-1], lengths) + np.arange(new_indptr[-1])
    return new_indptr, values[take]


def meta_module(build):
    """``build()`` (a torch module factory) run on torch's meta device: the module's parameter
    names and shapes without allocating their memory — to check a saved model's parameters against
    its stored arrays before building the real module."""
    import torch
    with torch.device("meta"):
        return build()


def _load_ids(ids: dict, tensors: dict, key: str, n: int) -> np.ndarray:
    if key in ids:
        arr = np.array([str(v) for v in ids[key]], dtype=object)
    else:
        arr = tensors[key].astype(np.int64)
    if arr.shape != (n,):
        raise ModelError(f"{key}: {arr.shape[0]} ids, config says {n}")
    return arr
