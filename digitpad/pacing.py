"""When the window draws: a frame after something changed, and a wait while nothing does."""

import threading


class FramePacer:
    """Paces the main loop so that an idle window sleeps.

    Each pass of the loop takes the wake-up (take_wake) before it reads pygame's events; it
    draws a frame only if there were events (input, the window exposed or resized, the pointer
    moving) or a wake-up came from another thread (a recognition result, the model loaded),
    and otherwise sleeps in idle(): until woken, or one frame interval at most, after which
    the loop looks at pygame's events again. pygame's own event.wait() polls SDL every
    millisecond, which costs more than this loop does idle.
    """

    def __init__(self, frames_per_second: float):
        if not frames_per_second > 0:
            raise ValueError(f"frames_per_second must be positive, got {frames_per_second}")
        self.interval = 1.0 / frames_per_second  # seconds: longest idle sleep between looks at the events
        self._woken = threading.Event()
        self._woken.set()  # the first pass draws

    def wake(self) -> None:
        """Something the window shows changed (any thread): the next pass draws a frame."""
        self._woken.set()

    def take_wake(self) -> bool:
        """True if woken since the last call (and the wake-up is used up)."""
        woken = self._woken.is_set()
        self._woken.clear()
        return woken

    def idle(self) -> bool:
        """Sleep until woken or for one frame interval; True if woken."""
        return self._woken.wait(self.interval)
