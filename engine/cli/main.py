"""`recscope` command line: every GUI action has a headless twin here.

Exit status: 0 success, 2 bad input or arguments (one line on stderr, never a traceback),
1 an unexpected internal error (one line on stderr; the traceback goes to the log file),
130 interrupted.

Sub-commands live in this package, one module per area (``data``, ``fit``, ``rerank``, ``simulate``,
``compress``, ``explain``, ``export``, ``pipeline``), each with an ``add_*`` function; shared
helpers are in ``common``.
Installed packages add commands through the ``recscope.commands`` entry-point group (a callable
taking the sub-parsers): that is how the desktop adds ``recscope gui`` without the engine
importing it.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from importlib.metadata import entry_points
from pathlib import Path

from engine.cli.common import Parser, terminal_text
from engine.cli.compress import add_compress_command
from engine.cli.data import add_data_commands
from engine.cli.explain import add_explain_commands
from engine.cli.export import add_export_command
from engine.cli.fit import add_fit_commands
from engine.cli.pipeline import add_pipeline_command
from engine.cli.rerank import add_rerank_command
from engine.cli.simulate import add_simulate_command
from engine.errors import EngineError

log = logging.getLogger("recscope")

#: Entry-point group through which other installed packages add sub-commands.
PLUGIN_GROUP = "recscope.commands"


def build_parser() -> Parser:
    """The `recscope` parser with every sub-command: the engine's own, then the plugins'."""
    p = Parser(prog="recscope", description="Offline recommendation analysis.")
    p.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for add in (add_data_commands, add_fit_commands, add_rerank_command, add_simulate_command,
                add_compress_command, add_explain_commands, add_export_command, add_pipeline_command):
        add(sub)
    for ep in sorted(entry_points(group=PLUGIN_GROUP), key=lambda e: e.name):
        ep.load()(sub)
    return p


def _log_path() -> Path:
    base = Path(os.environ.get("RECSCOPE_LOG_DIR") or Path.home() / ".cache" / "recscope" / "logs")
    return base / "cli.log"


def main(argv: list[str] | None = None) -> int:
    with terminal_text():  # client data (titles, ids, cell values in errors) never drives the terminal
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        args = build_parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)   # as given: data-parallel workers rerun it
        return int(args.func(args) or 0)
    except EngineError as e:
        print(f"recscope: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("recscope: interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # the disk or folder refused a write (full, read-only, not a folder): not internal
        where = f"{e.filename}: " if e.filename else ""
        print(f"recscope: error: {where}{e.strerror or ' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except Exception as e:  # last resort: never show a traceback to a user
        path = _log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} recscope {' '.join(argv or sys.argv[1:])}\n")
                fh.write(traceback.format_exc())
            where = f" (details in {path})"
        except OSError:
            where = ""
        print(f"recscope: internal error: {type(e).__name__}: {' '.join(str(e).split())}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
