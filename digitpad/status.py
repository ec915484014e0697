"""The panel's message line: what the last action did, shown only while it is true."""

import dataclasses
import pathlib


@dataclasses.dataclass(frozen=True)
class Message:
    text: str  # "" when there is nothing to say
    error: bool = False  # shown as a warning
    drawing_version: int | None = None  # the drawing version it describes ("Saved ...", "Taught ...");
    # it goes once the drawing changes. None: true whatever is drawn ("Forgot 3 taught samples")


NOTHING = Message("")


def counted(count: int, noun: str) -> str:
    """"1 digit", "3 digits": a count with its noun, plural when it is not 1."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def folder_text(folder: pathlib.Path) -> str:
    """A folder as a message names it: under the home folder as ~/... (shorter, so a save message
    fits the panel in two lines), elsewhere in full."""
    folder = pathlib.Path(folder)
    try:
        return str(pathlib.Path("~") / folder.relative_to(pathlib.Path.home()))
    except (ValueError, RuntimeError):  # not under home, or no home folder known
        return str(folder)


class StatusLine:
    """The one message the panel shows; messages about the drawing go when the drawing changes."""

    def __init__(self):
        self._message = NOTHING

    def say(self, text: str, error: bool = False, drawing_version: int | None = None) -> None:
        self._message = Message(text, error, drawing_version)

    def clear(self) -> None:
        self._message = NOTHING

    def shown(self, drawing_version: int) -> Message:
        """The message to show with the drawing at drawing_version."""
        about = self._message.drawing_version
        if about is not None and about != drawing_version:
            self._message = NOTHING  # versions only grow: it can never be true again
        return self._message
