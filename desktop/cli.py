"""`recscope gui [PATH]`: the desktop's sub-command, added to the engine's CLI through the
``recscope.commands`` entry point (pyproject.toml) so that the engine never imports the desktop."""

from __future__ import annotations


def add_gui_command(subparsers) -> None:
    """Register ``gui`` on the `recscope` sub-parsers."""
    s = subparsers.add_parser("gui", help="open the desktop app")
    s.add_argument("path", nargs="?")
    s.set_defaults(func=cmd_gui)


def cmd_gui(args) -> int:
    from desktop.app import main as gui_main
    return gui_main([args.path] if args.path else [])
