"""Time from stroke end to updated result in the app's own path, and frame times while drawing
(issue bars: <= 5 ms median and <= 15 ms p99 per digit; frames <= 20 ms while drawing)."""

import argparse
import time

import common
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digits", type=int, default=500)
    common.add_settings_flag(parser)  # e.g. --set join_by_reading=0: the hand-set joins, to compare
    arguments = parser.parse_args()

    import pygame

    from tests.replay import stroke_events
    from training import pen_digits

    digits = pen_digits.load(common.PEN_DIGITS)[: arguments.digits]
    app = common.new_app(arguments.set)
    condition = pen_digits.CONDITION_BY_NAME["normal"]
    stroke_end_latency, frame_times = [], []
    for digit in digits:
        common.clear(app)
        app.flush()
        for stroke in pen_digits.to_strokes(digit, condition, app.settings.canvas.canvas_size):
            events = stroke_events(stroke, app.canvas_rect.topleft)
            # drawing: a few motion events per frame, as a 60 fps loop sees them
            for start in range(0, len(events) - 1, 4):
                began = time.perf_counter()
                for event in events[start : start + 4]:
                    if event.type != pygame.MOUSEBUTTONUP:
                        app.handle_event(event)
                app.update()
                app.draw()
                pygame.display.flip()
                frame_times.append(time.perf_counter() - began)
            app.flush()  # let live recognition settle so only the stroke end is timed
            ended = time.perf_counter()
            app.handle_event(events[-1])  # mouse up: recognition starts at once
            app.flush()
            stroke_end_latency.append(time.perf_counter() - ended)
    latency = np.array(stroke_end_latency) * 1000
    frames = np.array(frame_times) * 1000
    print(f"stroke end -> result ({len(latency)} strokes): median {np.median(latency):.2f} ms, "
          f"p99 {np.percentile(latency, 99):.2f} ms, max {latency.max():.2f} ms")
    print(f"frames while drawing ({len(frames)}): median {np.median(frames):.2f} ms, "
          f"p99 {np.percentile(frames, 99):.2f} ms, max {frames.max():.2f} ms")
    app.close()


if __name__ == "__main__":
    main()
