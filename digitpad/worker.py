"""Recognition off the UI thread: the newest drawing wins, stale requests are skipped."""

import threading
import time

from digitpad.recognition import EMPTY, Result


class RecognitionWorker:
    """Runs `recognise(request) -> Result` on a background thread.

    submit() never blocks; only the latest request is kept, so a slow recognition can never
    queue up behind the mouse. `latest` is the newest finished Result, `flush()` waits until
    every submitted request has been answered. `on_result()`, if given, is called on the worker's
    thread after each result is stored (the window wakes up to show it); it must not block.
    """

    def __init__(self, recognise, on_result=None):
        self.recognise = recognise
        self.on_result = on_result
        self.condition = threading.Condition()
        self.pending = None  # (number, request) waiting to be recognised
        self.submitted = 0  # number of the newest request
        self.finished = 0  # number of the newest request answered
        self.latest: Result = EMPTY
        self.error: Exception | None = None  # the last recognition failure, shown by the app
        self.latencies: list[float] = []  # seconds from submit to result, newest last (bounded)
        self.stopping = False
        self.thread = threading.Thread(target=self._run, name="recognition", daemon=True)
        self.thread.start()

    def submit(self, request) -> int:
        with self.condition:
            self.submitted += 1
            self.pending = (self.submitted, request, time.perf_counter())
            self.condition.notify_all()
            return self.submitted

    def flush(self, timeout: float | None = 30.0) -> bool:
        """Wait until every request so far is answered; False on timeout."""
        with self.condition:
            return self.condition.wait_for(lambda: self.finished >= self.submitted or self.stopping, timeout)

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify_all()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self.condition:
                self.condition.wait_for(lambda: self.pending is not None or self.stopping)
                if self.stopping:
                    return
                number, request, submitted_at = self.pending
                self.pending = None
            try:
                result, error = self.recognise(request), None
            except Exception as failure:  # shown in the window; the app keeps running
                result, error = EMPTY, failure
            with self.condition:
                self.latest = result
                self.error = error
                self.finished = max(self.finished, number)
                self.latencies.append(time.perf_counter() - submitted_at)
                del self.latencies[:-1000]
                if self.on_result is not None:  # before flush() returns, so a flushed result has woken the window
                    self.on_result()
                self.condition.notify_all()
