"""pyqtgraph helpers: labelled plots that only draw arrays computed by the engine."""
