"""Time from stroke end to updated result in the app's own path, and frame times while drawing
(issue bars: <= 5 ms median and <= 15 ms p99 per digit; frames <= 20 ms while drawing).
--inside measures with the inside view open (issue 21: frames p99 <= 20 ms, stroke end ->
result <= 5 ms median), and also stroke end -> the view painted with the new result (the work
of the two frames that read and paint it, without the wait for the second frame)."""

import argparse
import time

import common
import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digits", type=int, default=500)
    parser.add_argument("--inside", action="store_true", help="with the inside view open (I)")
    arguments = parser.parse_args()

    import pygame

    from tests.replay import key_event, stroke_events
    from training import pen_digits

    digits = pen_digits.load(common.PEN_DIGITS)[: arguments.digits]
    app = common.new_app()
    if arguments.inside:
        app.handle_event(key_event(pygame.K_i))
    condition = pen_digits.CONDITION_BY_NAME["normal"]
    stroke_end_latency, frame_times, drawn_latency, frame_cpu = [], [], [], []
    for digit in digits:
        common.clear(app)
        app.flush()
        for stroke in pen_digits.to_strokes(digit, condition, app.settings.canvas.canvas_size):
            events = stroke_events(stroke, app.canvas_rect.topleft)
            # drawing: a few motion events per frame, as a 60 fps loop sees them
            for start in range(0, len(events) - 1, 4):
                began, began_cpu = time.perf_counter(), time.thread_time()
                for event in events[start : start + 4]:
                    if event.type != pygame.MOUSEBUTTONUP:
                        app.handle_event(event)
                app.update()
                app.draw()
                pygame.display.flip()
                frame_times.append(time.perf_counter() - began)
                frame_cpu.append(time.thread_time() - began_cpu)
            app.flush()  # let live recognition settle so only the stroke end is timed
            ended = time.perf_counter()
            app.handle_event(events[-1])  # mouse up: recognition starts at once
            app.flush()
            stroke_end_latency.append(time.perf_counter() - ended)
            if arguments.inside:  # and the frames that show it: one reads it, the next paints it
                for _ in range(3):
                    app.update()
                    app.draw()
                    pygame.display.flip()
                    if app.inside.key == app.inside.read_key:
                        break
                drawn_latency.append(time.perf_counter() - ended)
    latency = np.array(stroke_end_latency) * 1000
    frames = np.array(frame_times) * 1000
    print(f"stroke end -> result ({len(latency)} strokes): median {np.median(latency):.2f} ms, "
          f"p99 {np.percentile(latency, 99):.2f} ms, max {latency.max():.2f} ms")
    print(f"frames while drawing ({len(frames)}): median {np.median(frames):.2f} ms, "
          f"p99 {np.percentile(frames, 99):.2f} ms, max {frames.max():.2f} ms")
    # the window's own work, which other processes on a busy machine do not stretch
    cpu = np.array(frame_cpu) * 1000
    print(f"frames, CPU time of the window's thread: median {np.median(cpu):.2f} ms, "
          f"p99 {np.percentile(cpu, 99):.2f} ms, max {cpu.max():.2f} ms")
    if drawn_latency:
        drawn = np.array(drawn_latency) * 1000
        print(f"stroke end -> inside view painted: median {np.median(drawn):.2f} ms, "
              f"p99 {np.percentile(drawn, 99):.2f} ms, max {drawn.max():.2f} ms")
    app.close()


if __name__ == "__main__":
    main()
