#!/usr/bin/env python3
"""Merges every record of a folder into a relatorio template, writing one ODT each; prints the
median of three runs. usage: bench/relatorio-bench.py TEMPLATE.odt RECORDS_DIR OUT_DIR"""
import json, sys, time, glob, os, resource
from relatorio.templates.opendocument import Template
from types import SimpleNamespace
def ns(v):
    if isinstance(v, dict): return SimpleNamespace(**{k: ns(x) for k, x in v.items()})
    if isinstance(v, list): return [ns(x) for x in v]
    return v
records = [ns(json.load(open(f))) for f in sorted(glob.glob(sys.argv[2] + "/*.json"))]
tpl = Template(source='', filepath=sys.argv[1])
out = sys.argv[3]
os.makedirs(out, exist_ok=True)
times = []
for run in range(3):
    t0 = time.perf_counter()
    for k, r in enumerate(records):
        data = tpl.generate(o=r).render().getvalue()
        with open(f"{out}/{k}.odt", "wb") as f: f.write(data)
    times.append(time.perf_counter() - t0)
t = sorted(times)[1]
print(f"relatorio: {len(records)} documents in {t*1000:.1f} ms ({t*1000/len(records):.2f} ms/document); peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024} MiB")
