#!/usr/bin/env python3
"""Runs Carbone's buildXML and renderXML vectors through `baocao render` and compares outputs exactly.

usage: carbone-vectors.py BAOCAO_BINARY VECTOR_DIR [REPORT_FILE]
Prints the pass count as 'N passed, M failed' and writes the failing vectors, with a reason, to REPORT_FILE.
"""
import json, os, subprocess, sys, tempfile

def main():
    binary, folder = sys.argv[1], sys.argv[2]
    report = sys.argv[3] if len(sys.argv) > 3 else None
    known = {}
    known_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "carbone-deviations.json")
    if os.path.exists(known_file):
        known = json.load(open(known_file))
    passed, failed = 0, []
    work = tempfile.mkdtemp(prefix="baocao-vectors-")
    for name in ("buildXML.jsonl", "renderXML.jsonl"):
        for n, line in enumerate(open(os.path.join(folder, name), encoding="utf-8")):
            v = json.loads(line)
            if v.get("specialValues"):
                data = v["data"]
                if isinstance(data, dict) and data.get("$type") == "undefined":
                    data = None
                def clean(x):
                    if isinstance(x, dict):
                        if x.get("$type") == "undefined":
                            return None
                        return {k: clean(y) for k, y in x.items() if not (isinstance(y, dict) and y.get("$type") == "undefined")}
                    if isinstance(x, list):
                        return [clean(y) for y in x]
                    return x
                data = clean(data)
            else:
                data = v["data"]
            template = v["template"]
            ext = ".xml" if template.startswith("<") else ".txt"
            tpath = os.path.join(work, "t" + ext)
            with open(tpath, "w", encoding="utf-8", newline="") as f:
                f.write(template)
            dpath = os.path.join(work, "d.json")
            with open(dpath, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False)
            if name == "buildXML.jsonl":
                opts = {"lang": "en", "timezone": "Europe/Paris"}
            else:
                opts = dict(v["effective"])
                for k in ("extension", "enum"):
                    if v.get("options") and k in v["options"]:
                        opts[k] = v["options"][k]
            if "complement" in v:
                opts["complement"] = v["complement"]
            opath = os.path.join(work, "o.json")
            with open(opath, "w", encoding="utf-8") as f:
                json.dump(opts, f, ensure_ascii=False)
            out = os.path.join(work, "out" + ext)
            if os.path.exists(out):
                os.unlink(out)
            r = subprocess.run([binary, "render", tpath, dpath, "-o", out, "--options", opath], capture_output=True)
            got = open(out, encoding="utf-8", newline="").read() if os.path.exists(out) else None
            if r.returncode == 0 and got == v["expected"]:
                passed += 1
            else:
                reason = known.get(v["id"]) or (r.stderr.decode("utf-8", "replace").strip() if r.returncode else "output differs")
                failed.append((v["id"], reason, template, v["expected"], got))
    if report:
        with open(report, "w", encoding="utf-8") as f:
            for vid, reason, template, expected, got in failed:
                f.write(f"{vid}\t{reason}\n")
                if os.environ.get("VERBOSE"):
                    f.write(f"  template: {template!r}\n  expected: {expected!r}\n  got:      {got!r}\n")
    print(f"carbone-compat: {passed} passed, {len(failed)} failed")

main()
