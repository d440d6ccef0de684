#!/usr/bin/env python3
"""Writes the shipped SAMPLE data: one monthly report record per provincial-level unit (34), for
September 2025, and the national meeting record. Figures are invented (seeded, so the files are
stable); names of people are fictional. Run from the repository root: scripts/make-samples.py
"""
import json, os, random, unicodedata

UNITS = [
    ("01", "Hà Nội", True), ("04", "Cao Bằng", False), ("08", "Tuyên Quang", False), ("11", "Điện Biên", False),
    ("12", "Lai Châu", False), ("14", "Sơn La", False), ("15", "Lào Cai", False), ("19", "Thái Nguyên", False),
    ("20", "Lạng Sơn", False), ("22", "Quảng Ninh", False), ("24", "Bắc Ninh", False), ("25", "Phú Thọ", False),
    ("31", "Hải Phòng", True), ("33", "Hưng Yên", False), ("37", "Ninh Bình", False), ("38", "Thanh Hóa", False),
    ("40", "Nghệ An", False), ("42", "Hà Tĩnh", False), ("44", "Quảng Trị", False), ("46", "Huế", True),
    ("48", "Đà Nẵng", True), ("51", "Quảng Ngãi", False), ("52", "Gia Lai", False), ("56", "Khánh Hòa", False),
    ("66", "Đắk Lắk", False), ("68", "Lâm Đồng", False), ("75", "Đồng Nai", False), ("79", "Hồ Chí Minh", True),
    ("80", "Tây Ninh", False), ("82", "Đồng Tháp", False), ("86", "Vĩnh Long", False), ("91", "An Giang", False),
    ("92", "Cần Thơ", True), ("96", "Cà Mau", False),
]

TASKS = [
    "Triển khai Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP)",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Cấp chứng thư chữ ký số cho cán bộ, công chức cấp xã",
    "Vận hành Trung tâm giám sát, điều hành thông minh (IOC)",
    "Làm sạch dữ liệu dân cư theo Đề án 06",
    "Đào tạo kỹ năng số cho tổ công nghệ số cộng đồng",
    "Phủ sóng di động 4G/5G tại thôn, bản vùng sâu",
    "Xây dựng kho dữ liệu dùng chung của tỉnh",
    "Ứng dụng khoa học, công nghệ nâng cao năng suất cây trồng, vật nuôi",
    "Phát triển thương hiệu đặc sản địa phương trên sàn thương mại điện tử",
    "Triển khai thanh toán trực tuyến dịch vụ công",
    "Bảo đảm an toàn thông tin theo cấp độ cho hệ thống dùng chung",
]
OWNERS = ["Sở Khoa học và Công nghệ", "Công an tỉnh", "Văn phòng UBND tỉnh", "Sở Nội vụ", "VNPT tỉnh",
          "Viettel tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Công Thương", "Bưu điện tỉnh"]
STATUS = {"done": "Hoàn thành", "progress": "Đang thực hiện", "overdue": "Quá hạn"}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc"]
GIVEN = ["Hùng", "Lan", "Tuấn", "Hằng", "Dũng", "Thủy", "Khánh", "Phượng", "Nghĩa", "Yến", "Quý", "Sơn"]

# Every Vietnamese letter with every tone mark appears in Cà Mau's narrative (a test of fonts and NFC).
ALL_DIACRITICS = ("Kiểm tra phông chữ: à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ đ è é ẻ ẽ ẹ ê ề ế ể ễ ệ ì í ỉ ĩ ị "
                  "ò ó ỏ õ ọ ô ồ ố ổ ỗ ộ ơ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ư ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ; "
                  "À Á Ả Ã Ạ Ă Ằ Ắ Ẳ Ẵ Ặ Â Ầ Ấ Ẩ Ẫ Ậ Đ È É Ẻ Ẽ Ẹ Ê Ề Ế Ể Ễ Ệ Ì Í Ỉ Ĩ Ị "
                  "Ò Ó Ỏ Õ Ọ Ô Ồ Ố Ổ Ỗ Ộ Ơ Ờ Ớ Ở Ỡ Ợ Ù Ú Ủ Ũ Ụ Ư Ừ Ứ Ử Ữ Ự Ỳ Ý Ỷ Ỹ Ỵ.")

def slug(name):
    s = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return "-".join(s.split())

def person(rng):
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"

def record(code, name, city, rng):
    full = ("Thành phố " if city else "") + name
    upper_unit = ("THÀNH PHỐ " if city else "TỈNH ") + name.upper()
    n_tasks = rng.randint(3, 7)
    items = []
    for k, task in enumerate(rng.sample(TASKS, n_tasks)):
        kind = rng.choices(["done", "progress", "overdue"], [4, 5, 1])[0]
        progress = 1.0 if kind == "done" else round(rng.uniform(0.15, 0.95), 2)
        month = 9 if kind == "done" else rng.choice([10, 11, 12])
        if kind == "overdue":
            month = 8
        items.append({"name": task, "owner": rng.choice(OWNERS), "progress": progress,
                      "deadline": f"2025-{month:02d}-{rng.choice([15, 30]) if month != 2 else 28:02d}",
                      "status": STATUS[kind]})
    completed = rng.randint(6, 30)
    in_progress = rng.randint(8, 40)
    overdue = sum(1 for t in items if t["status"] == STATUS["overdue"])
    records = rng.randint(18_000, 420_000) * (4 if city else 1)
    issued_day = rng.choice([22, 23, 24, 25, 26])
    rec = {
        "sample": True,
        "code": code,
        "province": full,
        "shortName": name,
        "isCity": city,
        "agency": {"parent": "ỦY BAN NHÂN DÂN", "name": upper_unit},
        "number": f"{rng.randint(1, 420):02d}",
        "symbol": "BC-UBND",
        "place": "Thành phố Hồ Chí Minh" if code == "79" else name,
        "issueDate": f"2025-09-{issued_day:02d}",
        "period": {"month": 9, "year": 2025},
        "excerpt": ("Kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo, "
                    "chuyển đổi số và Đề án 06 tháng 9 năm 2025"),
        "tasks": {"completed": completed, "inProgress": in_progress, "overdue": overdue,
                  "completedShare": round(completed / (completed + in_progress + overdue), 4), "items": items},
        "indicators": {
            "onlineRecords": records,
            "localShare": round(rng.uniform(0.55, 0.92), 4),
            "platformsDeployed": rng.randint(6, 21),
            "signatureCertificates": rng.randint(2_000, 60_000),
            "certificatesChange": round(rng.uniform(0.008, 0.061), 4),
            "adultsWithSignature": round(rng.uniform(0.21, 0.52), 4),
            "adultsChangePoints": round(rng.uniform(0.4, 2.1), 1),
        },
        "achievements": [
            f"Hoàn thành {completed} nhiệm vụ trong tháng; tỷ lệ hồ sơ trực tuyến toàn trình tiếp tục tăng.",
            "Duy trì ổn định các hệ thống dùng chung, không để xảy ra sự cố mất an toàn thông tin.",
        ],
        "difficulties": ["Hạ tầng viễn thông ở một số xã vùng sâu, vùng xa chưa đáp ứng yêu cầu."],
        "proposals": ["Đề nghị các bộ, ngành hướng dẫn kết nối dữ liệu chuyên ngành với hệ thống của địa phương."],
        "attendees": [f"VNPT {name}", f"Viettel {name}", f"MobiFone {name}", f"Bưu điện {('thành phố' if city else 'tỉnh')} {name}",
                      f"Công ty Điện lực {name}"],
        "signer": {"authority": "TM. ỦY BAN NHÂN DÂN", "deputy": "KT. CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH", "name": person(rng)},
        "recipients": ["Văn phòng Chính phủ;", "Ban Chỉ đạo Trung ương (để b/c);", "Bộ Khoa học và Công nghệ;",
                       "TT Tỉnh ủy, TT HĐND tỉnh;" if not city else "TT Thành ủy, TT HĐND thành phố;",
                       "Chủ tịch, các PCT UBND;", "Lưu: VT, KGVX."],
        "contact": {"officer": person(rng), "phone": f"0{rng.randint(200, 299)}.{rng.randint(100, 999)}.{rng.randint(1000, 9999)}"},
    }
    return rec

def main():
    rng = random.Random(20250924)
    out = "samples/provinces"
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".json"):
            os.unlink(os.path.join(out, f))
    for code, name, city in UNITS:
        rec = record(code, name, city, rng)
        if code == "12":  # Lai Châu draws on its report to the September 2025 meeting.
            rec["number"] = "05"
            rec["issueDate"] = "2025-09-24"
            rec["achievements"] = [
                "Ứng dụng tiến bộ khoa học, công nghệ nâng cao năng suất, chất lượng cây trồng, vật nuôi.",
                "Xây dựng và bảo hộ thương hiệu cho các sản phẩm đặc sản của tỉnh.",
                "Triển khai các nền tảng số dùng chung, thúc đẩy dịch vụ công trực tuyến toàn trình.",
            ]
            rec["attendees"] = ["VNPT Lai Châu", "Viettel Lai Châu", "MobiFone Lai Châu", "Bưu điện tỉnh Lai Châu",
                                "Công ty Điện lực Lai Châu"]
        if code == "14":  # An empty task list.
            rec["tasks"]["items"] = []
            rec["tasks"]["overdue"] = 0
            t = rec["tasks"]
            t["completedShare"] = round(t["completed"] / (t["completed"] + t["inProgress"]), 4)
        if code == "79":  # A narrative long enough to run over pages.
            para = ("Thành phố tiếp tục triển khai đồng bộ các giải pháp chuyển đổi số trên ba trụ cột chính quyền số, "
                    "kinh tế số và xã hội số; tập trung hoàn thiện hạ tầng dữ liệu, kết nối liên thông các cơ sở dữ liệu "
                    "chuyên ngành với Cơ sở dữ liệu quốc gia về dân cư, nâng cao chất lượng dịch vụ công trực tuyến và "
                    "mức độ hài lòng của người dân, doanh nghiệp.")
            rec["achievements"] = [f"{para} (Nội dung {k + 1}.)" for k in range(14)]
        if code == "96":  # Every diacritic.
            rec["achievements"].append(ALL_DIACRITICS)
        if code == "80":  # A missing optional field.
            del rec["contact"]
            del rec["proposals"]
        if code == "42":  # Text that arrives decomposed (NFD), as some keyboards send it.
            def nfd(x):
                if isinstance(x, str):
                    return unicodedata.normalize("NFD", x)
                if isinstance(x, list):
                    return [nfd(y) for y in x]
                if isinstance(x, dict):
                    return {k: nfd(v) for k, v in x.items()}
                return x
            rec = nfd(rec)
        path = os.path.join(out, f"{code}-{slug(name)}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rec, f, ensure_ascii=False, indent=2)
            f.write("\n")
    meeting = {
        "sample": True,
        "title": "Phiên họp của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        "date": "2025-09-23",
        "chair": "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo",
        "national": {"tasksCompleted": 270, "tasksInProgress": 382, "onlineRecords": 7500000, "localShare": 0.733,
                     "platformsListed": 84, "platformsWithPlans": 21, "certificatesChange": 0.034,
                     "adultsWithSignature": 0.3611, "adultsChangePoints": 1.2},
        "reportingMonth": "tháng 9 năm 2025",
        "summary": {"agency": "BAN CHỈ ĐẠO", "agencyParent": "CHÍNH PHỦ", "number": "12", "symbol": "BC-BCĐ",
                    "place": "Hà Nội", "issueDate": "2025-09-26",
                    "signer": {"authority": "TM. BAN CHỈ ĐẠO", "deputy": "", "title": "PHÓ TRƯỞNG BAN THƯỜNG TRỰC",
                               "name": "Trần Minh Khải"}},
    }
    with open("samples/meeting.json", "w", encoding="utf-8") as f:
        json.dump(meeting, f, ensure_ascii=False, indent=2)
        f.write("\n")

main()
