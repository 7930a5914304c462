"""RecScope engine: data, models, training, evaluation, explanations and compression.

Pure Python + numpy/scipy/torch/pandas/scikit-learn/shap. Never imports Qt.
"""

__version__ = "0.1.0"
