"""Where things go in a window of any size: the square canvas left, the panel right."""

import dataclasses

import pygame

MARGIN = 16  # pixels around the canvas and panel


@dataclasses.dataclass(frozen=True)
class Layout:
    canvas: pygame.Rect  # the drawing area in window coordinates (square)
    panel: pygame.Rect  # the side panel in window coordinates

    @classmethod
    def for_window(cls, width: int, height: int, panel_width: int) -> "Layout":
        panel_width = max(200, min(panel_width, int(width * 0.42)))
        free_width = max(1, width - panel_width - 3 * MARGIN)
        side = max(1, min(free_width, height - 2 * MARGIN))
        left = MARGIN + (free_width - side) // 2
        top = (height - side) // 2
        canvas = pygame.Rect(left, top, side, side)
        panel = pygame.Rect(width - panel_width - MARGIN, MARGIN, panel_width, max(1, height - 2 * MARGIN))
        return cls(canvas, panel)
