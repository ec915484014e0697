"""Ink that is not a digit, generated as strokes: letters and signs of Hershey stroke fonts,
geometric shapes, scribbles and cut-off pieces of digits. Not part of the app.

Each family makes drawings as pen paths, a list of (n, 2) float64 arrays (x, y, y down, any
units), which `mouse_drawing` turns into the strokes a mouse user would draw on the canvas with
the same augmentation as the pen digits (training/pen_render.py: slant, rotation, size, place,
uneven speed, mouse reports), after a small smooth random warp of the path (a hand is not a
plotter). Both the image path (the picture of the strokes) and the stroke path (their
sequence) can then be read from them.

Families are held out as writers are, in folds (Family.group): the not-a-digit reader of the
models of writer fold K (train_model.py --hold-out-fold K) never sees a family of group K, and
bench/nondigits.py scores it on them, so every family is scored once by a reader that never saw
its kind; the shipped reader learns from all of them. Variants of one design share a group (a
shape and the same shape turned, a font's letters and signs, a font and its italic or its
complex cut), so that no reader learns a family's twin. The operators of the sums (plus, minus,
equals, times) are in no group: every reader learns them, and the sums test how they are read
between digits. Nor are random glyphs (glyph: strokes of straight and curved pieces, of no
script): every reader learns them, as broad outlier exposure that is not any family scored;
on the folds they caught more of the held-out kinds for as many digits refused (README).
Random closed outlines (outline: polygons, clouds, hearts of no family) are made the same
way but learned by no reader unless asked (nondigit_head.HeadSettings.outlines): tried, they
caught more held-out symbols only by refusing more real 0s of unseen writers (bench/README).
Shapes a person reads as a digit are left out everywhere: O, o, l, I, i, S, s, Z, z, B, b, g,
q, D, d, G, the circle alone, a vertical bar or a slash (a slanted 1: an early version trained
on slashes leaning 25-50 degrees and called many 1s of unseen writers "not a digit"),
brackets, "?" and "!".
"""

import dataclasses
import functools

import numpy as np

from digitpad.drawing import Stroke
from training import pen_digits, pen_render
from training.folds import FOLDS

# letters that look like no digit (issue 19): lower case and capitals
LETTERS = "aefhkmnprtuvwxy" + "AEFHKMNPRVWXY"
# signs of the fonts that look like no digit (a "-" is a shape below; a "/" is a slanted 1)
FONT_SIGNS = "+=*#%@<>&~^"
# the markers font's outlined shapes: square, two triangles, diamond, star, outlined plus, +, x, *
MARKERS = "BCDEFGHIP"


GROUPS = len(FOLDS)  # family folds, one beside each writer fold


@dataclasses.dataclass(frozen=True)
class Family:
    name: str  # "kind/generator", e.g. "letters/cursive"
    kind: str  # "letters", "symbols" or "scribbles"
    group: int | None  # its family fold: readers of writer fold `group` never learn it and are scored on it;
    # None: every reader learns it (the sums' operators)


# ----------------------------------------------------------------------------- fonts
@functools.cache
def font_glyphs(font: str, characters: str) -> tuple[tuple[np.ndarray, ...], ...]:
    """The Hershey font's strokes of each character, y down: a tuple per character of (n, 2)
    float64 arrays (strokes of one point dropped)."""
    from HersheyFonts import HersheyFonts

    fonts = HersheyFonts()
    fonts.load_default_font(font)
    glyphs = []
    for character in characters:
        strokes = tuple(np.asarray(stroke, np.float64) for stroke in fonts.strokes_for_text(character)
                        if len(stroke) > 1)
        if not strokes:
            raise ValueError(f"Hershey font {font!r} has no strokes for {character!r}")
        glyphs.append(strokes)
    return tuple(glyphs)


def font_drawing(font: str, characters: str, rng: np.random.Generator) -> list[np.ndarray]:
    glyphs = font_glyphs(font, characters)
    return [stroke.copy() for stroke in glyphs[rng.integers(len(glyphs))]]


# ----------------------------------------------------------------------------- shapes
def _polyline(points, rng, wobble=0.03, steps=12) -> np.ndarray:
    """Corners (k, 2) -> a hand-drawn path through them: (m, 2), each side `steps` points,
    corners moved by up to `wobble` (units of a shape about 1 across)."""
    corners = np.asarray(points, np.float64) + rng.normal(0, wobble, (len(points), 2))
    pieces = [np.linspace(a, b, steps, endpoint=False) for a, b in zip(corners[:-1], corners[1:], strict=True)]
    return np.vstack(pieces + [corners[-1:]])


def _arc(centre, radius, start, end, rng, steps=40, squash=1.0) -> np.ndarray:
    """An arc of an ellipse (angles in radians, y down), radius wobbling a little."""
    angles = np.linspace(start, end, steps)
    wobble = 1 + 0.04 * np.sin(angles * rng.uniform(1, 3) + rng.uniform(0, 2 * np.pi))
    return np.column_stack([centre[0] + radius * wobble * np.cos(angles),
                            centre[1] + squash * radius * wobble * np.sin(angles)])


def _circle(centre, radius, rng, squash=1.0) -> np.ndarray:
    start = rng.uniform(0, 2 * np.pi)
    overlap = rng.uniform(0.0, 0.3)
    return _arc(centre, radius, start, start + (2 * np.pi + overlap) * rng.choice([-1, 1]), rng, 48, squash)


def _line(a, b, rng) -> np.ndarray:
    return _polyline([a, b], rng, wobble=0.02)


def _shuffle_strokes(strokes, rng) -> list[np.ndarray]:
    """Strokes in a random order, each drawn from either end."""
    order = rng.permutation(len(strokes))
    return [strokes[index][::-1] if rng.uniform() < 0.5 else strokes[index] for index in order]


def plus(rng):
    arm = rng.uniform(0.8, 1.2)
    return _shuffle_strokes([_line((-1, 0), (1, 0), rng), _line((0, -arm), (0, arm), rng)], rng)


def cross(rng):
    return _shuffle_strokes([_line((-1, -1), (1, 1), rng), _line((1, -1), (-1, 1), rng)], rng)


def equals(rng):
    gap = rng.uniform(0.25, 0.6)
    return [_line((-1, -gap / 2), (1, -gap / 2), rng), _line((-1, gap / 2), (1, gap / 2), rng)]


def dash(rng):
    return [_line((-1, 0), (1, rng.uniform(-0.1, 0.1)), rng)]


def arrow(rng):
    head = rng.uniform(0.25, 0.45)
    shaft = _line((-1, 0), (1, 0), rng)
    tip = [_polyline([(1 - head, -head), (1, 0), (1 - head, head)], rng)]
    strokes = [shaft] + tip
    turn = rng.integers(4) * np.pi / 2
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    return [stroke @ rotation.T for stroke in strokes]


def box(rng):
    width = rng.uniform(0.7, 1.3)
    corners = [(-width, -1), (width, -1), (width, 1), (-width, 1), (-width, -1)]
    start = rng.integers(4)
    corners = corners[start:-1] + corners[:start] + [corners[start]]
    return [_polyline(corners, rng)]


def triangle(rng):
    top = rng.uniform(-0.4, 0.4)
    corners = [(top, -1), (1, 0.8), (-1, 0.8), (top, -1)]
    if rng.uniform() < 0.3:  # pointing down
        corners = [(x, -y) for x, y in corners]
    return [_polyline(corners, rng)]


def crossed_circle(rng):
    circle = _circle((0, 0), 1, rng)
    if rng.uniform() < 0.5:
        inside = [_line((-1.1, 0), (1.1, 0), rng), _line((0, -1.1), (0, 1.1), rng)]
    else:
        inside = [_line((-0.8, -0.8), (0.8, 0.8), rng), _line((0.8, -0.8), (-0.8, 0.8), rng)]
    return [circle] + _shuffle_strokes(inside, rng)


def star(rng):
    """A five-pointed star in one stroke (a pentagram) or an outlined one."""
    angles = -np.pi / 2 + np.arange(6) * 4 * np.pi / 5 + rng.uniform(-0.2, 0.2)
    if rng.uniform() < 0.6:
        return [_polyline(np.column_stack([np.cos(angles), np.sin(angles)]), rng, steps=10)]
    outline = -np.pi / 2 + np.arange(11) * np.pi / 5
    radius = np.where(np.arange(11) % 2, rng.uniform(0.35, 0.5), 1.0)
    return [_polyline(np.column_stack([radius * np.cos(outline), radius * np.sin(outline)]), rng, steps=6)]


def tick(rng):
    return [_polyline([(-1, 0), (-0.4, 0.7), (1, -1)], rng)]


def heart(rng):
    t = np.linspace(0, 2 * np.pi, 60)
    x = 16 * np.sin(t) ** 3
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    path = np.column_stack([x, y]) / 16 + rng.normal(0, 0.02, (60, 2))
    if rng.uniform() < 0.5:  # two strokes, each side from the top dip to the tip
        return [path[:31], path[30:][::-1]]
    return [path]


def smiley(rng):
    face = _circle((0, 0), 1, rng)
    eyes = [_circle((side * 0.35, -0.35), rng.uniform(0.04, 0.1), rng) for side in (-1, 1)]
    mouth = _arc((0, 0.05), rng.uniform(0.45, 0.6), 0.2 * np.pi, 0.8 * np.pi, rng, 20)
    return [face] + eyes + [mouth]


def diamond(rng):
    width = rng.uniform(0.5, 1.0)
    return [_polyline([(0, -1), (width, 0), (0, 1), (-width, 0), (0, -1)], rng)]


def hexagon(rng):
    sides = int(rng.choice([5, 6]))
    angles = rng.uniform(0, np.pi) + np.arange(sides + 1) * 2 * np.pi / sides
    return [_polyline(np.column_stack([np.cos(angles), np.sin(angles)]), rng, steps=8)]


def asterisk(rng):
    spokes = int(rng.choice([3, 4]))
    angles = rng.uniform(0, np.pi) + np.arange(spokes) * np.pi / spokes
    return _shuffle_strokes([_line((-np.cos(a), -np.sin(a)), (np.cos(a), np.sin(a)), rng) for a in angles], rng)


def hash_sign(rng):
    return _shuffle_strokes([_line((-0.4, -1), (-0.5, 1), rng), _line((0.4, -1), (0.3, 1), rng),
                             _line((-1, -0.35), (1, -0.35), rng), _line((-1, 0.35), (1, 0.35), rng)], rng)


def not_equal(rng):
    return equals(rng) + [_line((0.4, -0.8), (-0.4, 0.8), rng)]


def lightning(rng):
    return [_polyline([(0.3, -1), (-0.4, 0.1), (0.3, 0.0), (-0.3, 1)], rng)]


def house(rng):
    return [_polyline([(-0.8, 1), (-0.8, -0.2), (0, -1), (0.8, -0.2), (0.8, 1), (-0.8, 1)], rng)]


def sun(rng):
    rays = int(rng.integers(6, 10))
    angles = rng.uniform(0, np.pi) + np.arange(rays) * 2 * np.pi / rays
    strokes = [_line((0.7 * np.cos(a), 0.7 * np.sin(a)), (1.2 * np.cos(a), 1.2 * np.sin(a)), rng) for a in angles]
    return [_circle((0, 0), 0.5, rng)] + strokes


def polygon(rng):
    """A convex polygon of 3-8 corners, of any aspect, in one stroke: the kind a ruler draws."""
    sides = int(rng.integers(3, 9))
    angles = np.sort(rng.uniform(0, 2 * np.pi, sides))
    angles = angles + np.linspace(0, 2 * np.pi, sides, endpoint=False) - angles.mean() + rng.uniform(0, 2 * np.pi)
    angles = np.sort(np.mod(angles, 2 * np.pi))
    corners = np.column_stack([np.cos(angles), rng.uniform(0.4, 1.0) * np.sin(angles)])
    turn = rng.uniform(0, 2 * np.pi)
    corners = corners @ np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]).T
    return [_polyline(np.vstack([corners, corners[:1]]), rng, steps=max(4, 36 // sides))]


def cloud(rng):
    """A closed curve of 5-9 bumps, like a cloud or a flower's outline (bumps deep enough that
    it is not a shaky 0)."""
    bumps = int(rng.integers(5, 10))
    t = np.linspace(0, 2 * np.pi, 120)
    radius = 1 + rng.uniform(0.25, 0.45) * np.abs(np.sin(bumps * t / 2))
    return [np.column_stack([radius * np.cos(t), rng.uniform(0.6, 1.0) * radius * np.sin(t)])]


def flower(rng):
    """Petals: 4-7 loops drawn around a centre, in one stroke."""
    petals = int(rng.integers(4, 8))
    t = np.linspace(0, 2 * np.pi, 40 * petals)
    radius = np.abs(np.cos(petals * t / 2))
    return [np.column_stack([radius * np.cos(t), radius * np.sin(t)])]


def spiral(rng):
    """A spiral of 1.5-3.5 turns from the centre out."""
    turns = rng.uniform(1.5, 3.5)
    t = np.linspace(0, 2 * np.pi * turns, 150)
    radius = 0.1 + t / t[-1]
    return [np.column_stack([radius * np.cos(t), rng.uniform(0.7, 1.0) * radius * np.sin(t)])]


# ----------------------------------------------------------------------------- scribbles
def random_walk(rng):
    steps = rng.normal(0, 1, (int(rng.integers(8, 20)), 2))
    return [_polyline(np.cumsum(steps, axis=0), rng, wobble=0.0, steps=6)]


def zigzag(rng):
    turns = int(rng.integers(4, 9))
    x = np.linspace(-1, 1, turns)
    y = np.where(np.arange(turns) % 2, 1.0, -1.0) * rng.uniform(0.3, 1.0)
    points = np.column_stack([x, y])
    if rng.uniform() < 0.5:
        points = points[:, ::-1]
    return [_polyline(points, rng, steps=8)]


def spline(rng):
    """A smooth random curve through 5-9 random points (often crossing itself): Catmull-Rom."""
    knots = rng.uniform(-1, 1, (int(rng.integers(5, 10)), 2))
    padded = np.vstack([knots[:1], knots, knots[-1:]])
    t = np.linspace(0, 1, 16, endpoint=False)[:, None]
    pieces = []
    for p0, p1, p2, p3 in zip(padded[:-3], padded[1:-2], padded[2:-1], padded[3:], strict=True):
        pieces.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                             + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    return [np.vstack(pieces + [knots[-1:]])]


def coil(rng):
    """Loops along a line, like a spring or a row of e's."""
    loops = rng.uniform(2.5, 6)
    t = np.linspace(0, 2 * np.pi * loops, 200)
    return [np.column_stack([t / t[-1] * 2 - 1 + 0.25 * np.cos(t), 0.5 * np.sin(t)])]


def hatching(rng):
    lines = int(rng.integers(3, 7))
    angle = rng.uniform(0, np.pi)
    direction = np.array([np.cos(angle), np.sin(angle)])
    normal = np.array([-direction[1], direction[0]])
    strokes = [_line(offset * normal - direction, offset * normal + direction, rng)
               for offset in np.linspace(-0.8, 0.8, lines)]
    return strokes if rng.uniform() < 0.5 else [np.vstack(strokes)]  # lifted, or one back-and-forth


# ----------------------------------------------------------------------------- random glyphs
GLYPH_PIECE_POINTS = 13  # points of each straight or curved piece of a random glyph, after its start


def _glyph_segment(start, heading, rng) -> tuple[np.ndarray, float]:
    """A straight or curved piece of a glyph from `start` at `heading` (radians):
    ((GLYPH_PIECE_POINTS, 2) points after `start`, the heading at its end)."""
    length = rng.uniform(0.5, 1.4)
    bend = 0.0 if rng.uniform() < 0.45 else rng.uniform(-1, 1) * rng.choice([1.0, 2.5, 4.0])  # radians turned
    headings = heading + bend * np.linspace(0, 1, GLYPH_PIECE_POINTS + 1)[1:]
    steps = np.column_stack([np.cos(headings), np.sin(headings)]) * (length / GLYPH_PIECE_POINTS)
    return start + np.cumsum(steps, axis=0), heading + bend


def _random_glyph(rng) -> list[np.ndarray]:
    """1-4 strokes, each of 1-4 straight or curved pieces joined smoothly or at a corner, later
    strokes often starting on earlier ones' ink, a fifth of them closed."""
    paths = []
    for _ in range(int(rng.choice([1, 1, 2, 2, 3, 4]))):
        if paths and rng.uniform() < 0.6:  # starts on ink already drawn, as letters' strokes do
            host = paths[rng.integers(len(paths))]
            start = host[rng.integers(len(host))]
        else:
            start = rng.uniform(-1, 1, 2)
        heading = rng.uniform(0, 2 * np.pi)
        points = [start[None]]
        for _ in range(int(rng.integers(1, 5))):
            piece, heading = _glyph_segment(points[-1][-1], heading, rng)
            points.append(piece)
            if rng.uniform() < 0.6:  # a corner
                heading += rng.choice([-1, 1]) * rng.uniform(np.pi / 3, np.pi * 0.95)
        path = np.vstack(points)
        paths.append(np.vstack([path, path[:1]]) if rng.uniform() < 0.2 else path)
    return paths


def glyph(rng):
    """A random glyph of no script (as Omniglot's characters are of many): strokes of straight
    and curved pieces (_random_glyph), drawn again until it has two strokes or three pieces
    (a lone line or arc is a 1, a 7 or a piece of a 0)."""
    while True:
        paths = _random_glyph(rng)
        if len(paths) >= 2 or len(paths[0]) >= 1 + 3 * GLYPH_PIECE_POINTS:
            return paths


# ----------------------------------------------------------------------------- random outlines
OUTLINE_DENT = np.radians(30)  # an inward turn this sharp, over a twentieth of the outline each side, is a
# dent a person sees (a 0 turns one way all round)
OUTLINE_DENTS = 2  # such dents an outline needs (or one twice as sharp: a heart's)
OUTLINE_CORNER = np.radians(60)  # an outward turn this sharp is a corner a person sees (a regular
# octagon's 45 degrees are not, nor a heptagon's 51: drawn small, each is a 0)
OUTLINE_CORNERS = 3  # corners an outline needs without dents (a 0 may be pointed where its stroke starts
# and ends)
OUTLINE_THINNEST = 0.35  # an outline's narrowest width over its length, at least (a sliver is a 1 or a dash)
OUTLINE_WINDOW = 4  # points each side of a turn, of OUTLINE_POINTS along the outline: a twentieth of it
OUTLINE_POINTS = 80


def _outline_path(rng) -> np.ndarray:
    """A closed outline of 3-8 corners at random angles and distances from its centre, each side
    straight or bulging out by 0.35-0.6 of its length (an arc), squashed and turned: (m, 2)."""
    corners = int(rng.integers(3, 9))
    angles = np.sort(rng.uniform(0, 2 * np.pi, corners))
    angles = 0.5 * angles + 0.5 * (np.linspace(0, 2 * np.pi, corners, endpoint=False) + angles[0])  # spread out
    radii = rng.uniform(rng.choice([0.4, 0.75]), 1.0, corners)
    points = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    bulging = rng.uniform() < 0.5
    pieces = []
    for start, end in zip(points, np.roll(points, -1, axis=0), strict=True):
        t = np.linspace(0, 1, 12, endpoint=False)[:, None]
        side = start + (end - start) * t
        if bulging and rng.uniform() < 0.8:
            outward = np.array([end[1] - start[1], start[0] - end[0]])  # corners go counter-clockwise
            side = side + outward * rng.uniform(0.35, 0.6) * 4 * t * (1 - t)
        pieces.append(side)
    path = np.vstack(pieces + [points[:1]])
    path[:, 1] *= rng.uniform(0.55, 1.0)
    turn = rng.uniform(0, 2 * np.pi)
    return path @ np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]]).T


def _resampled(path: np.ndarray, count: int) -> np.ndarray:
    """A closed path (m, 2) -> `count` points evenly spaced along it, (count, 2)."""
    closed = np.vstack([path, path[:1]])
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(closed, axis=0), axis=1))])
    spots = np.linspace(0, along[-1], count, endpoint=False)
    return np.column_stack([np.interp(spots, along, closed[:, 0]), np.interp(spots, along, closed[:, 1])])


def outline_is_no_zero(path: np.ndarray) -> bool:
    """Whether a closed outline (m, 2) is one a person would not take for a 0 (nor a 1): not a
    sliver (OUTLINE_THINNEST), and dented (OUTLINE_DENTS inward turns of OUTLINE_DENT, or one twice
    as sharp) or with OUTLINE_CORNERS corners or more (outward turns of OUTLINE_CORNER), turns
    measured over OUTLINE_WINDOW of OUTLINE_POINTS points each side."""
    import cv2

    points = _resampled(np.asarray(path, np.float64), OUTLINE_POINTS)
    (_, _), (width, height), _ = cv2.minAreaRect(points.astype(np.float32))
    if max(width, height) <= 0 or min(width, height) < OUTLINE_THINNEST * max(width, height):
        return False
    before = points - np.roll(points, OUTLINE_WINDOW, axis=0)
    after = np.roll(points, -OUTLINE_WINDOW, axis=0) - points
    turns = np.angle(np.exp(1j * (np.arctan2(after[:, 1], after[:, 0]) - np.arctan2(before[:, 1], before[:, 0]))))
    x, y = points[:, 0], points[:, 1]
    turns *= np.sign(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y)) or 1.0  # outward turns positive

    def peaks(values, least):
        return values[(values > least) & (values >= np.roll(values, 1)) & (values > np.roll(values, -1))]

    dents = peaks(-turns, OUTLINE_DENT)
    if len(dents) >= OUTLINE_DENTS or (dents >= 2 * OUTLINE_DENT).any():
        return True
    return len(peaks(turns, OUTLINE_CORNER)) >= OUTLINE_CORNERS


def outline(rng):
    """A random closed outline of no shape kind (_outline_path), drawn again until a person would
    not take it for a 0 (outline_is_no_zero): polygons, stars, clouds, hearts and the like in
    general, as glyphs are letters in general."""
    while True:
        path = _outline_path(rng)
        if outline_is_no_zero(path):
            return [path]


def at_any_angle(generator):
    """A shape generator whose drawings are turned by a random angle (a box, a triangle or a
    star has no upright; pen_render turns drawings by at most 12 degrees)."""

    def turned(rng):
        angle = rng.uniform(0, 2 * np.pi)
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        return [path @ rotation.T for path in generator(rng)]

    turned.__name__ = f"{generator.__name__}_at_any_angle"
    return turned


SHAPES = {  # kind name -> generator
    "plus": plus, "cross": cross, "equals": equals, "dash": dash, "arrow": arrow, "box": box,
    "triangle": triangle, "crossed_circle": crossed_circle, "star": star, "tick": tick, "heart": heart,
    "smiley": smiley, "turned_box": at_any_angle(box), "turned_triangle": at_any_angle(triangle),
    "turned_star": at_any_angle(star), "polygon": polygon,
    "diamond": diamond, "hexagon": hexagon, "asterisk": asterisk, "hash": hash_sign, "not_equal": not_equal,
    "lightning": lightning, "house": house, "sun": sun, "cloud": cloud, "flower": flower,
}
SCRIBBLES = {"random_walk": random_walk, "zigzag": zigzag, "spline": spline, "coil": coil, "hatching": hatching,
             "spiral": spiral}
FONTS = ("futural", "scripts", "timesr", "scriptc", "rowmand", "gothiceng", "cursive", "timesi")  # letters and signs
# Other scripts and sign fonts, each glyph looked at on a contact sheet and kept only when no
# digit is drawn like it (keys of the font's table; the glyph drawn is the font's own): Greek and
# Cyrillic letters, kana and kanji, astrological, mathematical and other signs. Left out, besides
# what looks like a digit (Cyrillic Ch, Ze, Be; kana no, tsu, ro; integral, partial; ...), are
# glyphs of a shape kind drawn above: diamonds, asterisks, octagons, "not equal".
GLYPH_SETS = {  # font -> (kind, characters)
    "greek": ("letters", "ACDEHKLMNPRSTUWXY" + "acghklmnprtuwy"),  # not Phi nor phi: a slashed 0
    "cyrillic": ("letters", "ADEFHIKLMNPQRTUWXY[^`" + "adefhiklmnpqrtuwxy{}"),
    "japanese": ("letters", "#$%&'()*+,-./0125678" + "9:ADEFGHIJMNOPTUVWXZ[\\]^_`" + "abcdfghlnqrsxyz{|}"),
    "astrology": ("symbols", "!$%&'+-/:<=>?@[]_`{|}~"),
    "mathupp": ("symbols", "!\"#$&':;@^_bcegijklnowxz|"),
    "mathlow": ("symbols", "!\"#$&':;<>@^bceghiknwx"),  # ±, ≤, Π, Σ, √, ∪, ∈, arrows, ∇, ÷, ...
    "symbolic": ("symbols", "FGIJLMNQRSTUVWXYZ[]^`abcdeghmnp~"),
    "meteorology": ("symbols", "$&'():;_`|"),
}
OPERATORS = {"plus": plus, "minus": dash, "equals": equals, "times": cross}  # of the sums
GLYPHS = "scribbles/glyphs"  # random glyphs (glyph): in no group, every reader learns them, drawn apart
# (nondigit_data.training_drawings: HeadSettings.glyphs), never scored
OUTLINES = "shapes/outlines"  # random outlines (outline): the same, for closed shapes (HeadSettings.outlines)
RANDOM_FAMILIES = (GLYPHS, OUTLINES)  # drawn apart, in no group, never scored
# a font cut of another's design (its complex cut, its italic; the two math fonts) -> that design
FONT_DESIGNS = {"scriptc": "scripts", "timesi": "timesr", "mathupp": "mathlow"}


def design(name: str) -> str:
    """The design a family shares with its twins, which share its group: "shapes/turned_box"
    -> "box", "signs/timesi" -> "timesr", "letters/futural" -> "futural"."""
    generator = name.split("/", 1)[1]
    if name.startswith("shapes/"):
        return generator.removeprefix("turned_")
    return FONT_DESIGNS.get(generator, generator)


def _families():
    """{name: (Family, generator)}; designs take groups 0, 1, 2, 0, ... in the order they first
    come here (fonts, glyph sets, markers, shapes, scribbles), the sums' operators and the random
    glyphs none."""
    generators = {}
    for font in FONTS:
        generators[f"letters/{font}"] = ("letters", functools.partial(font_drawing, font, LETTERS))
        generators[f"signs/{font}"] = ("symbols", functools.partial(font_drawing, font, FONT_SIGNS))
    for font, (kind, characters) in GLYPH_SETS.items():
        prefix = "letters" if kind == "letters" else "signs"
        generators[f"{prefix}/{font}"] = (kind, functools.partial(font_drawing, font, characters))
    generators["shapes/markers"] = ("symbols", functools.partial(font_drawing, "markers", MARKERS))
    for name, generator in SHAPES.items():
        generators[f"shapes/{name}"] = ("symbols", generator)
    for name, generator in SCRIBBLES.items():
        generators[f"scribbles/{name}"] = ("scribbles", generator)
    generators[GLYPHS] = ("scribbles", glyph)
    generators[OUTLINES] = ("symbols", outline)
    learned_by_all = set(OPERATORS.values()) | {glyph, outline}  # in no group
    groups = {}
    families = {}
    for name, (kind, generator) in generators.items():
        if generator in learned_by_all:
            group = None
        else:
            group = groups.setdefault(design(name), len(groups) % GROUPS)
        families[name] = (Family(name, kind, group), generator)
    return families


GENERATORS = _families()  # name -> (Family, generator(rng) -> list of (n, 2) paths)
FAMILIES = tuple(family for family, _ in GENERATORS.values())


def training_families(hold_out_fold: int | None) -> tuple[Family, ...]:
    """The families a reader of writer fold `hold_out_fold` learns from: all but that group's
    (None: all, the shipped reader)."""
    return tuple(family for family in FAMILIES if hold_out_fold is None or family.group != hold_out_fold)


def held_out_families(fold: int) -> tuple[Family, ...]:
    """The families the reader of writer fold `fold` never learns, on which it is scored."""
    if fold not in range(GROUPS):
        raise ValueError(f"no family fold {fold} (there are {GROUPS})")
    return tuple(family for family in FAMILIES if family.group == fold)


def family(name: str) -> Family:
    try:
        return GENERATORS[name][0]
    except KeyError:
        raise ValueError(f"no non-digit family {name!r} (known: {sorted(GENERATORS)})") from None


def draw_paths(name: str, rng: np.random.Generator) -> list[np.ndarray]:
    """One drawing of family `name`: its pen paths, (n, 2) float64 each, y down, any units."""
    paths = GENERATORS[family(name).name][1](rng)
    if not name.startswith(("letters/", "signs/")):  # a shape or scribble is drawn either way round
        paths = _shuffle_strokes(paths, rng)
    return paths


# ----------------------------------------------------------------------------- pieces of digits
def cut_piece(digit: pen_digits.PenDigit, rng: np.random.Generator) -> list[np.ndarray]:
    """A cut-off piece of a pen digit: 25-60 % of its pen path, from its start or its end."""
    lengths = [float(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum()) for stroke in digit.strokes]
    total = sum(lengths)
    keep = rng.uniform(0.25, 0.6) * total
    strokes = list(digit.strokes)
    if rng.uniform() < 0.5:  # from its end
        strokes, lengths = [stroke[::-1] for stroke in strokes[::-1]], lengths[::-1]
    piece = []
    for stroke, length in zip(strokes, lengths, strict=True):
        if keep <= 0:
            break
        if length <= keep:
            piece.append(stroke)
        else:
            along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))])
            piece.append(stroke[: max(2, int(np.searchsorted(along, keep)) + 1)])
        keep -= length
    return piece


# ----------------------------------------------------------------------------- drawing
def warp(paths, rng: np.random.Generator, strength: float = 0.04) -> list[np.ndarray]:
    """A smooth random displacement of the paths (up to `strength` x their size): a hand is not
    a plotter."""
    stacked = np.concatenate(paths)
    low, size = stacked.min(axis=0), max(float(np.ptp(stacked, axis=0).max()), 1e-6)
    frequency = rng.uniform(1.0, 3.0, (2, 2))
    phase = rng.uniform(0, 2 * np.pi, (2, 2))
    amplitude = rng.uniform(0, strength, 2) * size

    def moved(path):
        unit = (path - low) / size
        return path + amplitude * np.column_stack([np.sin(frequency[0, 0] * np.pi * unit[:, 1] + phase[0, 0]),
                                                   np.sin(frequency[1, 1] * np.pi * unit[:, 0] + phase[1, 1])])

    return [moved(path) for path in paths]


PEN_AUGMENT = pen_render.PenAugmentSettings()  # the pen digits' mouse-like drawing, as is


def mouse_drawing(paths, rng: np.random.Generator, canvas_size: float, name: str = "nondigit",
                  settings: pen_render.PenAugmentSettings = PEN_AUGMENT) -> list[Stroke]:
    """Pen paths (any units, y down) -> the Strokes (brush 24) a mouse user would draw, with
    the pen digits' augmentation (pen_render.mouse_strokes) after a small warp."""
    drawing = pen_digits.PenDigit(-1, name, tuple(warp(paths, rng)))
    return pen_render.mouse_strokes(drawing, rng, settings, canvas_size)


def drawings(names, count: int, seed, canvas_size: float = 560) -> list[tuple[str, list[Stroke]]]:
    """`count` mouse drawings, round robin over the families `names`: [(family name, Strokes)]."""
    rng = np.random.default_rng(seed)
    names = list(names)
    return [(names[index % len(names)], mouse_drawing(draw_paths(names[index % len(names)], rng), rng,
                                                      canvas_size, names[index % len(names)]))
            for index in range(count)]


def compose_sum(left, operator: list[np.ndarray], right, rng: np.random.Generator, canvas_size: float,
                brush: float = 24.0) -> list[Stroke]:
    """A sum written on one line: the pen digits `left`, an operator's paths (drawn 35-65 % of
    the digits' height), the pen digits `right`; gaps 15-45 % of the height, as numbers are
    composed (bench/number_accuracy.py); strokes in writing order."""
    height = canvas_size * rng.uniform(0.2, 0.32)
    pieces = [list(digit.strokes) for digit in left] + [warp(operator, rng)] + [list(d.strokes) for d in right]
    sizes = [rng.uniform(0.9, 1.1) for _ in left] + [rng.uniform(0.35, 0.65)] + [rng.uniform(0.9, 1.1) for _ in right]
    while True:
        placed, x, width = [], 0.0, 0.0
        for paths, size in zip(pieces, sizes, strict=True):
            stacked = np.concatenate(paths)
            low, high = stacked.min(axis=0), stacked.max(axis=0)
            extent = np.maximum(high - low, 1e-6)
            scale = min(height * size / extent[1], 1.5 * height * max(size, 0.6) / extent[0])
            middle_y = (low[1] + high[1]) / 2
            shift = np.array([x - low[0] * scale, rng.uniform(-0.05, 0.05) * height - middle_y * scale])
            placed.append([path * scale + shift for path in paths])
            width = x + extent[0] * scale
            x = width + rng.uniform(0.15, 0.45) * height + brush
        if width <= 0.92 * canvas_size or height < 20:
            break
        height *= 0.95
    offset = np.array([(canvas_size - width) / 2, canvas_size / 2])
    return [Stroke(tuple(map(tuple, np.round(path + offset))), brush) for paths in placed for path in paths]
