"""Where things go in a window of any size: the square canvas left, the panel right."""

import dataclasses

import pygame

MARGIN = 16  # pixels around the canvas and panel
INSIDE_SHARE = 0.58  # with the inside view open, it takes this much of the window's width ...
MIN_INSIDE_WIDTH = 260  # ... and at least this many pixels
CONTROL_SIZE = (78, 22)  # the inside view's button (width, height), top right of the panel


@dataclasses.dataclass(frozen=True)
class Layout:
    canvas: pygame.Rect  # the drawing area in window coordinates (square)
    panel: pygame.Rect  # the side panel (or the inside view, when open) in window coordinates
    # the button that opens and closes the inside view, top right of the panel
    control: pygame.Rect = dataclasses.field(default_factory=pygame.Rect)

    @classmethod
    def for_window(cls, width: int, height: int, panel_width: int, inside: bool = False) -> "Layout":
        """inside: the inside view is open; it takes the panel's place, wider (INSIDE_SHARE)."""
        if inside:
            panel_width = max(MIN_INSIDE_WIDTH, int(width * INSIDE_SHARE))
        else:
            panel_width = max(200, min(panel_width, int(width * 0.42)))
        free_width = max(1, width - panel_width - 3 * MARGIN)
        side = max(1, min(free_width, height - 2 * MARGIN))
        left = MARGIN + (free_width - side) // 2
        top = (height - side) // 2
        canvas = pygame.Rect(left, top, side, side)
        panel = pygame.Rect(width - panel_width - MARGIN, MARGIN, panel_width, max(1, height - 2 * MARGIN))
        control = pygame.Rect((panel.right - CONTROL_SIZE[0] - 10, panel.y + 8), CONTROL_SIZE)
        return cls(canvas, panel, control)
