#!/usr/bin/env python3
"""Writes the shipped templates as flat OpenDocument (templates/src/*.fodt, reviewable diffs), then
has LibreOffice save them as the .odt files users open and edit (templates/*.odt).

usage: scripts/make-templates.py [STEM...]   (needs soffice for the .odt step, and python3-uno for the summary's charts)
"""
import json
import os, shutil, subprocess, sys, tempfile
from xml.sax.saxutils import escape

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" ')

# Decree 30/2020/NĐ-CP, Appendix I: A4, margins top/bottom 20 mm, left 30 mm, right 15 mm,
# Times New Roman; body 14 pt justified with a 1 cm first-line indent and 6 pt between paragraphs.
STYLES = """
 <office:font-face-decls>
  <style:font-face style:name="Times New Roman" svg:font-family="'Times New Roman'" style:font-family-generic="roman" style:font-pitch="variable"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb"/>
   <style:text-properties style:font-name="Times New Roman" fo:font-size="14pt" fo:language="vi" fo:country="VN" fo:color="#000000"/>
  </style:default-style>
  <style:default-style style:family="table-cell"><style:table-cell-properties fo:padding="0cm"/></style:default-style>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Body" style:display-name="Body" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="justify" fo:text-indent="1cm" fo:margin-top="6pt" fo:margin-bottom="0cm"/>
  </style:style>
  <style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Body">
   <style:paragraph-properties fo:keep-with-next="always" fo:margin-top="6pt"/>
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Centered" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center"/>
  </style:style>
  <style:style style:name="CenteredBold" style:family="paragraph" style:parent-style-name="Centered">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="TableText" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start"/>
   <style:text-properties fo:font-size="12pt"/>
  </style:style>
  <style:style style:name="TableHead" style:family="paragraph" style:parent-style-name="TableText">
   <style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="TableNumber" style:family="paragraph" style:parent-style-name="TableText">
   <style:paragraph-properties fo:text-align="center"/>
  </style:style>
  <style:style style:name="Header" style:family="paragraph" style:parent-style-name="Centered"/>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/>
   <style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style>
  </style:page-layout>
  <style:page-layout style:name="pm2">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/>
  </style:page-layout>
  <style:style style:name="First" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="center"/>
   <style:text-properties fo:font-size="13pt"/>
  </style:style>
  <style:style style:name="AgencyName" style:family="paragraph" style:parent-style-name="Centered">
   <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="NationalTitle" style:family="paragraph" style:parent-style-name="Centered">
   <style:text-properties fo:font-size="13pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Motto" style:family="paragraph" style:parent-style-name="Centered">
   <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
  </style:style>
  <!-- Rules under the agency name, the motto and the excerpt: an empty 2 pt paragraph with a top border. -->
  <style:style style:name="ShortRule" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-left="2.1cm" fo:margin-right="2.1cm" fo:margin-top="3pt" fo:border-top="0.5pt solid #000000" fo:border-bottom="none" fo:border-left="none" fo:border-right="none" fo:padding="0cm"/><style:text-properties fo:font-size="2pt"/></style:style>
  <style:style style:name="MottoRule" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-left="1.85cm" fo:margin-right="1.85cm" fo:margin-top="3pt" fo:border-top="0.5pt solid #000000" fo:border-bottom="none" fo:border-left="none" fo:border-right="none" fo:padding="0cm"/><style:text-properties fo:font-size="2pt"/></style:style>
  <style:style style:name="ExcerptRule" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-left="6.5cm" fo:margin-right="6.5cm" fo:margin-top="4pt" fo:border-top="0.5pt solid #000000" fo:border-bottom="none" fo:border-left="none" fo:border-right="none" fo:padding="0cm"/><style:text-properties fo:font-size="2pt"/></style:style>
  <style:style style:name="Number" style:family="paragraph" style:parent-style-name="Centered">
   <style:paragraph-properties fo:margin-top="4pt"/>
   <style:text-properties fo:font-size="13pt"/>
  </style:style>
  <style:style style:name="DateLine" style:family="paragraph" style:parent-style-name="Centered">
   <style:paragraph-properties fo:margin-top="4pt"/>
   <style:text-properties fo:font-size="14pt" fo:font-style="italic"/>
  </style:style>
  <style:style style:name="DocType" style:family="paragraph" style:parent-style-name="CenteredBold">
   <style:paragraph-properties fo:margin-top="18pt"/>
  </style:style>
  <style:style style:name="Recipients" style:family="paragraph" style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-top="12pt"/>
   <style:text-properties fo:font-size="12pt" fo:font-weight="bold" fo:font-style="italic"/>
  </style:style>
  <style:style style:name="Recipient" style:family="paragraph" style:parent-style-name="Standard">
   <style:text-properties fo:font-size="11pt"/>
  </style:style>
  <style:style style:name="SignAuthority" style:family="paragraph" style:parent-style-name="CenteredBold">
   <style:paragraph-properties fo:margin-top="12pt"/>
  </style:style>
  <style:style style:name="SignName" style:family="paragraph" style:parent-style-name="CenteredBold">
   <style:paragraph-properties fo:margin-top="60pt"/>
  </style:style>
  <style:style style:name="HeaderTable" style:family="table" style:master-page-name="First_20_Page"><style:table-properties style:width="16.5cm" table:align="margins"/></style:style>
  <style:style style:name="HeaderTable.A" style:family="table-column"><style:table-column-properties style:column-width="6.5cm"/></style:style>
  <style:style style:name="HeaderTable.B" style:family="table-column"><style:table-column-properties style:column-width="10cm"/></style:style>
  <style:style style:name="Plain" style:family="table-cell"><style:table-cell-properties fo:padding="0cm" fo:border="none"/></style:style>
  <style:style style:name="Tasks" style:family="table"><style:table-properties style:width="16.5cm" fo:margin-top="6pt" table:align="margins"/></style:style>
  <style:style style:name="Tasks.A" style:family="table-column"><style:table-column-properties style:column-width="1cm"/></style:style>
  <style:style style:name="Tasks.B" style:family="table-column"><style:table-column-properties style:column-width="5.9cm"/></style:style>
  <style:style style:name="Tasks.C" style:family="table-column"><style:table-column-properties style:column-width="3.6cm"/></style:style>
  <style:style style:name="Tasks.D" style:family="table-column"><style:table-column-properties style:column-width="1.7cm"/></style:style>
  <style:style style:name="Tasks.E" style:family="table-column"><style:table-column-properties style:column-width="2.5cm"/></style:style>
  <style:style style:name="Tasks.F" style:family="table-column"><style:table-column-properties style:column-width="1.8cm"/></style:style>
  <style:style style:name="Grid" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000"/></style:style>
  <style:style style:name="GridHead" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000" fo:background-color="#e6e6e6"/></style:style>
  <style:style style:name="SignTable" style:family="table"><style:table-properties style:width="16.5cm" fo:margin-top="6pt" table:align="margins"/></style:style>
  <style:style style:name="SignTable.A" style:family="table-column"><style:table-column-properties style:column-width="7.5cm"/></style:style>
  <style:style style:name="SignTable.B" style:family="table-column"><style:table-column-properties style:column-width="9cm"/></style:style>
  <style:style style:name="SumTable.A" style:family="table-column"><style:table-column-properties style:column-width="1cm"/></style:style>
  <style:style style:name="SumTable.B" style:family="table-column"><style:table-column-properties style:column-width="4.4cm"/></style:style>
  <style:style style:name="SumTable.C" style:family="table-column"><style:table-column-properties style:column-width="2.2cm"/></style:style>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:header><text:p text:style-name="Header"><text:page-number text:select-page="current">2</text:page-number></text:p></style:header>
  </style:master-page>
  <style:master-page style:name="First_20_Page" style:display-name="First Page" style:page-layout-name="pm2" style:next-style-name="Standard"/>
 </office:master-styles>
"""

def p(style, text):
    return f'<text:p text:style-name="{style}">{text}</text:p>'

def cell(content, style="Plain", span=None):
    extra = f' table:number-columns-spanned="{span}"' if span else ""
    return f'<table:table-cell table:style-name="{style}" office:value-type="string"{extra}>{content}</table:table-cell>'

def grid_table(name, style, columns, headings, loop_cells, end_marker, total_row=""):
    """A bordered table whose header row repeats on every page, one looped row, its [i+1] row and
    an optional totals row."""
    return (f'<table:table table:name="{name}" table:style-name="{style}">'
            + "".join(f'<table:table-column table:style-name="{c}"/>' for c in columns)
            + '<table:table-header-rows><table:table-row>'
            + "".join(cell(p("TableHead", h), "GridHead") for h in headings)
            + '</table:table-row></table:table-header-rows><table:table-row>'
            + "".join(cell(p(st, text), "Grid") for st, text in loop_cells)
            + '</table:table-row><table:table-row>'
            + cell(p("TableNumber", end_marker), "Grid")
            + "".join(cell(p("TableText", ""), "Grid") for _ in range(len(loop_cells) - 1))
            + '</table:table-row>' + total_row + '</table:table>')

def header_block(agency_parent, agency_name, number, place, date):
    return (
        '<table:table table:name="Header" table:style-name="HeaderTable">'
        '<table:table-column table:style-name="HeaderTable.A"/><table:table-column table:style-name="HeaderTable.B"/>'
        '<table:table-row>'
        + cell(p("First", agency_parent) + p("AgencyName", agency_name) + p("ShortRule", ""))
        + cell(p("NationalTitle", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") + p("Motto", "Độc lập - Tự do - Hạnh phúc") + p("MottoRule", ""))
        + '</table:table-row><table:table-row>'
        + cell(p("Number", number)) + cell(p("DateLine", f"{place}, {date}"))
        + '</table:table-row></table:table>'
    )

def signature_block(recipients_loop, authority, deputy, title, name):
    left = p("Recipients", "Nơi nhận:") + recipients_loop
    # The bookmark marks the signature's place (the space above the name): `baocao sign` puts the
    # signature image there, the seal over its left third.
    mark = '<text:bookmark text:name="baocao-signature"/>'
    right = p("SignAuthority", authority) + deputy + p("CenteredBold", title) + p("SignName", mark + name)
    return ('<table:table table:name="Signature" table:style-name="SignTable">'
            '<table:table-column table:style-name="SignTable.A"/><table:table-column table:style-name="SignTable.B"/>'
            '<table:table-row>' + cell(left) + cell(right) + '</table:table-row></table:table>')

def document(title, subject, body, properties=()):
    """properties: the outgoing document's metadata (Decree 30, Appendix VI) as custom properties,
    which go into the PDF's document information and XMP."""
    custom = "".join(f'<meta:user-defined meta:name="{escape(n)}" meta:value-type="string">{v}</meta:user-defined>'
                     for n, v in properties)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {NS}office:version="1.3" '
            f'office:mimetype="application/vnd.oasis.opendocument.text">\n'
            f' <office:meta><dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:language>vi-VN</dc:language>'
            f'<meta:generator>baocao scripts/make-templates.py</meta:generator>{custom}</office:meta>\n'
            f'{STYLES} <office:body>\n  <office:text>\n{body}\n  </office:text>\n </office:body>\n</office:document>\n')

def monthly():
    t = "d.tasks.items[i]"
    tasks = grid_table("Tasks", "Tasks", [f"Tasks.{c}" for c in "ABCDEF"],
                       ["TT", "Nhiệm vụ", "Đơn vị chủ trì", "Tiến độ", "Thời hạn", "Tình trạng"],
                       [("TableNumber", f"{{{t}.name:count()}}"), ("TableText", f"{{{t}.name}}"),
                        ("TableText", f"{{{t}.owner}}"), ("TableNumber", f"{{{t}.progress:percent(0)}}"),
                        ("TableNumber", f"{{{t}.deadline:formatD(DD/MM/YYYY)}}"), ("TableText", f"{{{t}.status}}")],
                       "{d.tasks.items[i+1].name}")
    ind = "d.indicators"
    body = "\n".join([
        header_block("{d.agency.parent}", "{d.agency.name}", "Số: {d.number}/{d.symbol}", "{d.place}", "{d.issueDate:officialDate}"),
        p("DocType", "BÁO CÁO"),
        p("CenteredBold", "{d.excerpt}"),
        p("ExcerptRule", ""),
        p("Body", "Thực hiện chỉ đạo của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số "
                  "và Đề án 06, Ủy ban nhân dân {d.province} báo cáo kết quả thực hiện trong {c.reportingMonth} như sau:"),
        p("Heading", "I. KẾT QUẢ ĐẠT ĐƯỢC"),
        p("Heading", "1. Kết quả thực hiện nhiệm vụ"),
        p("Body", "Trong tháng, {d.province} đã hoàn thành {d.tasks.completed} nhiệm vụ, đang thực hiện {d.tasks.inProgress} "
                  "nhiệm vụ; số nhiệm vụ quá hạn: {d.tasks.overdue}. Tình hình các nhiệm vụ trọng tâm:"),
        p("Body", "{d.tasks.items:ifEM():showBegin}"),
        p("Body", "Trong tháng không có nhiệm vụ trọng tâm phát sinh."),
        p("Body", "{d.tasks.items:showEnd}"),
        p("Body", "{d.tasks.items:ifNEM():showBegin}"),
        tasks,
        p("Body", "{d.tasks.items:showEnd}"),
        p("Heading", "2. Các chỉ số chủ yếu"),
        p("Body", f"- Hồ sơ dịch vụ công trực tuyến: {{{ind}.onlineRecords:formatN(0)}} hồ sơ, trong đó từ địa phương chiếm {{{ind}.localShare:percent(1)}}."),
        p("Body", f"- Nền tảng số đã triển khai: {{{ind}.platformsDeployed}} nền tảng."),
        p("Body", f"- Chứng thư chữ ký số đã cấp: {{{ind}.signatureCertificates:formatN(0)}}, tăng {{{ind}.certificatesChange:percent(1)}} so với tháng trước."),
        p("Body", f"- Tỷ lệ người trưởng thành có chữ ký số hoặc chữ ký điện tử cá nhân: {{{ind}.adultsWithSignature:percent(2)}} (tăng {{{ind}.adultsChangePoints:formatN(1)}} điểm phần trăm)."),
        p("Heading", "3. Kết quả nổi bật"),
        p("Body", "- {d.achievements[i]}"),
        p("Body", "- {d.achievements[i+1]}"),
        p("Heading", "II. KHÓ KHĂN, VƯỚNG MẮC"),
        p("Body", "- {d.difficulties[i]}"),
        p("Body", "- {d.difficulties[i+1]}"),
        p("Heading", "III. ĐỀ XUẤT, KIẾN NGHỊ"),
        p("Body", "{d.proposals:ifEM():showBegin}"),
        p("Body", "Không có đề xuất, kiến nghị."),
        p("Body", "{d.proposals:showEnd}"),
        p("Body", "- {d.proposals[i]}"),
        p("Body", "- {d.proposals[i+1]}"),
        p("Heading", "IV. THÀNH PHẦN THAM DỰ TẠI ĐIỂM CẦU"),
        p("Body", "{d.attendees:arrayJoin(', ')}."),
        p("Body", "Ủy ban nhân dân {d.province} báo cáo Ban Chỉ đạo./."),
        signature_block(
            p("Recipient", "- {d.recipients[i]}") + p("Recipient", "- {d.recipients[i+1]}"),
            "{d.signer.authority}", p("CenteredBold", "{d.signer.deputy}"), "{d.signer.title}", "{d.signer.name}"),
    ])
    return document("Báo cáo tháng {d.period.month}/{d.period.year} – {d.province}", "{d.excerpt}", body, [
        ("Cơ quan ban hành", "{d.agency.parent} {d.agency.name}"), ("Loại văn bản", "Báo cáo"), ("Số, ký hiệu", "{d.number}/{d.symbol}"),
        ("Ngày ban hành", "{d.issueDate}"), ("Người ký", "{d.signer.title} {d.signer.name}")])

def summary():
    s = "c.summary"
    r = "d[province,i]"
    totals = ('<table:table-row>' + cell(p("TableHead", "Tổng cộng"), "Grid", span=2) + '<table:covered-table-cell/>'
              + "".join(cell(p("TableHead", f"{{d[].{path}}}"), "Grid") for path in [
                  "tasks.completed:aggSum", "tasks.inProgress:aggSum", "tasks.overdue:aggSum",
                  "indicators.onlineRecords:aggSum:formatN(0)", "indicators.adultsWithSignature:aggAvg:percent(1)"])
              + '</table:table-row>')
    rows = grid_table("Provinces", "Tasks", ["SumTable.A", "SumTable.B"] + ["SumTable.C"] * 5,
                      ["TT", "Tỉnh, thành phố", "Hoàn thành", "Đang thực hiện", "Quá hạn", "Hồ sơ trực tuyến", "Chữ ký số"],
                      [("TableNumber", f"{{{r}.code:count()}}"), ("TableText", f"{{{r}.province}}"),
                       ("TableNumber", f"{{{r}.tasks.completed}}"), ("TableNumber", f"{{{r}.tasks.inProgress}}"),
                       ("TableNumber", f"{{{r}.tasks.overdue}}"), ("TableNumber", f"{{{r}.indicators.onlineRecords:formatN(0)}}"),
                       ("TableNumber", f"{{{r}.indicators.adultsWithSignature:percent(1)}}")],
                      "{d[province+1,i+1].code}", totals)
    body = "\n".join([
        header_block(f"{{{s}.agencyParent}}", f"{{{s}.agency}}", f"Số: {{{s}.number}}/{{{s}.symbol}}", f"{{{s}.place}}", f"{{{s}.issueDate:officialDate}}"),
        p("DocType", "BÁO CÁO TỔNG HỢP"),
        p("CenteredBold", "Kết quả thực hiện nhiệm vụ phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06 của các tỉnh, thành phố {c.reportingMonth}"),
        p("ExcerptRule", ""),
        p("Heading", "I. TỔNG HỢP CHUNG"),
        p("Body", "Tổng hợp báo cáo của {d[].code:aggCount} tỉnh, thành phố: đã hoàn thành {d[].tasks.completed:aggSum} nhiệm vụ, "
                  "đang thực hiện {d[].tasks.inProgress:aggSum} nhiệm vụ, quá hạn {d[].tasks.overdue:aggSum} nhiệm vụ."),
        p("Body", "- Tổng số hồ sơ dịch vụ công trực tuyến: {d[].indicators.onlineRecords:aggSum:formatN(0)} hồ sơ; "
                  "bình quân mỗi địa phương {d[].indicators.onlineRecords:aggAvg:formatN(0)} hồ sơ."),
        p("Body", "- Tỷ lệ người trưởng thành có chữ ký số bình quân: {d[].indicators.adultsWithSignature:aggAvg:percent(2)} "
                  "(cao nhất {d[].indicators.adultsWithSignature:aggMax:percent(2)}, thấp nhất {d[].indicators.adultsWithSignature:aggMin:percent(2)})."),
        p("Heading", "II. KẾT QUẢ CỦA CÁC ĐỊA PHƯƠNG"),
        rows,
        # Charts go here after LibreOffice saves the .odt (scripts/add-charts.py, CHARTS below).
        p("Centered", "[[CHART1]]"),
        p("Centered", "[[CHART2]]"),
        p("Heading", "III. CÁC ĐỊA PHƯƠNG CÓ NHIỆM VỤ QUÁ HẠN"),
        p("Body", "- {d[province,i, tasks.overdue>0].province}: {d[province,i, tasks.overdue>0].tasks.overdue} nhiệm vụ quá hạn."),
        p("Body", "- {d[province+1,i+1, tasks.overdue>0].province}"),
        p("Body", "Ban Chỉ đạo tổng hợp, báo cáo./."),
        signature_block(p("Recipient", "- Thủ tướng Chính phủ (để b/c);") + p("Recipient", "- Các thành viên Ban Chỉ đạo;")
                        + p("Recipient", "- UBND các tỉnh, thành phố;") + p("Recipient", "- Lưu: VT."),
                        f"{{{s}.signer.authority}}", "", f"{{{s}.signer.title}}", f"{{{s}.signer.name}}"),
    ])
    return document("Báo cáo tổng hợp {c.reportingMonth}", "Tổng hợp 34 tỉnh, thành phố", body, [
        ("Cơ quan ban hành", f"{{{s}.agencyParent}} {{{s}.agency}}"), ("Loại văn bản", "Báo cáo"), ("Số, ký hiệu", f"{{{s}.number}}/{{{s}.symbol}}"),
        ("Ngày ban hành", f"{{{s}.issueDate}}"), ("Người ký", f"{{{s}.signer.title}} {{{s}.signer.name}}")])

# The summary's charts, bound to the provinces in the table's order with Carbone's bindChart: each
# chart's own table has a looped row whose numbers (10; 11, 12, 13) stand for the data paths.
CHARTS = [
    {"placeholder": "[[CHART1]]", "kind": "column", "width": 16.5, "height": 9,
     "title": "Tỷ lệ nhiệm vụ đã hoàn thành (%)",
     "categories": ["{d[province,i].shortName}{bindChart(10)=d[province,i].tasks.completedShare:mul(100):round(2)}",
                    "{d[province+1,i+1].shortName}"],
     "series": [{"name": "Tỷ lệ hoàn thành (%)", "values": [10, 20]}]},
    {"placeholder": "[[CHART2]]", "kind": "stacked", "width": 16.5, "height": 9,
     "title": "Nhiệm vụ theo tình trạng",
     "categories": ["{d[province,i].shortName}{bindChart(11)=d[province,i].tasks.completed}"
                    "{bindChart(12)=d[province,i].tasks.inProgress}{bindChart(13)=d[province,i].tasks.overdue}",
                    "{d[province+1,i+1].shortName}"],
     "series": [{"name": "Hoàn thành", "values": [11, 1]}, {"name": "Đang thực hiện", "values": [12, 1]},
                {"name": "Quá hạn", "values": [13, 1]}]},
]

# The workbook's chart sheet: the month's totals (row 5 of the template, below the looped rows),
# whose range follows the totals row as the loop repeats rows.
SHEET_CHARTS = [
    {"sheet": "Biểu đồ", "name": "Tổng hợp nhiệm vụ", "title": "Nhiệm vụ của 34 tỉnh, thành phố", "width": 16, "height": 9,
     "source": "Thống kê", "ranges": ["D2:F2", "D5:F5"]},
]

SHEET_NS = NS + ('xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
                 'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" ')

def statistics():
    """The statistics workbook: a row per province (d is the array of records), typed numbers,
    per-row formulas, and totals whose ranges must grow over all the repeated rows."""
    def c(text, style="Text", formula=None, vtype="string", span=None):
        attrs = f' table:style-name="{style}"'
        if formula:
            attrs += f' table:formula="{escape(formula, {chr(34): "&quot;"})}" office:value-type="{vtype}" office:value="0"'
        else:
            attrs += f' office:value-type="{vtype}"'
        if span:
            attrs += f' table:number-columns-spanned="{span}"'
        cell = f'<table:table-cell{attrs}><text:p>{escape(text)}</text:p></table:table-cell>'
        return cell + ('<table:covered-table-cell/>' * (span - 1) if span else "")
    r = "d[i]"
    heads = ["TT", "Mã", "Tỉnh, thành phố", "Hoàn thành", "Đang thực hiện", "Quá hạn", "Tổng nhiệm vụ",
             "Tỷ lệ hoàn thành", "Hồ sơ trực tuyến", "Tỷ lệ từ địa phương", "Chứng thư số", "Tỷ lệ người trưởng thành có chữ ký số"]
    # Row 1 title, row 2 heading, row 3 the loop, row 4 its [i+1] row, row 5 the totals.
    loop = [c(f"{{{r}.code:count()}}", "Int"), c(f"{{{r}.code}}", "Code"), c(f"{{{r}.province}}"),
            c(f"{{{r}.tasks.completed}}", "Int"), c(f"{{{r}.tasks.inProgress}}", "Int"), c(f"{{{r}.tasks.overdue}}", "Int"),
            c("0", "Int", "of:=[.D3]+[.E3]+[.F3]", "float"), c("0", "Pct", "of:=IF([.G3]>0;[.D3]/[.G3];0)", "percentage"),
            c(f"{{{r}.indicators.onlineRecords}}", "Int"), c(f"{{{r}.indicators.localShare}}", "Pct"),
            c(f"{{{r}.indicators.signatureCertificates}}", "Int"), c(f"{{{r}.indicators.adultsWithSignature}}", "Pct")]
    totals = [c("Tổng cộng", "Head", span=3), c("0", "IntBold", "of:=SUM([.D3:.D4])", "float"),
              c("0", "IntBold", "of:=SUM([.E3:.E4])", "float"), c("0", "IntBold", "of:=SUM([.F3:.F4])", "float"),
              c("0", "IntBold", "of:=SUM([.G3:.G4])", "float"), c("0", "PctBold", "of:=IF([.G5]>0;[.D5]/[.G5];0)", "percentage"),
              c("0", "IntBold", "of:=SUM([.I3:.I4])", "float"), c("0", "PctBold", "of:=AVERAGE([.J3:.J4])", "percentage"),
              c("0", "IntBold", "of:=SUM([.K3:.K4])", "float"), c("0", "PctBold", "of:=AVERAGE([.L3:.L4])", "percentage")]
    widths = ["1cm", "1.2cm", "4.5cm"] + ["2.4cm"] * 9
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {SHEET_NS}office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
 <office:meta><dc:title>Thống kê {{c.reportingMonth}}</dc:title><meta:generator>baocao scripts/make-templates.py</meta:generator></office:meta>
 <office:font-face-decls><style:font-face style:name="Times New Roman" svg:font-family="'Times New Roman'" style:font-family-generic="roman"/></office:font-face-decls>
 <office:styles>
  <style:default-style style:family="table-cell"><style:text-properties style:font-name="Times New Roman" fo:font-size="12pt" fo:language="vi" fo:country="VN"/></style:default-style>
  <number:number-style style:name="NInt" number:language="vi" number:country="VN"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>
  <number:percentage-style style:name="NPct" number:language="vi" number:country="VN"><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>
  <style:style style:name="Default" style:family="table-cell"/>
 </office:styles>
 <office:automatic-styles>
  {"".join(f'<style:style style:name="co{k}" style:family="table-column"><style:table-column-properties style:column-width="{w}"/></style:style>' for k, w in enumerate(widths))}
  <style:style style:name="Title" style:family="table-cell"><style:text-properties fo:font-size="14pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Head" style:family="table-cell"><style:table-cell-properties fo:background-color="#e6e6e6" fo:border="0.5pt solid #000000" fo:wrap-option="wrap" style:vertical-align="middle"/><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="Text" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000"/></style:style>
  <style:style style:name="Code" style:family="table-cell"><style:table-cell-properties fo:border="0.5pt solid #000000"/><style:paragraph-properties fo:text-align="center"/></style:style>
  <style:style style:name="Int" style:family="table-cell" style:data-style-name="NInt"><style:table-cell-properties fo:border="0.5pt solid #000000"/></style:style>
  <style:style style:name="Pct" style:family="table-cell" style:data-style-name="NPct"><style:table-cell-properties fo:border="0.5pt solid #000000"/></style:style>
  <style:style style:name="IntBold" style:family="table-cell" style:data-style-name="NInt"><style:table-cell-properties fo:border="0.5pt solid #000000"/><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="PctBold" style:family="table-cell" style:data-style-name="NPct"><style:table-cell-properties fo:border="0.5pt solid #000000"/><style:text-properties fo:font-weight="bold"/></style:style>
 </office:automatic-styles>
 <office:body><office:spreadsheet>
  <table:table table:name="Thống kê">
   {"".join(f'<table:table-column table:style-name="co{k}"/>' for k in range(len(widths)))}
   <table:table-row>{c("Thống kê kết quả thực hiện nhiệm vụ của các tỉnh, thành phố – {c.reportingMonth} (SỐ LIỆU MẪU)", "Title", span=12)}</table:table-row>
   <table:table-row>{"".join(c(h, "Head") for h in heads)}</table:table-row>
   <table:table-row>{"".join(loop)}</table:table-row>
   <table:table-row>{c("{d[i+1].code}", "Int")}</table:table-row>
   <table:table-row>{"".join(totals)}</table:table-row>
  </table:table>
 </office:spreadsheet></office:body>
</office:document>
"""

def main():
    os.makedirs("templates/src", exist_ok=True)
    sources = {"bao-cao-thang.fodt": monthly(), "bao-cao-tong-hop.fodt": summary(), "thong-ke.fods": statistics()}
    # Only the templates named on the command line (their stems), else all.
    wanted = sys.argv[1:]
    sources = {k: v for k, v in sources.items() if not wanted or os.path.splitext(k)[0] in wanted}
    for name, text in sources.items():
        with open(f"templates/src/{name}", "w", encoding="utf-8") as f:
            f.write(text)
    soffice = shutil.which("soffice")
    if not soffice:
        sys.exit("soffice not found: the flat sources are written; install LibreOffice to save them as .odt/.ods")
    work = tempfile.mkdtemp()
    written = []
    for name in sources:
        stem, ext = os.path.splitext(name)
        target = "ods" if ext == ".fods" else "odt"
        subprocess.run([soffice, "-env:UserInstallation=file://" + os.path.join(work, "profile"), "--headless",
                        "--convert-to", target, "--outdir", work, f"templates/src/{name}"], check=True, capture_output=True)
        saved = os.path.join(work, f"{stem}.{target}")
        if stem in ("bao-cao-tong-hop", "thong-ke"):
            # LibreOffice inserts the charts itself (scripts/add-charts.py, through its UNO API).
            spec = os.path.join(work, "charts.json")
            with open(spec, "w", encoding="utf-8") as f:
                json.dump(CHARTS if stem == "bao-cao-tong-hop" else SHEET_CHARTS, f, ensure_ascii=False)
            charted = os.path.join(work, "charted." + target)
            subprocess.run(["/usr/bin/python3", "scripts/add-charts.py", saved, charted, spec], check=True)
            saved = charted
        shutil.copy(saved, f"templates/{stem}.{target}")
        written.append(f"templates/{stem}.{target}")
    print("wrote", ", ".join(written))

main()
