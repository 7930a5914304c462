"""Data readers, schema inference, Interactions, catalog, filters, splits and profiles."""

from engine.data.catalog import ItemCatalog, read_catalog
from engine.data.dataset import (DEFAULT_EVENT_WEIGHTS, DataReport, Dataset, build_dataset,
                                 open_dataset)
from engine.data.interactions import Interactions
from engine.data.readers import Table, read_table
from engine.data.inference import infer_mapping
from engine.data.schema import ColumnMapping

__all__ = ["ColumnMapping", "DEFAULT_EVENT_WEIGHTS", "DataReport", "Dataset", "Interactions",
           "ItemCatalog", "Table", "build_dataset", "infer_mapping", "open_dataset", "read_catalog",
           "read_table"]
