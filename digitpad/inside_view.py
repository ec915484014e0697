"""The "inside" view: paints what digitpad/inside.py computed, in the panel's place, at any size.

What goes where is planned from the view's size (plan_inside) and only painted by draw_inside;
InsideView does both once per new result and copies the picture to the screen on other frames.
Pictures are planned at a common scale, the largest at which everything fits (text first, at a
size that shrinks with the window).
"""

import dataclasses

import cv2
import numpy as np
import pygame

from digitpad import view
from digitpad.inside import Inside, load_reference_digits, read_inside, say
from digitpad.layout import CONTROL_SIZE

PADDING = 12  # view edge to content
GAP = 10  # between pictures of a section
MIN_SCALE = 0.12  # pictures get no smaller than this x their natural size ...
MAX_SCALE = 1.6  # ... nor larger than this
MIN_UNIT = 0.55  # the text's scale in the smallest views (1.0 at 588 pixels high)
MAP_COLUMNS = (8, 12, 16)  # heat maps per row, stage by stage (48, 96 and 192 maps)
DENSE_COLUMNS = 16  # the 256 dense features as a 16 x 16 grid

STYLES = {  # font size at unit 1, bold, colour
    "title": (15, True, view.MUTED),
    "verdict": (15, True, view.TEXT),
    "taught": (13, False, view.ACCENT),
    "doubt": (13, False, view.WARNING),
    "section": (13, True, view.TEXT),
    "hint": (12, False, view.MUTED),
    "caption": (11, False, view.MUTED),
}


# ---------------------------------------------------------------------------- pictures (pure numpy)
def _colour_table(colour_map: int) -> np.ndarray:
    """(256, 3) uint8 RGB: an OpenCV colour map as a look-up table (applyColorMap builds its
    table at every call, about a millisecond)."""
    grey = np.arange(256, dtype=np.uint8)[:, None]
    return cv2.cvtColor(cv2.applyColorMap(grey, colour_map), cv2.COLOR_BGR2RGB)[:, 0]


VIRIDIS = _colour_table(cv2.COLORMAP_VIRIDIS)  # drawing order: first blue-violet, last yellow
GAP_LEVEL = 256  # heat level of the gaps between tiles
# heat levels 0-255 (activation over the largest, linear) -> inferno of its square root (the root
# lifts weak activations out of the black; 0 stays black), then the gaps' colour
HEAT = np.concatenate([_colour_table(cv2.COLORMAP_INFERNO)[np.round(np.sqrt(np.arange(256) / 255) * 255).astype(int)],
                       np.array([view.BAR], np.uint8)])


def heat_levels(values: np.ndarray) -> np.ndarray:
    """float32 >= 0, any shape -> uint16 levels 0-255 of the same shape, 255 at the largest value."""
    top = float(values.max())
    if top <= 0:
        return np.zeros(values.shape, np.uint16)
    return np.minimum(values * (255.0 / top), 255.0).astype(np.uint16)


def heat_grid(maps: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """(H, W, C) float32 >= 0 feature maps -> (rows*(H+gap)-gap, columns*(W+gap)-gap, 3) uint8 RGB:
    each map a tile in channel order, coloured by activation against the stage's largest (HEAT),
    so the strong and weak maps of a stage compare."""
    height, width, count = maps.shape
    rows = -(-count // columns)
    levels = np.zeros((rows * columns, height, width), np.uint16)
    levels[:count] = heat_levels(maps).transpose(2, 0, 1)
    tiles = np.full((rows, height + gap, columns, width + gap), GAP_LEVEL, np.uint16)
    tiles[:, :height, :, :width] = levels.reshape(rows, columns, height, width).transpose(0, 2, 1, 3)
    grid = tiles.reshape(rows * (height + gap), columns * (width + gap))
    return HEAT[grid[: rows * (height + gap) - gap, : columns * (width + gap) - gap]]


def dense_pixels(features: np.ndarray) -> np.ndarray:
    """(F,) float32 >= 0 -> (rows, DENSE_COLUMNS, 3) uint8 RGB, one pixel per feature in order."""
    padded = np.zeros(-(-len(features) // DENSE_COLUMNS) * DENSE_COLUMNS, np.float32)
    padded[: len(features)] = features
    return HEAT[heat_levels(padded.reshape(-1, DENSE_COLUMNS))]


def order_colour(fraction: float) -> tuple[int, int, int]:
    """Drawing order as colour: 0 (first step) blue-violet to 1 (last) yellow (viridis)."""
    return tuple(int(channel) for channel in VIRIDIS[int(round(min(1.0, max(0.0, fraction)) * 255))])


def rgb_surface(pixels: np.ndarray, size: tuple[int, int]) -> pygame.Surface:
    """(H, W, 3) uint8 RGB -> a surface of `size` (width, height): enlarged with visible pixels,
    shrunk by averaging."""
    width, height = max(1, size[0]), max(1, size[1])
    shrinking = width < pixels.shape[1] or height < pixels.shape[0]
    resized = cv2.resize(pixels, (width, height), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_NEAREST)
    return pygame.image.frombuffer(np.ascontiguousarray(resized).tobytes(), (width, height), "RGB")


# ---------------------------------------------------------------------------- the plan
@dataclasses.dataclass(frozen=True)
class Box:
    kind: str  # what is painted: "input", "stage", "dense", "chart", "pen path", "neighbour"
    rect: pygame.Rect  # where, in the view's coordinates
    caption: view.PlacedText  # the line above it
    number: int = 0  # which stage, chart or neighbour


@dataclasses.dataclass(frozen=True)
class InsidePlan:
    texts: tuple[view.PlacedText, ...]  # every line of text but the boxes' captions
    boxes: tuple[Box, ...]  # the pictures
    fits: bool  # all of it shows, inside the view
    unit: float = 1.0  # the text's scale it was planned at
    scale: float = 1.0  # the pictures' scale it was planned at

    def text(self) -> str:
        return "\n".join([placed.text for placed in self.texts] + [box.caption.text for box in self.boxes])

    def kinds(self) -> list[str]:
        return [box.kind for box in self.boxes]


@dataclasses.dataclass(frozen=True)
class _Spec:  # a picture before it is placed
    kind: str
    size: tuple[float, float]  # natural (width, height) in pixels, at scale 1
    caption: str
    number: int = 0
    section_start: str = ""  # a section heading placed (on its own line) before this picture
    note: tuple[str, str] = ("", "")  # (text, style) placed under the section heading


def _grid_size(maps_shape, columns) -> tuple[float, float]:
    """heat_grid's size, (width, height), for maps of shape (H, W, C) in `columns`."""
    height, width, count = maps_shape
    rows = -(-count // columns)
    return columns * (width + 1) - 1, rows * (height + 1) - 1


def _specs(inside: Inside) -> tuple[list[_Spec], str]:
    """The pictures of the view, in order, with their natural sizes; and a last line ("" for
    none) saying why no reference digits are shown."""
    specs = [_Spec("input", (84, 84), "input 28x28", section_start="Picture model: input, feature maps, "
                   "features, answer")]
    for number, (maps, columns) in enumerate(zip(inside.maps, MAP_COLUMNS, strict=False)):
        specs.append(_Spec("stage", _grid_size(maps.shape, columns), f"conv {number + 1}: {maps.shape[2]} maps",
                           number))
    if inside.features is not None:
        rows = -(-len(inside.features) // DENSE_COLUMNS)
        specs.append(_Spec("dense", (DENSE_COLUMNS * 7, rows * 7), f"dense: {len(inside.features)}"))
    specs.append(_Spec("chart", (120, 70), f"picture: {say(inside.picture)}", 0))
    if inside.pen_path is not None:
        specs.append(_Spec("pen path", (180, 180), "64 steps, first to last", section_start="Pen path model: the "
                           "path it reads (blue first, yellow last; dotted: pen lifted)",
                           note=(inside.pen_note, "hint")))
        if inside.pen:
            specs.append(_Spec("chart", (120, 70), f"pen path: {say(inside.pen)}", 1))
            specs.append(_Spec("chart", (120, 70), f"together: {say(inside.together)}", 2))
    heading = "Nearest reference digits (by features)"
    if inside.nearest:
        for number, neighbour in enumerate(inside.nearest):
            specs.append(_Spec("neighbour", (56, 56), f"{neighbour.label}  {neighbour.similarity:.2f}", number,
                               section_start=heading if number == 0 else ""))
    return specs, ("" if inside.nearest else f"{heading}: none ({inside.reference_note})")


def inside_lines(inside: Inside | None, state) -> list[tuple[str, str]]:
    """The view's text above its pictures, as (text, style) pairs, from the reading and the
    app's state (model_state, message, ...)."""
    if inside is None:
        lines = [("Inside", "title")]
        if state.model_state == view.LOADING:
            return lines + [("loading…", "verdict")]
        if state.model_state == view.FAILED:
            return lines + [("cannot recognise: no model to look inside", "doubt")]
        return lines + [("Draw a digit", "verdict"),
                        ("This view shows, as you draw, what the picture model and the pen path model see "
                         "and why they answer as they do. I or Esc closes it.", "hint")]
    which = f": digit {inside.index + 1} of {inside.count}  (Tab: next)" if inside.count > 1 else ""
    lines = [(f"Inside{which}", "title"), (inside.verdict, "verdict")]
    if inside.taught_note:
        lines.append((inside.taught_note, "taught"))
    if inside.doubt:
        lines.append((f"not sure: {inside.doubt}", "doubt"))
    return lines


HINT_STEP = 1.02  # a hint's scale is kept when this much more no longer fits


def plan_inside(inside: Inside | None, state, fonts: view.Fonts, rect: pygame.Rect,
                hint: InsidePlan | None = None) -> InsidePlan:
    """Where everything goes: the largest text unit (at most what the height suggests, at least
    MIN_UNIT) and picture scale (MIN_SCALE to MAX_SCALE) at which all of it fits in rect.
    hint: the plan of the last reading at this size; its unit and scale are kept when they
    still fit and HINT_STEP x the scale does not (two tries instead of a search)."""
    lines = inside_lines(inside, state)
    specs, tail = _specs(inside) if inside is not None else ([], "")
    unit = max(MIN_UNIT, min(1.0, rect.height / 588))
    wrapped = {}
    if hint is not None and hint.fits and MIN_SCALE <= hint.scale <= MAX_SCALE / HINT_STEP:
        plan = _plan_at(lines, specs, tail, fonts, rect, hint.unit, hint.scale, wrapped)
        if plan.fits and not _plan_at(lines, specs, tail, fonts, rect, hint.unit, hint.scale * HINT_STEP,
                                      wrapped).fits:
            return plan
    while True:
        low, high = MIN_SCALE, MAX_SCALE
        plan = _plan_at(lines, specs, tail, fonts, rect, unit, low, wrapped)
        if plan.fits:
            for _ in range(7):  # the largest scale that fits, to within 1.2 % of the range
                middle = (low + high) / 2
                trial = _plan_at(lines, specs, tail, fonts, rect, unit, middle, wrapped)
                low, high, plan = (middle, high, trial) if trial.fits else (low, middle, plan)
            return plan
        if unit <= MIN_UNIT:
            return plan
        unit = max(MIN_UNIT, unit - 0.05)


def _text(fonts, text, style, unit, x, y, width, wrapped: dict) -> list[view.PlacedText]:
    """text in `style`, wrapped within `width` from (x, y); the verdict breaks after its commas
    first, so that no reading is cut in two. wrapped: lines already wrapped, by (text, style,
    unit, width), kept between calls (the plan is tried at several scales)."""
    size, bold, colour = STYLES[style]
    font = fonts.get(size * unit, bold)
    key = (text, style, unit, width)
    if key not in wrapped:
        wrapped[key] = [(piece, font.size(piece)) for piece in _wrap(text, style, font, width)]
    return [view.PlacedText(piece, font, colour, pygame.Rect((x, y + row * font.get_linesize()), size))
            for row, (piece, size) in enumerate(wrapped[key])]


def _wrap(text, style, font, width) -> list[str]:
    pieces = view.wrap(text, font, width)
    if style == "verdict" and len(pieces) > 1:
        pieces = []
        for part in text.split(", "):
            joined = f"{pieces[-1]}, {part}" if pieces else part
            if pieces and font.size(joined)[0] <= width:
                pieces[-1] = joined
            else:
                pieces += view.wrap(part, font, width)
    return pieces


def _plan_at(lines, specs, tail, fonts, rect, unit, scale, wrapped) -> InsidePlan:
    x0, width = rect.x + PADDING, max(1, rect.width - 2 * PADDING)
    y = rect.y + 10
    texts, boxes = [], []
    title_width = max(1, width - CONTROL_SIZE[0] - 4)  # the title leaves room for the close button
    for index, (text, style) in enumerate(lines):
        placed = _text(fonts, text, style, unit, x0, y, title_width if index == 0 else width, wrapped)
        texts += placed
        y = (placed[-1].rect.bottom if placed else y) + int(4 * unit)
        if index == 0:  # below the close button (layout.control), whatever the text's size
            y = max(y, rect.y + 8 + CONTROL_SIZE[1] + 4)
    caption_font = fonts.get(STYLES["caption"][0] * unit)
    caption_height = caption_font.get_linesize()
    gap = max(4, int(GAP * unit))
    x, row_bottom = x0, y
    for spec in specs:
        if spec.section_start:
            y = row_bottom + int(8 * unit)
            placed = _text(fonts, spec.section_start, "section", unit, x0, y, width, wrapped)
            texts += placed
            y = placed[-1].rect.bottom + int(3 * unit)
            if spec.note[0]:
                placed = _text(fonts, spec.note[0], spec.note[1], unit, x0, y, width, wrapped)
                texts += placed
                y = placed[-1].rect.bottom + int(3 * unit)
            x, row_bottom = x0, y
        box_width, box_height = max(1, int(spec.size[0] * scale)), max(1, int(spec.size[1] * scale))
        if spec.kind == "chart":  # its digits need room to be read
            box_width, box_height = max(box_width, int(10 * 13 * unit)), max(box_height, int(40 * unit))
        caption_width = caption_font.size(spec.caption)[0]
        needed = max(box_width, caption_width)
        if x > x0 and x + needed > x0 + width:  # next row
            x, y = x0, row_bottom + gap
        caption = view.PlacedText(spec.caption, caption_font, view.MUTED,
                                  view._text_rect(caption_font, spec.caption, topleft=(x, y)))
        box_rect = pygame.Rect(x, y + caption_height, box_width, box_height)
        boxes.append(Box(spec.kind, box_rect, caption, spec.number))
        row_bottom = max(row_bottom, box_rect.bottom)
        x += needed + gap
    if tail:
        placed = _text(fonts, tail, "hint", unit, x0, row_bottom + int(8 * unit), width, wrapped)
        texts += placed
        row_bottom = placed[-1].rect.bottom
    inner = rect.inflate(-2, -2)
    fits = (all(inner.contains(placed.rect) for placed in texts)
            and all(inner.contains(box.rect) and inner.contains(box.caption.rect) for box in boxes))
    return InsidePlan(tuple(texts), tuple(boxes), fits, unit, scale)


# ---------------------------------------------------------------------------- painting
def draw_inside(screen, fonts: view.Fonts, rect: pygame.Rect, inside: Inside | None, state,
                hint: InsidePlan | None = None) -> InsidePlan:
    """The view in rect: its text, then each picture (see Box.kind); hint: see plan_inside."""
    pygame.draw.rect(screen, view.PANEL, rect, border_radius=10)
    plan = plan_inside(inside, state, fonts, rect, hint)
    clip = screen.get_clip()
    screen.set_clip(rect)
    try:
        for placed in plan.texts:
            screen.blit(placed.font.render(placed.text, True, placed.colour), placed.rect)
        for box in plan.boxes:
            screen.blit(box.caption.font.render(box.caption.text, True, box.caption.colour), box.caption.rect)
            _paint(screen, fonts, box, inside)
    finally:
        screen.set_clip(clip)
    return plan


def _paint(screen, fonts, box: Box, inside: Inside) -> None:
    rect = box.rect
    if box.kind == "input":
        screen.blit(view.digit_surface(inside.image, rect.width), rect)
    elif box.kind == "stage":
        screen.blit(rgb_surface(heat_grid(inside.maps[box.number], MAP_COLUMNS[box.number]), rect.size), rect)
    elif box.kind == "dense":
        screen.blit(rgb_surface(dense_pixels(inside.features), rect.size), rect)
    elif box.kind == "chart":
        _paint_chart(screen, fonts, rect, (inside.picture, inside.pen, inside.together)[box.number])
    elif box.kind == "pen path":
        _paint_pen_path(screen, rect, inside.pen_path)
    elif box.kind == "neighbour":
        neighbour = inside.nearest[box.number]
        if neighbour.image is not None:
            screen.blit(view.digit_surface(neighbour.image.astype(np.float32) / 255, rect.width), rect)
        else:
            pygame.draw.rect(screen, view.CANVAS, rect)
    pygame.draw.rect(screen, view.BAR, rect.inflate(2, 2), 1)


def _paint_chart(screen, fonts, rect: pygame.Rect, probabilities) -> None:
    """Ten columns, one per digit, as high as its probability; the digits under them."""
    pygame.draw.rect(screen, view.CANVAS, rect)
    column = rect.width / 10
    font = fonts.get(max(6, min(column * 0.9, rect.height * 0.28, 13)))
    label_height = font.get_linesize()
    chart_height = rect.height - label_height - 2
    best = int(np.argmax(probabilities))
    for digit, probability in enumerate(probabilities):
        left = rect.x + int(digit * column)
        bar_height = int(round(chart_height * float(probability)))
        bar = pygame.Rect(left + 1, rect.y + 1 + chart_height - bar_height, max(1, int(column) - 2), bar_height)
        if bar_height:
            pygame.draw.rect(screen, view.ACCENT if digit == best else view.MUTED, bar)
        label = font.render(str(digit), True, view.TEXT if digit == best else view.MUTED)
        screen.blit(label, label.get_rect(midtop=(left + column / 2, rect.y + chart_height + 1)))


def _paint_pen_path(screen, rect: pygame.Rect, path: np.ndarray) -> None:
    """The 64 steps as the stroke model reads them: ink steps coloured by drawing order, pen
    lifts dotted, a ring at the start and arrowheads along the way."""
    pygame.draw.rect(screen, view.CANVAS, rect)
    margin = max(4, rect.width // 10)
    side = rect.width - 2 * margin
    points = [(rect.x + margin + (x + 0.5) * side, rect.y + margin + (y + 0.5) * side) for x, y in path[:, :2].tolist()]
    width = max(1, rect.width // 60)
    steps = len(points) - 1
    lifted = [step for step in range(1, len(points)) if path[step, 4] > 0.5]  # the pen was in the air
    for step in range(1, len(points)):
        colour = order_colour((step - 1) / max(1, steps - 1))
        if step not in lifted:
            pygame.draw.line(screen, colour, points[step - 1], points[step], width + 1)
        pygame.draw.circle(screen, colour, points[step], width + 1)
    for step in lifted:  # over the ink, which a jump often crosses
        _dotted(screen, view.TEXT, points[step - 1], points[step], max(3, width * 3), max(1, width))
    pygame.draw.circle(screen, view.TEXT, points[0], width * 2 + 3, max(1, width))  # the start
    arrow = max(5, rect.width // 16)
    for step in range(6, len(points), 12):
        if path[step, 4] <= 0.5:
            _arrowhead(screen, view.TEXT, points[step - 1], points[step], arrow)


def _dotted(screen, colour, start, end, spacing, radius) -> None:
    length = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    for fraction in np.arange(0.0, 1.0, spacing / max(length, 1e-6)):
        pygame.draw.circle(screen, colour, (start[0] + (end[0] - start[0]) * fraction,
                                            start[1] + (end[1] - start[1]) * fraction), radius)


def _arrowhead(screen, colour, start, end, size) -> None:
    """A small filled triangle at `end`, pointing from `start` to `end`."""
    direction = np.array(end, float) - np.array(start, float)
    length = float(np.hypot(*direction))
    if length < 1e-6:
        return
    forward = direction / length
    across = np.array([-forward[1], forward[0]])
    tip = np.array(end, float) + forward * size * 0.5
    base = tip - forward * size
    corners = [tip, base + across * size * 0.5, base - across * size * 0.5]
    pygame.draw.polygon(screen, colour, [tuple(corner) for corner in corners])


class InsideView:
    """Reads and paints the inside view once per new result (or picked digit, or size) and
    copies that picture to the screen on other frames. Nothing is read while it is not drawn.
    A new result is read on one frame and painted on the next (the last picture shows for
    that frame), so that no frame carries both: draw then says it owes that next frame, and the
    App wakes its loop for it (an idle window would otherwise sleep on the old picture)."""

    def __init__(self, fonts: view.Fonts):
        self.fonts = fonts
        self.key = None  # what the picture shows: (model state, id(result), picked digit, size)
        self.read_key = None  # what `inside` was read for (the same kind of key)
        self.result = None  # held so that id(result) in the keys stays unique
        self.surface = None
        self.inside: Inside | None = None  # the reading shown, or about to be
        self.plan: InsidePlan | None = None
        self.reference = (None, None, "")  # (model path, ReferenceDigits or None, why none)

    def draw(self, screen, rect: pygame.Rect, state) -> bool:
        """Show the view in `rect`; True when the picture shown is the last one and the new
        reading is painted on the next frame (which the caller must draw)."""
        result = state.result if state.model_state == view.READY else None
        key = (state.model_state, id(result), state.selected, rect.size)
        if key != self.key:
            if key != self.read_key:
                self.inside = self.read(state) if result is not None else None
                self.read_key, self.result = key, result
                if self.surface is not None and self.surface.get_size() == rect.size:
                    screen.blit(self.surface, rect.topleft)  # painted on the next frame
                    return True
            surface = pygame.Surface(rect.size)
            surface.fill(view.BACKGROUND)
            hint = self.plan if self.surface is not None and self.surface.get_size() == rect.size else None
            self.plan = draw_inside(surface, self.fonts, pygame.Rect((0, 0), rect.size), self.inside, state, hint)
            self.key, self.surface = key, surface
        screen.blit(self.surface, rect.topleft)
        return False

    def read(self, state) -> Inside | None:
        """What to show of the app's picked digit (None for an empty canvas)."""
        recognizer = state.recognizer
        if recognizer is None or not state.result.digits:
            return None
        path = recognizer.model.path
        if self.reference[0] != path:  # loaded once per model, when first shown
            try:
                self.reference = (path, load_reference_digits(path), "")
            except ValueError as error:
                self.reference = (path, None, str(error))
        stroke_note = ""
        if recognizer.strokes is None or not recognizer.settings.stroke_weight:
            stroke_note = state.stroke_notice or "not read: the stroke model is off"
        return read_inside(state.result, state.selected, recognizer.model, self.reference[1], self.reference[2],
                           stroke_note)
