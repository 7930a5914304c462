"""Device choice for torch models: ``auto`` picks cuda > mps > cpu.

``resolve_device(name)`` turns a user choice ("auto", "cpu", "cuda", "cuda:1", "mps") into a
``torch.device`` or raises ``ModelError`` saying why the device cannot be used;
``describe_devices()`` lists what this machine offers, for the GUI's device picker.
"""

from __future__ import annotations

import os

import torch

from engine.errors import ModelError
from engine.i18n import _

CHOICES = ("auto", "cpu", "cuda", "mps")


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def resolve_device(name: str | torch.device = "auto") -> torch.device:
    """The ``torch.device`` for ``name``; ModelError if it is unknown or not available here."""
    if isinstance(name, torch.device):
        name = str(name)
    text = str(name).strip().lower() or "auto"
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    try:
        dev = torch.device(text)
    except (RuntimeError, ValueError):
        raise ModelError(f"unknown device '{name}'; choose one of: {', '.join(CHOICES)}") from None
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            why = ("this PyTorch build has no CUDA support" if torch.version.cuda is None
                   else "no CUDA GPU is visible (driver missing or CUDA_VISIBLE_DEVICES empty)")
            raise ModelError(f"device '{name}' requested but {why}; choose 'auto' or 'cpu'")
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ModelError(f"device '{name}' requested but only {count} CUDA GPU(s) exist "
                             f"(cuda:0..cuda:{count - 1})")
        return dev
    if dev.type == "mps":
        if not _mps_available():
            raise ModelError(f"device '{name}' requested but Apple MPS is not available on this machine; "
                             "choose 'auto' or 'cpu'")
        return dev
    raise ModelError(f"unknown device '{name}'; choose one of: {', '.join(CHOICES)}")


def describe_devices() -> list[dict]:
    """Devices for a picker: dicts with name, label (short), available, memory_gb (None if unknown),
    note (why unavailable, or a detail such as the CPU's torch threads).

    Always lists "cpu"; lists every CUDA GPU as "cuda:N", or one unavailable "cuda" entry saying
    why; lists "mps" on Apple machines that have it.
    """
    threads = torch.get_num_threads()
    out = [{"name": "cpu", "label": _("CPU ({cores} cores)").format(cores=os.cpu_count() or "?"),
            "available": True, "memory_gb": None, "note": f"{threads} torch threads"}]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            out.append({"name": f"cuda:{i}", "label": props.name, "available": True,
                        "memory_gb": round(props.total_memory / 1024**3, 1), "note": ""})
    else:
        note = "PyTorch built without CUDA" if torch.version.cuda is None else "no CUDA GPU visible"
        out.append({"name": "cuda", "label": "NVIDIA GPU (CUDA)", "available": False,
                    "memory_gb": None, "note": note})
    if _mps_available():
        out.append({"name": "mps", "label": "Apple GPU (MPS)", "available": True,
                    "memory_gb": None, "note": ""})
    return out
