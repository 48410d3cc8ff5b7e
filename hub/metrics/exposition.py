"""The figures in Prometheus' text format, every metric of the catalogue in it.

A metric is listed even before anything was observed: without labels at 0,
with labels at 0 for its :attr:`~hub.metrics.catalogue.Metric.initial` label
values. Histograms are stored per bucket; Prometheus wants each bucket's
count to include the smaller ones', so they are added up here. Rows whose
labels or bucket no longer fit the catalogue (a release changed it) are
left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric as Family

from hub.metrics.catalogue import CATALOGUE, Metric, bucket_label
from hub.metrics.recorder import labels_key

#: the classic text format, which every Prometheus reads
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

#: (metric name, labels as JSON, sample) -> value
Samples = Mapping[tuple[str, str, str], float]
#: labels as JSON -> sample -> value, of one metric
_Series = dict[str, dict[str, float]]


def render(samples: Samples) -> bytes:
    return generate_latest(_Figures(samples))


class _Figures:
    """A Prometheus collector over one scrape's figures."""

    def __init__(self, samples: Samples) -> None:
        self.by_metric: dict[str, _Series] = {}
        for (name, labels, sample), value in samples.items():
            self.by_metric.setdefault(name, {}).setdefault(labels, {})[sample] = value

    def collect(self) -> Iterator[Family]:
        for metric in CATALOGUE.values():
            yield _family(metric, self.by_metric.get(metric.name, {}))


def _family(metric: Metric, series: _Series) -> Family:
    initial = [
        labels_key(metric, values) for values in metric.initial or [()] if len(values) == len(metric.labels)
    ]
    labels = list(metric.labels)
    family: GaugeMetricFamily | CounterMetricFamily | HistogramMetricFamily
    if metric.kind == "gauge":
        family = GaugeMetricFamily(metric.name, metric.help, labels=labels)
    elif metric.kind == "counter":
        family = CounterMetricFamily(metric.name.removesuffix("_total"), metric.help, labels=labels)
    else:
        family = HistogramMetricFamily(metric.name, metric.help, labels=labels)
    for key in sorted({*initial, *series}):
        values = _values(metric, key)
        if values is None:
            continue
        sample = series.get(key, {})
        if isinstance(family, HistogramMetricFamily):
            cumulative, buckets = 0.0, []
            for bound in metric.buckets:
                cumulative += sample.get(bucket_label(bound), 0.0)
                buckets.append((bucket_label(bound), cumulative))
            family.add_metric(values, buckets, sample.get("sum", 0.0))
        else:
            family.add_metric(values, sample.get("", 0.0))
    return family


def _values(metric: Metric, key: str) -> list[str] | None:
    """The label values stored as ``key``, in the metric's order; None when they do not fit it."""
    given = json.loads(key)
    if not isinstance(given, dict) or set(given) != set(metric.labels):
        return None
    return [str(given[label]) for label in metric.labels]
