"""This process's observations that the database does not hold yet.

Observing costs a dict lookup, a bisect and a lock held for two additions:
nothing touches the database on the request path. :mod:`hub.core.metrics`
takes what was observed every ``JupyterHub.metrics_flush_interval``
seconds (and when the hub stops) and adds it to the database's totals;
until then a scrape of this process adds it to what the database says
(:meth:`Recorder.peek`), so a process always reports its own observations
and another process's after that process's next flush.

What is kept is a delta, as rows of ``(metric, labels, sample, amount)``:
``sample`` is ``""`` for a counter, and for a histogram ``"sum"`` or a
bucket's upper bound (the count of observations in that bucket alone, not
the cumulative count Prometheus shows).
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from collections.abc import Iterable, Mapping

from hub.metrics.catalogue import CATALOGUE, Kind, Metric, bucket_label

#: (metric name, labels as canonical JSON, sample, amount)
Row = tuple[str, str, str, float]
_Key = tuple[str, tuple[str, ...]]


def labels_key(metric: Metric, values: Iterable[str]) -> str:
    """Label values as they are stored: a JSON object, keys sorted."""
    return json.dumps(dict(zip(metric.labels, values, strict=True)), sort_keys=True, separators=(",", ":"))


class Recorder:
    """Counts and histogram buckets observed since the last flush."""

    def __init__(self, catalogue: Mapping[str, Metric] = CATALOGUE) -> None:
        self._catalogue = catalogue
        #: a counter's amount ([n]), or a histogram's bucket counts followed by its sum
        self._series: dict[_Key, list[float]] = {}
        #: rows a flush could not write, kept for the next one
        self._unwritten: dict[tuple[str, str, str], float] = {}
        # observations may come from worker threads (a plugin's, a transaction's)
        self._lock = threading.Lock()

    def inc(self, name: str, labels: Mapping[str, str] | None = None, n: float = 1) -> None:
        """Add ``n`` to a counter."""
        key = self._key(name, "counter", labels)
        with self._lock:
            series = self._series.get(key)
            if series is None:
                series = self._series[key] = [0.0]
            series[0] += n

    def observe(self, name: str, labels: Mapping[str, str] | None, value: float) -> None:
        """Count ``value`` (seconds, say) in a histogram."""
        key = self._key(name, "histogram", labels)
        buckets = self._catalogue[name].buckets
        index = bisect_left(buckets, value)
        with self._lock:
            series = self._series.get(key)
            if series is None:
                series = self._series[key] = [0.0] * (len(buckets) + 1)
            series[index] += 1
            series[-1] += value

    def take(self) -> list[Row]:
        """What was observed since the last call (for a flush), and forget it."""
        with self._lock:
            series, self._series = self._series, {}
            unwritten, self._unwritten = self._unwritten, {}
        return self._rows(series, unwritten)

    def put_back(self, rows: Iterable[Row]) -> None:
        """Rows a flush took but could not write: the next flush writes them."""
        with self._lock:
            for name, labels, sample, amount in rows:
                key = (name, labels, sample)
                self._unwritten[key] = self._unwritten.get(key, 0.0) + amount

    def peek(self) -> list[Row]:
        """What was observed and not flushed yet, kept (for a scrape)."""
        with self._lock:
            series = {key: list(values) for key, values in self._series.items()}
            unwritten = dict(self._unwritten)
        return self._rows(series, unwritten)

    def _key(self, name: str, kind: Kind, labels: Mapping[str, str] | None) -> _Key:
        metric = self._catalogue.get(name)
        if metric is None or metric.kind != kind:
            raise ValueError(f"{name} is not a {kind} of the hub's metrics")
        given = labels or {}
        try:
            values = tuple(given[label] for label in metric.labels)
        except KeyError:
            raise ValueError(f"{name} takes the labels {metric.labels}, not {tuple(given)}") from None
        if len(given) != len(values):
            raise ValueError(f"{name} takes the labels {metric.labels}, not {tuple(given)}")
        return name, values

    def _rows(
        self, series: dict[_Key, list[float]], unwritten: dict[tuple[str, str, str], float]
    ) -> list[Row]:
        """One row per (metric, labels, sample), sorted: concurrent flushes then
        lock the rows they share in the same order, and never deadlock."""
        amounts = dict(unwritten)

        def add(name: str, labels: str, sample: str, amount: float) -> None:
            amounts[(name, labels, sample)] = amounts.get((name, labels, sample), 0.0) + amount

        for (name, values), counts in series.items():
            metric = self._catalogue[name]
            labels = labels_key(metric, values)
            if metric.kind == "counter":
                add(name, labels, "", counts[0])
                continue
            for bound, count in zip(metric.buckets, counts, strict=False):
                if count:
                    add(name, labels, bucket_label(bound), count)
            add(name, labels, "sum", counts[-1])
        return sorted((name, labels, sample, amount) for (name, labels, sample), amount in amounts.items())
