"""Prefect flows: thin wrappers whose tasks are one-line calls into ``screening``.

The nightly flow (drop folder → ingest and delta → screen in chunks → load → export) is the
orchestration issue's work; the screening it maps over chunks is ``screening.rules.pipeline.screen_chunk``.

Importing this package applies the project's Prefect settings (``prefect.toml``: no telemetry)
before any of its modules imports Prefect.
"""

from flows.prefect_api import apply_project_settings

apply_project_settings()
