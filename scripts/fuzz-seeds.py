#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs.

With no argument: the small seeds kept in the repository (Tests/Fuzz/corpus/TARGET), made from the
fixtures, templates and samples. With `--corpus DIR`: a larger seed set in DIR/TARGET from those
and from ../shared/corpus (real documents no one here wrote), for scripts/fuzz; not committed.
"""
import glob, os, sys, zipfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.path.join(os.path.dirname(root), "shared", "corpus")
out = os.path.join(root, "Tests", "Fuzz", "corpus")
large = False
if len(sys.argv) == 3 and sys.argv[1] == "--corpus":
    out, large = sys.argv[2], True

def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def r(p):
    with open(os.path.join(root, p), "rb") as f:
        return f.read()

packages = sorted(glob.glob(os.path.join(root, "Tests/Fixtures/**/*.od[ts]"), recursive=True)
                  + glob.glob(os.path.join(root, "templates/*.od[ts]")))
if large:
    packages += sorted(glob.glob(os.path.join(shared, "odftoolkit/*.odt")) + glob.glob(os.path.join(shared, "odftoolkit-ods/*.ods")))
limit = 1 << 20 if large else 24 << 10

for p in packages:
    base = os.path.splitext(os.path.basename(p))[0]
    try:
        z = zipfile.ZipFile(p)
        names = z.namelist()
        # Packages small once uncompressed too: a seed that takes seconds under the sanitizers
        # slows every mutation of it.
        if os.path.getsize(p) <= limit and sum(i.file_size for i in z.infolist()) <= 4 * limit:
            put("odf", base + os.path.splitext(p)[1], open(p, "rb").read())
        content = z.read("content.xml") if "content.xml" in names else None
        styles = z.read("styles.xml") if "styles.xml" in names else b""
    except Exception:
        continue
    if content is None or len(content) > limit:
        continue
    put("xml", base + ".xml", content)
    if p.endswith(".ods"):
        put("sheet", base + ".xml", content)
    else:
        put("layout", base + ".bin", content + b"\0" + styles)
        if b"{d" in content:
            put("template", base + ".xml", content)
    for n in names:
        if n.startswith("Pictures/") and n.lower().endswith((".png", ".jpg", ".jpeg")):
            data = z.read(n)
            if len(data) <= limit:
                put("image", base + "-" + os.path.basename(n), data)

for p in sorted(glob.glob(os.path.join(root, "samples/provinces/*.json")))[: None if large else 3] + [os.path.join(root, "samples/meeting.json"), os.path.join(root, "Tests/Fixtures/lo-report.json")]:
    put("json", os.path.basename(p), open(p, "rb").read())
put("yaml", "baocao.yaml", r("baocao.yaml"))
put("yaml", "record.yaml", b"name: C\xc3\xa0 Mau\nitems:\n  - a: 1\n  - {a: 2, b: [x, 'y']}\nanchor: &a {k: v}\nref: *a\nmulti: |\n  two\n  lines\n")
put("csv", "provinces.csv", b'code,name,n\n01,H\xc3\xa0 N\xe1\xbb\x99i,3\n12,"Lai Ch\xc3\xa2u, t\xe1\xbb\x89nh",4.5\n"q""uote",,\r\n')
put("template", "tags.xml", "<r><p>{d.name:upperCase} {d.n:formatN(2)} {d.date:officialDate}</p>"
    "<t><tr><td>{d.tasks[i, status='done'].name}</td><td>{d.tasks[i].pct:percent(1)}</td></tr><tr><td>{d.tasks[i+1].name}</td></tr></t>"
    "<p>{d.ok:ifEQ(true):showBegin}yes{d.ok:showEnd}</p><p>{#late = d.tasks[status='late']}{$late.name}</p>"
    "<p>{d.tasks[].pct:aggSum} {d.list[0]} {c.obj.a.b} {d.name:substr(0,3):padl(6,'*')}</p></r>".encode())
for i, f in enumerate(["SUM([.A1:.B3])*2", "IF([.A1]>1;\"a\"&[.B2];ROUND(1/3;2))", "[$S.$A$1]+[.A1:.A3]",
                       "IFERROR(1/0;-1)%", "AVERAGE([.A:.A])", "AND(TRUE;[.C1]<>\"\")", "SUM([Param.$G$22:Functions.$G$22])",
                       "{1;2}", "#VALUE!", "MAX([.A1:.AMJ1048576])"]):
    put("formula", "f%02d.txt" % i, f.encode())
