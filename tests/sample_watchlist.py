"""The watch list that the bundled sample (data/sample/registrations_sample.csv) must give, whatever runs it
(the flow on threads or on Dask, `regscreen nightly` from the CLI): (priority, credit_code, name, status,
lead_regulator, hold) in priority order. A change that moves a firm updates this list, with the reason."""

from pathlib import Path

from screening.store.database import open_store

SAMPLE_WATCHLIST = [
    (1, "91310115MA0000005B", "上海诚贷网络科技有限公司", "new", "银监局", False),
    (2, "91120101MA0000021E", "天津和平ｐ２ｐ信息技术有限公司", "new", "银监局", False),
    (3, "91110108MA0000003K", "北京云众筹科技有限公司", "new", "证监局", False),
    (4, "91440104MA0000015H", "广州粤海互联网保险经纪有限公司", "new", "保监局", False),
    (5, "91410303MA0000011L", "洛阳新汇支付科技有限公司", "new", "人民银行", False),
    (6, "91320102MA0000008X", "南京汇富财富管理有限公司", "new", "金融办", False),
    (7, "91110105MA00000012", "北京恒信投资管理有限公司", "new", "金融办", False),
    (8, "91330205MA0000010T", "宁波江北鑫源资产管理有限公司", "new", "金融办", False),
    (9, "91440106MA00000138", "廣州泰豐財富管理有限公司", "new", "金融办", False),
    (10, "91440106MA0000014B", "广州华南金融信息服务有限公司", "new", "金融办", False),
    (11, "91370102MA00000222", "济南泉城理 财咨询有限公司", "new", "金融办", False),
    (12, "91410305MA0000012L", "洛阳古都交易中心有限公司", "new", "金融办", False),
    (13, "91110108MA0000004N", "北京华控股权投资有限公司", "new", "金融办", True),  # 迁入 with a suspension term: held
]


def current_watchlist(db: Path) -> list[tuple]:
    """The store's current watch list in the form of ``SAMPLE_WATCHLIST``."""
    con = open_store(db)
    try:
        return con.execute("select priority, credit_code, name, status, lead_regulator, hold from v_watchlist_current "
                           "order by priority, credit_code").fetchall()
    finally:
        con.close()
