"""What the persons check (重点抽查 at the counter, screening.intake.persons_check) adds to an application.

A store of 2,000 made-up firms (each with a legal representative and three shareholders drawn from 1,500
people, a third of them with an ID number), 200 of them confirmed, one run later; then, in one process and
alternately (5 rounds), the counter decides 1,000 applications (real names and scopes, bench/intake_applications.py)
as they are (baseline) and with two legal representatives and three shareholders each, half of them drawn
from the store's people. Reported: the median per application of each, and the difference; the
persons of interest and how many answers the persons turned into report.

    .venv/bin/python bench/persons_check.py
"""

from datetime import date
from pathlib import Path
import random
import statistics
import sys
import tempfile
import time

from stdnum.cn import ric, uscc

sys.path.insert(0, str(Path(__file__).parent))
from intake_applications import api_body, applications  # noqa: E402

from screening.intake.application import parse_application  # noqa: E402
from screening.intake.service import Asker, Counter  # noqa: E402
from screening.rules.screener import product_screener  # noqa: E402
from screening.settings import get_settings  # noqa: E402
from screening.store.decisions import decide  # noqa: E402
from screening.store.scan import scan  # noqa: E402

FIRMS, PEOPLE, CONFIRMED, APPLICATIONS, ROUNDS = 2_000, 1_500, 200, 1_000, 5
ASKER = Asker("bench", None, "cli")
SURNAMES, GIVEN = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂"


def people(rng: random.Random) -> list[str]:
    found = []
    for n in range(PEOPLE):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) + str(n)
        if n % 3 == 0:
            base = f"110105{1950 + n % 50}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
            name += f"({base}{ric.calc_check_digit(base)})"
        found.append(name)
    return found


def build(folder: Path, screener, rng: random.Random) -> tuple[Path, list[str]]:
    persons = people(rng)
    header = "企业名称,统一社会信用代码,经营范围,法定代表人,股东,登记状态\n"
    rows, codes = [], []
    for n in range(FIRMS):
        base = f"91310115MA{n:07d}"
        code = base + uscc.calc_check_digit(base)
        codes.append(code)
        holders = "；".join(rng.sample(persons, 3))
        rows.append(f"上海{n}投资管理有限公司,{code},投资管理,{rng.choice(persons)},{holders},存续\n")
    extract = folder / "extract.csv"
    extract.write_text(header + "".join(rows), encoding="utf-8")
    db = folder / "registry.duckdb"
    scan(extract, db, screener, as_of=date(2026, 11, 1))
    for code in codes[:CONFIRMED]:
        decide(db, code, "confirm", "bench", "bench")
    return db, persons


def timed(counter: Counter, items: list) -> tuple[float, int]:
    started, reported = time.perf_counter(), 0
    for application in items:
        reported += counter.decided(application, ASKER)[0]["decision"] == "report"
    return (time.perf_counter() - started) / len(items), reported


def main() -> None:
    rng = random.Random(20161122)
    screener = product_screener(get_settings()).without_extended()
    with tempfile.TemporaryDirectory() as folder:
        db, persons = build(Path(folder), screener, rng)
        counter = Counter(screener, db, flush_seconds=3600)
        plain, named = [], []
        for row in applications(APPLICATIONS):
            fields = api_body(row)
            plain.append(parse_application(fields))
            drawn = [rng.choice(persons) if rng.random() < 0.5 else f"路人{rng.randrange(10**6)}" for _ in range(5)]
            named.append(parse_application(fields | {"legal_reps": drawn[:2], "shareholders": drawn[2:]}))
        base, more, reported = [], [], 0
        for _ in range(ROUNDS):
            base.append(timed(counter, plain)[0])
            seconds, reported = timed(counter, named)
            more.append(seconds)
        counter.close()
        interest = counter.persons.interest()
        print(f"persons of interest: {len(interest.bases)}; answers turned into report by a person: {reported} of {APPLICATIONS}")
        print(f"median per application: without persons {statistics.median(base) * 1e3:.3f} ms, "
              f"with 5 persons {statistics.median(more) * 1e3:.3f} ms, "
              f"difference {(statistics.median(more) - statistics.median(base)) * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
