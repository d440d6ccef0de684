#!/usr/bin/python3
"""Puts charts into a text document through LibreOffice itself (its UNO API, as Insert ▸ Chart does),
each in place of a placeholder paragraph's text, with the chart's own table holding Carbone's
bindChart tags. Used by scripts/make-templates.py for the shipped summary; needs LibreOffice and
its Python bridge (Debian: python3-uno), run with the system's /usr/bin/python3.

usage: add-charts.py IN.odt|IN.ods OUT SPEC.json

SPEC.json: a list of charts. In a text document, each
  {"placeholder": "[[CHART1]]", "kind": "column" | "stacked", "width": cm, "height": cm,
   "title": "...", "categories": ["{d[i].name}{bindChart(10)=d[i].x}", "{d[i+1].name}"],
   "series": [{"name": "...", "values": [10, 20]}]}
In a spreadsheet, each a chart on a sheet of its own over cells of another:
  {"sheet": "Biểu đồ", "name": "...", "title": "...", "width": cm, "height": cm,
   "source": "Thống kê", "ranges": ["D2:F2", "D5:F5"]}   (series in rows, the first row their names)
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.awt import Size
from com.sun.star.beans import PropertyValue

CHART_CLSID = "12dcae26-281f-416f-a234-c3086127382e"
TEMPLATES = {"column": "com.sun.star.chart2.template.Column", "stacked": "com.sun.star.chart2.template.StackedColumn"}


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(profile):
    pipe = f"baocao-charts-{os.getpid()}"
    office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                               "--norestore", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            return office, resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.5)
    office.kill()
    sys.exit("add-charts.py: LibreOffice did not answer")


def add_chart(doc, spec):
    search = doc.createSearchDescriptor()
    search.SearchString = spec["placeholder"]
    found = doc.findFirst(search)
    if found is None:
        sys.exit(f"add-charts.py: no placeholder {spec['placeholder']}")
    found.setString("")
    obj = doc.createInstance("com.sun.star.text.TextEmbeddedObject")
    obj.CLSID = CHART_CLSID
    obj.AnchorType = uno.Enum("com.sun.star.text.TextContentAnchorType", "AS_CHARACTER")
    size = Size()
    size.Width, size.Height = int(spec["width"] * 1000), int(spec["height"] * 1000)
    obj.setSize(size)
    found.getText().insertTextContent(found, obj, False)
    chart = obj.getEmbeddedObject()
    chart.createInternalDataProvider(False)
    template = chart.getChartTypeManager().createInstance(TEMPLATES[spec["kind"]])
    rows = uno.Enum("com.sun.star.chart.ChartDataRowSource", "COLUMNS")
    args = (prop("CellRangeRepresentation", "all"), prop("DataRowSource", rows),
            prop("FirstCellAsLabel", True), prop("HasCategories", True))
    chart.setFirstDiagram(template.createDiagramByDataSource(chart.getDataProvider().createDataSource(args), args))
    data = chart.getData()
    series = spec["series"]
    data.setData(tuple(tuple(s["values"][r] for s in series) for r in range(len(spec["categories"]))))
    data.setRowDescriptions(tuple(spec["categories"]))
    data.setColumnDescriptions(tuple(s["name"] for s in series))
    # Setting the data makes the series again; stacking is set on them afterwards, as the dialog does.
    if spec["kind"] == "stacked":
        chart.getDiagram().Stacked = True
    chart.HasMainTitle = True
    chart.Title.String = spec["title"]
    chart.HasLegend = len(series) > 1


def add_sheet_chart(doc, spec):
    sheets = doc.getSheets()
    sheets.insertNewByName(spec["sheet"], sheets.getCount())
    source = sheets.getByName(spec["source"])
    ranges = []
    for r in spec["ranges"]:
        ranges.append(source.getCellRangeByName(r).getRangeAddress())
    rect = uno.createUnoStruct("com.sun.star.awt.Rectangle")
    rect.X, rect.Y, rect.Width, rect.Height = 500, 500, int(spec["width"] * 1000), int(spec["height"] * 1000)
    charts = sheets.getByName(spec["sheet"]).getCharts()
    charts.addNewByName(spec["name"], rect, tuple(ranges), True, False)
    chart = charts.getByName(spec["name"]).getEmbeddedObject()
    chart.HasMainTitle = True
    chart.Title.String = spec["title"]
    chart.HasLegend = True


def main():
    source, target, spec_path = sys.argv[1:4]
    with open(spec_path, encoding="utf-8") as f:
        specs = json.load(f)
    work = tempfile.mkdtemp()
    office, ctx = connect(os.path.join(work, "profile"))
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, (prop("Hidden", True),))
        spreadsheet = source.endswith(".ods")
        for spec in specs:
            (add_sheet_chart if spreadsheet else add_chart)(doc, spec)
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(target)), (prop("FilterName", "calc8" if spreadsheet else "writer8"),))
        doc.close(True)
    finally:
        office.terminate()
        office.wait(30)


main()
