"""The model queue: one worker thread owns the model, a bounded number of requests wait.

Every request that needs the agent becomes a job. Jobs run one at a time on a single
worker thread (the local model is one instance, not reentrant). At most ``pending`` jobs
may wait behind the running one; past that :meth:`WorkQueue.submit` refuses, and the
server answers HTTP 429 with a ``Retry-After`` estimated from recent job durations.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

DEFAULT_PENDING = 8
MAX_RETRY_AFTER = 120


class QueueFull(Exception):
    """Raised by :meth:`WorkQueue.submit` when ``pending`` jobs are already waiting."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the model queue is full; retry in {retry_after}s")
        self.retry_after = retry_after


class WorkQueue:
    """A single worker thread plus a bounded count of waiting jobs."""

    def __init__(self, pending: int = DEFAULT_PENDING) -> None:
        if pending < 0:
            raise ValueError("pending must be >= 0")
        self.pending = pending
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calvados-model")
        self._lock = threading.Lock()
        self._in_flight = 0
        self._durations: deque[float] = deque(maxlen=32)
        self.completed = 0
        self.refused = 0

    @property
    def capacity(self) -> int:
        """Jobs admitted at once: the running one plus the waiting ones."""
        return self.pending + 1

    @property
    def in_flight(self) -> int:
        with self._lock:
            return self._in_flight

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue ``fn(*args)`` for the worker; raises :class:`QueueFull` when full."""
        with self._lock:
            if self._in_flight >= self.capacity:
                self.refused += 1
                raise QueueFull(self._retry_after_locked())
            self._in_flight += 1
        try:
            future = self._executor.submit(self._timed, fn, *args)
        except RuntimeError:  # shut down
            self._release(0.0)
            raise
        return future

    def retry_after(self) -> int:
        """Seconds until a slot is likely free (at least 1)."""
        with self._lock:
            return self._retry_after_locked()

    def mean_duration(self) -> float:
        with self._lock:
            return sum(self._durations) / len(self._durations) if self._durations else 1.0

    def shutdown(self) -> None:
        """Let the running job finish (so its session is complete); drop jobs not started."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _retry_after_locked(self) -> int:
        mean = sum(self._durations) / len(self._durations) if self._durations else 1.0
        return max(1, min(MAX_RETRY_AFTER, math.ceil(mean * max(1, self._in_flight))))

    def _timed(self, fn: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self._release(time.perf_counter() - start)

    def _release(self, duration: float) -> None:
        with self._lock:
            self._in_flight -= 1
            if duration:
                self._durations.append(duration)
                self.completed += 1
