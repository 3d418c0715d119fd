"""``bulk.collector_paused``: the cyclic garbage collector is off while an import runs and comes
back as it was, also after an error and when pauses overlap."""

import gc
import threading

import pytest

from stegvis.core import bulk


@pytest.fixture(autouse=True)
def _collector_restored():
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@bulk.collector_paused()
def failing_import(seen: list) -> None:
    seen.append(gc.isenabled())
    with bulk.collector_paused():
        seen.append(gc.isenabled())
    seen.append(gc.isenabled())  # the outer pause still holds
    raise ValueError("rad 7")


def test_the_collector_is_off_inside_and_on_again_after_an_error():
    gc.enable()
    seen = []
    with pytest.raises(ValueError, match="rad 7"):
        failing_import(seen)
    assert seen == [False, False, False]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with bulk.collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_last():
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other():
        with bulk.collector_paused():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with bulk.collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's import is still running
    leave.set()
    thread.join()
    assert gc.isenabled()
