#!/usr/bin/env python3
"""The filled shapes of a PDF's pages, for comparing charts: each filled rectangle or polygon's
colour and bounding box (points, origin at the page's bottom left), as JSON
[{"page": 1, "rgb": [r, g, b], "box": [x0, y0, x1, y1]}, ...].
Reads content streams uncompressed by qpdf; understands re, m/l/c/h and f/f*/B (enough for
LibreOffice's and baocao's charts).

usage: pdf-shapes.py FILE.pdf"""
import json, re, subprocess, sys, tempfile, os

def main(path):
    tmp = tempfile.mkdtemp()
    plain = os.path.join(tmp, "plain.pdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", path, plain], check=False, capture_output=True)
    data = open(plain, "rb").read().decode("latin1")
    shapes = []
    # qpdf --qdf marks each page's content with "%% Contents for page N".
    for page, stream in re.findall(r"%% Contents for page (\d+)\n(?:%%[^\n]*\n)*\d+ 0 obj\n<<.*?>>\nstream\n(.*?)endstream", data, re.S):
        fill = (0.0, 0.0, 0.0)
        stack = []
        points = []
        tokens = stream.replace("\n", " ").split()
        operands = []
        for t in tokens:
            if re.fullmatch(r"-?[\d.]+", t):
                operands.append(float(t))
                continue
            if t == "q":
                stack.append(fill)
            elif t == "Q":
                fill = stack.pop() if stack else fill
            elif t == "rg" and len(operands) >= 3:
                fill = tuple(operands[-3:])
            elif t == "re" and len(operands) >= 4:
                x, y, w, h = operands[-4:]
                points += [(x, y), (x + w, y + h)]
            elif t in ("m", "l") and len(operands) >= 2:
                points.append(tuple(operands[-2:]))
            elif t == "c" and len(operands) >= 6:
                points.append(tuple(operands[-2:]))
            elif t in ("f", "f*", "B", "B*", "F"):
                if len(points) >= 2:
                    xs = [p[0] for p in points]; ys = [p[1] for p in points]
                    shapes.append({"page": int(page), "rgb": [round(c, 3) for c in fill],
                                   "box": [round(min(xs), 2), round(min(ys), 2), round(max(xs), 2), round(max(ys), 2)]})
                points = []
            elif t in ("S", "n", "W", "W*", "BT"):
                if t != "W" and t != "W*":
                    points = []
            operands = []
    json.dump(shapes, sys.stdout)

main(sys.argv[1])
