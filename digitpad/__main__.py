"""python -m digitpad [predict FILE... | --self-test]; also the `digitpad` command and the
executables' entry point."""

import sys

from digitpad.cli import main as command_line
from digitpad.desktop import name_the_window


def main(argv=None) -> int:
    name_the_window()  # before anything initialises SDL's display, which reads the class then
    return command_line(argv)


if __name__ == "__main__":
    sys.exit(main())
