"""Writes ``registrations_sample.csv``: a small, made-up extract that shows every kind of verdict.

The firms are invented (the real registry data may not be copied into this repository); the
credit codes carry valid check digits for their region, except one that is wrong on purpose.
Run: ``.venv/bin/python data/sample/make_sample.py``.
"""

import csv
from pathlib import Path

from stdnum.cn import uscc

HEADER = ["统一社会信用代码", "企业名称", "经营范围", "注册地址", "法定代表人", "登记状态", "成立日期", "注册资本"]
FIRMS = [
    ("110105", "北京恒信投资管理有限公司", "投资管理；资产管理；投资咨询（1、未经有关部门批准，不得以公开方式募集资金；2、不得公开开展证券类产品和金融衍生品交易活动；3、不得发放贷款）", "北京市朝阳区建国路1号", "存续"),
    ("110102", "北京金融街物业管理有限公司", "物业管理；停车服务", "北京市西城区金融大街9号", "存续"),
    ("110108", "北京云众筹科技有限公司", "技术开发；众筹平台技术服务", "北京市海淀区中关村大街2号", "迁入"),
    ("110108", "北京华控股权投资有限公司", "企业管理咨询", "北京市海淀区学院路5号", "迁入"),
    ("310115", "上海诚贷网络科技有限公司", "网络借贷信息中介服务；P2P网贷平台技术开发", "上海市浦东新区张江路8号", "存续"),
    ("310104", "上海静安慈善基金会", "资助贫困学生", "上海市徐汇区漕溪路3号", "存续"),
    ("310101", "上海佳禾贸易有限公司", "日用百货销售（不含金融业务）；经济信息咨询（除金融、证券、期货）", "上海市黄浦区南京东路4号", "存续"),
    ("320102", "南京汇富财富管理有限公司", "投资理财咨询；第三方理财服务；非融资性担保", "南京市玄武区中山路6号", "存续"),
    ("320505", "苏州顺达物流有限公司", "道路货物运输；代理财产保险", "苏州市高新区长江路7号", "存续"),
    ("330205", "宁波江北鑫源资产管理有限公司", "资产管理；股权投资基金管理", "宁波市江北区人民路10号", "存续"),
    ("410303", "洛阳新汇支付科技有限公司", "手机支付业务技术服务；软件开发", "洛阳市西工区中州路11号", "存续"),
    ("410305", "洛阳古都交易中心有限公司", "农副产品交易中心场地服务", "洛阳市涧西区长安路12号", "存续"),
    ("440106", "廣州泰豐財富管理有限公司", "財富管理諮詢；企業管理", "广州市天河区天河路13号", "存续"),
    ("440106", "广州华南金融信息服务有限公司", "金融信息服务（除金融业务）；数据处理", "广州市天河区珠江新城14号", "存续"),
    ("440104", "广州粤海互联网保险经纪有限公司", "互联网保险经纪服务", "广州市越秀区东风路15号", "存续"),
    ("440104", "广州资金融通咨询有限公司", "资金融通信息咨询（不含许可项目）", "广州市越秀区环市路16号", "存续"),
    ("420106", "中国工商银行股份有限公司武汉某某支行", "办理人民币存款、贷款；代理发行金融债券", "武汉市武昌区中南路17号", "存续"),
    ("330106", "杭州丰收农村信用合作社", "吸收存款；发放贷款；代理金融业务", "杭州市西湖区文三路18号", "存续"),
    ("510107", "成都天府机械制造有限公司", "机械设备制造、销售", "成都市武侯区人民南路19号", "存续"),
    ("500103", "重庆渝中餐饮管理有限公司", "餐饮管理；食品销售（除金融外的投资咨询不在此列）", "重庆市渝中区解放碑20号", "存续"),
    ("120101", "天津和平ｐ２ｐ信息技术有限公司", "计算机软件开发", "天津市和平区南京路21号", "存续"),
    ("370102", "济南泉城理 财咨询有限公司", "企业管理咨询", "济南市历下区泉城路22号", "存续"),
]


def credit_code(region: str, serial: int) -> str:
    """A valid code for a firm registered in ``region``."""
    base = f"91{region}MA{serial:07d}"[:17]
    return base + uscc.calc_check_digit(base)


def rows() -> list[list[str]]:
    """Header, the firms, and two records that must be rejected."""
    body = [[credit_code(region, n + 1), name, scope, address, "张*", status, "2016-05-01", "1000万元"]
            for n, (region, name, scope, address, status) in enumerate(FIRMS)]
    wrong = credit_code("440106", 99)[:-1] + ("0" if credit_code("440106", 99)[-1] != "0" else "1")
    body.append([wrong, "广州错码投资管理有限公司", "投资管理", "广州市天河区体育西路23号", "李*", "存续", "2016-05-02", "500万元"])
    body.append([credit_code("440106", 100), "", "无名称的记录", "广州市天河区体育东路24号", "王*", "存续", "2016-05-03", "10万元"])
    return [HEADER, *body]


if __name__ == "__main__":
    target = Path(__file__).with_name("registrations_sample.csv")
    with open(target, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows())
    print(f"wrote {target} ({len(rows()) - 1} records)")
