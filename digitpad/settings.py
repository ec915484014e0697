"""Every tunable of the app in one place: typed, frozen dataclasses with a comment per field."""

import dataclasses

from digitpad.adaptation import AdaptationSettings
from digitpad.grouping import PROPOSAL, GroupingSettings
from digitpad.preprocess import PreprocessSettings


@dataclasses.dataclass(frozen=True)
class RecognitionSettings:
    confident: float = 0.80  # below this probability a digit is shown as "not sure"
    max_ink_fraction: float = 0.35  # a 28x28 input with more ink than this is a scribble, not a digit
    max_ink_length: float = 5.0  # strokes longer than this x the digit's size are a scribble, not a
    # digit (preprocess.ink_length_ratio; the longest of the 60,000 MNIST training digits: 3.7)
    max_ink_depth: float = 7.0  # ink deeper than this in the 28x28 input is a solid patch, not strokes
    # (preprocess.ink_depth; the deepest of the 60,000 MNIST training digits: 6.6)
    max_stroke_share: float = 0.5  # strokes wider than this x the digit's size are a solid patch
    # (preprocess.stroke_share; 99.9% of MNIST training digits are below 0.29)
    max_holes: int = 4  # more enclosed holes than this are a scribble (MNIST training digits: at most 4)
    max_digits: int = 12  # more pieces than this: not a number ("too many digits")
    min_digit_size: float = 0.08  # a drawn digit whose ink box (recognition brush included) is
    # shorter than this x the canvas side on its longest side is "too small to read": pen digits
    # drawn that small (about 33 of 560 canvas pixels tall) are read right only 67-78 % of the
    # time and confidently wrong 15-23 %; at 0.10 of the canvas, 95 % and 2 %. A dot is 0.025.
    # Drawings only: a picture's digits may be any size within it.
    max_dot_extent: float = 1.6  # too small ink whose box is shorter than this x its stroke width
    # is "just a dot" (a click: 1.3; the stubbiest of the 60,000 MNIST training digits: 1.8)
    join_gap: float = 0.1  # neighbours closer than this x their height may be one digit (the model
    # decides); the gaps people leave between the digits of a number are wider
    touch_gap: float = 0.05  # a piece this close to its neighbour (gap below this x their height, or
    # overlapping) and much smaller than it (see part_size) -- a 4's stem, a 5's floating flag --
    # is part of that digit whenever the model reads the joined ink confidently
    part_size: float = 0.6  # "much smaller": under this x the neighbour's height or width (the bar
    # of an open 4 spans about the top half of its stem; neighbouring digits are of a size)
    learned_join_share: float = 0.5  # neighbours are also joined when a digit the user joined by a
    # correction decides the joined ink's reading this far (AdaptedModel.join_shares) and it is
    # read confidently: the same writer's next two-stroke 4 is one digit
    learned_join_gap: float = 0.5  # ... and, joining by reading, such neighbours are read joined up to
    # this x their height apart: a user who wrote a 4's stem far from its "L" and corrected it
    # gets it joined again (the prior alone stops at max_join_gap). The taught digits decide
    # (learned_join_share), so ink unlike what was taught is not joined
    join_by_reading: bool = True  # neighbouring pieces are joined by reading: the grouping both
    # readers and the geometric prior find likeliest (digitpad.joining); False: by the
    # hand-set rules of join_gap, touch_gap and part_size (Recognizer._join_close_pieces)
    join_prior: tuple[float, ...] = ()  # weights of the geometric prior (digitpad.join_prior,
    # bias last); (): the shipped model/grouping-prior.json (train_model.py --grouping-prior-only)
    join_prior_weight: float = 1.0  # say of the prior against the readers' log probabilities
    join_prior_odds: float = -1.0  # log odds added to the prior's: it is fitted with pairs of one
    # digit and of two weighed alike (the odds the geometry gives), and pairs of one digit are rarer.
    # Chosen on folds 0 and 1 with the prior's L2 (0 to -1.5, bench/README "Tight numbers"): the
    # fewest wrong readings there; their tight numbers 98.75 / 98.75 % (at 0: 98.0 / 98.75 %)
    min_join_prior: float = 0.01  # neighbours whose prior of being one digit is below this are not
    # read joined: it keeps the extra model inputs to a few (the folds read the same at 0.001)
    max_join_gap: float = 0.25  # ... nor neighbours further apart than this x their height (people
    # leave 0.15-0.45 between digits; the prior, fitted on few far pairs of one digit, is not asked)
    sure_apart_overlap: float = 0.0  # ... nor two pieces of a size (see part_size) both read
    # confidently, unless their columns overlap by more than this x their height: the readers
    # are overconfident on odd joined ink (two upright 1s side by side read as one 1). 0: only
    # pieces with a gap between them (at 0.1, a 4 whose stem overlaps its "L" a little, both
    # read as sure "11", stayed two; folds 0 and 1 read the same at 0 and with no such rule)
    not_digit_join_weight: float = 1.0  # when joining by reading, each piece alone counts at (1 - q)
    # ** this x its probability, q the not-a-digit reader's probability that it is no digit: the
    # "L" of an open 4 written apart from its stem is no digit alone, so it joins the stem. 0: the
    # reader has no say in the grouping; 1: q as a probability (p(digit d) = p(a digit) p(d | a digit))
    not_digit_join_odds: float = 0.0  # ... with q's log odds shifted by this first (< 0: the reader
    # trusted less). 0: the reader trained on three times as many digits is less sure that an
    # open 4's "L" is no digit (0.88-0.99), and at -4.6 (1 in 100, the choice for the reader
    # before it) fold 2's 4s split again; at 0 fold 0 lost 1 tight number of 400 (bench/README).
    # Runs read joined get no such term: the reader calls many a real 5 of a tight number 0.9 "no
    # digit", and its flag then joined the digit beside it
    max_join_run: int = 3  # at most this many neighbouring pieces are read as one digit
    doubt_factor: float = 0.01  # a piece not shaped like a digit alone (too small, a dot, ...)
    # reads at this x its probability when the grouping is chosen: a 5's floating flag joins
    max_joined_aspect: float = 2.0  # pieces are never joined into ink wider than this x its height
    # (99.9% of MNIST digits are narrower than 1.82 x their height)
    recognition_brush: float = 12.0  # ink is recognised as if drawn with this brush (canvas pixels),
    # whatever brush shows it; 0 keeps the user's brush. Stroke width is normalised afterwards.
    recognition_scale: float = 0.5  # recognition rasterises the canvas at this fraction of its size
    live_interval_seconds: float = 0.1  # while drawing, recognise at least this often
    stroke_weight: float = 0.40  # say of the stroke model in a drawn digit's reading: log p =
    # (1 - w) log p_image + w log p_strokes; 0 reads the picture alone. Chosen on the cross-writer
    # folds (bench/stroke_folds.py: best mean over all three folds; 0.30-0.55 per pair of folds)
    not_digit_above: float = 0.998  # a piece shaped like a digit is "not a digit" when the
    # not-a-digit reader (digitpad/nondigit.py) gives it a higher probability than this; 1.0 never.
    # Chosen on the cross-writer folds (bench/nondigits.py): the lowest of 0.995-0.9998 that shows
    # at most 0.3 points more right single digits "not sure" (with the two stroke models: +0.27 at
    # 0.998, +0.41 at 0.995)
    max_overlap: float = 0.05  # two neighbouring digits are both "not sure" when their ink boxes
    # overlap by more than this x the taller one's height and, on a row both have ink, one reaches
    # that far into the other's, or their ink comes within overlap_near (joining.overlapping):
    # digits of a number stand side by side, and two readings that overlap are more often a letter
    # cut in two (a cursive n read 92) than digits (pen digits laid out tight overlap by at most
    # 0.03 when read; bench/README). math.inf: never
    overlap_near: float = 0.05  # ... x the taller one's height: a letter's pieces nearly touch; a 4
    # leaning its "L" under the 7 before it, with a clear gap on every row, is left alone
    paths_meet: float = 0.25  # two neighbouring digits are also both "not sure" (overlapping) when
    # their pen paths come within this x the brush width (joining.paths_meeting): the strokes of one
    # letter meet (a V of two strokes read 11); of 722 neighbouring digits in tight pen numbers read
    # right and sure, none came within 0.25, 0.7 % within 0.5 (bench/README). 0: never
    preprocess: PreprocessSettings = PreprocessSettings()  # how ink becomes 28x28 inputs
    grouping: GroupingSettings = PROPOSAL  # how a drawing's strokes are grouped into the pieces
    # that joining by reading starts from (digitpad.grouping.PROPOSAL)
    hand_grouping: GroupingSettings = GroupingSettings()  # how they are grouped into digits when the
    # hand-set rules join instead (join_by_reading off, or no readable prior)


@dataclasses.dataclass(frozen=True)
class CanvasSettings:
    canvas_size: int = 560  # side of the square canvas in canvas pixels (strokes are stored in these)
    default_brush: float = 24.0  # brush diameter at start, canvas pixels
    min_brush: float = 4.0  # smallest brush the wheel or [ ] gives
    max_brush: float = 64.0  # largest brush
    brush_step: float = 4.0  # change per wheel notch or [ ] press
    eraser_factor: float = 2.0  # the eraser is this many times the brush


@dataclasses.dataclass(frozen=True)
class WindowSettings:
    initial_size: tuple[int, int] = (948, 620)  # window size at start: a 560-pixel canvas at scale 1
    min_size: tuple[int, int] = (480, 360)  # the window is not made smaller than this
    panel_width: int = 340  # width of the side panel at the initial size
    frames_per_second: int = 60  # frame cap of the main loop
    title: str = "digitpad"  # window title


@dataclasses.dataclass(frozen=True)
class Settings:
    recognition: RecognitionSettings = RecognitionSettings()
    canvas: CanvasSettings = CanvasSettings()
    window: WindowSettings = WindowSettings()
    adaptation: AdaptationSettings = AdaptationSettings()  # how taught digits change what is read
