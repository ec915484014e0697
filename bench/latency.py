"""Time from stroke end to updated result in the app's own path, and frame times while drawing
(issue bars: <= 5 ms median and <= 15 ms p99 per digit; frames <= 20 ms while drawing).
--inside measures with the inside view open (issue 21: frames p99 <= 20 ms, stroke end ->
result <= 5 ms median), and also stroke end -> the view painted with the new result (the work
of the two frames that read and paint it, without the wait for the second frame). --paced
sleeps out each frame, as the window does, so that live recognition (and with --inside, the
view) runs while a stroke is drawn, as it does for a user."""

import argparse
import time

import common
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digits", type=int, default=500)
    parser.add_argument("--inside", action="store_true", help="with the inside view open (I)")
    parser.add_argument("--paced", action="store_true",
                        help="sleep out each frame to 1/60 s as the window's loop does, so that live recognition "
                             "(every 0.1 s) runs while a stroke is drawn")
    common.add_settings_flag(parser)  # e.g. --set join_by_reading=0: the hand-set joins, to compare
    arguments = parser.parse_args()

    import pygame

    from tests.replay import key_event, stroke_events
    from training import pen_digits

    digits = pen_digits.load(common.PEN_DIGITS)[: arguments.digits]
    app = common.new_app(arguments.set)
    if arguments.inside:
        app.handle_event(key_event(pygame.K_i))
    condition = pen_digits.CONDITION_BY_NAME["normal"]
    stroke_end_latency, frame_times, drawn_latency, frame_cpu = [], [], [], []

    def frame(events=()):
        """One frame of the window's loop: events, update, draw, flip (timed)."""
        began, began_cpu = time.perf_counter(), time.thread_time()
        for event in events:
            app.handle_event(event)
        app.update()
        app.draw()
        pygame.display.flip()
        frame_times.append(time.perf_counter() - began)
        frame_cpu.append(time.thread_time() - began_cpu)
        if arguments.paced:
            time.sleep(max(0.0, began + 1 / 60 - time.perf_counter()))

    for digit in digits:
        common.clear(app)
        app.flush()
        for stroke in pen_digits.to_strokes(digit, condition, app.settings.canvas.canvas_size):
            events = stroke_events(stroke, app.canvas_rect.topleft)
            # drawing: a few motion events per frame, as a 60 fps loop sees them
            for start in range(0, len(events) - 1, 4):
                frame([event for event in events[start : start + 4] if event.type != pygame.MOUSEBUTTONUP])
            app.flush()  # let live recognition settle so only the stroke end is timed
            ended = time.perf_counter()
            app.handle_event(events[-1])  # mouse up: recognition starts at once
            app.flush()
            stroke_end_latency.append(time.perf_counter() - ended)
            # the frames that show it (the inside view reads a new result on one, paints it on the next)
            for _ in range(2):
                frame()
                if arguments.inside and app.inside.key == app.inside.read_key:
                    break
            drawn_latency.append(time.perf_counter() - ended)
    latency = np.array(stroke_end_latency) * 1000
    frames = np.array(frame_times) * 1000
    print(f"stroke end -> result ({len(latency)} strokes): median {np.median(latency):.2f} ms, "
          f"p99 {np.percentile(latency, 99):.2f} ms, max {latency.max():.2f} ms")
    print(f"frames while drawing and after each stroke ({len(frames)}): median {np.median(frames):.2f} ms, "
          f"p99 {np.percentile(frames, 99):.2f} ms, max {frames.max():.2f} ms")
    # the window's own work, which other processes on a busy machine do not stretch
    cpu = np.array(frame_cpu) * 1000
    print(f"frames, CPU time of the window's thread: median {np.median(cpu):.2f} ms, "
          f"p99 {np.percentile(cpu, 99):.2f} ms, max {cpu.max():.2f} ms")
    if arguments.inside and not arguments.paced:
        drawn = np.array(drawn_latency) * 1000
        print(f"stroke end -> inside view painted: median {np.median(drawn):.2f} ms, "
              f"p99 {np.percentile(drawn, 99):.2f} ms, max {drawn.max():.2f} ms")
    app.close()


if __name__ == "__main__":
    main()
