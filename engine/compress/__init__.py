"""Compression with a trade-off report: quantisation, pruning, low-rank, distillation.

``compress(model, "int8", train=..., test=...)`` returns the compressed model (an ordinary
registered Recommender: same interface, safetensors save/load, contract-tested) and a
``CompressReport`` (parameters, bytes on disk, peak memory and latency while scoring, metrics and
their relative change). ``sweep`` runs several methods; ``pareto_points`` turns the reports into the
size-vs-NDCG@10 chart; ``methods_for(model)`` lists the methods that apply (a default sweep).
"""

from engine.compress.api import CompressResult, compress, compressed_run, kinds_for, methods_for, sweep
from engine.compress.report import CompressReport, pareto_points
from engine.compress.spec import MethodSpec, parse_method

__all__ = ["compress", "sweep", "methods_for", "kinds_for", "pareto_points", "compressed_run", "CompressResult",
           "CompressReport", "MethodSpec", "parse_method"]
