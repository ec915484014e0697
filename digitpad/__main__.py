"""python -m digitpad [predict FILE... | --self-test]"""

import sys

from digitpad.cli import main

if __name__ == "__main__":
    sys.exit(main())
