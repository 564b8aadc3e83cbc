#!/usr/bin/env python3
"""Quanzi (圈子): ``python server.py`` serves; ``python server.py --help`` lists the commands."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
