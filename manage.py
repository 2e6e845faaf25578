#!/usr/bin/env python
from dangjian.cli import main

if __name__ == "__main__":
    main()
