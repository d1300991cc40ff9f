"""Demo fulfilment's clock: a paid order's next step, some seconds later.

`make run` has no worker to wait for and no one packing, so the step runs on a
timer thread of the process that committed the last one. A process that
stops takes its timers with it, and those orders stay where they are.
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def demo_step_later(*, seconds: float, step: Callable[[], None]) -> threading.Timer:
    """Run `step` on a thread of its own after `seconds`; return its timer."""
    timer = threading.Timer(seconds, _run, args=(step,))
    timer.daemon = True
    timer.start()
    return timer


def _run(step: Callable[[], None]) -> None:
    close_old_connections()
    try:
        step()
    except Exception:
        logger.exception("demo fulfilment step failed")
    finally:
        connection.close()
