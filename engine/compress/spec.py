"""Compression method specs: the strings the CLI, the Compress pane and the sweep use.

Grammar: ``kind[:amount][+int8][,key=value...]``, e.g. ``int8``, ``fp16``, ``bf16``,
``prune:0.8``, ``prune:0.8,finetune=2,scope=layer``, ``topk:100``, ``topk:400+int8``,
``lowrank:64``, ``distill:dim=16,layers=1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import EngineError

KINDS = ("int8", "fp16", "bf16", "prune", "topk", "lowrank", "distill", "merge", "layers")
EXAMPLES = ("int8, fp16, bf16, prune:0.8, topk:100, lowrank:64, distill:dim=16[,layers=1], "
            "merge, layers:3[+int8] (language models)")
#: Options each kind accepts: name -> (type, check, description of valid values).
OPTIONS = {
    "prune": {"finetune": (int, lambda v: v >= 0, "an integer >= 0 (epochs)"),
              "scope": (str, lambda v: v in ("global", "layer"), "global or layer")},
    "layers": {"epochs": (int, lambda v: v >= 1, "an integer >= 1")},
    "distill": {"dim": (int, lambda v: v >= 1, "an integer >= 1"),
                "layers": (int, lambda v: v >= 1, "an integer >= 1"),
                "epochs": (int, lambda v: v >= 1, "an integer >= 1"),
                "alpha": (float, lambda v: 0.0 <= v <= 1.0, "a number in [0, 1]"),
                "temperature": (float, lambda v: v > 0, "a number > 0"),
                "topn": (int, lambda v: v >= 1, "an integer >= 1"),
                "lr": (float, lambda v: v > 0, "a number > 0"),
                "seed": (int, lambda v: v >= 0, "an integer >= 0")},
}


@dataclass(frozen=True)
class MethodSpec:
    """kind: one of KINDS; amount: prune fraction (0, 1), topk k >= 1, lowrank rank >= 1 or the
    transformer layers a language model keeps (layers) >= 1, else None;
    int8: sparse values stored as int8 (``+int8``); options: per-kind key=value settings."""

    kind: str
    amount: float | int | None = None
    int8: bool = False
    options: dict = field(default_factory=dict)

    def __str__(self) -> str:
        text = self.kind
        if self.amount is not None:
            text += f":{self.amount:g}"
        if self.int8:
            text += "+int8"
        opts = ",".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.options.items())
        if self.kind == "distill":
            return f"{text}:{opts}"
        return f"{text},{opts}" if opts else text


def _bad(spec: str, why: str) -> EngineError:
    return EngineError(f"compression method {spec!r}: {why}; valid methods look like {EXAMPLES}")


def _number(spec: str, text: str, kind: type, what: str):
    try:
        value = float(text)
        if kind is int:
            if value != int(value):
                raise ValueError(text)
            value = int(value)
    except (TypeError, ValueError):
        raise _bad(spec, f"{what} must be {'an integer' if kind is int else 'a number'}, got {text!r}") from None
    return value


def parse_method(spec: str) -> MethodSpec:
    """Parse ``spec``; EngineError (one line, listing the valid forms) when it is malformed."""
    if not isinstance(spec, str) or not spec.strip():
        raise _bad(str(spec), "empty method")
    text = spec.strip().lower().replace(" ", "")
    head, *rest = text.split(",")
    kind, _, amount_text = head.partition(":")
    int8 = False
    if kind == "distill":
        rest = ([amount_text] if amount_text else []) + rest
        amount_text = ""
    elif amount_text.endswith("+int8") or kind.endswith("+int8"):
        int8 = True
        amount_text = amount_text.removesuffix("+int8")
        kind = kind.removesuffix("+int8")
    if kind not in KINDS:
        raise _bad(spec, f"unknown kind {kind!r} (choose one of {', '.join(KINDS)})")
    amount = None
    if kind in ("prune", "topk", "lowrank", "layers"):
        if not amount_text:
            raise _bad(spec, f"{kind} needs an amount, e.g. {kind}:{'0.8' if kind == 'prune' else '64'}")
        if kind == "prune":
            amount = _number(spec, amount_text, float, "the pruned fraction")
            if not 0.0 < amount < 1.0:
                raise _bad(spec, f"the pruned fraction must be in (0, 1), got {amount:g}")
        else:
            what = {"topk": "k", "lowrank": "the rank", "layers": "the number of layers"}[kind]
            amount = _number(spec, amount_text, int, what)
            if amount < 1:
                raise _bad(spec, f"{what} must be at least 1, got {amount}")
    elif amount_text:
        raise _bad(spec, f"{kind} takes no amount")
    if int8 and kind not in ("topk", "prune", "layers"):
        raise _bad(spec, "+int8 applies to topk, prune and layers only")
    allowed = OPTIONS.get(kind, {})
    options = {}
    for item in rest:
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep or key not in allowed:
            names = ", ".join(allowed) or "none"
            raise _bad(spec, f"unknown option {item!r} for {kind} (options: {names})")
        typ, ok, what = allowed[key]
        parsed = value if typ is str else _number(spec, value, typ, key)
        if not ok(parsed):
            raise _bad(spec, f"{key} must be {what}, got {value!r}")
        options[key] = parsed
    if kind == "distill" and "dim" not in options:
        raise _bad(spec, "distill needs the student size, e.g. distill:dim=16")
    return MethodSpec(kind, amount, int8, options)
