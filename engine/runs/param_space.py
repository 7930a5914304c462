"""What a hyper-parameter form needs to know about each model: a one-line description and, per
parameter, the widget kind, a sensible range, its choices and a tooltip.

``trainable_models()`` -> the names the Train pane offers; ``model_info(name)`` -> ``ModelInfo``;
``param_specs(name)`` -> ``[ParamSpec]`` in the order of the
model's ``defaults``. Ranges come from the model's own ``param_ranges``, else the table ``RANGES``
(by parameter name), widened to contain the model's ``search_space`` and its default; a parameter
neither knows gets a range around its default. Choices of string parameters come from the model's
``param_choices`` (``CHOICES`` for parameters every model shares). Plain data, no Qt.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from engine.i18n import N_, _

#: Choices of string parameters every model shares: name -> (module, constant).
CHOICES = {"device": ("engine.machine.device", "CHOICES")}

#: (low, high[, "log"]) by parameter name (a model's ``param_ranges`` override these).
RANGES: dict[str, tuple] = {
    "factors": (2, 1024), "cf_factors": (2, 1024), "hidden": (8, 1024), "epochs": (1, 2000),
    "cf_epochs": (0, 500), "lr": (1e-6, 1.0, "log"), "reg": (0.0, 1000.0), "weight_decay": (0.0, 1.0),
    "batch_size": (16, 1_000_000), "init_std": (0.0, 1.0), "patience": (0, 100), "seed": (0, 2**31 - 1),
    "l2": (0.0, 1e7), "max_items": (100, 200_000), "k": (1, 10_000), "shrink": (0.0, 10_000.0),
    "alpha": (0.0, 10_000.0), "cg_steps": (1, 50), "max_len": (2, 2000), "blocks": (1, 12),
    "heads": (1, 16), "dropout": (0.0, 0.9), "layers": (0, 8), "negatives": (1, 1_000_000),
    "price_bands": (0, 50), "half_life_days": (0.0, 3650.0), "valid_fraction": (0.01, 0.5),
    "valid_frac": (0.0, 0.5), "validate_every": (1, 100), "valid_users": (0, 1_000_000),
    "cold_fraction": (0.0, 0.5),
}

#: Tooltips by parameter name.
HELP = {
    "factors": N_("Length of the user and item vectors; more captures more taste, needs more data."),
    "cf_factors": N_("Vector length of the collaborative part."),
    "epochs": N_("Maximum passes over the training data (early stopping may end sooner)."),
    "cf_epochs": N_("Passes of the collaborative part (0: its own default)."),
    "lr": N_("Learning rate: step size of the optimiser. Too high diverges, too low learns slowly."),
    "reg": N_("Regularisation strength: higher keeps vectors small and fights over-fitting."),
    "weight_decay": N_("Weight decay of the optimiser (another form of regularisation)."),
    "batch_size": N_("Training examples per optimisation step."),
    "init_std": N_("Spread of the random initial vectors."),
    "patience": N_("Stop after this many epochs without a better validation score (0: never stop early)."),
    "seed": N_("Random seed: the same seed repeats the same run."),
    "device": N_("Where PyTorch trains: auto picks a GPU when there is one."),
    "l2": N_("Regularisation of the item-to-item weights; higher favours popular items less sharply."),
    "max_items": N_("Refuse data with more items than this (EASE needs items² memory)."),
    "k": N_("Neighbours kept per item."),
    "shrink": N_("Shrinks similarities of items with few buyers towards zero."),
    "use_values": N_("Weigh by quantity / rating instead of bought-or-not."),
    "alpha": N_("Confidence given to observed interactions versus unobserved ones."),
    "cg_steps": N_("Conjugate-gradient steps per least-squares solve."),
    "item_bias": N_("Learn a popularity offset per item."),
    "max_len": N_("Most recent items of each customer the model reads."),
    "hidden": N_("Width of the attention layers and item vectors."),
    "blocks": N_("Number of self-attention blocks."),
    "heads": N_("Attention heads per block (must divide the width)."),
    "dropout": N_("Share of activations dropped while training (regularisation)."),
    "loss": N_("Training loss."),
    "layers": N_("Residual layers on top of each tower."),
    "negatives": N_("Sampled negative items per training step."),
    "features": N_("Use catalog columns (category, price band) as item features."),
    "text": N_("Use the embedded item text as an item feature."),
    "price_bands": N_("Price quantile bands used as a feature (0: none)."),
    "half_life_days": N_("Older purchases count half after this many days (0: all count the same)."),
    "collaborative": N_("The collaborative model blended with the text model."),
    "valid_fraction": N_("Share of each customer's events held out to fit the blend."),
    "cold_fraction": N_("Share of items treated as new while fitting the blend."),
    "refit": N_("After early stopping chose the epoch count, train again on all training data "
             "(validation events included) for that many epochs, so the kept model has seen everything."),
    "valid_frac": N_("Share of each customer's training events held out to choose the epoch count when the "
                  "split has no validation part (0: no validation, train every epoch)."),
    "validate_every": N_("Score the validation customers every this many epochs (validation costs time)."),
    "valid_users": N_("Validation customers scored at each check, a fixed random sample (0: all of them)."),
}

#: What a form calls each parameter, by parameter name (the name itself where missing).
LABELS = {
    "alpha": N_("Confidence (alpha)"), "batch_size": N_("Batch size"), "blocks": N_("Attention blocks"),
    "cf_epochs": N_("Collaborative epochs"), "cf_factors": N_("Collaborative vector length"),
    "cg_steps": N_("Solver steps"), "cold_fraction": N_("New-item share"), "collaborative": N_("Collaborative model"),
    "device": N_("Device"), "dim": N_("Vector length"), "dropout": N_("Dropout"), "epochs": N_("Epochs (at most)"),
    "factors": N_("Vector length"), "features": N_("Use catalog columns"), "half_life_days": N_("Half-life (days)"),
    "heads": N_("Attention heads"), "hidden": N_("Width"), "id_dropout": N_("Id dropout"),
    "id_embeddings": N_("Item id vectors"), "init_std": N_("Initial spread"), "item_bias": N_("Item popularity offset"),
    "k": N_("Neighbours"), "l2": N_("Regularisation (L2)"), "layers": N_("Layers"), "lora_alpha": N_("LoRA alpha"),
    "lora_dropout": N_("LoRA dropout"), "lora_rank": N_("LoRA rank"), "loss": N_("Loss"), "lr": N_("Learning rate"),
    "max_items": N_("Most items"), "max_len": N_("History length"), "max_tokens": N_("Words per item"),
    "negatives": N_("Negative samples"), "new_weight": N_("New-item weight"), "patience": N_("Patience (epochs)"),
    "price_bands": N_("Price bands"), "refit": N_("Refit on all data"), "reg": N_("Regularisation"),
    "seed": N_("Random seed"), "shrink": N_("Shrinkage"), "text": N_("Use item text"),
    "tower_items": N_("Items with gradient"), "tune_epochs": N_("Fine-tuning epochs"), "tune_layers": N_("Tuned layers"),
    "tune_lr": N_("Fine-tuning learning rate"), "use_values": N_("Use quantities / ratings"),
    "user": N_("Customer summary"), "user_vectors": N_("Customer vectors"), "valid_frac": N_("Validation share"),
    "valid_fraction": N_("Blend validation share"), "valid_users": N_("Validation customers"),
    "validate_every": N_("Validate every (epochs)"), "weight_decay": N_("Weight decay"),
}


@dataclass(frozen=True)
class ParamSpec:
    """kind: "int" | "float" | "bool" | "choice" | "text"; low/high: range of numbers (None else);
    log: a log-scale quantity (lr); decimals: digits a float field shows; choices: for "choice";
    help: the tooltip and label: what a form calls it, both in the interface language."""

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    log: bool = False
    decimals: int = 0
    choices: tuple = ()
    help: str = ""
    tunable: bool = False
    label: str = ""


@dataclass(frozen=True)
class ModelInfo:
    """name; title: display name; description: one line; torch: trains epochs with curves (has
    ``epochs`` / ``patience``); needs_catalog: refuses to fit without an item catalog; tunable:
    declares a search space."""

    name: str
    title: str
    description: str
    torch: bool
    needs_catalog: bool
    tunable: bool
    capabilities: frozenset = field(default_factory=frozenset)
    fast_params: dict = field(default_factory=dict)


def _decimals(values) -> int:
    """Digits after the point needed to show every value in ``values`` (2..8)."""
    need = 2
    for v in values:
        v = abs(float(v))
        if 0 < v < 1:
            text = f"{v:.10f}".rstrip("0")
            need = max(need, len(text.split(".")[1]) + (1 if v < 0.01 else 0))
    return min(need, 8)


def _range(cls, name: str, default, space: dict) -> tuple[float, float, bool]:
    spec = cls.param_ranges.get(name) or RANGES.get(name)
    if spec is None:
        top = max(abs(float(default)) * 10, 100 if isinstance(default, int) else 1.0)
        low, high, log = 0, top, False
    else:
        low, high, log = spec[0], spec[1], len(spec) > 2 and spec[2] == "log"
    sp = space.get(name)
    if sp and sp[0] in ("int", "float", "log"):
        low, high = min(low, sp[1]), max(high, sp[2])
    elif sp and sp[0] == "cat" and all(isinstance(c, (int, float)) for c in sp[1]):
        low, high = min([low, *sp[1]]), max([high, *sp[1]])
    low, high = min(low, default), max(high, default)
    return low, high, log


def param_specs(model: str) -> list[ParamSpec]:
    """One ``ParamSpec`` per parameter of registry model ``model``, in ``defaults`` order."""
    from engine.models import registry
    cls = registry.get(model)
    space = dict(cls.search_space)
    out = []
    for name, default in cls.defaults.items():
        tip, tunable = cls.param_help.get(name) or HELP.get(name, ""), name in space
        tip, label = _(tip) if tip else "", _(LABELS[name]) if name in LABELS else name.replace("_", " ")
        where = CHOICES.get(name)
        choices = tuple(cls.param_choices.get(name, ())) or (
            tuple(getattr(importlib.import_module(where[0]), where[1])) if where else ())
        if isinstance(default, bool):
            out.append(ParamSpec(name, "bool", default, help=tip, tunable=tunable, label=label))
        elif isinstance(default, str):
            kind = "choice" if choices else "text"
            out.append(ParamSpec(name, kind, default, choices=choices, help=tip, tunable=tunable, label=label))
        else:
            low, high, log = _range(cls, name, default, space)
            if isinstance(default, int):
                out.append(ParamSpec(name, "int", default, int(low), int(high), help=tip, tunable=tunable, label=label))
            else:
                sp = space.get(name)
                extra = [sp[1], sp[2]] if sp and sp[0] != "cat" else []
                out.append(ParamSpec(name, "float", float(default), float(low), float(high), log,
                                     _decimals([default, *extra, low] if low > 0 else [default, *extra]),
                                     help=tip, tunable=tunable, label=label))
    return out


def trainable_models() -> list[str]:
    """Registry models a user trains from scratch (the model families of ``engine.models``);
    compressed variants are made from a fitted run instead (``engine.compress``)."""
    from engine.models import registry
    return [n for n in registry.available() if registry.get(n).__module__.startswith("engine.models.")]


def model_info(model: str) -> ModelInfo:
    """What the model picker shows about registry model ``model``."""
    from engine.models import registry
    cls = registry.get(model)
    doc = (cls.__doc__ or "").strip().splitlines()
    return ModelInfo(name=model, title=cls.title or model, description=_(cls.description) if cls.description else (doc[0] if doc else model),
                     torch="epochs" in cls.defaults and "patience" in cls.defaults,
                     needs_catalog=cls.needs_catalog, tunable=bool(cls.search_space),
                     capabilities=frozenset(cls.capabilities), fast_params=dict(cls.fast_params))
