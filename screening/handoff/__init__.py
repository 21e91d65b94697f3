"""Hand-off to the regulators: what leaves the store for the regulators' systems. The outbox
(``outbox``) is filled in the same transaction as the watch-list change it reports, and ``push``
delivers its pending entries over HTTP in batches, each entry carrying an idempotency key, retrying
failed batches later with an exponential, capped backoff, so a receiver that fails loses nothing.
"""
