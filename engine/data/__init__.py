"""Data readers, schema inference, Interactions, catalog, filters, splits and profiles."""
