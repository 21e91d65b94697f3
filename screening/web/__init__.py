"""The analysts' workspace (分析工作台): a FastAPI app with server-rendered Chinese pages over the store's
published snapshot — the review queue, each firm's dossier with its decision form, hand-offs and runs —
with accounts and roles (:mod:`screening.web.accounts`) kept in a small file beside the store, and the
applications check of the registration counter (:mod:`screening.web.applications_api`, bearer keys).

Built by :func:`screening.web.app.create_app`; served by ``regscreen serve``. Like the CLI, it reads the
settings (:func:`screening.web.config.web_config`) and passes what the library needs down.
"""
