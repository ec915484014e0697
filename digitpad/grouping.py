"""Group a drawing's strokes into digits, using the order they were drawn in as well as where
they lie. Pure functions, numpy and OpenCV.

People write a digit's strokes one after another, and a stroke that crosses or lies within a
digit already written belongs to it even when it comes later: the bar of a 7 or the slash of a
0 added after the whole number, a 4's second stroke, a 5's flag. So each stroke, in drawing
order, goes to
  1. the digit written so far over whose columns it lies (its middle column inside the digit's
     columns and their columns overlapping by within_columns; or overlapping by
     touching_columns when their inks touch, unless it is as tall as a digit and its middle
     column is outside: split_touching); of several, the one most of the stroke lies over;
  2. else the digit written just before it, when it comes within continue_gap of it (or touches
     its ink) without standing beside it (beside_size, beside_columns): that starts the next piece,
     and the recogniser decides by reading whether the two are one digit (split_touching; with
     it off, touching ink always goes on with the digit before it, as for the geometric split
     of preprocess.split_digits);
  3. else a digit it is much smaller than and close beside (a floating flag, a broken stroke);
  4. else it starts a new digit.
Digits are returned left to right, whatever order they were written in. These are the hand-set
rules (GroupingSettings(), for the recogniser's hand-set joins). The recogniser joins by
reading from finer pieces, PROPOSAL: rules 2 and 3 only for strokes that overlap or touch, and
split_touching; the readers and a learned prior then decide which neighbours are one digit.

Erasers: an eraser stroke clears the ink drawn before it, in every digit (recognition renders
each digit's strokes together with the erasers, in drawing order). For grouping, each ink stroke
counts by the part of it that is still visible: a stroke erased entirely belongs to no digit,
and a partly erased one is placed by the box of what remains (a stroke erased in its middle
stays one stroke, in one digit). Erasers belong to no group.
"""

import dataclasses

import cv2
import numpy as np

from digitpad.drawing import Stroke
from digitpad.ink import draw_stroke


@dataclasses.dataclass(frozen=True)
class GroupingSettings:
    within_columns: float = 0.5  # a stroke lies within a digit when their columns overlap by this
    # share of the narrower of the two and the stroke's middle column is inside the digit's columns
    touching_columns: float = 0.25  # ... or overlap by this share when their ink touches or crosses
    # (a 4's bar drawn after its stem reaches left of it; a 1's base is wider than the 1)
    part_size: float = 0.5  # a stroke whose box is smaller than this x a digit's height on its
    # longest side is a part (a 5's floating flag, the end of a broken stroke) ...
    part_gap: float = 0.1  # ... and joins that digit when closer to its ink box than this x the
    # digit's height (people leave 0.15-0.45 of a digit's height between digits)
    continue_gap: float = 0.1  # a stroke closer than this x the height of the digit drawn just
    # before it goes on with it (rule 2), unless it stands beside it
    touch_scale: float = 0.25  # whether inks touch is judged on a raster this fraction of the
    # canvas (a few canvas pixels are enough to tell a crossing from a gap)
    max_touch_side: int = 1024  # ... which is at most this many pixels a side (ink further out,
    # far off any canvas, is not seen touching)
    beside_size: float = 0.5  # a stroke stands beside the digit before it (rule 2; with split_touching
    # also when their inks touch) when it is at least this x the digit's height ...
    beside_columns: float = 0.25  # ... its middle column outside the digit's columns, and their
    # columns overlapping by less than this share of the narrower of the two
    split_touching: bool = False  # a stroke as tall as a digit standing beside the digit before it,
    # or touching a digit with its middle column outside it, starts a new piece even when their
    # inks touch (two digits written touching); the recogniser
    # then decides by reading whether the two are one digit (digitpad.joining). False:
    # touching ink always goes on with the digit before it (the hand-set rule 2)
    max_strokes: int = 200  # more ink strokes than this are not grouped one by one: one group
    # (a scribble, judged as a whole, as preprocess.split_digits does with too many pieces)


DEFAULT_GROUPING = GroupingSettings()  # the hand-set rules, deciding alone (with Recognizer's hand-set joins)
# The pieces that joining by reading starts from (digitpad.joining): finer, for the
# readers and the prior decide what is one digit. Rules 2 and 3 take a stroke only when it
# overlaps or touches, and not when it stands beside the digit: its middle column outside the
# digit's, sharing under half the columns of the narrower of the two, and at least 0.3 of the
# digit's height (the first stroke of a 4 or an 8 written touching the digit before it; a 1
# overlapping its neighbour by a little). Chosen on fold 0 (bench/folds.py --grouping): tight
# numbers 86.0 -> 91.0 % (the first finer pieces); standing beside from 0.3 of the height and
# half the columns (instead of 0.5 and a quarter), with the prior of the same pieces: fold 0's
# tight numbers 88.25 -> 98.50 % together with the prior's new features and odds (README).
PROPOSAL = GroupingSettings(split_touching=True, continue_gap=0.0, part_gap=0.0, beside_size=0.3,
                            beside_columns=0.5)


@dataclasses.dataclass
class _Group:
    members: list[int]  # stroke indices, in drawing order
    box: list[float]  # (left, top, right, bottom) of its visible ink, canvas pixels
    ink: np.ndarray | None = None  # its ink on the touch raster, made when first asked for


def group_strokes(strokes: list[Stroke], settings: GroupingSettings = DEFAULT_GROUPING) -> list[list[int]]:
    """Strokes in drawing order (canvas pixels) -> groups of indices into `strokes`, one group
    per digit, left to right (by the middle of each group's ink box); each group's indices in
    drawing order. Eraser strokes, and ink strokes erased entirely, are in no group."""
    for stroke in strokes:
        if not isinstance(stroke, Stroke):
            raise TypeError(f"expected digitpad.drawing.Stroke, got {type(stroke).__name__}")
    touch = _TouchRaster(strokes, settings.touch_scale, settings.max_touch_side)
    visible = [(index, box) for index, box in enumerate(touch.visible_boxes()) if box is not None]
    if not visible:
        return []
    if len(visible) > settings.max_strokes:
        return [[index for index, _ in visible]]
    groups: list[_Group] = []
    current: _Group | None = None  # the digit the previous stroke went to
    for index, box in visible:
        target = _owner(index, box, groups, current, touch, settings)
        if target is None:
            target = _Group([], list(box))
            groups.append(target)
        else:
            target.box = _union(target.box, box)
            target.ink = None
        target.members.append(index)
        current = target
    groups.sort(key=lambda group: group.box[0] + group.box[2])
    return [group.members for group in groups]


def _owner(index, box, groups, current, touch, settings):
    """The group stroke `index` (visible ink box `box`) belongs to, or None for a new digit."""
    best, best_share = None, 0.0
    for group in groups:
        share = _column_share(box, group.box)
        middle = (box[0] + box[2]) / 2
        inside = group.box[0] <= middle <= group.box[2]
        within = share >= settings.within_columns and inside
        # a digit-tall stroke whose middle is outside the digit is the next digit written touching
        # it as often as a part of it: with split_touching, it starts a piece (reading decides)
        tall_beside = settings.split_touching and not inside and box[3] - box[1] >= settings.part_size * (
            group.box[3] - group.box[1])
        if not within and not (share >= settings.touching_columns and not tall_beside
                               and touch.touches(index, group)):
            continue
        # the digit over which most of the stroke lies; a tie goes to the digit being written
        share = _column_share(box, group.box, box) + (1e-6 if group is current else 0.0)
        if share > best_share:
            best, best_share = group, share
    if best is not None:
        return best
    if current is not None and _continues(box, current.box, settings):
        return current
    if current is not None and touch.touches(index, current) and not (
            settings.split_touching and _stands_beside(box, current.box, settings)):
        return current
    # a part: much smaller than a digit close beside it
    size = max(box[2] - box[0], box[3] - box[1])
    near = []
    for group in groups:
        height = group.box[3] - group.box[1]
        gap = _box_distance(box, group.box)
        if size < settings.part_size * height and gap < settings.part_gap * height:
            near.append((gap, id(group), group))
    return min(near)[2] if near else None


def _continues(box, digit, settings):
    """Whether a stroke drawn right after a digit's strokes (ink box `box`) goes on with that
    digit: it is close to it (continue_gap), and not a stroke as tall as a digit standing beside it
    (its middle column outside the digit's columns, and their columns overlapping less than
    touching_columns), which starts the next digit."""
    if _box_distance(box, digit) >= settings.continue_gap * (digit[3] - digit[1]):
        return False
    return not _stands_beside(box, digit, settings)


def _stands_beside(box, digit, settings):
    """Whether a stroke (ink box `box`) is as tall as a digit standing beside `digit`: at least
    beside_size x its height, its middle column outside the digit's columns, and their columns
    overlapping less than beside_columns."""
    tall = box[3] - box[1] >= settings.beside_size * (digit[3] - digit[1])
    beside = not digit[0] <= (box[0] + box[2]) / 2 <= digit[2] and _column_share(box, digit) < settings.beside_columns
    return tall and beside


def _column_share(box, other, of=None):
    """How much the columns of two boxes overlap, as a share of the columns of box `of` (by
    default the narrower of the two); <= 0 when they do not."""
    overlap = min(box[2], other[2]) - max(box[0], other[0])
    width = of[2] - of[0] if of is not None else min(box[2] - box[0], other[2] - other[0])
    return overlap / max(1e-6, width)


def _box_distance(box, other):
    """Distance between two boxes (0 when they overlap)."""
    gap_x = max(0.0, max(box[0], other[0]) - min(box[2], other[2]))
    gap_y = max(0.0, max(box[1], other[1]) - min(box[3], other[3]))
    return float(np.hypot(gap_x, gap_y))


def _union(box, other):
    return [min(box[0], other[0]), min(box[1], other[1]), max(box[2], other[2]), max(box[3], other[3])]


class _TouchRaster:
    """The strokes on a coarse raster, each alone, as the user sees them (their own brush), with
    the erasers drawn after them applied: tells whose ink is still visible and whose touches."""

    def __init__(self, strokes, scale, max_side):
        self.strokes = strokes
        self.scale = scale
        self.erasers = [index for index, stroke in enumerate(strokes) if stroke.erase]
        points = [np.asarray(stroke.points, np.float64).reshape(-1, 2) for stroke in strokes]
        # (left, top, right, bottom) of each stroke's ink, canvas pixels, before any erasing
        self.boxes = [(*(p.min(axis=0) - s.width / 2), *(p.max(axis=0) + s.width / 2))
                      for p, s in zip(points, strokes, strict=True)]
        right = max((box[2] for box in self.boxes), default=1.0)
        bottom = max((box[3] for box in self.boxes), default=1.0)
        # (rows, columns), from canvas pixel 0
        self.shape = (min(max(int(bottom * scale) + 2, 1), max_side), min(max(int(right * scale) + 2, 1), max_side))
        self.masks: dict[int, np.ndarray] = {}  # stroke index -> its visible ink, (rows, columns) uint8

    def visible_boxes(self):
        """Per stroke, the box of its ink still visible (canvas pixels), or None for erasers and
        erased strokes. Only strokes an eraser came after are rasterised here; ink entirely off
        the raster keeps its whole box."""
        boxes = []
        for index, stroke in enumerate(self.strokes):
            if stroke.erase:
                boxes.append(None)
            elif not any(eraser > index for eraser in self.erasers) or not self.on_raster(index):
                boxes.append(self.boxes[index])
            else:
                mask = self.mask(index)
                if not mask.any():
                    boxes.append(None)
                    continue
                left, top, width, height = cv2.boundingRect(mask)
                own = self.boxes[index]  # the coarse raster's box, kept within the stroke's own
                boxes.append((max(own[0], left / self.scale), max(own[1], top / self.scale),
                              min(own[2], (left + width) / self.scale), min(own[3], (top + height) / self.scale)))
        return boxes

    def on_raster(self, index):
        """Whether some of stroke `index`'s ink lies on the raster (ink off it is not erased)."""
        left, top, right, bottom = self.boxes[index]
        return right >= 0 and bottom >= 0 and left * self.scale < self.shape[1] and top * self.scale < self.shape[0]

    def mask(self, index):
        """Visible ink of stroke `index` on the coarse raster, (rows, columns) uint8 0/1."""
        if index not in self.masks:
            mask = np.zeros(self.shape, np.uint8)
            draw_stroke(mask, self.strokes[index], self.scale)
            for eraser in self.erasers:
                if eraser > index:
                    draw_stroke(mask, self.strokes[eraser], self.scale)
            self.masks[index] = mask
        return self.masks[index]

    def touches(self, index, group):
        """Whether stroke `index`'s visible ink touches or crosses the group's."""
        if group.ink is None:
            group.ink = np.zeros(self.shape, np.uint8)
            for member in group.members:
                cv2.bitwise_or(group.ink, self.mask(member), dst=group.ink)
        return bool(cv2.countNonZero(cv2.bitwise_and(self.mask(index), group.ink)))
