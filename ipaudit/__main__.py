"""Lets ``python -m ipaudit`` run the command line."""

from __future__ import annotations

from ipaudit.cli import main

if __name__ == "__main__":
    main()
