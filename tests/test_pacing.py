import threading

import pytest

from digitpad.pacing import FramePacer


def test_the_first_pass_draws_then_only_a_wake_up_does():
    pacer = FramePacer(60)
    assert pacer.take_wake() and not pacer.take_wake()
    pacer.wake()
    assert pacer.take_wake() and not pacer.take_wake()


def test_a_wake_up_from_another_thread_ends_the_idle_wait():
    pacer = FramePacer(0.01)  # an idle wait of 100 s: only the wake-up ends it this soon
    pacer.take_wake()
    waker = threading.Thread(target=pacer.wake)
    waker.start()
    assert pacer.idle() and pacer.take_wake()
    waker.join()


def test_idle_without_a_wake_up_returns_false():
    pacer = FramePacer(1000)
    pacer.take_wake()
    assert not pacer.idle() and not pacer.take_wake()


@pytest.mark.parametrize("rate", [0, -60])
def test_a_frame_rate_must_be_positive(rate):
    with pytest.raises(ValueError, match="frames_per_second"):
        FramePacer(rate)
