"""Compression of the language model inside ``lm``: what a smaller MiniLM costs in accuracy.

Every method gives the same recommender with another language model encoding the item texts; the
item vectors are re-encoded by it (so NDCG and cold-start hits move), the user side and the sold
items' id vectors stay. Methods (``engine.compress.spec`` strings):

- ``merge``: the LoRA adapters merged into the adapted layers' weights (W + (alpha / r)·B·A, peft),
  one plain MiniLM without adapter products; the same item vectors up to float rounding.
- ``int8``: the merged model with every linear layer dynamically quantised to int8 (weights per
  output channel) and the token embedding table int8 per row, weight only
  (``torch.ao.quantization.quantize_dynamic``).
- ``layers:N[,epochs=E]`` (``+int8`` to quantise it too): the first N of MiniLM's 6 layers, the top
  ``tune_layers`` of them LoRA-adapted, and a new projection, distilled from the full fine-tuned
  model: trained to reproduce the text part P·t_i of every catalog item's vector (mean squared
  error, Adam, stopping when the error no longer falls), then merged.

Each is rebuilt from the verified base weights + the saved (student) adapters, so a compressed
folder is as small as the original's; ``runtime_bytes()`` is the size of the language model it runs.
"""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import torch
from torch import nn

from engine.compress.models import CompressedModel, compressed_spec
from engine.compress.spec import MethodSpec
from engine.errors import ModelError
from engine.machine.seed import seed_everything
from engine.models.base import expect_array
from engine.models.lm import tower as lm_tower
from engine.models.lm.model import LMRecommender, check_adapters
from engine.models.registry import register
from engine.progress import check, emit, scaled
from engine.train.loop import fit_loop

KINDS = ("merge", "int8", "layers")
#: Distillation of a layer-dropped student: passes over the catalog, items per batch, learning rate.
DISTILL_EPOCHS, DISTILL_BATCH, DISTILL_LR, DISTILL_PATIENCE = 30, 128, 2e-3, 3
#: Attributes a compressed model takes over from its teacher unchanged.
TAKEN = ("texts_", "has_text_", "warm_", "user_vectors_", "item_bias_", "text_weights_", "seq_indptr_", "seq_items_", "history_", "epochs_run_", "device_")


def quantize(module: lm_tower.PlainLM) -> nn.Module:
    """A copy of ``module`` with its linear layers int8 (dynamic: weights int8 per output channel,
    activations quantised at run time) and its token embedding table int8 per row (weight only; the
    small position and token-type tables stay float)."""
    from torch.ao.quantization import float_qparams_weight_only_qconfig, per_channel_dynamic_qconfig, quantize_dynamic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                     # torch.ao's deprecation notices
        return quantize_dynamic(module, {nn.Linear: per_channel_dynamic_qconfig,
                                         "embeddings.word_embeddings": float_qparams_weight_only_qconfig},
                                dtype=torch.qint8)


def _adapted(bert, start: int, stop: int, p: dict, adapters: dict[str, np.ndarray] | None) -> nn.Module:
    """Layers ``start``..``stop`` - 1 of ``bert`` with LoRA (``adapters`` loaded when given)."""
    tower = lm_tower.adapt(lm_tower.top_tower(bert, start, stop), p["lora_rank"], p["lora_alpha"], 0.0)
    if adapters is not None:
        lm_tower.load_adapter_state(tower, {k: torch.from_numpy(v.copy()) for k, v in adapters.items()})
    return tower


def _prefixed(state: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}


def distill_student(teacher: LMRecommender, n_layers: int, epochs: int = DISTILL_EPOCHS, progress=None,
                    cancel=None) -> dict[str, np.ndarray]:
    """Adapters ("adapter.*") and projection ("proj.*") of an ``n_layers``-layer student trained for up
    to ``epochs`` passes to reproduce ``teacher``'s text part P·t_i (n_items, dim) of every item with text."""
    p = teacher.params
    tune = p["tune_layers"]
    module = teacher.language_module()
    tokenizer, bert = lm_tower.load_base()
    seed_everything(p["seed"], torch.device("cpu"))
    with torch.no_grad():
        target = module.proj(module.text)
    items = np.flatnonzero(teacher.has_text_)
    ids, mask = lm_tower.tokenize(tokenizer, teacher.texts_, p["max_tokens"])
    states = lm_tower.cached_frozen_states(bert, teacher.texts_, ids, mask, n_layers - tune,
                                           progress=scaled(progress, 0.0, 0.2), cancel=cancel)
    mask_t = torch.from_numpy(mask)
    student = nn.ModuleDict({"tower": _adapted(bert, n_layers - tune, n_layers, p, None),
                             "proj": copy.deepcopy(module.proj)})
    rows = torch.from_numpy(items)

    def encode(m: nn.ModuleDict, idx: torch.Tensor) -> torch.Tensor:
        width = max(1, int(mask_t[idx].sum(1).max()))
        return m["proj"](m["tower"](states[idx, :width].float(), mask_t[idx, :width]))

    def batches(epoch: int, gen: torch.Generator):
        order = rows[torch.randperm(len(rows), generator=gen)]
        for s in range(0, len(order), DISTILL_BATCH):
            yield (order[s:s + DISTILL_BATCH],)

    def loss_fn(m: nn.ModuleDict, batch) -> torch.Tensor:
        (idx,) = batch
        return nn.functional.mse_loss(encode(m, idx), target[idx])

    def validate() -> dict[str, float]:
        err = sum(float(((encode(student, rows[s:s + 512]) - target[rows[s:s + 512]]) ** 2).sum())
                  for s in range(0, len(rows), 512))
        return {"fit": -err / max(1, target[rows].pow(2).sum().item())}

    fit_loop(student, batches, loss_fn, epochs=epochs, lr=DISTILL_LR, device="cpu", validate=validate,
             patience=DISTILL_PATIENCE, progress=scaled(progress, 0.2, 1.0), cancel=cancel, seed=p["seed"],
             batches_per_epoch=math.ceil(len(rows) / DISTILL_BATCH), monitor="fit")
    out = {f"adapter.{k}": v.detach().float().numpy() for k, v in lm_tower.adapter_state(student["tower"]).items()}
    out.update({f"proj.{k}": v.detach().float().numpy() for k, v in student["proj"].state_dict().items()})
    return out


@register
class LMCompressed(CompressedModel, LMRecommender):
    """``lm`` whose item texts are encoded by a compressed language model (``method``: merge, int8,
    layers:N[+int8]; see the module docstring). ``fit`` trains an ``lm`` with the other parameters,
    then compresses it."""

    name = "lm_compressed"
    teacher_class = LMRecommender
    kinds = KINDS
    defaults = {**LMRecommender.defaults, "method": "int8"}
    #: No word explanations: the language model is merged or int8, without the adapted module.
    text_inputs = text_score_function = None

    @classmethod
    def default_sweep(cls, model) -> list[str]:
        """Merged adapters, int8, half the layers (distilled), and that int8."""
        half = max(model.params["tune_layers"], lm_tower.BASE_LAYERS // 2)
        return ["merge", "int8", f"layers:{half}", f"layers:{half}+int8"]

    @classmethod
    def check_spec(cls, model, spec: MethodSpec) -> str | None:
        try:
            method_spec(str(spec), model.params["tune_layers"])
        except ModelError as e:
            return str(e).removeprefix("model lm_compressed: ")
        return None

    def __init__(self, **params):
        super().__init__(**params)
        self._spec = method_spec(self.params["method"], self.params["tune_layers"])
        self._student: dict[str, np.ndarray] = {}
        self._runtime: nn.Module | None = None

    @property
    def quantized(self) -> bool:
        return self._spec.kind == "int8" or self._spec.int8

    @classmethod
    def from_teacher(cls, teacher: LMRecommender, spec: MethodSpec, *, train=None, progress=None, cancel=None):
        model = cls(**{**teacher.get_params(), "method": str(spec)})
        model.user_ids_, model.item_ids_, model.seen_ = teacher.user_ids_, teacher.item_ids_, teacher.seen_
        model._take(teacher, progress, cancel)
        return model

    def _fit(self, interactions, *, catalog, valid, progress, cancel) -> None:
        teacher = LMRecommender(**{k: v for k, v in self.params.items() if k != "method"})
        teacher.fit(interactions, catalog=catalog, valid=valid, progress=scaled(progress, 0.0, 0.8), cancel=cancel)
        check(cancel)
        self._take(teacher, scaled(progress, 0.8, 1.0), cancel)

    def _take(self, teacher: LMRecommender, progress, cancel) -> None:
        """Copy ``teacher``'s user side and id vectors, build the compressed language model (distilling
        a student for ``layers``) and re-encode every item's text with it."""
        for attr in TAKEN:
            setattr(self, attr, getattr(teacher, attr))
        self._saved = teacher._state()
        self._encoder = copy.deepcopy(teacher._user_encoder()).cpu()
        epochs = int(self._spec.options.get("epochs", DISTILL_EPOCHS))
        self._student = (distill_student(teacher, self._spec.amount, epochs, scaled(progress, 0.0, 0.8), cancel)
                         if self._spec.kind == "layers" else {})
        self._runtime = None
        self.item_vectors_, self.text_vectors_ = self._item_vectors(scaled(progress, 0.8, 1.0), cancel)
        self._item_table = None
        self._user_states = None
        emit(progress, 1.0, f"compressed ({self._spec})", "compress")

    # ---- the compressed language model --------------------------------------------------------
    def runtime_lm(self) -> nn.Module:
        """The compressed language model: (ids (B, T), mask (B, T)) -> (B, 384) unit text vectors."""
        if self._runtime is None:
            p = self.params
            _, bert = lm_tower.load_base()
            n = self._spec.amount if self._spec.kind == "layers" else lm_tower.BASE_LAYERS
            adapters = _prefixed(self._student if self._student else self._saved, "adapter.")
            top = lm_tower.merge_adapters(_adapted(bert, n - p["tune_layers"], n, p, adapters))
            lm = lm_tower.PlainLM(copy.deepcopy(bert.embeddings),
                                  [copy.deepcopy(layer) for layer in bert.encoder.layer[:n - p["tune_layers"]]]
                                  + list(top.layer)).eval()
            self._runtime = quantize(lm) if self.quantized else lm
        return self._runtime

    def encode_texts(self, texts: list[str], progress=None, cancel=None, batch: int = 256) -> torch.Tensor:
        """(n, 384) text vectors of ``texts`` by the compressed language model."""
        tokenizer, _ = lm_tower.load_base()
        ids, mask = lm_tower.tokenize(tokenizer, texts, self.params["max_tokens"])
        lm = self.runtime_lm()
        out = torch.zeros((len(texts), lm_tower.HIDDEN))
        order = np.argsort(mask.sum(1), kind="stable")
        with torch.no_grad():
            for start in range(0, len(texts), batch):
                check(cancel)
                rows = order[start:start + batch]
                width = max(1, int(mask[rows].sum(1).max()))
                out[torch.from_numpy(rows)] = lm(torch.from_numpy(ids[rows, :width]),
                                                 torch.from_numpy(mask[rows, :width])).float()
                emit(progress, min(start + batch, len(texts)) / len(texts), "encoding item texts", "compress")
        return out

    def _item_vectors(self, progress=None, cancel=None) -> tuple[np.ndarray, np.ndarray]:
        """Item vectors (n_items, dim) float32 (projected compressed-model text vectors + the teacher's id
        vectors) and the compressed model's text vectors (n_items, 384) (zero rows without text)."""
        source = self._student if self._student else self._saved
        d = self.params["dim"]
        proj = nn.Linear(lm_tower.HIDDEN, d)
        proj.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in _prefixed(source, "proj.").items()})
        text = self.encode_texts(self.texts_, progress, cancel)
        text = text * torch.from_numpy(self.has_text_).unsqueeze(-1).float()
        with torch.no_grad():
            v = proj(text) * torch.from_numpy(self.has_text_).unsqueeze(-1).float()
        if "ids.weight" in self._saved:
            v = v + torch.from_numpy(self._saved["ids.weight"]) * torch.from_numpy(self.warm_).unsqueeze(-1).float()
        return v.float().numpy().copy(), text.float().numpy().copy()

    def runtime_bytes(self) -> int:
        """Bytes of the language model this recommender runs to encode item texts."""
        return lm_tower.module_bytes(self.runtime_lm())[0]

    def parameter_count(self) -> int:
        """Weight values of the compressed language model plus the recommender's own arrays."""
        return lm_tower.module_bytes(self.runtime_lm())[1] + self._own_values()

    def language_module(self, progress=None, cancel=None):
        raise ModelError(f"model lm_compressed ({self._spec}) has no trainable language model; "
                         "explain the original lm model's words")

    # ---- persistence --------------------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        state = {k: v for k, v in self._saved.items() if k.startswith(("adapter.", "proj.", "ids.", "user."))}
        state.update(item_vectors=self.item_vectors_, user_vectors=self.user_vectors_, item_bias=self.item_bias_,
                     text_vectors=self.text_vectors_, text_weights=self.text_weights_,
                     has_text=self.has_text_.astype(np.uint8),
                     warm=self.warm_.astype(np.uint8), seq_indptr=self.seq_indptr_.astype(np.int64),
                     seq_items=self.seq_items_.astype(np.int32))
        state.update({f"student.{k}": v for k, v in self._student.items()})
        return state

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        student = _prefixed(state, "student.")
        own = {k: v for k, v in state.items() if not k.startswith("student.")}
        super()._set_state(own, extra)
        self._saved = {k: v for k, v in own.items() if k.startswith(("adapter.", "proj.", "ids.", "user."))}
        if self._spec.kind == "layers":
            expect_array(student, "proj.weight", (self.params["dim"], lm_tower.HIDDEN), np.float32)
            expect_array(student, "proj.bias", (self.params["dim"],), np.float32)
            check_adapters(student, "adapter.", self.params["tune_layers"], self.params["lora_rank"])
        elif student:
            raise ModelError(f"saved lm_compressed ({self._spec}) has unexpected student arrays")
        self._student = student
        self._runtime = None


def method_spec(method: str, tune_layers: int) -> MethodSpec:
    """The parsed ``method`` of ``lm_compressed``; ModelError naming the valid forms."""
    spec = compressed_spec("lm_compressed", method, KINDS)
    if spec.kind == "layers" and not tune_layers <= spec.amount < lm_tower.BASE_LAYERS:
        raise ModelError(f"model lm_compressed: layers:N keeps N in {tune_layers}..{lm_tower.BASE_LAYERS - 1} "
                         f"layers (at least the {tune_layers} adapted one(s)), got {spec.amount}")
    return spec
