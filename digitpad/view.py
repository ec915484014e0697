"""Everything the window shows, drawn with pygame from plain state; no input handling here."""

import cv2
import numpy as np
import pygame

from digitpad import ink
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
    ("Ctrl+Z", "undo stroke"),
    ("Ctrl+Y, Ctrl+Shift+Z", "redo"),
    ("Del, Backspace, C", "clear"),
    ("Wheel, [ ]", "brush size"),
    ("Tab, Left, Right", "pick a digit of a number"),
    ("0-9", "teach: the picked digit is this"),
    ("Ctrl+S", "save drawing (PNG + JSON)"),
    ("F1, H", "show / hide this help"),
    ("Esc", "quit"),
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


def blit_text(screen, font, text, colour, position, anchor="topleft") -> pygame.Rect:
    surface = font.render(text, True, colour)
    rect = surface.get_rect(**{anchor: position})
    screen.blit(surface, rect)
    return rect


def draw_panel(screen, fonts: Fonts, rect: pygame.Rect, state) -> None:
    """The side panel: the number read, confidence, probability bars, model inputs, status."""
    pygame.draw.rect(screen, PANEL, rect, border_radius=10)
    x, y, width = rect.x + 16, rect.y + 12, rect.width - 32
    unit = max(0.6, min(1.0, rect.height / 588))  # shrink with short windows
    blit_text(screen, fonts.get(15 * unit, True), "digitpad", MUTED, (x, y))
    y += int(28 * unit)
    result = state.result
    if state.message:
        colour = ERROR if state.message_is_error else ACCENT
        for line in wrap(state.message, fonts.get(13 * unit), width)[:4]:
            blit_text(screen, fonts.get(13 * unit), line, colour, (x, y))
            y += int(18 * unit)
        y += int(6 * unit)
    if not state.model_ready:
        blit_text(screen, fonts.get(28 * unit, True), "loading…", MUTED, (x, y))
        return
    if not result.digits:
        blit_text(screen, fonts.get(30 * unit, True), "Draw a digit", TEXT, (x, y))
        blit_text(screen, fonts.get(14 * unit), "or a whole number, left to right", MUTED, (x, y + int(42 * unit)))
        y += int(80 * unit)
    else:
        if result.sure:
            big = fonts.get(min(80 * unit, width / max(1, len(result.text)) * 1.6), True)
            blit_text(screen, big, result.text, TEXT, (x, y))
            y += big.get_height()
            blit_text(screen, fonts.get(15 * unit), f"{result.confidence:.0%} sure", ACCENT, (x, y))
        else:
            heading = fonts.get(36 * unit, True)
            blit_text(screen, heading, "not sure", WARNING, (x, y + int(10 * unit)))
            y += int(10 * unit) + heading.get_height() + int(10 * unit)
            guess = ("too much ink for a number" if result.scribble
                     else f"best guess: {result.text}  ({result.confidence:.0%})")
            blit_text(screen, fonts.get(17 * unit), guess, TEXT, (x, y))
        y += int(36 * unit)
        if len(result.digits) > 1:
            caption = f"digit {state.selected + 1} of {len(result.digits)}  (Tab: next)"
            blit_text(screen, fonts.get(12 * unit), caption, MUTED, (x, y - int(14 * unit)))
            y += int(6 * unit)
        y = draw_probabilities(screen, fonts, result.digits[state.selected], x, y, width, unit)
        y = draw_inputs(screen, fonts, result.digits, state.selected, x, y + int(8 * unit), width, unit)
    footer = f"brush {state.brush:.0f}px{'  eraser' if state.erasing else ''}   F1 help"
    blit_text(screen, fonts.get(13 * unit), footer, MUTED, (x, rect.bottom - 10), anchor="bottomleft")


def draw_probabilities(screen, fonts, digit, x, y, width, unit) -> int:
    row = max(12, int(20 * unit))
    label_font = fonts.get(13 * unit)
    for value, probability in enumerate(digit.probabilities):
        top = y + value * row
        blit_text(screen, label_font, str(value), TEXT, (x, top + row // 2), anchor="midleft")
        bar = pygame.Rect(x + 20, top + 3, width - 70, row - 6)
        pygame.draw.rect(screen, BAR, bar, border_radius=3)
        filled = bar.copy()
        filled.width = max(0, int(bar.width * probability))
        if filled.width:
            pygame.draw.rect(screen, ACCENT if value == digit.digit else MUTED, filled, border_radius=3)
        blit_text(screen, label_font, f"{probability:.0%}", MUTED, (x + width, top + row // 2), anchor="midright")
    return y + 10 * row


def draw_inputs(screen, fonts, digits, selected, x, y, width, unit) -> int:
    blit_text(screen, fonts.get(12 * unit), "what the model sees", MUTED, (x, y))
    y += int(18 * unit)
    side = int(max(20, min(56 * unit, (width - 6 * (len(digits) - 1)) / max(1, len(digits)))))
    for index, digit in enumerate(digits[: max(1, width // (side + 6))]):
        left = x + index * (side + 6)
        screen.blit(digit_surface(digit.image, side), (left, y))
        colour = ACCENT if index == selected and len(digits) > 1 else BAR
        pygame.draw.rect(screen, colour, pygame.Rect(left - 2, y - 2, side + 4, side + 4), 2)
    return y + side + 8


def draw_help(screen, fonts: Fonts, rect: pygame.Rect) -> None:
    overlay = pygame.Surface(rect.size, pygame.SRCALPHA)
    overlay.fill((10, 12, 16, 225))
    screen.blit(overlay, rect.topleft)
    font = fonts.get(15)
    y = rect.y + 24
    blit_text(screen, fonts.get(20, True), "Keys", TEXT, (rect.x + 24, y))
    y += 36
    for keys, action in HELP_LINES:
        blit_text(screen, font, keys, ACCENT, (rect.x + 24, y))
        blit_text(screen, font, action, TEXT, (rect.x + 24 + int(rect.width * 0.45), y))
        y += 24


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.size(candidate)[0] <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines
