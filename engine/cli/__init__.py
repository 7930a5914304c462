"""`recscope`, the command line (``main``); see ``engine.cli.main`` for the layout."""

from engine.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
