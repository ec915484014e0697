"""Correcting what was read, deliberately: Return opens a correction, the digits are typed (the
panel shows them), Return applies it; Esc or a new stroke cancels it. A digit key with no
correction open opens one with that digit typed: a lone digit key never teaches.

Applying aligns the typed digits to the strokes. The pieces read (the digits, left to right)
are grouped into as many runs of neighbours as digits were typed -- or, with more digits typed
than pieces read, the single strokes, left to right by their middles -- and of all such
groupings the one is kept whose groups both readers find likeliest to be the typed digits
(dynamic programming over the sum of log probabilities, Recognizer.read_groups). That grouping
is what the drawing reads as at once, and every digit typed is taught as one digit is taught
(adaptation.py, a 28x28 sample in the user's folder). A digit made of several pieces is taught
as a join too, so that the same writer's next two-stroke 4 is read as one digit
(Recognizer._join_close_pieces). Ctrl+Z right after takes the whole correction back. Pure
logic: App routes keys and strokes here.
"""

import dataclasses
import math
import pathlib

import numpy as np

from digitpad.adaptation import JOINED_PREFIX
from digitpad.status import counted

UNDO_HINT = "Ctrl+Z takes it back."  # the last words of a correction's message


@dataclasses.dataclass(frozen=True)
class Alignment:
    groups: tuple[tuple[int, ...], ...]  # stroke indices of each typed digit, left to right
    digits: tuple[int, ...]  # the typed digits
    joined: tuple[bool, ...]  # group i joins several of the pieces that were read
    teach: tuple[bool, ...]  # digit i is taught (all of them, or the one digit corrected)


@dataclasses.dataclass
class _Taught:
    version: int  # the drawing version the correction was made at
    paths: list[pathlib.Path]  # its samples, in the order taught
    joined: list[bool]  # whether each was taught as a join
    typed: str = ""  # the number the drawing was corrected to


def stroke_units(strokes, units) -> list[tuple[int, ...]]:
    """The strokes of `units` (tuples of indices into strokes) one by one, left to right by the
    middle of each stroke's box: what a typed number longer than the pieces read is fitted to."""
    indices = sorted({index for unit in units for index in unit if not strokes[index].erase})

    def middle(index):
        xs = np.asarray(strokes[index].points, np.float64).reshape(-1, 2)[:, 0]
        return (xs.min() + xs.max()) / 2

    return [(index,) for index in sorted(indices, key=middle)]


def best_runs(log_probabilities: dict, count: int, typed: tuple[int, ...]) -> list[tuple[int, int]] | None:
    """The split of `count` units, in order, into len(typed) runs [start, end) that maximises the
    sum of log_probabilities[(start, end)][typed digit]; None when no split exists."""
    digits = len(typed)
    if not 0 < digits <= count:
        return None
    # best[m][j]: the best score of the first m digits over the first j units, and where its run began
    best = [[(-math.inf, -1)] * (count + 1) for _ in range(digits + 1)]
    best[0][0] = (0.0, -1)
    for m in range(1, digits + 1):
        for end in range(m, count - (digits - m) + 1):
            for start in range(m - 1, end):
                before = best[m - 1][start][0]
                scores = log_probabilities.get((start, end))
                if before == -math.inf or scores is None:
                    continue
                score = before + float(scores[typed[m - 1]])
                if score > best[m][end][0]:
                    best[m][end] = (score, start)
    if best[digits][count][0] == -math.inf:
        return None
    runs, end = [], count
    for m in range(digits, 0, -1):
        start = best[m][end][1]
        runs.append((start, end))
        end = start
    return runs[::-1]


def align(recognizer, strokes, canvas_size: int, result, typed: str, only: int | None = None) -> Alignment | None:
    """The grouping of the drawing's strokes that best fits the typed digits (see the module's
    words), or None when they cannot fit (more digits typed than strokes). Every digit is
    taught, or with `only` (a probability bar clicked) just the digit of that index."""
    units = [tuple(digit.strokes) for digit in result.digits]
    digits = tuple(int(character) for character in typed)
    if not units or not all(units) or not digits:
        return None
    original = set(units)
    if len(digits) == len(units):
        groups = units  # as many digits as read: the pieces stay as they are
    else:
        if len(digits) > len(units):
            units = stroke_units(strokes, units)
        candidates = [(start, end) for start in range(len(units))
                      for end in range(start + 1, min(len(units), start + len(units) - len(digits) + 1) + 1)]
        merged = {(start, end): tuple(sorted(index for unit in units[start:end] for index in unit))
                  for start, end in candidates}  # each run's strokes, as one group
        probabilities = recognizer.read_groups(strokes, canvas_size, list(merged.values()))
        scores = dict(zip(merged, np.log(np.maximum(probabilities, 1e-12)), strict=True))
        runs = best_runs(scores, len(units), digits)
        if runs is None:
            return None
        groups = [merged[run] for run in runs]
    joined = tuple(sum(set(unit) <= set(group) for unit in original) > 1 for group in groups)
    teach = tuple(only is None or index == only for index in range(len(groups)))
    return Alignment(tuple(groups), digits, joined, teach)


class Corrections:
    """The correction being typed, the grouping the last one gave the drawing, and what the
    corrections since the drawing last changed taught (so Ctrl+Z can take them back)."""

    def __init__(self, max_digits: int, files=None):
        self.max_digits = max_digits  # no more digits than the recogniser reads can be typed
        self.files = files  # told of each sample file stored and removed (taught_files.TaughtFiles), or None
        self.typed: str | None = None  # the digits typed so far; None when no correction is open
        self._grouping: tuple[int, tuple[tuple[int, ...], ...]] | None = None  # (version, groups)
        self._taught: list[_Taught] = []

    # ------------------------------------------------------------------ typing
    @property
    def is_open(self) -> bool:
        return self.typed is not None

    def open(self, digit: int | None = None) -> None:
        self.typed = ""
        if digit is not None:
            self.type(digit)

    def type(self, digit: int) -> None:
        if self.typed is not None and len(self.typed) < self.max_digits:
            self.typed += str(digit)

    def erase(self) -> None:
        if self.typed:
            self.typed = self.typed[:-1]

    def cancel(self) -> bool:
        """Close the correction without applying it; True when one was open."""
        was_open, self.typed = self.is_open, None
        return was_open

    # ------------------------------------------------------------------ the drawing's grouping
    def groups_for(self, version: int):
        """The grouping a correction gave the drawing at this version, or None (the usual
        grouping applies)."""
        if self._grouping is not None and self._grouping[0] == version:
            return self._grouping[1]
        return None

    # ------------------------------------------------------------------ applying and taking back
    def apply(self, recognizer, store, strokes, canvas_size: int, result, version: int,
              typed: str | None = None, only: int | None = None) -> tuple[str, bool]:
        """Apply the typed correction (or `typed`, with `only` the one digit it changes) to the
        drawing read as `result` at `version`: (what to tell the user, whether it is an error).
        The correction closes, whatever happens."""
        typed = self.typed if typed is None else typed
        self.typed = None
        if not typed:
            return "Nothing typed: the correction is closed.", False
        if not result.digits:
            return "Draw a number first, then press Return and type what it is.", False
        alignment = align(recognizer, strokes, canvas_size, result, typed, only)
        if alignment is None:
            return (f"{typed} does not fit this drawing ({counted(len(result.digits), 'digit')} read from "
                    f"{counted(sum(not stroke.erase for stroke in strokes), 'stroke')}): nothing taught."), True
        model = recognizer.model
        regrouped = alignment.groups != tuple(tuple(digit.strokes) for digit in result.digits)
        if regrouped:
            self._grouping = (version, alignment.groups)
        wanted = [index for index, teach in enumerate(alignment.teach) if teach]
        if model.adapter is None:
            return f"Read as {typed}, but this model cannot learn from it ({model.cannot_adapt}).", True
        images = recognizer.read_group_images(strokes, canvas_size, [alignment.groups[index] for index in wanted])
        taught = _Taught(version, [], [], typed)
        try:
            for index, image in zip(wanted, images, strict=True):
                # what is stored (8-bit) is what is taught, so a restart rebuilds exactly this
                image = (np.round(np.clip(image, 0.0, 1.0) * 255) / 255).astype(np.float32)
                joined = alignment.joined[index]
                path = store.save_sample(image, alignment.digits[index], JOINED_PREFIX if joined else "sample-")
                model.teach(image, alignment.digits[index], joined=joined)
                taught.paths.append(path)
                taught.joined.append(joined)
                if self.files is not None:
                    self.files.added(path)
        except OSError as error:
            self._take_back(taught, model, store, self.files)
            return f"Could not store the sample: {error}", True
        finally:
            if taught.paths:
                self._taught.append(taught)
        joins = sum(taught.joined)
        how = f", and how {'its' if len(wanted) == 1 else 'their'} strokes go together" if joins else ""
        return (f"Corrected to {typed}: taught {len(wanted)} digit{'s' if len(wanted) != 1 else ''}{how}. "
                f"{UNDO_HINT}"), False

    def still_reads(self, message: str, version: int, text: str) -> str:
        """`message` (apply's), told that the drawing, read again after the correction made at
        this version, still reads otherwise (`text`), before its "Ctrl+Z takes it back": a digit
        that looks much like the ordinary digits of another label keeps its reading
        (digitpad.adaptation: teaching adapts to a writer, and a stray correction must not turn
        real digits into others). `message` as it is when it reads as typed, or no correction
        was made at this version."""
        typed = self._taught[-1].typed if self.can_undo(version) else text
        if text == typed:
            return message
        kept = []
        if len(text) == len(typed):
            kept = [read for read, wanted in zip(text, typed, strict=True) if read != wanted]
        like = f"like most {kept[0]}s" if len(set(kept)) == 1 else "like ordinary digits"
        told = f"It still reads {text}: it looks too much {like} to be read otherwise."
        if message.endswith(UNDO_HINT):
            return f"{message.removesuffix(UNDO_HINT)}{told} {UNDO_HINT}"
        return f"{message} {told}"

    def can_undo(self, version: int) -> bool:
        """Whether Ctrl+Z should take back a correction: one was made at this version."""
        return bool(self._taught) and self._taught[-1].version == version

    def undo(self, model, store, version: int) -> tuple[str, bool]:
        """Take back the last correction made at this version (its samples, its adaptation and
        the grouping it gave)."""
        taught = self._taught.pop()
        if self._grouping is not None and self._grouping[0] == version and not self.can_undo(version):
            self._grouping = None
        try:
            self._take_back(taught, model, store, self.files)
        except OSError as error:
            return f"Could not remove a taught sample: {error}", True
        return "Correction taken back.", False

    @staticmethod
    def _take_back(taught: _Taught, model, store, files) -> None:
        while taught.paths:
            store.delete_sample(taught.paths[-1])
            if files is not None:
                files.removed(taught.paths[-1])
            taught.paths.pop()
            model.untaught(joined=taught.joined.pop())

    def forget(self) -> None:
        """Everything taught was forgotten: nothing is left to take back."""
        self._taught.clear()
        self._grouping = None
