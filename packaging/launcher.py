"""Entry script of the frozen app (PyInstaller): the same as ``python -m desktop``."""

import multiprocessing
import sys

from desktop.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start a second GUI
    sys.exit(main())
