"""延伸监管：重点抽查 in the store (screening.store.interest): persons of interest from confirmed firms, the
spot-check list raised by later runs and withdrawn when a decision is reversed, thresholds, revocation,
masked names, no ID in clear (沪府办〔2016〕46号 附件8 四(二)3–4)."""

import pytest

from conftest import query
from interest_scenario import (A, B, C, FIRST, ID, M, N_LATER, N_MASKED, N_PLAIN, N_QIAN_REP, N_SUN, N_SUN_NO_ID,
                               N_WU, N_ZHAO, SECOND, SUN_SHOWN, THIRD, Registry, registry,  # noqa: F401 (fixtures)
                               second_run)

NEVER_RAISED = {N_SUN_NO_ID, N_MASKED, N_PLAIN, A, B, C, M}


def persons(db) -> set[tuple[str, str]]:
    return set(query(db, "select person_name, basis from persons_of_interest"))


def spot(db) -> set[tuple[str, str]]:
    return set(query(db, "select credit_code, person_name from v_spot_checks"))


def outbox(db) -> list[tuple]:
    return query(db, "select status, credit_code, run_id, lead_regulator, lead_category from outbox "
                     "where status like 'spot_check%' order by run_id, status, credit_code")


def test_confirmed_firms_make_persons_of_interest_with_their_evidence(second_run):
    assert persons(second_run.db) == {(SUN_SHOWN, "shareholder"), ("钱三", "shareholder"), ("赵一", "revoked_legal_rep")}
    evidence = query(second_run.db, "select p.person_name, e.basis, e.credit_code, d.decision from person_interest_evidence e "
                                    "join persons_of_interest p using (person_key, basis) "
                                    "join decisions d using (decision_id)")
    assert set(evidence) == {(SUN_SHOWN, "shareholder", A, "confirm"), (SUN_SHOWN, "shareholder", B, "confirm"),
                             ("钱三", "shareholder", A, "confirm"), ("钱三", "shareholder", B, "confirm"),
                             ("赵一", "revoked_legal_rep", A, "confirm")}


def test_the_next_run_raises_new_firms_without_terms(second_run):
    assert spot(second_run.db) == {(N_SUN, SUN_SHOWN), (N_QIAN_REP, "钱三"), (N_ZHAO, "赵一")}
    flagged = query(second_run.db, "select credit_code, flagged from screenings where credit_code in (?, ?, ?)",
                    [N_SUN, N_QIAN_REP, N_ZHAO])
    assert flagged and not any(f for _, f in flagged)  # no term: raised only through the person
    assert not {code for code, _ in spot(second_run.db)} & NEVER_RAISED


@pytest.mark.parametrize("code, person, role, basis_words", [
    (N_SUN, SUN_SHOWN, "股东", ["2 家经认定", "上海甲投资管理有限公司", "上海乙理财顾问有限公司", "四(二)4"]),
    (N_QIAN_REP, "钱三", "法定代表人", ["2 家经认定", A, B, "四(二)4"]),
    (N_ZHAO, "赵一", "法定代表人", ["被吊销营业执照", "任职资格限制", A, "四(二)3"]),
])
def test_each_check_says_who_in_which_role_through_which_confirmed_firms(second_run, code, person, role, basis_words):
    [(reason, note, watch)] = query(second_run.db, "select reason, note, watch_status from v_spot_checks "
                                                   "where credit_code = ?", [code])
    assert reason.startswith(f"重点抽查：本企业的{role}「{person}」")
    assert all(word in reason for word in basis_words), reason
    assert "脱敏" in note and "王*" in note and watch == "not listed"


def test_spot_checks_have_their_own_outbox_kind_routed_to_the_confirmed_firms_regulator(second_run):
    assert outbox(second_run.db) == [("spot_check", code, 2, "金融办", "重点抽查") for code in sorted([N_SUN, N_QIAN_REP, N_ZHAO])]
    assert set(query(second_run.db, "select push_status from v_spot_checks")) == {("pending",)}


def test_a_reversed_decision_removes_the_persons_and_withdraws_their_checks(registry):
    registry.decide(B, "dismiss")
    assert persons(registry.db) == {("赵一", "revoked_legal_rep")}  # 孙二 and 钱三 now have one confirmed firm
    assert spot(registry.db) == {(N_ZHAO, "赵一")}
    withdrawn = query(registry.db, "select credit_code, withdrawn_run, withdrawn_why from spot_checks where status = 'withdrawn'")
    assert {(c, r) for c, r, _ in withdrawn} == {(N_SUN, 3), (N_QIAN_REP, 3)} and all("撤销" in w for *_, w in withdrawn)
    assert [row for row in outbox(registry.db) if row[0] == "spot_check_withdrawn"] == [
        ("spot_check_withdrawn", code, 3, "金融办", "重点抽查") for code in sorted([N_SUN, N_QIAN_REP])]
    registry.scan(THIRD, 3)  # 孙二's later firm is not raised any more
    assert spot(registry.db) == {(N_ZHAO, "赵一")}
    assert not query(registry.db, "select * from spot_checks where credit_code = ?", [N_LATER])


def test_confirming_again_raises_the_persons_later_firms_on_the_next_run(registry):
    registry.decide(B, "dismiss")
    registry.decide(B, "confirm")
    assert (SUN_SHOWN, "shareholder") in persons(registry.db)
    assert spot(registry.db) == {(N_ZHAO, "赵一")}  # decisions raise nothing: runs do
    registry.scan(THIRD, 3)
    assert spot(registry.db) == {(N_ZHAO, "赵一"), (N_LATER, SUN_SHOWN)}


def test_the_same_extract_again_changes_nothing(registry):
    before = query(registry.db, "select * from spot_checks order by all"), outbox(registry.db)
    registry.scan(SECOND, 2)  # same file content: a repeat
    assert (query(registry.db, "select * from spot_checks order by all"), outbox(registry.db)) == before


@pytest.mark.parametrize("threshold, expected_persons, raised", [
    (1, {SUN_SHOWN, "钱三", "吴五", "赵一"}, {N_SUN, N_QIAN_REP, N_WU, N_ZHAO}),
    (2, {SUN_SHOWN, "钱三", "赵一"}, {N_SUN, N_QIAN_REP, N_ZHAO}),
    (3, {"赵一"}, {N_ZHAO}),
])
def test_the_threshold_of_confirmed_firms(tmp_path, screener, threshold, expected_persons, raised):
    registry = Registry(tmp_path, screener, min_confirmed=threshold).confirmed()
    registry.scan(SECOND, 2)
    assert {name for name, _ in persons(registry.db)} == expected_persons
    assert {code for code, _ in spot(registry.db)} == raised
    assert not raised & NEVER_RAISED
    assert set(query(registry.db, "select min_confirmed from persons_of_interest where basis = 'shareholder'")) <= {(threshold,)}


def rows_with(status: str, code: str, legal_rep: str, name: str = "上海寅投资管理有限公司") -> list[str]:
    return [name, code, "投资管理", legal_rep, "", status]


@pytest.mark.parametrize("first_status, confirm, second_status, restricted", [
    ("存续", True, "吊销，未注销", True),      # revoked after the confirmation: restricted
    ("存续", True, "吊销", True),
    ("存续", True, "存续", False),             # never revoked
    ("吊销", True, "吊销", False),             # revoked before it was confirmed: not "after a confirmation"
    ("存续", False, "吊销，未注销", False),    # revoked without a confirmation
    ("存续", True, "注销", False),             # deregistered is not revoked
])
def test_revocation_after_a_confirmation_restricts_the_legal_representative(tmp_path, screener, first_status, confirm,
                                                                             second_status, restricted):
    registry = Registry(tmp_path, screener)
    registry.scan([rows_with(first_status, A, "蒋五")], 1)
    if confirm:
        registry.decide(A)
    registry.scan([rows_with(second_status, A, "蒋五"), rows_with("存续", N_PLAIN, "蒋五", "上海卯科技有限公司")], 2)
    assert (("蒋五", "revoked_legal_rep") in persons(registry.db)) is restricted
    assert ((N_PLAIN, "蒋五") in spot(registry.db)) is restricted


def test_masked_names_make_no_one_of_interest_and_raise_nothing(tmp_path, screener):
    masked = [["上海辰金融信息服务有限公司", A, "金融信息服务", "王*", "王*；李＊；张××", "存续"],
              ["上海巳理财顾问有限公司", B, "理财咨询", "王*", "王*；李＊；张××", "存续"]]
    registry = Registry(tmp_path, screener, min_confirmed=1)
    registry.scan(masked, 1)
    registry.decide(A)
    registry.decide(B)
    registry.scan(masked + [["上海午科技有限公司", N_MASKED, "技术开发", "王*", "李＊", "存续"]], 2)
    assert persons(registry.db) == set() and spot(registry.db) == set()


def test_no_new_table_holds_an_id_in_clear(second_run):
    for table in ("persons_of_interest", "person_interest_evidence", "spot_checks", "outbox"):
        rows = query(second_run.db, f"select * from {table}")
        assert rows and ID not in repr(rows), table
    [(key,)] = query(second_run.db, "select person_key from persons_of_interest where person_name = ?", [SUN_SHOWN])
    assert key.startswith("孙二|110105********002X|") and len(key.rsplit("|", 1)[1]) == 32  # the keyed hash


def test_first_run_alone_raises_nothing(tmp_path, screener):
    registry = Registry(tmp_path, screener)
    registry.scan(FIRST, 1)
    assert persons(registry.db) == set() and spot(registry.db) == set() and outbox(registry.db) == []
