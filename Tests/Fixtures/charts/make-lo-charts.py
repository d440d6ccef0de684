#!/usr/bin/python3
"""Makes the chart fixtures with LibreOffice itself (its UNO API, as Insert ▸ Chart does): a Writer
document holding one column chart each, saved as .odt beside this script. Needs LibreOffice and its
Python bridge (python3-uno); run with /usr/bin/python3. three-categories.odt was made the same way
(3 categories, 2 series, title and legend)."""
import os, uno, time, subprocess, json
from com.sun.star.beans import PropertyValue
from com.sun.star.awt import Size
def prop(n,v):
    p=PropertyValue(); p.Name=n; p.Value=v; return p
cases=[
 dict(name="negative-values", kind="Column", title=None, legend=True, w=16000, h=8000, cats=["Một","Hai","Ba","Bốn","Năm"], series=[("A",[12,-5,30,8,-14]),("B",[3,9,-2,15,6]),("C",[7,7,7,-7,1])]),
 dict(name="turned-labels", kind="Column", title="Điểm số", legend=False, w=14000, h=7000, cats=["Tuyên Quang","Thái Nguyên","Hồ Chí Minh","Quảng Ninh","Lạng Sơn","Cao Bằng","Điện Biên","Lai Châu","Sơn La","Lào Cai","Yên Bái","Phú Thọ"], series=[("S",[5,8,13,21,3,2,9,11,4,6,7,10])]),
 dict(name="line-with-marks", kind="LineSymbol", title="Xu hướng", legend=True, w=16000, h=8000, cats=["T1","T2","T3","T4","T5","T6"], series=[("Hồ sơ",[12,18,15,22,30,27]),("Ký số",[5,9,14,13,20,24])]),
 dict(name="pie", kind="Pie", title="Cơ cấu", legend=True, w=16000, h=8000, cats=["Hoàn thành","Đang thực hiện","Quá hạn"], series=[("Nhiệm vụ",[556,884,19])]),
 dict(name="donut", kind="Donut", title="Cơ cấu", legend=True, w=12000, h=9000, cats=["A","B","C","D"], series=[("S",[10,20,30,40])]),
 dict(name="horizontal-bars", kind="Bar", title="Hồ sơ trực tuyến", legend=True, w=16000, h=9000, cats=["Hà Nội","Huế","Đà Nẵng","Cần Thơ"], series=[("2024",[120,45,60,33]),("2025",[150,52,71,40])]),
 dict(name="small-with-legend", kind="Column", title="Nhỏ", legend=True, w=8000, h=5000, cats=["a","b","c"], series=[("x",[0.2,0.7,0.45]),("y",[0.1,0.3,0.9])]),
]
proc=subprocess.Popen(['soffice','-env:UserInstallation=file:///tmp/baocao-chart-fixtures','--headless','--invisible','--norestore','--accept=pipe,name=bccases;urp;'],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
local=uno.getComponentContext()
resolver=local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver",local)
for i in range(60):
    try: ctx=resolver.resolve("uno:pipe,name=bccases;urp;StarOffice.ComponentContext"); break
    except Exception: time.sleep(0.5)
desktop=ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",ctx)
for c in cases:
    doc=desktop.loadComponentFromURL("private:factory/swriter","_blank",0,(prop("Hidden",True),))
    text=doc.Text; cur=text.createTextCursor()
    obj=doc.createInstance("com.sun.star.text.TextEmbeddedObject")
    obj.CLSID="12dcae26-281f-416f-a234-c3086127382e"
    obj.AnchorType=uno.Enum("com.sun.star.text.TextContentAnchorType","AS_CHARACTER")
    s=Size(); s.Width=c['w']; s.Height=c['h']; obj.setSize(s)
    text.insertTextContent(cur,obj,False)
    cd=obj.getEmbeddedObject(); cd.createInternalDataProvider(False)
    tmpl=cd.getChartTypeManager().createInstance("com.sun.star.chart2.template."+(c["kind"] if c["kind"] in ("LineSymbol", "Pie", "Donut", "Bar") else "Column"))
    args=(prop("CellRangeRepresentation","all"),prop("DataRowSource",uno.Enum("com.sun.star.chart.ChartDataRowSource","COLUMNS")),prop("FirstCellAsLabel",True),prop("HasCategories",True))
    cd.setFirstDiagram(tmpl.createDiagramByDataSource(cd.getDataProvider().createDataSource(args),args))
    d=cd.getData(); d.setData(tuple(tuple(v[r] for _,v in c['series']) for r in range(len(c['cats'])))); d.setRowDescriptions(tuple(c['cats'])); d.setColumnDescriptions(tuple(n for n,_ in c['series']))
    if c['kind']=="StackedColumn": cd.getDiagram().Stacked=True
    if c['title']: cd.HasMainTitle=True; cd.Title.String=c['title']
    cd.HasLegend=c['legend']
    here = os.path.dirname(os.path.abspath(__file__))
    doc.storeToURL(uno.systemPathToFileUrl(os.path.join(here, c['name'] + ".odt")),(prop("FilterName","writer8"),))
    doc.close(True)
proc.terminate()
