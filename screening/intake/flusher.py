"""The background flush of a long-running server: journaled checks reach the store without a request waiting.

Every ``poll`` seconds the thread asks the counter to flush when due (:meth:`Counter.flush`): the
oldest journaled check has waited its time, or many are pending. While a run holds the store the flush
fails at once and is tried again at the next poll; checks wait safely in the journal meanwhile. On stop
it makes one last try, due or not.
"""

import logging
import threading

from screening.intake.service import Counter

log = logging.getLogger(__name__)


class JournalFlusher:
    """A daemon thread that flushes the counter's journal into the store when due."""

    def __init__(self, counter: Counter, poll: float = 5.0):
        self.counter = counter
        self.poll = max(0.05, min(poll, counter.flush_seconds or poll))
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self.loop, name="regscreen-journal-flush", daemon=True)
            self.thread.start()

    def loop(self) -> None:
        """Flush when due until stopped."""
        while not self.stopping.wait(self.poll):
            moved, why_not = self.counter.flush()
            if moved:
                log.info("%d checks moved from the counter's journal into the store", moved)
            elif why_not:
                log.debug("journal not flushed yet: %s", why_not)

    def stop(self) -> None:
        """Stop the thread and try one last flush (a run holding the store leaves the checks journaled)."""
        self.stopping.set()
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        self.counter.flush(when_due=False)
