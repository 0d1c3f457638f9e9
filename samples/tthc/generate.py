"""Writes a TTHC feed (docs/tthc.md) of any size, for the demo, the tests and bench/tthc_import.py.

    python samples/tthc/generate.py --rows 10000 -o /tmp/tthc-10000.csv [--agency so-khcn-tra-vinh]

The committed samples (sample.json, sample.csv: 20 procedures of a Sở KH&CN, six months) were written by it;
the figures are invented but add up as the one-stop system's do (on time + late never exceed received + pending).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
from typing import Any

COLUMNS = ("code", "name", "field", "level", "document", "period", "received", "on_time", "late", "pending")
FIELDS = ("Hoạt động khoa học và công nghệ", "An toàn bức xạ và hạt nhân", "Tiêu chuẩn, đo lường, chất lượng",
          "Chuyển giao công nghệ", "Sở hữu trí tuệ")
NAMES = (
    ("Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", 0),
    ("Cấp lại Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ", 0),
    ("Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ cấp tỉnh", 0),
    ("Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ", 0),
    ("Xác nhận hàng hóa sử dụng trực tiếp cho phát triển hoạt động ươm tạo công nghệ", 0),
    ("Cấp giấy phép tiến hành công việc bức xạ (sử dụng thiết bị X-quang chẩn đoán trong y tế)", 1),
    ("Gia hạn giấy phép tiến hành công việc bức xạ", 1),
    ("Cấp chứng chỉ nhân viên bức xạ (người phụ trách an toàn cơ sở X-quang)", 1),
    ("Khai báo thiết bị X-quang chẩn đoán trong y tế", 1),
    ("Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá của tổ chức, cá nhân", 2),
    ("Đăng ký công bố hợp quy đối với sản phẩm, hàng hóa nhóm 2", 2),
    ("Kiểm tra nhà nước về chất lượng hàng hóa nhập khẩu", 2),
    ("Đăng ký kiểm tra nhà nước về đo lường đối với phương tiện đo nhập khẩu", 2),
    ("Xét tặng Giải thưởng Chất lượng quốc gia", 2),
    ("Cấp Giấy chứng nhận đăng ký chuyển giao công nghệ", 3),
    ("Cấp Giấy chứng nhận đăng ký gia hạn, sửa đổi, bổ sung nội dung chuyển giao công nghệ", 3),
    ("Thẩm định cơ sở khoa học của dự án đầu tư có sử dụng công nghệ", 3),
    ("Hỗ trợ tổ chức, cá nhân đăng ký bảo hộ quyền sở hữu công nghiệp", 4),
    ("Công nhận sáng kiến cấp tỉnh", 4),
    ("Đề nghị hỗ trợ phát triển tài sản trí tuệ cho sản phẩm đặc thù địa phương", 4),
)
LEVELS = ("toan_trinh", "mot_phan", "truc_tiep")


def rows(*, procedures: int = 20, months: int = 6, first: str = "2026-05", document: str | None = "QT-05",
         seed: int = 13) -> list[dict[str, Any]]:
    """``procedures`` × ``months`` rows from month ``first`` (YYYY-MM); every fifth procedure names ``document``."""
    rnd = random.Random(seed)
    year, month = (int(x) for x in first.split("-"))
    periods = []
    for _ in range(months):
        periods.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    out = []
    for i in range(procedures):
        name, field = NAMES[i % len(NAMES)]
        if i >= len(NAMES):
            name = f"{name} (mã nội bộ {i})"
        code = f"{1 + i % 2}.{i + 1:06d}" + (".000.00.00.H59" if i % 7 == 3 else "")
        listing = {"code": code, "name": name, "field": FIELDS[field], "level": LEVELS[i % 3],
                   "document": document if document and i % 5 == 0 else ""}
        carried = 0
        for period in periods:
            received = rnd.randint(0, 40)
            open_now = received + carried
            late = rnd.randint(0, max(0, open_now // 15))
            on_time = rnd.randint(max(0, open_now - late - 6), open_now - late)
            carried = open_now - late - on_time
            out.append({**listing, "period": period, "received": received, "on_time": on_time, "late": late,
                        "pending": carried})
    return out


def as_csv(items: list[dict[str, Any]], agency_id: str | None = None) -> bytes:
    buf = io.StringIO(newline="")
    columns = (*(("agency_id",) if agency_id else ()), *COLUMNS)
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({**({"agency_id": agency_id} if agency_id else {}), **item})
    return buf.getvalue().encode("utf-8")


def as_json(items: list[dict[str, Any]], agency_id: str) -> bytes:
    doc = {"format": "isoledger-tthc/1", "agency_id": agency_id, "source": "Hệ thống thông tin giải quyết TTHC tỉnh",
           "rows": items}
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sized(total: int, **kw: Any) -> list[dict[str, Any]]:
    """About ``total`` rows: 500 procedures by as many months as it takes (10,000 = 500 × 20)."""
    procedures = min(500, total)
    return rows(procedures=procedures, months=max(1, total // procedures), first="2025-01", **kw)[:total]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--agency", default="so-khcn-tra-vinh")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    items = sized(args.rows, document=None)
    data = as_json(items, args.agency) if args.output.endswith(".json") else as_csv(items, args.agency)
    with open(args.output, "wb") as f:
        f.write(data)
    print(f"{len(items)} rows -> {args.output}")


if __name__ == "__main__":
    main()
