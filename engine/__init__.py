"""RecScope engine: data, models, training, evaluation, explanations and compression.

Pure Python + numpy/scipy/torch/pandas/scikit-learn/shap. Never imports Qt.
"""

from engine.machine.cache import keep_torch_cache_here
from engine.machine.threads import set_thread_env

__version__ = "0.1.0"

keep_torch_cache_here()
set_thread_env()
