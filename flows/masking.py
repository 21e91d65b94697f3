"""The flow's logs show no personal ID number: a filter on the Prefect run loggers masks every record
(the flow's prints, task failures and their messages) before any handler, console or API, sees it."""

import logging

from screening.extract.personal_ids import mask_ids

RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "flows")


class MaskedIds(logging.Filter):
    """Rewrites a record whose message holds a personal ID number with the number masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def mask_run_logs() -> None:
    """Install the filter on the run loggers once (idempotent)."""
    for name in RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, MaskedIds) for existing in logger.filters):
            logger.addFilter(MaskedIds())
