"""Language-model recommender: the shipped MiniLM fine-tuned on the client's purchases with LoRA.

Item side: each item's text ("title. category. description") runs through all-MiniLM-L6-v2 — the
lower ``6 - tune_layers`` layers frozen and run once per catalog (``tower.frozen_states``, kept in
memory as float16), the top ``tune_layers`` layers adapted with LoRA (``peft``) — mean-pooled to a
unit text vector t_i (384). The item vector is v_i = P·t_i + e_i (``dim``): a learned projection of
the text plus, for items sold in the training data, a learned id vector e_i (zero for never-sold
items, which are ranked by their text alone). While training, each step drops the id vectors of a
random ``id_dropout`` share of the items (DropoutNet, Volkovs et al. 2017), so the text part alone
must already rank well, as it must for a new product.

User side (``user``): "attention" reads the customer's last ``max_len`` items' vectors in time
order through SASRec's causal self-attention blocks (``blocks``, ``heads``; positions learned) and
takes the last position's state; "mean" takes a linear map of the mean of those vectors. With
``user_vectors`` a learned vector per training customer is added (as SVD++ adds one to the pooled
history): h_u = encoder(history) + w_u. Score(u, i) = h_u · v_i + a_i·(p_u · t_i) + b_i: p_u is the
unit mean of the text vectors of the customer's history (their text match, as the frozen text model
scores it but with the fine-tuned vectors), a_i one weight for sold and one for never-sold items, b_i
an offset of never-sold items. Training learns b_i as the offset of items scored without an id
vector; with a validation split the three numbers are then calibrated on it (``_calibrate``), each
validation purchase scored as it is and as if its item had never sold (like the hybrid's gate).

Training (``engine.train.loop.fit_loop``): next-item prediction at every position of each user's
time-ordered windows (as SASRec), softmax cross-entropy over all items when there are at most
``negatives`` of them, else sampled softmax over the batch's items plus ``negatives`` uniformly drawn
items; items never sold in the training data are left out of the softmax (as negatives only, they
would teach the model to bury new products); early stopping on validation NDCG@10 when ``valid`` is given. Two phases: (1) up to
``epochs`` epochs train the projection, id vectors and user side over the base model's text vectors
(cheap steps, learning rate ``lr``); (2) ``tune_epochs`` more epochs at ``tune_lr`` also train the
LoRA adapters: each step re-encodes
``tower_items`` of its target items with gradient, the other items' text vectors are recomputed (no
gradient) once per epoch. When phase 2 does not raise validation NDCG@10, phase 1's weights are kept.

Validation: ``fit(valid=...)`` events (normally part of the training data, as ``Split.valid``) are
held out of training, choose the epoch count and calibrate the text weights; the model is not
refitted on them afterwards (the calibration needs them unseen).

Saved: LoRA adapters, projection, id vectors, user encoder, the final item vectors (scoring needs
no language model) and the item texts; the base weights are not saved but verified by their
pinned sha256 whenever the language model is loaded (explanations, compression).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn

from engine.data.interactions import Interactions
from engine.data.splits import without
from engine.errors import ModelError
from engine.models.base import Recommender, expect_array, meta_module
from engine.models.features import item_texts
from engine.models.lm import tower as lm_tower
from engine.models.registry import register
from engine.models.sasrec import CausalEncoder, keep_last, padded_tokens, training_windows, user_sequences
from engine.progress import check, scaled
from engine.machine.device import resolve_device
from engine.train.loop import EpochRecord, History, finish_fit, fit_loop, make_validator, restore_history
from engine.machine.seed import seed_everything
from engine.i18n import N_

USERS = ("attention", "mean")
#: Validation pairs and sold-item negatives per pair used to calibrate the text weights.
CALIBRATION_PAIRS, CALIBRATION_NEGATIVES = 20000, 200
#: Users scored per forward pass; items encoded per batch when refreshing text vectors.
SCORE_BATCH, ENCODE_BATCH = 256, 256
ENCODER = "all-MiniLM-L6-v2"


class MeanEncoder(nn.Module):
    """User state = a linear map of the running mean of the history vectors (B, L, d) -> (B, L, d)."""

    def __init__(self, dim: int):
        super().__init__()
        self.lin = nn.Linear(dim, dim)
        nn.init.eye_(self.lin.weight)
        nn.init.zeros_(self.lin.bias)

    def encode_embeddings(self, emb: torch.Tensor, real: torch.Tensor):
        r = real.unsqueeze(-1).to(emb.dtype)
        mean = (emb * r).cumsum(1) / r.cumsum(1).clamp_min(1.0)
        return self.lin(mean) * r, []


class LMModule(nn.Module):
    """Adapted text tower, projection (384 -> dim), id vectors (n_items, dim), user encoder, user vectors
    (n_users, dim).

    Buffers (not saved, rebuilt from the texts): ``states`` (n_items, T, 384) float16 frozen-layer
    outputs, ``mask`` (n_items, T) bool, ``text`` (n_items, 384) current text vectors, ``has_text`` and
    ``warm`` (n_items,) bool (an item has text / was sold in the training data).
    """

    def __init__(self, tower: nn.Module, n_users: int, n_items: int, dim: int, user: str, max_len: int,
                 blocks: int, heads: int, dropout: float, id_embeddings: bool, user_vectors: bool):
        super().__init__()
        self.tower = tower
        self.proj = nn.Linear(lm_tower.HIDDEN, dim)
        self.ids = nn.Embedding(n_items, dim) if id_embeddings else None
        if self.ids is not None:
            nn.init.zeros_(self.ids.weight)
        #: score offset of an item scored without its id vector (never sold, or dropped in training)
        self.cold = nn.Parameter(torch.zeros(())) if id_embeddings else None
        self.user = (CausalEncoder(max_len, dim, blocks, heads, dropout) if user == "attention"
                     else MeanEncoder(dim))
        self.users = nn.Embedding(n_users, dim) if user_vectors else None
        if self.users is not None:
            nn.init.zeros_(self.users.weight)
        for name in ("states", "mask", "text", "has_text", "warm"):
            self.register_buffer(name, None, persistent=False)

    def encode_text(self, items: torch.Tensor) -> torch.Tensor:
        """(G,) item indices -> (G, 384) text vectors through the adapted top layers (with gradient)."""
        width = max(1, int(self.mask[items].sum(1).max()))
        return self.tower(self.states[items, :width].float(), self.mask[items, :width])

    def refresh_text(self, batch: int = ENCODE_BATCH) -> None:
        """Recompute every item's text vector (eval mode, no gradient; the mode is restored)."""
        was = self.training
        self.eval()
        n = len(self.states)
        text = torch.empty((n, lm_tower.HIDDEN), dtype=torch.float32, device=self.states.device)
        order = torch.argsort(self.mask.sum(1).cpu(), stable=True).to(self.states.device)
        with torch.no_grad():
            for start in range(0, n, batch):
                rows = order[start:start + batch]
                text[rows] = self.encode_text(rows).float()
        self.text = text
        self.train(was)

    def item_vectors(self, items: torch.Tensor, text: torch.Tensor, keep_id: torch.Tensor | None = None):
        """(C,) items with their text vectors (C, 384) -> (C, dim); id vectors where ``keep_id`` (C,) bool
        (default: the warm items)."""
        v = self.proj(text) * self.has_text[items].unsqueeze(-1).to(text.dtype)
        if self.ids is not None:
            keep = self.warm[items] if keep_id is None else keep_id
            v = v + self.ids(items) * keep.unsqueeze(-1).to(v.dtype)
        return v

    def all_item_vectors(self) -> torch.Tensor:
        """(n_items, dim) scoring vectors from the current text vectors."""
        return self.item_vectors(torch.arange(len(self.text), device=self.text.device), self.text)


def pair_dots(rows: np.ndarray, table: np.ndarray, idx: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """(P, K) float32: rows[p] · table[idx[p, k]] for rows (P, d), table (n, d), idx (P, K), in chunks of
    pairs (never a (P, K, d) array)."""
    out = np.empty(idx.shape, dtype=np.float32)
    for s in range(0, len(idx), chunk):
        out[s:s + chunk] = np.einsum("pd,pkd->pk", rows[s:s + chunk], table[idx[s:s + chunk]])
    return out


def check_adapters(state: dict[str, np.ndarray], prefix: str, layers: int, rank: int) -> None:
    """ModelError unless ``state`` holds exactly the LoRA arrays of ``layers`` adapted layers of rank
    ``rank`` under ``prefix`` (finite float32, right shapes)."""
    shapes = lm_tower.adapter_shapes(layers, rank)
    found = {k[len(prefix):] for k in state if k.startswith(prefix)}
    if found != set(shapes):
        raise ModelError(f"saved lm model's adapters do not match {layers} adapted layer(s): missing "
                         f"{sorted(set(shapes) - found)[:2]}, unexpected {sorted(found - set(shapes))[:2]}")
    for name, shape in shapes.items():
        expect_array(state, prefix + name, shape, np.float32)


def join_histories(first: History, second: History) -> History:
    """One learning curve of two ``fit_loop`` runs on the same module (the second's epochs renumbered
    after the first's); best epoch = the second's when it was validated."""
    shift = len(first.records)
    records = first.records + [EpochRecord(r.epoch + shift, r.loss, r.metrics, r.seconds) for r in second.records]
    best = first.best_epoch if second.best_epoch is None else second.best_epoch + shift
    return History(records, best, second.stopped, second.device, second.monitor)


@register
class LMRecommender(Recommender):
    """Fine-tuned language-model recommender (see the module docstring). Needs ``fit(catalog=...)``.

    After fit: ``item_vectors_`` (n_items, dim) float32, ``user_vectors_`` (n_users, dim) (zeros without
    ``user_vectors``), ``item_bias_`` (n_items,) (the cold offset on never-sold items, else 0), ``has_text_`` / ``warm_`` (n_items,) bool,
    ``texts_`` (n_items,) item texts, ``seq_indptr_`` / ``seq_items_`` (each user's last ``max_len``
    items, as SASRec), ``history_``, ``epochs_run_``, ``device_``.
    """

    name = "lm"
    title = "Language model (fine-tuned)"
    description = N_("Reads product texts; adapted to this shop's purchases. Ranks new products too and "
                     "shows the words that matched")
    param_choices: ClassVar[dict[str, tuple]] = {"user": USERS}
    param_help: ClassVar[dict[str, str]] = {
        "tune_layers": N_("Top layers of the language model adapted to this shop (the lower ones stay as shipped "
                          "and are computed once)."),
        "lora_rank": N_("Size of the small trainable add-on (LoRA) in each adapted layer: larger learns more, "
                        "needs more data."),
        "lora_alpha": N_("How strongly the add-on (LoRA) changes the language model."),
        "lora_dropout": N_("Share of the add-on's inputs dropped while training (regularisation)."),
        "max_tokens": N_("Word pieces of each product text the language model reads (longer texts are cut)."),
        "dim": N_("Length of the product and customer vectors the model compares."),
        "user": N_("How a customer's purchases become one vector: attention (recent and related purchases weigh "
                   "more) or their mean."),
        "id_embeddings": N_("Also learn a vector per product from its sales, beside its text (sold products only)."),
        "id_dropout": N_("Share of training steps a product's learned vector is hidden, so its text keeps "
                         "counting."),
        "user_vectors": N_("Also learn a vector per customer from their purchases."),
        "new_weight": N_("How much ranking never-sold products matters against sold ones (-1: their share of "
                         "the catalog)."),
        "tower_items": N_("Products per step whose text passes through the adapted layers (the others reuse "
                          "their last vectors)."),
        "tune_epochs": N_("Passes that adapt the language model's layers after the rest has trained."),
        "tune_lr": N_("Learning rate while adapting the language model's layers (small: keep what it knows)."),
    }
    needs_catalog: ClassVar[bool] = True
    defaults: ClassVar[dict[str, Any]] = {
        "tune_layers": 1, "lora_rank": 8, "lora_alpha": 16.0, "lora_dropout": 0.0, "max_tokens": 32,
        "dim": 64, "user": "mean", "blocks": 1, "heads": 1, "max_len": 50, "dropout": 0.2,
        "id_embeddings": True, "id_dropout": 0.5, "user_vectors": True, "new_weight": -1.0, "negatives": 4096, "tower_items": 16,
        "epochs": 30, "tune_epochs": 2, "lr": 3e-3, "tune_lr": 5e-4, "weight_decay": 0.0, "batch_size": 32, "patience": 3,
        "device": "auto", "seed": 0,
    }
    limits: ClassVar[dict[str, int]] = {"dim": 4096, "max_len": 4096, "blocks": 64, "heads": 64, "lora_rank": 1024,
                                        "max_tokens": 512, "tower_items": 65536}
    fast_params: ClassVar[dict[str, Any]] = {"epochs": 1, "tune_epochs": 1, "dim": 16, "max_len": 20, "max_tokens": 16,
                                             "tower_items": 16, "negatives": 256}
    search_space: ClassVar[dict[str, tuple]] = {
        "dim": ("cat", [32, 64, 128]), "id_dropout": ("float", 0.0, 0.8), "lr": ("log", 3e-4, 5e-3),
        "tune_layers": ("int", 1, 2), "dropout": ("float", 0.0, 0.5),
    }

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        p = self.params
        self.check_ranges(("lora_rank", "max_tokens", "dim", "blocks", "heads", "max_len", "negatives",
                           "tower_items", "epochs", "batch_size"), ("weight_decay", "lora_alpha", "tune_epochs", "tune_lr"))
        if not 1 <= p["tune_layers"] <= lm_tower.BASE_LAYERS:
            raise ModelError(f"model lm: tune_layers must be in 1..{lm_tower.BASE_LAYERS}, got {p['tune_layers']}")
        if p["user"] not in USERS:
            raise ModelError(f"model lm: user must be one of {', '.join(USERS)}, got {p['user']!r}")
        if p["dim"] % p["heads"]:
            raise ModelError(f"model lm: dim ({p['dim']}) must be a multiple of heads ({p['heads']})")
        if not (p["new_weight"] == -1 or 0.0 <= p["new_weight"] < 1.0):
            raise ModelError(f"model lm: new_weight must be in [0, 1) or -1, got {p['new_weight']}")
        for key in ("dropout", "id_dropout", "lora_dropout"):
            if not 0.0 <= p[key] < 1.0:
                raise ModelError(f"model lm: {key} must be in [0, 1), got {p[key]}")
        self.item_vectors_: np.ndarray | None = None
        self.user_vectors_: np.ndarray | None = None
        self.item_bias_: np.ndarray | None = None
        self.text_vectors_: np.ndarray | None = None
        self.text_weights_: np.ndarray | None = None
        self.has_text_: np.ndarray | None = None
        self.warm_: np.ndarray | None = None
        self.texts_: list[str] | None = None
        self.seq_indptr_: np.ndarray | None = None
        self.seq_items_: np.ndarray | None = None
        self.history_: History | None = None
        self.epochs_run_ = 0
        self.device_: str | None = None
        self._module: LMModule | None = None
        self._encoder: nn.Module | None = None
        self._saved: dict[str, np.ndarray] = {}
        self._user_states: np.ndarray | None = None
        self._item_table: np.ndarray | None = None

    # ---- the language model -------------------------------------------------------------------
    @property
    def n_frozen(self) -> int:
        return lm_tower.BASE_LAYERS - self.params["tune_layers"]

    def _build_module(self, device, progress=None, cancel=None) -> LMModule:
        """The module with the (verified) base model's layers and this model's texts cached on ``device``."""
        p = self.params
        tokenizer, bert = lm_tower.load_base()
        ids, mask = lm_tower.tokenize(tokenizer, self.texts_, p["max_tokens"])
        states = lm_tower.cached_frozen_states(bert, self.texts_, ids, mask, self.n_frozen, device=device,
                                               progress=progress, cancel=cancel)
        tower = lm_tower.adapt(lm_tower.top_tower(bert, self.n_frozen), p["lora_rank"], p["lora_alpha"],
                               p["lora_dropout"])
        module = LMModule(tower, self.n_users, self.n_items, p["dim"], p["user"], p["max_len"], p["blocks"],
                          p["heads"], p["dropout"], p["id_embeddings"], p["user_vectors"]).to(device)
        module.states = states.to(device)
        module.mask = torch.from_numpy(mask).to(device)
        module.has_text = torch.from_numpy(self.has_text_).to(device)
        module.warm = torch.from_numpy(self.warm_).to(device)
        return module

    def language_module(self, progress=None, cancel=None) -> LMModule:
        """The torch module in eval mode; after ``load`` it is built on first use (CPU): the base model
        is loaded (sha256 verified), the item texts re-run through its frozen layers and the saved
        adapters, projection, id vectors and user encoder put in place."""
        self._check_fitted()
        if self._module is None:
            module = self._build_module(torch.device("cpu"), progress, cancel)
            saved = self._saved
            lm_tower.load_adapter_state(module.tower, {k[len("adapter."):]: torch.from_numpy(v.copy())
                                                       for k, v in saved.items() if k.startswith("adapter.")})
            self._load_part(module.proj, "proj", saved)
            if module.ids is not None:
                self._load_part(module.ids, "ids", saved)
            module.user = self._encoder
            if module.users is not None:
                with torch.no_grad():
                    module.users.weight.copy_(torch.from_numpy(self.user_vectors_))
            module.refresh_text()
            self._module = module.eval()
        return self._module

    # ---- fitting ------------------------------------------------------------------------------
    def _fit(self, interactions: Interactions, *, catalog, valid, progress, cancel) -> None:
        p = self.params
        if catalog is None:
            raise ModelError("model lm needs an item catalog with titles or descriptions "
                             "(fit(catalog=...))")
        check(cancel)
        device = resolve_device(p["device"])
        seed_everything(p["seed"], device)
        self.texts_ = item_texts(catalog, interactions.item_ids)
        self.has_text_ = np.array([bool(t) for t in self.texts_])
        if not self.has_text_.any():
            raise ModelError("model lm: the catalog has no title, category or description text for any of the items")
        self.warm_ = np.bincount(interactions.item_idx, minlength=interactions.n_items) > 0
        self.seq_indptr_, self.seq_items_ = keep_last(*user_sequences(interactions), p["max_len"])
        # validation events are part of the training data (Split.valid): train without them
        train = without(interactions, valid) if valid is not None and valid.n_events else interactions
        indptr, items = user_sequences(train)
        inputs_np, targets_np = training_windows(indptr, items, p["max_len"])
        if len(inputs_np) == 0:
            raise ModelError("model lm: no user has two or more events, so there is no next item to learn")
        module = self._module = self._build_module(device, scaled(progress, 0.0, 0.15), cancel)
        check(cancel)
        inputs = torch.from_numpy(inputs_np).to(device)
        targets = torch.from_numpy(targets_np).to(device)
        pairs = np.maximum(np.diff(indptr) - 1, 0)                    # training_windows' order: by user
        owners = torch.from_numpy(np.repeat(np.arange(self.n_users), -(-pairs // p["max_len"]))).to(device)
        n, bs, n_items = len(inputs_np), p["batch_size"], self.n_items
        full = p["negatives"] >= n_items
        fresh = {"text": False}
        tower_items = {"n": 0}

        def refresh() -> None:
            if not fresh["text"]:
                module.refresh_text()
                fresh["text"] = True

        def batches(epoch: int, gen: torch.Generator):
            refresh()
            order = torch.randperm(n, generator=gen, device=device)
            for start in range(0, n, bs):
                idx = order[start:start + bs]
                x, t = inputs[idx], targets[idx]
                neg = (torch.empty(0, dtype=torch.int64, device=device) if full
                       else torch.randint(0, n_items, (p["negatives"],), generator=gen, device=device))
                pos = torch.unique(t[t > 0] - 1)
                grad = pos[torch.randperm(len(pos), generator=gen, device=device)[:tower_items["n"]]]
                drop = torch.rand(n_items, generator=gen, device=device) < p["id_dropout"]
                yield x, t, neg, grad, drop, owners[idx]

        def loss_fn(m: LMModule, batch) -> torch.Tensor:
            x, t, neg, grad, drop, who = batch
            real = t > 0
            cand = (torch.arange(n_items, device=device) if full
                    else torch.unique(torch.cat([x[x > 0] - 1, t[real] - 1, neg])))
            text = m.text[cand]
            if len(grad):
                fresh["text"] = False
                text = text.index_copy(0, torch.searchsorted(cand, grad), m.encode_text(grad).to(text.dtype))
            keep = m.warm[cand] & ~drop[cand]
            v = m.item_vectors(cand, text, keep)                                         # (C, dim)
            seen = x > 0
            slot = torch.searchsorted(cand, (x - 1).clamp_min(0)).clamp_max(len(cand) - 1)
            emb = v[slot] * seen.unsqueeze(-1)
            h = m.user.encode_embeddings(emb, seen)[0]
            if m.users is not None:
                h = h + m.users(who).unsqueeze(1)
            h = h[real]                                                                  # (P, dim)
            logits = h @ v.T
            if m.cold is not None:
                logits = logits + m.cold * (~keep).to(logits.dtype)
            # items never sold in the training data are no evidence either way: they stay out of the
            # softmax (as negatives they would teach "never sold, never bought" and bury new products)
            logits = logits.masked_fill(~m.warm[cand][None, :], float("-inf"))
            return nn.functional.cross_entropy(logits, torch.searchsorted(cand, t[real] - 1))

        def sync() -> None:
            refresh()
            self._sync()

        def phase(epochs: int, lr: float, share: tuple[float, float]) -> History:
            return fit_loop(module, batches, loss_fn, epochs=epochs, lr=lr, weight_decay=p["weight_decay"],
                            device=device, validate=make_validator(self, train, valid, before=sync, cancel=cancel),
                            patience=p["patience"], progress=scaled(progress, *share), cancel=cancel,
                            seed=p["seed"], batches_per_epoch=math.ceil(n / bs))

        # 1: projection, id vectors and user side over the base model's text vectors (cheap steps)
        head = phase(p["epochs"], p["lr"], (0.15, 0.6))
        history = head
        if p["tune_epochs"] and head.stopped != "cancelled" and not (cancel is not None and cancel.cancelled):
            # 2: the same plus the LoRA adapters (each step re-encodes ``tower_items`` texts with gradient)
            kept = {k: v.detach().clone() for k, v in module.state_dict().items()}
            tower_items["n"] = p["tower_items"]
            fresh["text"] = False
            tuned = phase(p["tune_epochs"], p["tune_lr"], (0.6, 1.0))
            history = join_histories(head, tuned)
            if tuned.best_epoch is not None and tuned.best_metrics.get(tuned.monitor, -1.0) < \
                    head.best_metrics.get(head.monitor, -1.0):
                module.load_state_dict(kept)            # adapting the language model did not help
                history.best_epoch = head.best_epoch
            fresh["text"] = False                       # weights restored or changed since the last refresh
        elif history.best_epoch not in (None, len(history.records)):
            fresh["text"] = False
        refresh()
        self._module = module.eval().cpu()      # scoring reads numpy; explanations and compression run on CPU
        lm_tower.load_base()[1].cpu()
        self._sync()
        if valid is not None and valid.n_events and p["id_embeddings"] and not (cancel is not None and cancel.cancelled):
            self._calibrate(train, valid)
        finish_fit(self, history, device)

    def _calibrate(self, train: Interactions, valid: Interactions) -> None:
        """Fit the text weights (sold items a_w, never-sold items a_c) and the never-sold offset b_c on the
        validation pairs: each held-out (user, item) is scored as it is (item vector + a_w·text match)
        and as if the item had never sold (text part only + b_c + a_c·text match) against ``CALIBRATION_NEGATIVES``
        sold items, each scored as never sold at the rate never-sold items occur among the candidates (at
        least 5 %), rho; the three numbers maximise the two softmax likelihoods weighted 1 - w and w, w =
        ``new_weight`` (how much ranking new products matters; -1: rho, a purchase is of a new product
        as often as new products occur among the candidates; L-BFGS)."""
        from engine.data.interactions import index_of
        rng = np.random.default_rng(self.params["seed"])
        u = index_of(valid.user_ids[valid.user_idx], self.user_ids_)
        i = index_of(valid.item_ids[valid.item_idx], self.item_ids_)
        ok = (u >= 0) & (i >= 0)
        u, i = u[ok], i[ok]
        ok = self.warm_[i] & (np.asarray(train.seen[u, i]).ravel() == 0)
        u, i = u[ok], i[ok]
        if len(u) == 0:
            return
        if len(u) > CALIBRATION_PAIRS:
            pick = rng.choice(len(u), CALIBRATION_PAIRS, replace=False)
            u, i = u[pick], i[pick]
        warm = np.flatnonzero(self.warm_)
        neg = warm[rng.integers(0, len(warm), (len(u), CALIBRATION_NEGATIVES))]
        d = self.params["dim"]
        states = self.embeddings("user", u)
        h, prof = states[:, :d], states[:, d:]
        m = self._module
        with torch.no_grad():
            text_part = (m.proj(m.text) * m.has_text.unsqueeze(-1).float()).numpy()

        def t(a):
            return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))

        s_pos, s_cold = t((h * self.item_vectors_[i]).sum(1)), t((h * text_part[i]).sum(1))
        c_pos = t((prof * self.text_vectors_[i]).sum(1))
        s_neg = t(pair_dots(h, self.item_vectors_, neg))
        s_neg_new = t(pair_dots(h, text_part, neg))
        c_neg = t(pair_dots(prof, self.text_vectors_, neg))
        mask = t(neg == i[:, None]).bool()
        # each negative stands for a never-sold item at the rate they occur among the candidates
        rho = max(float(np.mean(~self.warm_)), 0.05)
        weight = rho if self.params["new_weight"] < 0 else self.params["new_weight"]
        new = torch.from_numpy(rng.random(neg.shape) < rho)
        theta = torch.zeros(3, requires_grad=True)                    # a_w, a_c, b_c
        opt = torch.optim.LBFGS([theta], lr=0.5, max_iter=100, line_search_fn="strong_wolfe")

        def closure():
            opt.zero_grad()
            a_w, a_c, b_c = theta
            negs = torch.where(new, s_neg_new + b_c + a_c * c_neg, s_neg + a_w * c_neg).masked_fill(mask, float("-inf"))
            as_sold = torch.cat([(s_pos + a_w * c_pos)[:, None], negs], 1)
            as_new = torch.cat([(s_cold + b_c + a_c * c_pos)[:, None], negs], 1)
            loss = -((1 - weight) * torch.log_softmax(as_sold, 1)[:, 0]
                     + weight * torch.log_softmax(as_new, 1)[:, 0]).mean()
            loss.backward()
            return loss

        opt.step(closure)
        a_w, a_c, b_c = (float(v) for v in theta.detach())
        if not all(np.isfinite([a_w, a_c, b_c])):
            return
        self.text_weights_ = np.where(self.warm_, a_w, a_c).astype(np.float32)
        self.item_bias_ = np.where(self.warm_, 0.0, b_c).astype(np.float32)
        self._item_table = None

    def _sync(self) -> None:
        """Item vectors and every user's state from the module's current text vectors."""
        m = self._module
        was = m.training
        m.eval()
        with torch.no_grad():
            self.item_vectors_ = m.all_item_vectors().float().cpu().numpy().copy()
            self.user_vectors_ = (np.zeros((self.n_users, self.params["dim"]), np.float32) if m.users is None
                                  else m.users.weight.detach().float().cpu().numpy().copy())
            cold = 0.0 if m.cold is None else float(m.cold.detach())
            self.item_bias_ = np.where(self.warm_, 0.0, cold).astype(np.float32)
            self.text_vectors_ = (m.text * m.has_text.unsqueeze(-1)).float().cpu().numpy().copy()
            if self.text_weights_ is None or len(self.text_weights_) != self.n_items:
                self.text_weights_ = np.zeros(self.n_items, np.float32)
        self._item_table = None
        self._user_states = self._encode_users(np.arange(self.n_users))
        m.train(was)

    # ---- user side ----------------------------------------------------------------------------
    def _user_encoder(self) -> nn.Module:
        return self._module.user if self._module is not None else self._encoder

    def _encode_users(self, users: np.ndarray) -> np.ndarray:
        """(n, dim + 384) float32 scoring vectors of training users: the user side's state (their last
        ``max_len`` items + their user vector), then their text profile."""
        h = self._states(self.seq_indptr_, self.seq_items_, users) + self.user_vectors_[users]
        return np.concatenate([h, self._profiles(self.seq_indptr_, self.seq_items_, users)], axis=1)

    def _profiles(self, indptr: np.ndarray, items: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """(len(rows), 384) float32 unit mean of the text vectors of each CSR history row (zeros if none)."""
        lengths = indptr[rows + 1] - indptr[rows]
        picks = np.concatenate([items[indptr[r]:indptr[r + 1]] for r in rows]) if len(rows) else np.empty(0, np.int64)
        owner = np.repeat(np.arange(len(rows)), lengths)
        out = np.zeros((len(rows), lm_tower.HIDDEN), dtype=np.float32)
        np.add.at(out, owner, self.text_vectors_[picks.astype(np.int64)])
        norm = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norm, out=np.zeros_like(out), where=norm > 0)

    def item_table(self) -> np.ndarray:
        """(n_items, dim + 384) float32 scoring vectors of the items: item vector, then text vector × text
        weight; score = user vector · item vector + item bias."""
        if self._item_table is None:
            self._item_table = np.concatenate([self.item_vectors_, self.text_vectors_ * self.text_weights_[:, None]],
                                              axis=1)
        return self._item_table

    def _states(self, indptr: np.ndarray, items: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """(len(rows), dim) float32 user states of the CSR histories (indptr, items) ``rows`` (each row
        at most ``max_len`` items, oldest first)."""
        enc = self._user_encoder()
        enc.eval()
        vectors = torch.from_numpy(self.item_vectors_)
        out = np.zeros((len(rows), self.params["dim"]), dtype=np.float32)
        dev = next(enc.parameters()).device
        with torch.no_grad():
            for start in range(0, len(rows), SCORE_BATCH):
                batch = rows[start:start + SCORE_BATCH]
                tokens = torch.from_numpy(padded_tokens(indptr, items, batch, self.params["max_len"]))
                real = tokens > 0
                emb = vectors[(tokens - 1).clamp_min(0)] * real.unsqueeze(-1)
                h = enc.encode_embeddings(emb.to(dev), real.to(dev))[0][:, -1]
                out[start:start + len(batch)] = h.float().cpu().numpy()
        return out

    def score_histories(self, histories) -> np.ndarray:
        """(n, n_items) float32 scores for customers whose histories are ``histories`` (a list of (h_j,)
        internal item indices, oldest first; the last ``max_len`` are read; may be empty)."""
        self._check_fitted()
        cut = [np.asarray(h, dtype=np.int64)[-self.params["max_len"]:] for h in histories]
        indptr = np.concatenate([[0], np.cumsum([len(h) for h in cut])]).astype(np.int64)
        items = np.concatenate(cut) if cut else np.empty(0, np.int64)
        rows = np.arange(len(cut))
        users = np.concatenate([self._states(indptr, items, rows), self._profiles(indptr, items, rows)], axis=1)
        return users @ self.item_table().T + self.item_bias_

    def history_of(self, user: int) -> np.ndarray:
        """The history the user side reads: ``history_items(user)``."""
        return self.history_items(user)

    def history_items(self, user: int) -> np.ndarray:
        """(L,) int64 items the user side reads for ``user`` (oldest first), as SASRec's."""
        self._check_fitted()
        u = int(user)
        if not 0 <= u < self.n_users:
            raise ModelError(f"model lm: user index {user} is out of range 0..{self.n_users - 1}")
        return self.seq_items_[self.seq_indptr_[u]:self.seq_indptr_[u + 1]].astype(np.int64)

    def score_history_vectors(self, emb: torch.Tensor, user: int | None = None, profile=None) -> torch.Tensor:
        """Differentiable scores (B, n_items) of histories given as item vectors emb (L, dim) or
        (B, L, dim), no padding, 1 <= L <= max_len (eval mode); plus training user ``user``'s vector and
        the text term of the text ``profile`` (384,) (a constant here; see ``text_profile``)."""
        self._check_fitted()
        if emb.dim() == 2:
            emb = emb.unsqueeze(0)
        if emb.dim() != 3 or not 1 <= emb.shape[1] <= self.params["max_len"]:
            raise ModelError(f"model lm: history vectors must be (L, d) or (B, L, d) with 1 <= L <= "
                             f"{self.params['max_len']}")
        enc = self._user_encoder()
        enc.eval()
        real = torch.ones(emb.shape[:2], dtype=torch.bool, device=emb.device)
        h = enc.encode_embeddings(emb, real)[0][:, -1]
        if user is not None:
            h = h + torch.from_numpy(self.user_vectors_[int(user)]).to(h.device)
            if profile is None:
                profile = self.embeddings("user", [int(user)])[0, self.params["dim"]:]
        table = torch.from_numpy(self.item_table()).to(h.device)
        d = self.params["dim"]
        out = h @ table[:, :d].T + torch.from_numpy(self.item_bias_).to(h.device)
        if profile is not None:
            out = out + (torch.as_tensor(profile).to(h.device) @ table[:, d:].T)
        return out

    def history_inputs(self, item: int, history: np.ndarray):
        """Differentiable history: inputs x (h, dim) = the item vectors of ``history`` (its last
        ``max_len`` items, oldest first) and fn(e (n, h, dim)) -> (n,) scores of ``item`` for a new
        customer with that history (no user vector); the zero input is the baseline."""
        hist = np.asarray(history, dtype=np.int64)[-self.params["max_len"]:]
        if len(hist) == 0:
            raise ModelError("model lm: gradients need at least one history item")
        x = torch.from_numpy(self.item_vectors_[hist].copy())
        profile = self.text_profile(hist)
        return x, lambda e: self.score_history_vectors(e, profile=profile)[:, int(item)]

    def text_profile(self, history: np.ndarray) -> np.ndarray:
        """(384,) float32 text profile of a history (its last ``max_len`` items)."""
        hist = np.asarray(history, dtype=np.int64)[-self.params["max_len"]:]
        return self._profiles(np.array([0, len(hist)]), hist, np.array([0]))[0]

    def embeddings(self, kind: str, rows: np.ndarray | None = None) -> np.ndarray:
        """(n, dim + 384) float32 item or user scoring vectors (kind "item" / "user"); user · item + item
        bias = score."""
        if kind == "item":
            table = self.item_table()
        elif kind == "user":
            if self._user_states is None:
                self._user_states = self._encode_users(np.arange(self.n_users))
            table = self._user_states
        else:
            raise ModelError(f"model lm: embeddings kind must be 'item' or 'user', got {kind!r}")
        return table if rows is None else table[np.asarray(rows, dtype=np.int64)]

    def embedding_note(self) -> str:
        return ("item vectors: the fine-tuned language model's text vector, projected, plus a learned vector "
                "for sold items; user vectors: the customer's purchases read by the user side")

    def factor_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """User vectors (n_users, dim + 384), item vectors (n_items, dim + 384), item bias (n_items,):
        score = U Vᵀ + b exactly."""
        return self.embeddings("user"), self.item_table(), self.item_bias_

    def history_vectors(self, user: int) -> torch.Tensor:
        """(L, dim) float32 item vectors of ``history_items(user)`` (a fresh tensor)."""
        return torch.from_numpy(self.item_vectors_[self.history_items(user)].copy())

    def attention(self, user: int) -> np.ndarray:
        """(blocks, heads, L, L) float32 causal attention over ``history_items(user)`` (rows sum to 1); with
        ``user="mean"`` the equivalent uniform weights (1, 1, L, L) of the running mean."""
        emb = self.history_vectors(user)
        n = len(emb)
        if self.params["user"] == "mean":
            return (np.tril(np.ones((n, n))) / np.arange(1, n + 1)[:, None]).astype(np.float32)[None, None]
        if n == 0:
            return np.zeros((self.params["blocks"], self.params["heads"], 0, 0), dtype=np.float32)
        enc = self._user_encoder()
        enc.eval()
        with torch.no_grad():
            _, weights = enc.encode_embeddings(emb[None], torch.ones((1, n), dtype=torch.bool))
        return torch.stack([w[0] for w in weights]).float().numpy()

    # ---- word-level explanations (engine.models.capabilities.TextGradients) -------------------------
    def text_inputs(self, item: int):
        """``TextInputs`` of ``item``: its token embeddings (T, 384), the padding baseline, its words."""
        from engine.text.words import TextInputs, words_of
        self.language_module()
        tokenizer, bert = lm_tower.load_base()
        text = self.texts_[int(item)] if self.has_text_[int(item)] else ""
        enc = tokenizer(text, truncation=True, max_length=self.params["max_tokens"], return_offsets_mapping=True)
        ids = torch.tensor(enc["input_ids"], dtype=torch.int64)
        words, spans, token_word, read = words_of(text, np.asarray(enc["offset_mapping"], dtype=np.int64).reshape(-1, 2))
        table = bert.embeddings.word_embeddings.weight
        emb = table[ids].detach().clone()
        baseline = torch.where(torch.from_numpy(token_word >= 0)[:, None], table[tokenizer.pad_token_id].detach(), emb)
        return TextInputs(text, emb, baseline, token_word, words, spans, read)

    def text_score_function(self, user: int, item: int):
        """f(embeds (B, T, 384)) -> (B,) differentiable score of ``item`` for ``user``: token embeddings
        through the whole language model (frozen and adapted layers), pooling, projection (+ the item's
        id vector when it was sold), dotted with the user's state."""
        module = self.language_module()
        _, bert = lm_tower.load_base()
        if self._user_states is None:
            self._user_states = self._encode_users(np.arange(self.n_users))
        d = self.params["dim"]
        state = torch.from_numpy(self._user_states[int(user), :d].copy())
        profile = torch.from_numpy(self._user_states[int(user), d:].copy())
        weight = float(self.text_weights_[int(item)])
        idx = torch.tensor([int(item)])
        bias = float(self.item_bias_[int(item)])
        frozen = bert.encoder.layer[:self.n_frozen]

        def fn(embeds: torch.Tensor) -> torch.Tensor:
            mask = torch.ones(embeds.shape[:2], dtype=torch.bool)
            hidden = lm_tower.run_layers(frozen, bert.embeddings(inputs_embeds=embeds), mask)
            text = module.tower(hidden, mask) * module.has_text[idx].float()
            return module.item_vectors(idx.expand(len(embeds)), text) @ state + weight * (text @ profile) + bias

        return fn

    # ---- compression (engine.compress.language measures and compresses it) --------------------
    def runtime_bytes(self) -> int:
        """Bytes of the language model this recommender runs to encode item texts: the bundled
        MiniLM (float32) plus the LoRA adapters."""
        _, bert = lm_tower.load_base()
        adapters = sum(v.nbytes for k, v in self._state().items() if k.startswith("adapter."))
        return lm_tower.module_bytes(bert)[0] + int(adapters)

    def parameter_count(self) -> int:
        """Weight values of the language model (base + adapters) plus the recommender's own arrays."""
        _, bert = lm_tower.load_base()
        return lm_tower.module_bytes(bert)[1] + self._own_values()

    def _own_values(self) -> int:
        return int(sum(v.size for k, v in self._state().items()
                       if k.startswith(("adapter.", "proj.", "ids.", "user.", "student."))))

    def _score(self, users: np.ndarray) -> np.ndarray:
        if self._user_states is None:
            self._user_states = self._encode_users(np.arange(self.n_users))
        return self._user_states[users] @ self.item_table().T + self.item_bias_[None, :]

    # ---- persistence --------------------------------------------------------------------------
    def _state(self) -> dict[str, np.ndarray]:
        m = self._module
        state = {f"adapter.{k}": v.detach().float().cpu().numpy()
                 for k, v in lm_tower.adapter_state(m.tower).items()}
        for prefix, part in (("proj", m.proj), ("ids", m.ids), ("user", m.user)):
            if part is not None:
                state.update({f"{prefix}.{k}": v.detach().float().cpu().numpy() for k, v in part.state_dict().items()})
        state["item_vectors"] = self.item_vectors_
        state["user_vectors"] = self.user_vectors_
        state["item_bias"] = self.item_bias_
        state["text_vectors"] = self.text_vectors_
        state["text_weights"] = self.text_weights_
        state["has_text"] = self.has_text_.astype(np.uint8)
        state["warm"] = self.warm_.astype(np.uint8)
        state["seq_indptr"] = self.seq_indptr_.astype(np.int64)
        state["seq_items"] = self.seq_items_.astype(np.int32)
        return state

    def _extra_config(self) -> dict:
        from engine.text.encoder import MODEL_SHA256
        return {"encoder": ENCODER, "encoder_sha256": MODEL_SHA256, "texts": list(self.texts_),
                "history": None if self.history_ is None else self.history_.to_dict()}

    def _set_state(self, state: dict[str, np.ndarray], extra: dict) -> None:
        from engine.text.encoder import MODEL_SHA256
        p = self.params
        if extra.get("encoder_sha256") != MODEL_SHA256:
            raise ModelError(f"saved lm model was fine-tuned from a language model with sha256 "
                             f"{extra.get('encoder_sha256')!r}, not the bundled {ENCODER} ({MODEL_SHA256})")
        texts = extra.get("texts")
        if not isinstance(texts, list) or len(texts) != self.n_items or not all(isinstance(t, str) for t in texts):
            raise ModelError(f"saved lm model must list one text per item ({self.n_items})")
        n, d = self.n_items, p["dim"]
        self.texts_ = texts
        self.item_vectors_ = expect_array(state, "item_vectors", (n, d), np.float32).copy()
        self.user_vectors_ = expect_array(state, "user_vectors", (self.n_users, d), np.float32).copy()
        self.item_bias_ = expect_array(state, "item_bias", (n,), np.float32).copy()
        self.text_vectors_ = expect_array(state, "text_vectors", (n, lm_tower.HIDDEN), np.float32).copy()
        self.text_weights_ = expect_array(state, "text_weights", (n,), np.float32).copy()
        self._item_table = None
        self.has_text_ = expect_array(state, "has_text", (n,), np.uint8).astype(bool)
        self.warm_ = expect_array(state, "warm", (n,), np.uint8).astype(bool)
        indptr = expect_array(state, "seq_indptr", (self.n_users + 1,), np.int64)
        items = expect_array(state, "seq_items", (None,), np.int32)
        lengths = np.diff(indptr)
        if (indptr[0] != 0 or indptr[-1] != len(items) or np.any(lengths < 0) or np.any(lengths > p["max_len"])
                or (len(items) and (items.min() < 0 or items.max() >= n))):
            raise ModelError("saved lm user sequences are inconsistent with the model's users and items")
        self.seq_indptr_, self.seq_items_ = indptr.copy(), items.copy()
        self._saved = {k: v for k, v in state.items() if k.startswith(("adapter.", "proj.", "ids."))}
        check_adapters(state, "adapter.", p["tune_layers"], p["lora_rank"])
        expect_array(state, "proj.weight", (d, lm_tower.HIDDEN), np.float32)
        expect_array(state, "proj.bias", (d,), np.float32)
        if p["id_embeddings"]:
            expect_array(state, "ids.weight", (n, d), np.float32)
        def build() -> nn.Module:
            return (CausalEncoder(p["max_len"], d, p["blocks"], p["heads"], p["dropout"]) if p["user"] == "attention"
                    else MeanEncoder(d))
        for k, v in meta_module(build).state_dict().items():  # shapes checked before the encoder is built
            expect_array(state, f"user.{k}", tuple(v.shape), np.float32)
        self._encoder = self._load_part(build(), "user", state)
        unexpected = sorted(k for k in state if k.split(".")[0] not in
                            ("adapter", "proj", "ids", "user", "item_vectors", "user_vectors", "item_bias", "text_vectors", "text_weights", "has_text", "warm",
                             "seq_indptr", "seq_items"))
        if unexpected:
            raise ModelError(f"saved lm model has unexpected array(s) {', '.join(unexpected)}")
        self._module = None
        self._user_states = None
        restore_history(self, extra)

    @staticmethod
    def _load_part(part: nn.Module, prefix: str, state: dict[str, np.ndarray]) -> nn.Module:
        """``part`` with its weights from ``state`` keys "<prefix>.<name>" (shapes checked)."""
        weights = {k: torch.from_numpy(expect_array(state, f"{prefix}.{k}", tuple(v.shape), np.float32).copy())
                   for k, v in part.state_dict().items()}
        part.load_state_dict(weights)
        return part.eval()
