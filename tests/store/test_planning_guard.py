"""The guard of screening.store.scan.commit_run: a run planned while another run committed is refused,
and the store stays as the other run left it (the nightly flow plans, screens on a runner and commits;
two processes that both planned run N+1 must not both write it)."""

from datetime import date

import pytest

from screening.errors import RunInProgress
from screening.store.parts import screen_part
from screening.store.scan import RunOptions, commit_run, parts_to_screen, plan_run
from store_scenario import FIRST, SECOND, Store, run_row, snapshot


def planned(store: Store, rows, day: int):
    """A plan of ``rows`` against the store as it is now, with its parts screened (nothing written to the
    store); each plan in a parts folder of its own, as two processes on two machines would have."""
    options = RunOptions(parts_dir=store.dir / f"parts-{day}")
    plan = plan_run(store.extract(rows), store.db, store.screener.versions, as_of=date(2024, 3, day), options=options)
    for part in parts_to_screen(plan):
        screen_part(store.screener, part, plan.results_dir)
    return plan


@pytest.mark.parametrize("first_loaded", [False, True], ids=["new-store", "store-with-a-run"])
def test_a_run_planned_before_another_committed_is_refused_and_writes_nothing(tmp_path, screener, first_loaded):
    store = Store(tmp_path, screener)
    if first_loaded:
        store.scan(FIRST, day=1)
    early = planned(store, SECOND, day=2)
    late = planned(store, FIRST[:3], day=3)
    assert early.run_id == late.run_id == (2 if first_loaded else 1)  # both planned the same next run
    report = commit_run(early)
    assert report.run_id == early.run_id
    after = snapshot(store.db)
    with pytest.raises(RunInProgress) as refused:
        commit_run(late)
    assert str(refused.value) == f"{store.db}: another run committed while this one was planned; run again"
    assert snapshot(store.db) == after
    assert run_row(store.db, early.run_id)["extract_file"] == str(early.extract)
    again = planned(store, FIRST[:3], day=4)  # planned again, it goes through as the next run
    assert commit_run(again).run_id == early.run_id + 1
