"""``jupyterhub_event_loop_interval_seconds``: how responsive each hub process's event loop is.

One task per process sleeps for the sampling period again and again and
observes how long each sleep really took, less the period: a loop that keeps
up is observed at the period itself (a shorter lag cannot be told from none),
one blocked by a slow call at the time it was blocked. Configured, as in
JupyterHub, in the ``c.PeriodicMetricsCollector`` section.
"""

from __future__ import annotations

import asyncio
import logging
import time

from traitlets import Bool, Float
from traitlets.config import LoggingConfigurable

from hub.metrics.catalogue import EVENT_LOOP_INTERVAL
from hub.metrics.recorder import Recorder

log = logging.getLogger("hub.metrics")


class PeriodicMetricsCollector(LoggingConfigurable):
    """The ``c.PeriodicMetricsCollector`` section: the event loop's sampling.

    (JupyterHub's ``active_users_*`` keys of this section have no use here:
    ``jupyterhub_active_users`` is counted at each scrape.)
    """

    event_loop_interval_enabled = Bool(
        True, help="Sample the event loop's responsiveness (jupyterhub_event_loop_interval_seconds)."
    ).tag(config=True)
    event_loop_interval_resolution = Float(
        0.05,
        min=0.001,
        help="Seconds between samples of the event loop: its lag is measured to about this much. "
        "Much below 20 ms the sampling itself costs CPU; the histogram's buckets start at 50 ms.",
    ).tag(config=True)
    event_loop_interval_log_threshold = Float(
        1, help="Log a warning when the event loop was blocked for at least this many seconds."
    ).tag(config=True)

    async def sample_event_loop(self, recorder: Recorder) -> None:
        """Observe the event loop's interval into ``recorder`` until cancelled."""
        # read once: traitlets attribute access costs more than the rest of a sample
        period = self.event_loop_interval_resolution
        warn_at = self.event_loop_interval_log_threshold
        clock = time.perf_counter
        observe = recorder.observe
        last = clock()
        while True:
            await asyncio.sleep(period)
            now = clock()
            late = now - last - period
            last = now
            if late < period:
                late = period
            elif late >= warn_at:
                log.warning("The event loop was blocked for at least %.2f s", late)
            observe(EVENT_LOOP_INTERVAL, None, late)
