"""Data readers, schema inference, Interactions, catalog, filters, splits and profiles."""

from engine.data.catalog import ItemCatalog, JoinReport, catalog_from_table, join_catalog, read_catalog
from engine.data.dataset import (DEFAULT_EVENT_WEIGHTS, DataReport, Dataset, FilterPreview, attach_catalog,
                                 build_dataset, open_dataset, preview_filters)
from engine.data.load_filters import LoadFilters
from engine.data.interactions import Interactions
from engine.data.readers import read_table
from engine.data.table import Table
from engine.data.inference import infer_mapping
from engine.data.schema import ColumnMapping

__all__ = ["ColumnMapping", "DEFAULT_EVENT_WEIGHTS", "DataReport", "Dataset", "FilterPreview", "Interactions",
           "ItemCatalog", "JoinReport", "LoadFilters", "Table", "attach_catalog", "build_dataset",
           "catalog_from_table", "infer_mapping", "join_catalog", "open_dataset", "preview_filters",
           "read_catalog", "read_table"]
