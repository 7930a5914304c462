"""Data-parallel training on torch's own engine: ``torch.distributed`` + DistributedDataParallel.

Every torch model trains through ``engine.train.loop.fit_loop`` with its own objective
(``training_batches`` / ``batch_loss``, capability "objective"). When the process is one of
several workers of a process group (started by ``torchrun`` or ``launch``), ``fit_loop`` asks this
module to:

- ``DataParallel.wrap``: run the model's ``batch_loss`` inside ``DistributedDataParallel`` (so the
  backward pass averages gradients across workers; the loss itself is the model's, unchanged);
- ``shard``: give worker r the batches r, r + N, r + 2N, ... of the epoch. Every worker draws the
  same epoch (same seed, same generator), so together they see each batch exactly once; where the
  N batches of one step differ in size (the epoch's last), each worker's loss is weighted by its
  share of the step's examples, so the averaged gradient is that of the step's examples together;
- ``mean``: average the epoch loss over every worker's batches; ``agree``: make rank 0's
  validation metrics everyone's (early stopping decides the same everywhere).

``per_process_batch(model)``: while a model fits under N workers, its ``batch_size`` is divided by
N, so each optimiser step still sees ``batch_size`` examples (N batches of ``batch_size / N``, the
same examples as one single-process batch): the training is the single-process one, split across
workers; the saved parameters keep the global batch size.

Workers: ``init_from_env()`` joins the group torchrun describes in the environment (gloo on CPU,
nccl on CUDA GPUs, each worker on the GPU of its LOCAL_RANK). ``launch(argv, nproc)`` starts
``nproc`` workers of ``recscope ARGV`` on this machine through ``torch.distributed.run`` (torch's
launcher, the module behind ``torchrun``); for several machines run ``torchrun`` yourself with the
same arguments (docs/SCALING.md).
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import re
import subprocess
import sys
from typing import Any, Callable, Iterable, Iterator

import torch

from engine.errors import ModelError


#: The launcher's own log lines ("W1207 01:24:36.542000 2839 torch/distributed/elastic/...").
_LAUNCHER_LOG = re.compile(r"^[DIWE]\d{4} [\d:.]+ \d+ torch/distributed/")
#: Fits this process trained data-parallel (``DataParallel`` objects made).
wrapped = 0


def world() -> tuple[int, int]:
    """(rank, world size) of this process: (0, 1) outside a process group."""
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def active() -> bool:
    """True when this process is one of two or more data-parallel workers."""
    return world()[1] > 1


def is_main() -> bool:
    """True on rank 0 (or outside a process group): the worker that prints and saves."""
    return world()[0] == 0


def launched() -> bool:
    """True when torchrun (or ``launch``) started this process as a worker."""
    return "WORLD_SIZE" in os.environ and "RANK" in os.environ


def init_from_env(device: str = "auto") -> str:
    """Join the process group torchrun's environment describes; returns the backend: "nccl" when
    the run uses CUDA GPUs (each worker then uses GPU ``LOCAL_RANK``), else "gloo"."""
    import torch.distributed as dist
    if dist.is_initialized():
        return dist.get_backend()
    cuda = torch.cuda.is_available() and str(device).split(":")[0] in ("auto", "cuda")
    if cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        if local >= torch.cuda.device_count():
            raise ModelError(f"worker {local} has no GPU: {torch.cuda.device_count()} visible; "
                             "lower --nproc or run with --device cpu")
        torch.cuda.set_device(local)
    backend = "nccl" if cuda else "gloo"
    dist.init_process_group(backend)
    return backend


def finish() -> None:
    """Leave the process group (after the last collective)."""
    import torch.distributed as dist
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def launch(argv: list[str], nproc: int, threads: int | None = None) -> int:
    """Run ``recscope ARGV`` as ``nproc`` workers on this machine through torch's launcher; returns
    the launcher's exit status. Each worker gets ``threads`` (default: the cores split evenly)."""
    env = dict(os.environ)
    env["RECSCOPE_THREADS"] = str(threads or max(1, (os.cpu_count() or 1) // nproc))
    env["OMP_NUM_THREADS"] = env["RECSCOPE_THREADS"]
    env.setdefault("TORCH_CPP_LOG_LEVEL", "ERROR")    # DDP's advice on find_unused_parameters is not the user's
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}",
           "-m", "engine.cli", *argv]
    with subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, errors="replace") as proc:
        # the workers' lines (progress, a one-line error) pass; the launcher's own traceback when a
        # worker fails does not (the caller says in one line that the workers failed)
        launcher_report = False
        for line in proc.stderr:
            launcher_report = launcher_report or line.startswith("Traceback (most recent call last)")
            if not launcher_report and not _LAUNCHER_LOG.match(line):
                sys.stderr.write(line)
                sys.stderr.flush()
        return proc.wait()


@contextlib.contextmanager
def per_process_batch(model) -> Iterator[None]:
    """While in the block and under N workers, ``model.params["batch_size"]`` is ceil(B / N)."""
    _, size = world()
    if size == 1 or "batch_size" not in getattr(model, "params", {}):
        yield
        return
    whole = model.params["batch_size"]
    model.params["batch_size"] = max(1, math.ceil(whole / size))
    try:
        yield
    finally:
        model.params["batch_size"] = whole


class _Objective(torch.nn.Module):
    """``loss_fn(module, batch)`` as a module's forward, so DistributedDataParallel sees it."""

    def __init__(self, module: torch.nn.Module, loss_fn: Callable[[torch.nn.Module, Any], torch.Tensor]):
        super().__init__()
        self.module = module
        self.loss_fn = loss_fn

    def forward(self, batch) -> torch.Tensor:
        return self.loss_fn(self.module, batch)


class DataParallel:
    """One fit's data-parallel state: the DDP-wrapped objective and this worker's share of batches."""

    def __init__(self, module: torch.nn.Module, loss_fn, device: torch.device):
        from torch.nn.parallel import DistributedDataParallel
        global wrapped
        wrapped += 1
        self.rank, self.size = world()
        ids = [torch.cuda.current_device()] if device.type == "cuda" else None
        # some steps may leave a parameter out (a language model's adapters before they are tuned)
        self.ddp = DistributedDataParallel(_Objective(module, loss_fn), device_ids=ids, find_unused_parameters=True)
        self.weight = 1.0

    def loss(self, _module, batch) -> torch.Tensor:
        """The model's loss on ``batch`` through DDP (gradients averaged in backward), weighted by
        this worker's share of the step's examples (1 when the step's batches are equal)."""
        out = self.ddp(batch)
        return out * self.weight if self.weight != 1.0 else out

    def shard(self, batches: Iterable) -> Iterator:
        """This worker's batches of the epoch (``shard``); sets ``weight`` for each."""
        for batch, weight in shard(batches, self.rank, self.size):
            self.weight = weight
            yield batch

    def steps(self, n_batches: int | None) -> int | None:
        """Batches this worker gets out of ``n_batches``."""
        return None if n_batches is None else max(0, math.ceil((n_batches - self.rank) / self.size))

    def join(self):
        """Context for the batch loop: workers with one batch fewer shadow the others' last
        gradient exchange (torch's Join; the gradient is averaged over the workers that had one)."""
        return self.ddp.join(divide_by_initial_world_size=False)

    def mean(self, total: float, count: int) -> tuple[float, int]:
        """(sum of every worker's batch losses, number of batches), over all workers."""
        import torch.distributed as dist
        t = torch.tensor([float(total), float(count)], dtype=torch.float64, device=_comm_device())
        dist.all_reduce(t)
        return float(t[0]), int(t[1])

    def agree(self, metrics: dict[str, float]) -> dict[str, float]:
        """Rank 0's validation metrics, on every worker."""
        import torch.distributed as dist
        box = [metrics]
        dist.broadcast_object_list(box, src=0, device=_comm_device())
        return box[0]


def shard(batches: Iterable, rank: int, size: int) -> Iterator[tuple[Any, float]]:
    """(batch, weight) for worker ``rank`` of ``size``: batches r, r + N, ... of ``batches`` (all
    are drawn, so every worker's random generator stays in step). weight: the batch's share of the
    examples of its step (the N batches trained together) times the workers in that step; 1 when
    the step's batches are of one size."""
    it = iter(batches)
    while True:
        step = list(itertools.islice(it, size))
        if not step:
            return
        if rank < len(step):
            sizes = [_examples(b) for b in step]
            yield step[rank], sizes[rank] * len(step) / max(sum(sizes), 1)


def _examples(batch) -> int:
    """Examples in a batch: the length of its first tensor (1 when it has none)."""
    first = batch[0] if isinstance(batch, (tuple, list)) and batch else batch
    return int(first.shape[0]) if isinstance(first, torch.Tensor) and first.dim() else 1


def _comm_device() -> torch.device:
    import torch.distributed as dist
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")

