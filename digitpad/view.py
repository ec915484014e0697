"""Everything the window shows, drawn with pygame from plain state; no input handling here."""

import dataclasses

import cv2
import numpy as np
import pygame

from digitpad import ink
from digitpad.layout import CONTROL_SIZE
from digitpad.recognition import NOT_A_DIGIT, OVERLAPPING, SOLID_PATCH, TOO_MUCH_INK, percent_text
from digitpad.resources import asset_path

BACKGROUND = (24, 26, 32)
CANVAS = (0, 0, 0)
INK = (255, 255, 255)
PANEL = (36, 39, 48)
TEXT = (230, 232, 238)
MUTED = (150, 156, 170)
ACCENT = (92, 200, 140)
WARNING = (240, 180, 80)
ERROR = (240, 100, 100)
BAR = (70, 76, 92)

HELP_LINES = (
    ("Left drag", "draw"),
    ("Right drag / E", "erase / toggle eraser"),
    ("Ctrl+Z", "undo stroke (or the teach just made)"),
    ("Ctrl+Y, Ctrl+Shift+Z", "redo"),
    ("Del, Backspace, C", "clear"),
    ("Wheel, [ ]", "brush size"),
    ("Tab, Left, Right", "pick a digit of a number"),
    ("Return, 0-9, Return", "correct: type what it is, Return applies"),
    ("Click a bar", "correct the picked digit to that digit"),
    ("F", "forget what you taught (asks first)"),
    ("Ctrl+S", "save drawing (PNG + JSON)"),
    ("I", "inside: what both models see (Esc closes)"),
    ("F1, H", "show / hide this help"),
    ("Esc", "cancel a correction / close the view / quit (asks first if unsaved)"),
)


class Fonts:
    def __init__(self):
        regular, bold = asset_path("fonts", "DejaVuSans.ttf"), asset_path("fonts", "DejaVuSans-Bold.ttf")
        self._paths = {False: regular if regular.is_file() else None, True: bold if bold.is_file() else None}
        self._cache = {}

    def get(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (max(6, int(size)), bold)
        if key not in self._cache:
            self._cache[key] = pygame.font.Font(self._paths[bold], key[0])
        return self._cache[key]


def grey_palette(paper, pen):
    """256 RGB colours from paper (0) to pen (255), for 8-bit canvas surfaces."""
    steps = np.linspace(0.0, 1.0, 256)[:, None]
    colours = np.asarray(paper) * (1 - steps) + np.asarray(pen) * steps
    return [tuple(int(c) for c in row) for row in colours]


CANVAS_PALETTE = grey_palette(CANVAS, INK)


def canvas_surface(strokes, side: int, scale: float) -> pygame.Surface:
    """The drawing anti-aliased at display size: an 8-bit surface of side x side pixels."""
    pixels = np.zeros((side, side), np.uint8)
    for stroke in strokes:
        ink.draw_stroke(pixels, stroke, scale, ink=255, background=0, line_type=cv2.LINE_AA)
    surface = pygame.image.frombuffer(pixels.tobytes(), (side, side), "P")
    surface.set_palette(CANVAS_PALETTE)
    return surface


def digit_surface(image: np.ndarray, side: int) -> pygame.Surface:
    """A (28, 28) model input enlarged to side x side, nearest-neighbour so pixels show."""
    enlarged = cv2.resize(image, (side, side), interpolation=cv2.INTER_NEAREST)
    pixels = np.ascontiguousarray(enlarged * 255).astype(np.uint8)
    surface = pygame.image.frombuffer(pixels.tobytes(), (side, side), "P")
    surface.set_palette(CANVAS_PALETTE)
    return surface


# ---------------------------------------------------------------------------- the side panel
# What the panel says is a plain function of the app's state (panel_lines); where it goes is
# planned from the panel's size (plan_panel); draw_panel only paints the plan. Text always
# shows whole, wrapped within the panel; the probability bars and model inputs take the room
# that is left, shrinking (and the bars giving way) before any text is lost.

LOADING, READY, FAILED = "loading", "ready", "failed"  # state.model_state


@dataclasses.dataclass(frozen=True)
class Style:
    size: float  # font size at full panel height (shrinks with short panels)
    bold: bool
    colour: tuple[int, int, int]
    space: float = 0.0  # gap above the line, same units as size
    fit: bool = False  # one line, its font shrunk to the panel's width (headings, the number)


STYLES = {
    "title": Style(15, True, MUTED),
    "error": Style(13, False, ERROR, space=6),  # a failure, e.g. of the model or of a save
    "note": Style(13, False, ACCENT, space=6),  # a notice, e.g. "Saved ..."
    "heading": Style(30, True, TEXT, space=12, fit=True),  # "Draw a digit"
    "waiting": Style(28, True, MUTED, space=12, fit=True),  # "loading…"
    "failed": Style(28, True, ERROR, space=12, fit=True),  # "cannot recognise"
    "unsure": Style(36, True, WARNING, space=18, fit=True),  # "not sure"
    "number": Style(80, True, TEXT, space=6, fit=True),  # the number read
    "sure": Style(15, False, ACCENT),  # "98% sure"
    "guess": Style(17, False, TEXT, space=8),  # "best guess: ..."
    "doubt": Style(15, False, WARNING, space=2),  # why it is not sure
    "hint": Style(14, False, MUTED, space=4),
    "caption": Style(12, False, MUTED, space=14),  # "digit 2 of 3  (Tab: next)"
    "adapted": Style(12, False, ACCENT, space=4),  # "adapted to your writing: 3 samples"
    "correcting": Style(24, True, ACCENT, space=10, fit=True),  # "correct to: 42_"
}
FOOTER = Style(13, False, MUTED)
PADDING = 16  # panel edge to content, sides
BAR_ROW = 20  # height of one probability bar's row at full size
MIN_BAR_ROW = 10  # bars get no thinner than this; with less room they are left out
THUMBNAIL = 56  # side of a model input at full size
COMFORTABLE_THUMBNAIL = 28  # the bars shrink before the inputs get smaller than this (1:1)
MIN_THUMBNAIL = 20  # below this the text is set smaller instead
THUMBNAIL_GAP = 6
START_UNIT = 0.8  # the text's scale in the smallest panels, before it shrinks to make room ...
MIN_UNIT = 0.5  # ... down to this (13-point messages become 6.5 points)
HEADING_SCALES = (1.0, 0.75, 0.55)  # headings and the number shrink this far before the rest


@dataclasses.dataclass(frozen=True)
class PanelLine:
    text: str
    style: str  # a key of STYLES


def panel_lines(state) -> list[PanelLine]:
    """What the panel says, top to bottom, from the app's state: model_state (LOADING, READY
    or FAILED), model_notice(_is_error), message(_is_error), adaptation_status,
    correction_typed (None, or the digits typed in an open correction), result, selected."""
    lines = [PanelLine("digitpad", "title")]
    if state.model_notice:
        lines.append(PanelLine(state.model_notice, "error" if state.model_notice_is_error else "note"))
    if state.message:
        lines.append(PanelLine(state.message, "error" if state.message_is_error else "note"))
    if state.adaptation_status:
        lines.append(PanelLine(state.adaptation_status, "adapted"))
    if state.correction_typed is not None:
        lines += [PanelLine(f"correct to: {state.correction_typed}_", "correcting"),
                  PanelLine("type the number, Return applies, Esc cancels", "hint")]
    if state.model_state == LOADING:
        return lines + [PanelLine("loading…", "waiting")]
    if state.model_state == FAILED:
        return lines + [PanelLine("cannot recognise", "failed"),
                        PanelLine("Drawing still works, but nothing is read.", "hint")]
    result = state.result
    if not result.digits:
        return lines + [PanelLine("Draw a digit", "heading"), PanelLine("or a whole number, left to right", "hint")]
    if result.sure:
        lines += [PanelLine(result.text, "number"), PanelLine(f"{percent_text(result.confidence)} sure", "sure")]
    else:
        lines.append(PanelLine("not sure", "unsure"))
        if not result.scribble:  # too many digits: a guess at the first twelve would mislead
            lines.append(PanelLine(guess_line(result), "guess"))
        lines.append(PanelLine(result.doubt, "doubt"))
        index = result.doubtful_index  # the digit whose reason is shown, unless a scribble's is
        named = "" if result.scribble or index is None else result.digits[index].doubt
        if named in (SOLID_PATCH, TOO_MUCH_INK):  # the brush is too thick for the size
            lines.append(PanelLine("write larger, or with a thinner brush ( [ )", "hint"))
        if named == OVERLAPPING:
            lines.append(PanelLine("leave a gap between digits", "hint"))
    count = len(result.digits)
    if count > 1:
        which = f"of the first {count}" if result.scribble else f"of {count}"
        lines.append(PanelLine(f"digit {state.selected + 1} {which}  (Tab: next)", "caption"))
    return lines


def guess_line(result) -> str:
    """The best guess of a result not sure. With a piece doubted for its shape (ink that is not
    a digit, a dot, ...) the digits' confidence would contradict the reason ("4 (100%)" over
    "not a digit"), so it names the closest digits only."""
    if not result.judged_by_confidence:
        return f"closest digit{'s' if len(result.digits) > 1 else ''}: {result.text}"
    return f"best guess: {result.text}  ({percent_text(result.confidence)})"


def panel_footer(state) -> str:
    return f"brush {state.brush:.0f}px{'  eraser' if state.erasing else ''}   F1 help"


@dataclasses.dataclass(frozen=True)
class PlacedText:
    text: str
    font: pygame.font.Font
    colour: tuple[int, int, int]
    rect: pygame.Rect  # where it is drawn, window coordinates


@dataclasses.dataclass(frozen=True)
class PlacedBar:
    label: PlacedText  # the digit
    value: PlacedText  # its probability, "12%"
    track: pygame.Rect  # the whole bar
    fraction: float  # how much of it is filled
    best: bool  # the digit read (drawn in the accent colour)


@dataclasses.dataclass(frozen=True)
class PanelPlan:
    texts: tuple[PlacedText, ...]  # every line of text, the footer last
    bars: tuple[PlacedBar, ...]  # the picked digit's probabilities, 0-9; () when left out
    thumbnails: tuple[pygame.Rect, ...]  # one square per digit: what the model sees
    selected: int  # the thumbnail to highlight, -1 for none
    fits: bool  # all of it shows (bars and inputs included), inside the panel

    def text(self) -> str:
        return "\n".join(placed.text for placed in self.texts)


def plan_panel(state, fonts: Fonts, rect: pygame.Rect) -> PanelPlan:
    """Where everything in the panel goes: the largest text scale (at most what the panel's
    height suggests, at least MIN_UNIT) at which the text shows whole, the bars at least
    MIN_BAR_ROW high and every model input at least MIN_THUMBNAIL wide; the headings and the
    number shrink first (HEADING_SCALES). At MIN_UNIT the bars give way if they must."""
    lines, footer = panel_lines(state), panel_footer(state)
    unit = max(START_UNIT, min(1.0, rect.height / 588))  # shrink with short windows
    while True:
        for heading_scale in HEADING_SCALES:
            plan = _plan_at(lines, footer, state, fonts, rect, unit, heading_scale)
            if plan.fits:
                return plan
        if unit <= MIN_UNIT:
            return plan
        unit = max(MIN_UNIT, unit - 0.05)


def _plan_at(lines, footer, state, fonts, rect, unit, heading_scale) -> PanelPlan:
    x, width = rect.x + PADDING, max(1, rect.width - 2 * PADDING)
    y = rect.y + 12
    texts = []
    for line in lines:
        style = STYLES[line.style]
        y += int(style.space * unit) if texts else 0
        if style.fit:
            font = fit_font(fonts, line.text, style.size * unit * heading_scale, style.bold, width)
            pieces = [line.text]
        else:
            font = fonts.get(style.size * unit, style.bold)
            pieces = wrap(line.text, font, width)
        for piece in pieces:
            texts.append(PlacedText(piece, font, style.colour, _text_rect(font, piece, topleft=(x, y))))
            y += max(font.get_linesize(), texts[-1].rect.height)
        if len(texts) == 1:  # the title: what follows goes below the inside view's button (layout.control)
            y = max(y, rect.y + 8 + CONTROL_SIZE[1] + 2)
    footer_font = fonts.get(FOOTER.size * unit)
    footer_text = PlacedText(footer, footer_font, FOOTER.colour,
                             _text_rect(footer_font, footer, bottomleft=(x, rect.bottom - 10)))
    bars, thumbnails, fits = (), (), y <= footer_text.rect.top
    result = state.result if state.model_state == READY else None
    if result is not None and result.digits:
        top = y + int(10 * unit)
        area = pygame.Rect(x, top, width, footer_text.rect.top - 8 - top)
        bars, caption, thumbnails = _plan_digits(result.digits[state.selected], len(result.digits), fonts, unit, area)
        texts.append(caption)
        fits = fits and bool(bars) and bool(thumbnails) and thumbnails[0].width >= MIN_THUMBNAIL
    texts.append(footer_text)
    fits = fits and all(rect.contains(placed.rect) for placed in texts)
    selected = state.selected if result is not None and len(result.digits) > 1 else -1
    return PanelPlan(tuple(texts), bars, thumbnails, selected, fits)


def _plan_digits(digit, count, fonts, unit, area):
    """The probability bars of `digit`, then a caption and `count` model inputs, in `area`:
    (bars, caption, thumbnails). The bars are left out, (), when the inputs would be narrower
    than MIN_THUMBNAIL with them; the inputs, when not even a pixel is left for them."""
    style = STYLES["caption"]
    caption_font = fonts.get(style.size * unit)
    caption_height = caption_font.get_linesize() + 4
    max_side = THUMBNAIL * unit

    def bars_height(row):
        return 10 * row + 8 if row else 0

    def side_for(row):
        return thumbnail_grid(count, area.width, area.height - bars_height(row) - caption_height,
                              max_side, THUMBNAIL_GAP)[1]

    bar_row = max(MIN_BAR_ROW, BAR_ROW * unit)
    wanted = min(max_side, COMFORTABLE_THUMBNAIL)
    if side_for(bar_row) < wanted:  # thinner bars make room for the inputs
        room = area.height - caption_height - grid_height(count, area.width, wanted, THUMBNAIL_GAP)
        bar_row = max(MIN_BAR_ROW, min(bar_row, (room - 8) / 10))
    if side_for(bar_row) < MIN_THUMBNAIL:  # no room for the bars
        bar_row = 0
    bar_row = int(bar_row)
    bars = _plan_bars(digit, fonts, unit, pygame.Rect(area.x, area.y, area.width, 10 * bar_row)) if bar_row else ()
    y = area.y + bars_height(bar_row)
    caption = PlacedText("what the model sees", caption_font, style.colour,
                         _text_rect(caption_font, "what the model sees", topleft=(area.x, y)))
    y += caption_height
    columns, side = thumbnail_grid(count, area.width, area.bottom - y, max_side, THUMBNAIL_GAP)
    if side < 1:
        return bars, caption, ()
    thumbnails = tuple(pygame.Rect(area.x + (index % columns) * (side + THUMBNAIL_GAP),
                                   y + (index // columns) * (side + THUMBNAIL_GAP), side, side)
                       for index in range(count))
    return bars, caption, thumbnails


def _plan_bars(digit, fonts, unit, area) -> tuple[PlacedBar, ...]:
    """One row per digit 0-9 in `area`: the digit, its bar, its probability."""
    row = area.height // 10
    font = fonts.get(min(13 * unit, row * 0.8))
    label_width = font.size("0")[0] + 8
    value_width = font.size("100%")[0] + 6
    inset = max(1, row // 6)
    bars = []
    for value, probability in enumerate(digit.probabilities):
        middle = area.y + value * row + row // 2
        percent = percent_text(probability)
        bars.append(PlacedBar(
            PlacedText(str(value), font, TEXT, _text_rect(font, str(value), midleft=(area.x, middle))),
            PlacedText(percent, font, MUTED, _text_rect(font, percent, midright=(area.right, middle))),
            pygame.Rect(area.x + label_width, middle - row // 2 + inset, area.width - label_width - value_width,
                        row - 2 * inset),
            float(probability), value == digit.digit))
    return tuple(bars)


def _text_rect(font, text, **anchor) -> pygame.Rect:
    rect = pygame.Rect((0, 0), font.size(text))
    for name, position in anchor.items():
        setattr(rect, name, position)
    return rect


def thumbnail_grid(count: int, width: float, height: float, max_side: float, gap: int) -> tuple[int, int]:
    """(columns, side) of the largest squares, at most max_side, that lay `count` model inputs
    out in rows within width x height; with equal sides, fewer rows."""
    best_columns, best_side = 1, 0
    for columns in range(1, max(1, count) + 1):
        rows = -(-count // columns)
        side = min(max_side, (width - gap * (columns - 1)) / columns, (height - gap * (rows - 1)) / rows)
        if int(side) >= best_side:
            best_columns, best_side = columns, int(side)
    return best_columns, max(0, best_side)


def grid_height(count: int, width: float, side: float, gap: int) -> float:
    """Height of `count` squares of `side` laid out in rows within `width`."""
    columns = max(1, min(count, int((width + gap) // (side + gap))))
    rows = -(-count // columns)
    return rows * side + (rows - 1) * gap


def fit_font(fonts: Fonts, text: str, size: float, bold: bool, width: int) -> pygame.font.Font:
    """The font of at most `size` in which `text` fits in one line of `width` pixels."""
    font = fonts.get(size, bold)
    measured = font.size(text)[0]
    if measured <= width:
        return font
    size = int(size * width / measured)
    while size > 6 and fonts.get(size, bold).size(text)[0] > width:
        size -= 1
    return fonts.get(size, bold)


def draw_panel(screen, fonts: Fonts, rect: pygame.Rect, state) -> PanelPlan:
    """The side panel: the number read, confidence, probability bars, model inputs, status."""
    pygame.draw.rect(screen, PANEL, rect, border_radius=10)
    plan = plan_panel(state, fonts, rect)
    clip = screen.get_clip()
    screen.set_clip(rect)  # whatever happens, nothing is drawn outside the panel
    try:
        for placed in plan.texts:
            screen.blit(placed.font.render(placed.text, True, placed.colour), placed.rect)
        for bar in plan.bars:
            for placed in (bar.label, bar.value):
                screen.blit(placed.font.render(placed.text, True, placed.colour), placed.rect)
            radius = min(3, bar.track.height // 2)
            pygame.draw.rect(screen, BAR, bar.track, border_radius=radius)
            filled = bar.track.copy()
            filled.width = max(0, int(bar.track.width * bar.fraction))
            if filled.width:
                pygame.draw.rect(screen, ACCENT if bar.best else MUTED, filled, border_radius=radius)
        digits = state.result.digits if plan.thumbnails else ()
        for index, (square, digit) in enumerate(zip(plan.thumbnails, digits, strict=True)):
            screen.blit(digit_surface(digit.image, square.width), square)
            if is_not_a_digit(digit):  # struck through, framed in the warning colour
                pygame.draw.line(screen, WARNING, square.bottomleft, square.topright, max(2, square.width // 14))
            frame = ACCENT if index == plan.selected else WARNING if is_not_a_digit(digit) else BAR
            pygame.draw.rect(screen, frame, square.inflate(4, 4), 2)
    finally:
        screen.set_clip(clip)
    return plan


def is_not_a_digit(digit) -> bool:
    """Whether the panel marks this digit's thumbnail as ink that is not a digit."""
    return digit.doubt == NOT_A_DIGIT


class PanelPainter:
    """Draws the panel into a picture of its own when what it shows changes, and just copies
    that picture to the screen on other frames (drawing it afresh costs milliseconds)."""

    def __init__(self, fonts: Fonts):
        self.fonts = fonts
        self.key = None
        self.result = None  # held so that id(result) in the key stays unique
        self.surface = None
        self.plan: PanelPlan | None = None  # where things are in the panel drawn last ...
        self.origin = (0, 0)  # ... relative to this corner of the window

    def bar_at(self, position) -> int | None:
        """The digit whose probability bar (its row: digit, bar, value) is at a window
        position, or None."""
        if self.plan is None:
            return None
        x, y = position[0] - self.origin[0], position[1] - self.origin[1]
        for value, bar in enumerate(self.plan.bars):
            if bar.label.rect.union(bar.track).union(bar.value.rect).collidepoint(x, y):
                return value
        return None

    def draw(self, screen, rect: pygame.Rect, state) -> None:
        result = state.result if state.model_state == READY else None
        key = (tuple(panel_lines(state)), panel_footer(state), rect.size, state.selected, id(result))
        if key != self.key:
            surface = pygame.Surface(rect.size)
            surface.fill(BACKGROUND)
            self.plan = draw_panel(surface, self.fonts, pygame.Rect((0, 0), rect.size), state)
            self.key, self.result, self.surface = key, result, surface
        self.origin = rect.topleft
        screen.blit(self.surface, rect.topleft)


CONTROL_FONT = 12  # font size of the inside view's button


def draw_control(screen, fonts: Fonts, rect: pygame.Rect, is_open: bool) -> None:
    """The button that opens the inside view (closes it when is_open), at layout.control."""
    pygame.draw.rect(screen, ACCENT if is_open else BAR, rect, 1 if is_open else 0, border_radius=6)
    key = ("control label", int(min(CONTROL_FONT, rect.height * 0.6)), is_open)  # rendered once, drawn every frame
    if key not in fonts._cache:
        fonts._cache[key] = fonts.get(key[1]).render("close  I" if is_open else "inside  I", True, TEXT)
    label = fonts._cache[key]
    screen.blit(label, label.get_rect(center=rect.center))


HELP_SIZE = 15  # font size of the key help, when it fits ...
MIN_HELP_SIZE = 11  # ... over the canvas; else it covers the whole window


def plan_help(fonts: Fonts, canvas: pygame.Rect, window: pygame.Rect) -> tuple[pygame.Rect, list[PlacedText]]:
    """Where the key help goes: (the area it covers, its text). Over the canvas when it fits
    there at MIN_HELP_SIZE or more; else over the whole window, at the size that fits."""
    for area, smallest in ((canvas, MIN_HELP_SIZE), (window, 6)):
        for size in range(HELP_SIZE, smallest - 1, -1):
            texts, needed = _help_at(fonts, area, size)
            if area.contains(needed):
                return area, texts
    return window, texts


def _help_at(fonts, area, size) -> tuple[list[PlacedText], pygame.Rect]:
    """The help's text at one font size, and the room it needs (its text and margins)."""
    font, heading = fonts.get(size), fonts.get(size * 4 / 3, True)
    margin, gap, row = int(size * 1.6), int(size * 1.2), int(size * 1.6)
    x, y = area.x + margin, area.y + margin
    texts = [PlacedText("Keys", heading, TEXT, _text_rect(heading, "Keys", topleft=(x, y)))]
    y += int(heading.get_linesize() * 1.5)
    actions_x = x + max(font.size(keys)[0] for keys, _ in HELP_LINES) + gap
    for keys, action in HELP_LINES:
        texts.append(PlacedText(keys, font, ACCENT, _text_rect(font, keys, topleft=(x, y))))
        texts.append(PlacedText(action, font, TEXT, _text_rect(font, action, topleft=(actions_x, y))))
        y += row
    needed = texts[0].rect.unionall([placed.rect for placed in texts]).inflate(2 * margin, 2 * margin)
    return texts, needed


def draw_help(screen, fonts: Fonts, canvas: pygame.Rect) -> None:
    area, texts = plan_help(fonts, canvas, screen.get_rect())
    overlay = pygame.Surface(area.size, pygame.SRCALPHA)
    overlay.fill((10, 12, 16, 225 if area == canvas else 250))  # over the panel: hide its text
    screen.blit(overlay, area.topleft)
    for placed in texts:
        screen.blit(placed.font.render(placed.text, True, placed.colour), placed.rect)


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    r"""Lines of text, each at most `width` pixels wide in `font`, broken at spaces; a word
    longer than a line (a path) is broken after a / or \ where one fits, else after a - or _
    (a file name), else anywhere."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if font.size(candidate)[0] <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while font.size(line)[0] > width and len(line) > 1:
            cut = _break_point(line, font, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def _break_point(word: str, font: pygame.font.Font, width: int) -> int:
    """How many characters of an over-long word go on this line: up to the last path
    separator that fits, else the last - or _, else as many characters as fit (at least one)."""
    fitting = 1
    while fitting < len(word) and font.size(word[: fitting + 1])[0] <= width:
        fitting += 1
    for separators in ("/\\", "-_"):
        last = max(word.rfind(separator, 0, fitting) for separator in separators)
        if last > 0:
            return last + 1
    return fitting
