#!/usr/bin/env python3
"""Writes one small report twice, as a baocao template and as a relatorio (Genshi) template with the
same content: five fields, a sentence with three numbers, a table of tasks, a list of achievements.
scripts/bench merges both with the 34 samples. usage: bench/comparable/make.py (needs soffice)"""
import os, shutil, subprocess, tempfile
os.chdir(os.path.dirname(os.path.abspath(__file__)))
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
def doc(body):
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document {NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:body><office:text>{body}</office:text></office:body></office:document>'''
def ph(expr):
    return f'<text:placeholder text:placeholder-type="text">&lt;{expr}&gt;</text:placeholder>'
def row(cells):
    return '<table:table-row>' + ''.join(f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>' for c in cells) + '</table:table-row>'
def table(rows):
    return '<table:table table:name="T"><table:table-column table:number-columns-repeated="4"/>' + ''.join(rows) + '</table:table>'
fields = [("province", "Tỉnh"), ("agency.name", "Cơ quan"), ("number", "Số"), ("place", "Nơi"), ("issueDate", "Ngày")]
baocao = ''.join(f'<text:p>{label}: {{d.{f}}}</text:p>' for f, label in fields)
baocao += f'<text:p>Hoàn thành {{d.tasks.completed}}, đang thực hiện {{d.tasks.inProgress}}, quá hạn {{d.tasks.overdue}}.</text:p>'
baocao += table([row(["TT", "Nhiệm vụ", "Đơn vị", "Tiến độ"]),
                 row(["{d.tasks.items[i].name:count()}", "{d.tasks.items[i].name}", "{d.tasks.items[i].owner}", "{d.tasks.items[i].progress}"]),
                 row(["{d.tasks.items[i+1].name}", "", "", ""])])
baocao += '<text:p>- {d.achievements[i]}</text:p><text:p>- {d.achievements[i+1]}</text:p>'
rel = ''.join(f'<text:p>{label}: {ph("o." + f.replace(".", "."))}</text:p>' for f, label in fields)
rel += f'<text:p>Hoàn thành {ph("o.tasks.completed")}, đang thực hiện {ph("o.tasks.inProgress")}, quá hạn {ph("o.tasks.overdue")}.</text:p>'
rel += table([row(["TT", "Nhiệm vụ", "Đơn vị", "Tiến độ"]),
              row([ph('for each="(n, t) in enumerate(o.tasks.items)"'), "", "", ""]),
              row([ph("n + 1"), ph("t.name"), ph("t.owner"), ph("t.progress")]),
              row([ph("/for"), "", "", ""])])
each_a = 'for each="a in o.achievements"'
rel += f'<text:p>{ph(each_a)}</text:p><text:p>- {ph("a")}</text:p><text:p>{ph("/for")}</text:p>'
open("baocao-small.fodt", "w").write(doc(baocao))
open("relatorio-small.fodt", "w").write(doc(rel))
work = tempfile.mkdtemp()
subprocess.run(["soffice", "-env:UserInstallation=file://" + work + "/profile", "--headless", "--convert-to", "odt",
                "--outdir", work, "baocao-small.fodt", "relatorio-small.fodt"], check=True, capture_output=True)
for name in ("baocao-small.odt", "relatorio-small.odt"):
    shutil.copy(os.path.join(work, name), name)
print("wrote bench/comparable/baocao-small.odt, bench/comparable/relatorio-small.odt")
