"""Compressed models: registered Recommenders that keep their weights in compact form.

Each is an ordinary model: ``fit`` trains its base model and compresses it with the ``method``
parameter (a spec of ``engine.compress.spec``), ``engine.compress.compress`` builds one from an
already fitted model (``from_teacher``), and save/load go through safetensors + JSON with every
array checked by ``expect_array``. A freshly compressed model is rebuilt from its own saved state,
so it scores exactly like its loaded copy.

- ``ease_compressed`` / ``itemknn_compressed``: the item–item matrix as int8 (one scale per scored
  item, scored with an exact int8 GEMM), fp16/bf16, top-k rows or magnitude-pruned CSR (values
  float32 or int8), or a truncated SVD (EASE). Still item–item models: contributions, history
  scores and re-scoring read the dequantised weights.
- ``mf_compressed``: the user and item factor tables of bpr / ials / twotower / text as int8
  (one scale per row), fp16/bf16, magnitude-pruned CSR, or the best rank-r factorisation of the
  score matrix. Keeps "embeddings" and "factor_tables" (``user_factors_`` / ``item_factors_``
  dequantised on access).
- ``sasrec_compressed``: SASRec with int8 embedding tables and dynamic int8 linear layers, or
  fp16/bf16 tables, or magnitude-pruned tables and linear layers (optional fine-tune), or a
  low-rank item table. Keeps attention; int8 drops "history_gradients" (int8 layers have no gradient).
"""

from __future__ import annotations

import copy
import json
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
import torch
from torch import nn

from engine.compress.prune import magnitude_prune, make_permanent, prune_weights, topk_rows
from engine.compress.quantize import Int8Linear, TableEmbedding, int8_matmul
from engine.compress.spec import MethodSpec, parse_method
from engine.compress.tables import Table
from engine.errors import EngineError, ModelError
from engine.models.base import Recommender, expect_array, meta_module
from engine.models.capabilities import supports
from engine.models.factorization import FactorScoring
from engine.models.bpr import BPR
from engine.models.ease import EASE
from engine.models.itemknn import ItemKNN
from engine.models.registry import get, register
from engine.models.sasrec import SASRec
from engine.progress import check, emit, scaled
from engine.train.loop import fit_loop, restore_history
from engine.i18n import N_

#: Columns of a dense fp16/bf16 item–item matrix dequantised at a time while scoring.
SCORE_COLUMNS = 1024


def compressed_spec(name: str, method: str, kinds: tuple[str, ...]) -> MethodSpec:
    """The parsed ``method`` of compressed model ``name``; ModelError unless its kind is in ``kinds``."""
    try:
        spec = parse_method(method)
    except EngineError as e:
        raise ModelError(f"model {name}: {e}") from None
    if spec.kind not in kinds:
        raise ModelError(f"model {name}: method {method!r} does not apply; choose one of {', '.join(kinds)}")
    return spec


def _adopt(model: Recommender, teacher: Recommender) -> None:
    """Give ``model`` the id maps and seen-item matrix of ``teacher``."""
    model.user_ids_, model.item_ids_, model.seen_ = teacher.user_ids_, teacher.item_ids_, teacher.seen_


# ---- item–item models ------------------------------------------------------------------------------
class CompressedModel:
    """What ``engine.compress.api`` asks a compressed class: does it apply to a fitted model, its
    default sweep for it, and whether a method spec fits the model."""

    kinds: ClassVar[tuple[str, ...]] = ()
    #: The model class this one is a compressed variant of (it keeps that class's parameters).
    teacher_class: ClassVar[type | None] = None

    @classmethod
    def applies_to(cls, model) -> bool:
        return type(model) is cls.teacher_class

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        raise NotImplementedError

    @classmethod
    def check_spec(cls, model, spec: MethodSpec) -> str | None:
        """Why ``spec`` does not fit ``model`` (None when it does)."""
        return "+int8 applies to item–item models only" if spec.int8 else None


class _ItemItemCompressed(CompressedModel):
    """score(u, ·) = x_u · W with W (n_items, n_items) held in a ``Table`` (row = history item)."""

    @classmethod
    def check_spec(cls, model, spec: MethodSpec) -> str | None:
        return None

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._spec = compressed_spec(self.name, self.params["method"], self.kinds)
        self._table: Table | None = None

    @classmethod
    def from_teacher(cls, teacher, spec: MethodSpec, **_):
        model = cls(**{**teacher.get_params(), "method": str(spec)})
        _adopt(model, teacher)
        model._compress(teacher.sim_ if isinstance(teacher, ItemKNN) else teacher.weights_)
        return model

    def _compress(self, matrix) -> None:
        """Encode ``matrix`` (n, n) (dense array or CSR) by the method, then rebuild from the state."""
        s, sparse = self._spec, sp.issparse(matrix)
        if s.kind == "int8":
            table = Table.encode(matrix, "csr", int8_values=True) if sparse else Table.encode(matrix, "int8", axis=1)
        elif s.kind in ("fp16", "bf16"):
            table = Table.encode(matrix, s.kind)
        elif s.kind == "topk":
            table = Table.encode(topk_rows(matrix, s.amount), "csr", int8_values=s.int8)
        elif s.kind == "prune":
            table = Table.encode(magnitude_prune(matrix, s.amount), "csr", int8_values=s.int8)
        else:
            table = Table.encode(matrix, "lowrank", rank=s.amount)
        self._set_state(table.state("ii"), {"table": table.config()})

    def item_item_product(self, x: sp.csr_matrix) -> np.ndarray:
        t = self._table
        if t.kind == "int8":
            xd = torch.from_numpy(x.toarray()).to(torch.int8)
            return (int8_matmul(xd, torch.from_numpy(t.arrays["q"])) * torch.from_numpy(t.arrays["scale"])).numpy()
        if t.kind == "csr":
            return (x @ t.sparse_float()).toarray()
        if t.kind == "lowrank":
            return np.asarray(x @ t.arrays["a"], dtype=np.float32) @ t.arrays["b"]
        xd = torch.from_numpy(x.toarray())
        out = torch.empty((x.shape[0], self.n_items), dtype=torch.float32)
        for s in range(0, self.n_items, SCORE_COLUMNS):
            out[:, s:s + SCORE_COLUMNS] = xd @ torch.from_numpy(t.columns(s, s + SCORE_COLUMNS))
        return out.numpy()

    def item_item_rows(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), n_items) float32 dequantised rows W[rows]."""
        return self._table.rows(np.asarray(rows, np.int64))

    def parameter_count(self) -> int:
        """Stored weight values (non-zeros for sparse forms, factors for low rank, plus scales)."""
        return self._table.n_values

    def _state(self) -> dict[str, np.ndarray]:
        return self._table.state("ii")

    def _extra_config(self) -> dict:
        return {"table": self._table.config()}

    def _set_state(self, state, extra) -> None:
        self._table = Table.from_state(state, "ii", (self.n_items, self.n_items), extra.get("table"))


@register
class EASECompressed(_ItemItemCompressed, EASE):
    """EASE with its item–item matrix compressed by ``method`` (int8, fp16, bf16, topk:K, prune:P
    with optional +int8, lowrank:R)."""

    name = "ease_compressed"
    title = "EASE, compressed"
    description = N_("EASE with its item-to-item weights stored smaller (quantised, pruned or low rank).")
    teacher_class = EASE
    kinds = ("int8", "fp16", "bf16", "topk", "prune", "lowrank")
    defaults = {**EASE.defaults, "method": "topk:200"}

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        return ["int8", "fp16", "bf16", "topk:100", "topk:200", "topk:400+int8", "prune:0.9", "prune:0.95+int8",
                "lowrank:256", "distill:dim=64"]

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        EASE._fit(self, interactions, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, 0.9), cancel=cancel)
        check(cancel)
        weights = self.weights_
        del self.weights_
        self._compress(weights)
        emit(progress, 1.0, f"compressed ({self._spec})", "fit")


@register
class ItemKNNCompressed(_ItemItemCompressed, ItemKNN):
    """ItemKNN with its similarity matrix compressed by ``method`` (int8 values, topk:K rows,
    prune:P with optional +int8)."""

    name = "itemknn_compressed"
    title = "ItemKNN, compressed"
    description = N_("Item k-NN with its similarities stored smaller (quantised or pruned).")
    teacher_class = ItemKNN
    kinds = ("int8", "topk", "prune")
    defaults = {**ItemKNN.defaults, "method": "int8"}

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        return ["int8", "topk:50", "topk:20", "prune:0.5", "prune:0.5+int8", "distill:dim=64"]

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        ItemKNN._fit(self, interactions, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, 0.9),
                     cancel=cancel)
        check(cancel)
        sim = self.sim_
        del self.sim_
        self._compress(sim)
        emit(progress, 1.0, f"compressed ({self._spec})", "fit")


# ---- factor models ---------------------------------------------------------------------------------
@register
class FactorsCompressed(CompressedModel, FactorScoring):
    """score(u, ·) = p_u · Qᵀ + b for the factor tables P (n_users, f), Q (n_items, f) and item
    bias b (n_items,) of a ``base`` model (bpr, ials, twotower, text), compressed by ``method``:
    int8 (per-row scale), fp16, bf16, prune:P (magnitude, global or per table; CSR) or lowrank:R
    (the best rank-R factorisation of P·Qᵀ, by SVD). ``base_params`` is the base model's parameters
    as JSON; ``fit`` trains the base model with them, then compresses."""

    name = "mf_compressed"
    title = "Factors, compressed"
    description = N_("A factor model's user and item vectors stored smaller (quantised, pruned or low rank).")
    kinds: ClassVar[tuple[str, ...]] = ("int8", "fp16", "bf16", "prune", "lowrank")
    defaults: ClassVar[dict[str, Any]] = {"base": "bpr", "base_params": "{}", "method": "int8"}
    fast_params: ClassVar[dict[str, Any]] = {"base_params": json.dumps(BPR.fast_params)}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        base = get(self.params["base"])
        if "factor_tables" not in base.capabilities:
            raise ModelError(f"model {self.name}: base must be a model with factor tables, "
                             f"{self.params['base']!r} has none")
        try:
            base_params = json.loads(self.params["base_params"])
        except json.JSONDecodeError as e:
            raise ModelError(f"model {self.name}: base_params is not valid JSON ({e})") from None
        if not isinstance(base_params, dict):
            raise ModelError(f"model {self.name}: base_params must be a JSON object")
        self._base_params = base_params
        self._spec = compressed_spec(self.name, self.params["method"], self.kinds)
        self._users: Table | None = None
        self._items: Table | None = None
        self.item_bias_: np.ndarray | None = None

    @classmethod
    def applies_to(cls, model) -> bool:
        """Any model with factor tables (except one already compressed this way)."""
        return supports(model, "factor_tables") and not isinstance(model, FactorsCompressed)

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        f = int(np.shape(model.factor_tables()[1])[1])
        return (["int8", "fp16", "bf16"] + [f"lowrank:{r}" for r in (f // 2, f // 4) if r >= 1]
                + ["prune:0.5", "prune:0.8", f"distill:dim={max(2, f // 4)}"])

    @classmethod
    def check_spec(cls, model, spec: MethodSpec) -> str | None:
        f = int(np.shape(model.factor_tables()[1])[1])
        if spec.kind == "lowrank" and spec.amount >= f:
            return f"the rank must be below the model's {f} factors"
        return super().check_spec(model, spec)

    @classmethod
    def from_teacher(cls, teacher, spec: MethodSpec, **_):
        model = cls(base=teacher.name, base_params=json.dumps(teacher.get_params()), method=str(spec))
        _adopt(model, teacher)
        model._compress(teacher)
        return model

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        teacher = get(self.params["base"])(**self._base_params)
        teacher.fit(interactions, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, 0.95), cancel=cancel)
        check(cancel)
        self._compress(teacher)
        emit(progress, 1.0, f"compressed ({self._spec})", "fit")

    def _compress(self, teacher) -> None:
        s = self._spec
        users, items, bias = teacher.factor_tables()
        if s.kind in ("int8", "fp16", "bf16"):
            tu, ti = Table.encode(users, s.kind), Table.encode(items, s.kind)
        elif s.kind == "prune":
            eu, ei = (nn.Embedding.from_pretrained(torch.from_numpy(a.copy()), freeze=False) for a in (users, items))
            targets = [(eu, "weight"), (ei, "weight")]
            prune_weights(targets, s.amount, s.options.get("scope", "global"))
            make_permanent(targets)
            tu, ti = (Table.encode(sp.csr_matrix(e.weight.detach().numpy()), "csr") for e in (eu, ei))
        else:
            u2, i2 = lowrank_factors(users, items, s.amount)
            tu, ti = Table.encode(u2, "float32"), Table.encode(i2, "float32")
        state = {**tu.state("user"), **ti.state("item"), "item_bias": bias}
        self._set_state(state, {"factors": tu.shape[1], "user_table": tu.config(), "item_table": ti.config()})

    @property
    def user_factors_(self) -> np.ndarray:
        """(n_users, f) float32 user factors, dequantised."""
        return self._users.dense()

    @property
    def item_factors_(self) -> np.ndarray:
        """(n_items, f) float32 item factors, dequantised."""
        return self._items.dense()

    def _score(self, users: np.ndarray) -> np.ndarray:
        return self._users.rows(users) @ self._items.dense().T + self.item_bias_[None, :]

    def parameter_count(self) -> int:
        return self._users.n_values + self._items.n_values + int(self.item_bias_.size)

    def _reorder_users(self, order: np.ndarray, new_ids: np.ndarray) -> None:
        self._users = self._users.take_rows(order)

    def _state(self) -> dict[str, np.ndarray]:
        return {**self._users.state("user"), **self._items.state("item"), "item_bias": self.item_bias_}

    def _extra_config(self) -> dict:
        return {"factors": self._users.shape[1], "user_table": self._users.config(), "item_table": self._items.config()}

    def _set_state(self, state, extra) -> None:
        f = extra.get("factors")
        if not isinstance(f, int) or isinstance(f, bool) or f < 1:
            raise ModelError("saved mf_compressed model has no valid factor count")
        self._users = Table.from_state(state, "user", (self.n_users, f), extra.get("user_table"))
        self._items = Table.from_state(state, "item", (self.n_items, f), extra.get("item_table"))
        self.item_bias_ = expect_array(state, "item_bias", (self.n_items,), np.float32)


def lowrank_factors(users: np.ndarray, items: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Best rank-``rank`` factors of users (n, f) @ items (m, f)ᵀ: -> (n, r), (m, r) float32 whose
    product is the truncated SVD of the score matrix (computed through two QRs, never n x m)."""
    qu, ru = torch.linalg.qr(torch.from_numpy(users).double())
    qi, ri = torch.linalg.qr(torch.from_numpy(items).double())
    p, s, vt = torch.linalg.svd(ru @ ri.T)
    r = max(1, min(int(rank), len(s)))
    root = s[:r].sqrt()
    return (qu @ p[:, :r] * root).float().numpy(), (qi @ vt[:r].T * root).float().numpy()


# ---- SASRec ------------------------------------------------------------------------------------------
@register
class SASRecCompressed(CompressedModel, SASRec):
    """SASRec compressed by ``method``: int8 (item/position tables int8 per row + dynamic int8
    linear layers), fp16 / bf16 (tables), prune:P[,finetune=E][,scope=layer] (magnitude pruning of
    the item table and every linear layer, optional fine-tune epochs, stored sparse), lowrank:R
    (item table as a rank-R product)."""

    name = "sasrec_compressed"
    kinds: ClassVar[tuple[str, ...]] = ("int8", "fp16", "bf16", "prune", "lowrank")
    title = "SASRec, compressed"
    teacher_class = SASRec
    description = N_("SASRec with smaller tables and layers (quantised, pruned or low rank).")
    defaults: ClassVar[dict[str, Any]] = {**SASRec.defaults, "method": "int8"}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._spec = compressed_spec(self.name, self.params["method"], self.kinds)

    @property
    def unavailable(self) -> frozenset[str]:
        """It was not trained with an objective of its own; dynamic int8 linear layers have no gradients."""
        return frozenset({"objective", "history_gradients"} if self._spec.kind == "int8" else {"objective"})

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        h = model.params["hidden"]
        return ["int8", "fp16", "bf16", f"lowrank:{max(1, h // 4)}", "prune:0.5", "prune:0.8,finetune=1",
                f"distill:dim={max(2, h // 4)},layers=1"]

    @classmethod
    def check_spec(cls, model, spec: MethodSpec) -> str | None:
        h = model.params["hidden"]
        if spec.kind == "lowrank" and spec.amount >= h:
            return f"the rank must be below the model's {h} hidden units"
        return super().check_spec(model, spec)

    @classmethod
    def from_teacher(cls, teacher, spec: MethodSpec, *, train=None, progress=None, cancel=None):
        model = cls(**{**teacher.get_params(), "method": str(spec)})
        _adopt(model, teacher)
        model.max_len_, model.seq_indptr_, model.seq_items_ = teacher.max_len_, teacher.seq_indptr_, teacher.seq_items_
        model.history_, model.epochs_run_, model.device_ = teacher.history_, teacher.epochs_run_, "cpu"
        model._compress(copy.deepcopy(teacher.module_).cpu().eval(), train, progress, cancel)
        return model

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        super()._fit(interactions, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, 0.9), cancel=cancel)
        self._compress(self.module_.cpu().eval(), interactions, scaled(progress, 0.9, 1.0), cancel)
        self.device_ = "cpu"

    # ---- compression --------------------------------------------------------------------------
    def _compress(self, module: nn.Module, train, progress, cancel) -> None:
        """Compress the float ``module`` in place by the method, then rebuild from the saved state."""
        s = self._spec
        linears = [name for name, m in module.named_modules() if isinstance(m, nn.Linear)]
        if s.kind == "prune":
            targets = [(module.item, "weight")] + [(module.get_submodule(n), "weight") for n in linears]
            prune_weights(targets, s.amount, s.options.get("scope", "global"))
            epochs = s.options.get("finetune", 0)
            if epochs:
                if train is None:
                    raise ModelError("sasrec_compressed: fine-tuning after pruning needs the training data")
                p = self.params
                batches, n_batches = self.training_batches(train, p["batch_size"], torch.device("cpu"))
                fit_loop(module, batches, self.batch_loss, epochs=epochs, lr=p["lr"], weight_decay=p["weight_decay"],
                         device="cpu", patience=0, progress=progress, cancel=cancel, seed=p["seed"],
                         batches_per_epoch=n_batches)
            make_permanent(targets)
        check(cancel)
        item_kind = {"prune": "csr"}.get(s.kind, s.kind)
        tables = {"item": Table.encode(module.item.weight.detach().numpy(), item_kind, rank=s.amount or 0),
                  "pos": Table.encode(module.pos.weight.detach().numpy(),
                                      s.kind if s.kind in ("int8", "fp16", "bf16") else "float32")}
        for name, table in tables.items():
            setattr(module, name, TableEmbedding(table))
        if s.kind == "int8":
            for name in linears:
                module.set_submodule(name, Int8Linear.from_linear(module.get_submodule(name)))
        module.eval()
        self._set_state(self._pack(module), {**self._extra_config_for(module),
                                             "history": None if self.history_ is None else self.history_.to_dict()})

    def _pack(self, module: nn.Module) -> dict[str, np.ndarray]:
        """Arrays of a compressed module: tables "emb.*", linear weights "lin.*", the rest "net.*"."""
        state = {"seq_indptr": self.seq_indptr_.astype(np.int64), "seq_items": self.seq_items_.astype(np.int32)}
        for name, m in module.named_modules():
            if isinstance(m, TableEmbedding):
                state.update(m.table.state(f"emb.{name}"))
            elif isinstance(m, Int8Linear):
                state[f"lin.{name}.q"] = m.qweight.contiguous().numpy()
                state[f"lin.{name}.scale"] = m.scale.ravel().numpy()
                state[f"net.{name}.bias"] = m.bias.numpy()
            elif isinstance(m, nn.Linear):
                w = m.weight.detach().numpy()
                table = Table.encode(sp.csr_matrix(w), "csr") if self._spec.kind == "prune" else Table.encode(w, "float32")
                state.update(table.state(f"lin.{name}"))
                state[f"net.{name}.bias"] = m.bias.detach().numpy()
            elif isinstance(m, nn.LayerNorm):
                state[f"net.{name}.weight"] = m.weight.detach().numpy()
                state[f"net.{name}.bias"] = m.bias.detach().numpy()
        return state

    def _extra_config_for(self, module: nn.Module) -> dict:
        return {"tables": {n: m.table.config() for n, m in module.named_modules() if isinstance(m, TableEmbedding)}}

    # ---- persistence --------------------------------------------------------------------------
    def parameter_count(self) -> int:
        """Stored weight values: table values / non-zeros / factors, linear weights, biases, norms."""
        return int(sum(v.size for k, v in self._pack(self.module_).items()
                       if not k.startswith("seq_") and not k.endswith((".indptr", ".indices"))))

    def _state(self) -> dict[str, np.ndarray]:
        return self._pack(self.module_)

    def _extra_config(self) -> dict:
        return {**self._extra_config_for(self.module_), **super()._extra_config()}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        self.max_len_ = self.params["max_len"]
        tables = extra.get("tables") or {}
        self._restore(meta_module(self._new_module), state, tables)  # shapes checked before allocating
        module = self._new_module()
        self._restore(module, state, tables)
        indptr = expect_array(state, "seq_indptr", (self.n_users + 1,), np.int64)
        items = expect_array(state, "seq_items", (None,), np.int32)
        lengths = np.diff(indptr)
        if (indptr[0] != 0 or indptr[-1] != len(items) or np.any(lengths < 0) or np.any(lengths > self.max_len_)
                or (len(items) and (items.min() < 0 or items.max() >= self.n_items))):
            raise ModelError("saved sasrec user sequences are inconsistent with the model's users and items")
        module.eval()
        self.seq_indptr_, self.seq_items_, self.module_ = indptr.copy(), items.copy(), module
        restore_history(self, extra)

    def _restore(self, module, state: dict[str, np.ndarray], tables: dict) -> None:
        """Put the stored tables and layers into ``module`` (a ``_new_module()``), checking every
        array against the module's shapes; on a meta-device module this only checks."""
        expected = {"seq_indptr", "seq_items"}
        for name, m in list(module.named_modules()):
            if isinstance(m, nn.Embedding):
                table = Table.from_state(state, f"emb.{name}", tuple(m.weight.shape), tables.get(name))
                expected.update(table.state(f"emb.{name}"))
                module.set_submodule(name, TableEmbedding(table))
            elif isinstance(m, nn.Linear):
                out_f, in_f = m.weight.shape
                bias = torch.from_numpy(expect_array(state, f"net.{name}.bias", (out_f,), np.float32).copy())
                expected.add(f"net.{name}.bias")
                if self._spec.kind == "int8":
                    q = expect_array(state, f"lin.{name}.q", (out_f, in_f), np.int8)
                    scale = expect_array(state, f"lin.{name}.scale", (out_f,), np.float32)
                    expected.update((f"lin.{name}.q", f"lin.{name}.scale"))
                    module.set_submodule(name, Int8Linear(torch.from_numpy(q.copy()), torch.from_numpy(scale.copy()), bias))
                    continue
                config = {"kind": "csr" if self._spec.kind == "prune" else "float32"}
                table = Table.from_state(state, f"lin.{name}", (out_f, in_f), config)
                expected.update(table.state(f"lin.{name}"))
                with torch.no_grad():
                    m.weight.copy_(torch.from_numpy(table.dense()))
                    m.bias.copy_(bias)
            elif isinstance(m, nn.LayerNorm):
                with torch.no_grad():
                    for attr in ("weight", "bias"):
                        key = f"net.{name}.{attr}"
                        getattr(m, attr).copy_(torch.from_numpy(expect_array(state, key, tuple(m.weight.shape), np.float32)))
                        expected.add(key)
        unexpected = sorted(set(state) - expected)
        if unexpected:
            raise ModelError(f"saved {self.name} model has unexpected array(s) {', '.join(unexpected)}")


#: Compressed classes in the order ``engine.compress.api.target_for`` tries them.
COMPRESSED = (EASECompressed, ItemKNNCompressed, SASRecCompressed, FactorsCompressed)
