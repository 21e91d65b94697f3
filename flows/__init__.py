"""Prefect flows: thin wrappers whose tasks are one-line calls into ``screening``.

The nightly flow (drop folder → ingest and delta → screen in chunks → load → export) is the
orchestration issue's work; the screening it maps over chunks is ``screening.rules.pipeline.screen_chunk``.
"""
