"""The language-model item tower: the shipped all-MiniLM-L6-v2, its lower layers frozen and run once
per catalog (outputs cached), its top layers adapted to the client's data with LoRA (``peft``).

- ``load_base(model_dir)``: tokenizer and ``BertModel`` of the bundled package, loaded only after its
  ``model.safetensors`` matched the pinned size and sha256 (``engine.text.encoder.verify_model``);
  offline, no remote code. Cached per folder; callers never modify it (adapted layers are copies).
- ``tokenize(tokenizer, texts, max_tokens)``: ids (n, T) int64 and mask (n, T) bool, T = the longest
  text's token count capped at ``max_tokens``.
- ``frozen_states(bert, ids, mask, n_frozen)``: (n, T, 384) hidden states after the embeddings and
  the first ``n_frozen`` layers (the cache the top layers read).
- ``TextTower``: the top transformer layers (LoRA-adapted by ``adapt``) + mean pooling over the real
  tokens + L2 normalisation -> (B, 384) text vectors, as sentence-transformers pools this model.
"""

from __future__ import annotations

import copy
import os
import threading
from pathlib import Path

import numpy as np
import torch
from torch import nn

from engine.errors import ModelError
from engine.machine.cache import save_array
from engine.progress import check, emit

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

HIDDEN = 384
#: Layers of all-MiniLM-L6-v2.
BASE_LAYERS = 6
#: Linear layers of a BERT layer that LoRA adapts (suffix match: query, key, value and the three "dense").
LORA_TARGETS = ("query", "key", "value", "dense")
#: Items run through the frozen layers per batch.
CACHE_BATCH = 256

_LOCK = threading.Lock()
_BASES: dict[str, tuple] = {}
_STATES: dict[str, torch.Tensor] = {}


def load_base(model_dir: str | os.PathLike | None = None):
    """(tokenizer, BertModel in eval mode, every weight frozen) of the verified bundled encoder."""
    from engine.text.encoder import default_model_dir, verify_model
    d = Path(model_dir) if model_dir is not None else default_model_dir()
    key = str(d.resolve())
    with _LOCK:
        if key in _BASES:
            return _BASES[key]
        verify_model(d)
        try:
            from transformers import AutoTokenizer, BertModel
            from transformers.utils import logging as hf_logging
        except ImportError:
            raise ModelError("the language model needs transformers; install it with: "
                             "pip install transformers==5.23.0") from None
        hf_logging.disable_progress_bar()
        level = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()          # the unused pooler weights are reported otherwise
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(d), local_files_only=True, trust_remote_code=False)
            bert = BertModel.from_pretrained(str(d), local_files_only=True, trust_remote_code=False,
                                             add_pooling_layer=False, attn_implementation="eager")
        except (OSError, ValueError, RuntimeError) as e:
            raise ModelError(f"{d}: cannot load the language model ({' '.join(str(e).split())[:300]})") from None
        finally:
            hf_logging.set_verbosity(level)
        bert.eval()
        for p in bert.parameters():
            p.requires_grad_(False)
        _BASES[key] = (tokenizer, bert)
        return _BASES[key]


def tokenize(tokenizer, texts: list[str], max_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """ids (n, T) int64 and mask (n, T) bool of ``texts``; T = longest (capped at ``max_tokens``)."""
    enc = tokenizer(list(texts), truncation=True, max_length=int(max_tokens), padding="longest",
                    return_attention_mask=True)
    ids = np.asarray(enc["input_ids"], dtype=np.int64).reshape(len(texts), -1)
    mask = np.asarray(enc["attention_mask"], dtype=bool).reshape(len(texts), -1)
    return ids, mask


def additive_mask(mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(B, T) bool real-token mask -> (B, 1, 1, T) additive attention mask (0 or the dtype's minimum)."""
    return (~mask)[:, None, None, :].to(dtype) * torch.finfo(dtype).min


def run_layers(layers, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """hidden (B, T, 384) through BERT ``layers`` with the real-token ``mask`` (B, T) bool."""
    ext = additive_mask(mask, hidden.dtype)
    for layer in layers:
        hidden = layer(hidden, ext)
        if isinstance(hidden, tuple):
            hidden = hidden[0]
    return hidden


def frozen_states(bert, ids: np.ndarray, mask: np.ndarray, n_frozen: int, *, device: torch.device | str = "cpu",
                  progress=None, cancel=None, batch: int = CACHE_BATCH) -> torch.Tensor:
    """(n, T, 384) float32 CPU hidden states of every text after the embeddings and ``n_frozen`` layers."""
    n = len(ids)
    out = torch.zeros((n, ids.shape[1], HIDDEN), dtype=torch.float32)
    bert.to(device)
    layers = bert.encoder.layer[:n_frozen]
    order = np.argsort(mask.sum(1), kind="stable")            # similar lengths together: less padding
    with torch.no_grad():
        for start in range(0, n, batch):
            check(cancel)
            rows = order[start:start + batch]
            width = max(1, int(mask[rows].sum(1).max()))
            t_ids = torch.from_numpy(ids[rows, :width]).to(device)
            t_mask = torch.from_numpy(mask[rows, :width]).to(device)
            h = run_layers(layers, bert.embeddings(input_ids=t_ids), t_mask)
            out[torch.from_numpy(rows), :width] = h.float().cpu()
            done = min(start + batch, n)
            emit(progress, done / n, f"language model: lower layers {done}/{n} texts", "embed")
    return out


def cached_frozen_states(bert, texts: list[str], ids: np.ndarray, mask: np.ndarray, n_frozen: int, *,
                         device: torch.device | str = "cpu", progress=None, cancel=None) -> torch.Tensor:
    """``frozen_states`` as float16 (n, T, 384), computed once per (texts, T, n_frozen) and kept in
    ``cache_dir()/lm`` as ``<key>.npy`` (a damaged or mismatched file is recomputed; a folder that
    cannot be written only costs the recompute next time). Always rounded to float16, so a fit reads
    the same values whether they were cached or not."""
    from engine.text.encoder import MODEL_SHA256, cache_dir, text_hash
    key = text_hash([MODEL_SHA256, str(n_frozen), str(ids.shape[1])] + list(texts))
    shape = (len(texts), ids.shape[1], HIDDEN)
    if key in _STATES:
        emit(progress, 1.0, "language model: lower layers from memory", "embed")
        return _STATES[key]
    folder = cache_dir() / "lm"
    path = folder / f"{key}.npy"
    arr = None
    if path.is_file():
        try:
            arr = np.load(path, allow_pickle=False)
            if arr.shape != shape or arr.dtype != np.float16 or not np.isfinite(arr).all():
                arr = None
        except (OSError, ValueError):
            arr = None
    if arr is None:
        arr = frozen_states(bert, ids, mask, n_frozen, device=device, progress=progress,
                            cancel=cancel).to(torch.float16).numpy()
        save_array(path, arr)
    else:
        emit(progress, 1.0, "language model: lower layers from cache", "embed")
    states = torch.from_numpy(arr)
    _STATES.clear()                         # keep one catalog in memory
    _STATES[key] = states
    return states


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B, T, d) states, (B, T) bool mask -> (B, d) unit-length means over the real tokens."""
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp_min(1.0)
    return nn.functional.normalize(pooled, dim=-1)


class TextTower(nn.Module):
    """The top BERT layers over cached lower-layer states, then mean pooling (unit vectors (B, 384))."""

    def __init__(self, layers):
        super().__init__()
        self.layer = nn.ModuleList(layers)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return mean_pool(run_layers(self.layer, hidden, mask), mask)


def top_tower(bert, n_frozen: int, stop: int | None = None) -> TextTower:
    """A trainable copy of ``bert``'s layers ``n_frozen``..``stop`` - 1 (default: to the last); the cached
    base stays untouched."""
    return TextTower([copy.deepcopy(layer) for layer in bert.encoder.layer[n_frozen:stop]])


def lora_config(rank: int, alpha: float, dropout: float):
    from peft import LoraConfig
    return LoraConfig(r=int(rank), lora_alpha=float(alpha), lora_dropout=float(dropout),
                      target_modules=list(LORA_TARGETS), bias="none")


def adapt(tower: TextTower, rank: int, alpha: float, dropout: float) -> nn.Module:
    """``tower`` with LoRA adapters on every linear layer (peft); only the adapters train."""
    from peft import inject_adapter_in_model
    model = inject_adapter_in_model(lora_config(rank, alpha, dropout), tower)
    for name, p in model.named_parameters():
        p.requires_grad_("lora_" in name)
    return model


#: (module path in a BERT layer, in features, out features) of every linear layer LoRA adapts.
ADAPTED = (("attention.self.query", HIDDEN, HIDDEN), ("attention.self.key", HIDDEN, HIDDEN),
           ("attention.self.value", HIDDEN, HIDDEN), ("attention.output.dense", HIDDEN, HIDDEN),
           ("intermediate.dense", HIDDEN, 4 * HIDDEN), ("output.dense", 4 * HIDDEN, HIDDEN))


def adapter_shapes(layers: int, rank: int) -> dict[str, tuple[int, int]]:
    """Names and shapes of ``adapter_state`` for ``layers`` adapted layers of LoRA rank ``rank``
    (checked on load before any model is built)."""
    out = {}
    for j in range(layers):
        for path, fan_in, fan_out in ADAPTED:
            out[f"layer.{j}.{path}.lora_A.weight"] = (rank, fan_in)
            out[f"layer.{j}.{path}.lora_B.weight"] = (fan_out, rank)
    return out


def adapter_state(tower: nn.Module) -> dict[str, torch.Tensor]:
    """The LoRA weights of an ``adapt``-ed tower (peft's adapter state dict)."""
    from peft import get_peft_model_state_dict
    return get_peft_model_state_dict(tower)


def load_adapter_state(tower: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Put ``adapter_state`` output back; ModelError when a name or shape does not fit."""
    from peft import set_peft_model_state_dict
    expected = adapter_state(tower)
    if set(expected) != set(state):
        missing, extra = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
        raise ModelError(f"saved adapters do not fit the language model (missing {missing[:3]}, unexpected {extra[:3]})")
    for k, v in expected.items():
        if tuple(v.shape) != tuple(state[k].shape):
            raise ModelError(f"saved adapter {k} has shape {tuple(state[k].shape)}, expected {tuple(v.shape)}")
    set_peft_model_state_dict(tower, state)


def merge_adapters(tower: nn.Module) -> TextTower:
    """A plain ``TextTower`` (eval mode) whose linear weights include the LoRA updates W + (alpha / r)·B·A."""
    from peft.tuners.lora import LoraLayer
    merged = copy.deepcopy(tower)
    for name, module in list(merged.named_modules()):
        if isinstance(module, LoraLayer):
            module.merge()
            merged.set_submodule(name, module.get_base_layer())
    return merged.eval()


def module_bytes(module: nn.Module) -> tuple[int, int]:
    """(bytes, weight values) ``module`` runs with: float parameters, and the int8 weights plus their
    scales and zero points (and float biases) of torch.ao-quantised linear and embedding layers."""
    from torch.ao.nn.quantized import Embedding as QEmbedding
    from torch.ao.nn.quantized.dynamic import Linear as QLinear
    total = values = 0
    for m in module.modules():
        if isinstance(m, (QLinear, QEmbedding)):
            q = m.weight()
            total += q.numel() * q.element_size()
            values += q.numel()
            per_channel = q.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric,
                                          torch.per_channel_affine_float_qparams)
            total += 8 * (len(q.q_per_channel_scales()) if per_channel else 1)
            bias = m.bias() if isinstance(m, QLinear) else None
            if bias is not None:
                total += bias.numel() * bias.element_size()
                values += bias.numel()
        elif not type(m).__module__.startswith("torch.ao.nn.quantized"):
            for p in m.parameters(recurse=False):
                total += p.numel() * p.element_size()
                values += p.numel()
    return int(total), int(values)


class PlainLM(nn.Module):
    """A whole text encoder without adapters: embeddings, layers, mean pooling.
    forward(ids (B, T) int64, mask (B, T) bool) -> (B, 384) unit vectors."""

    def __init__(self, embeddings: nn.Module, layers):
        super().__init__()
        self.embeddings = embeddings
        self.layer = nn.ModuleList(layers)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return mean_pool(run_layers(self.layer, self.embeddings(input_ids=ids.contiguous()), mask), mask)
