"""The registry store on DuckDB: firm versions, screenings, the watch list, decisions, audit.

Cut by stage: ``database`` (connections, schema and views from ``sql/``), ``staging`` (an
extract read and validated into firm rows and rejects), ``delta`` (what changed since the store
last saw each firm), ``watchlist`` (the lifecycle and priority), ``scan`` (one run, one
transaction), ``decisions`` and ``status``.
"""
