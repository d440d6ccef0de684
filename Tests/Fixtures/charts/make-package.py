#!/usr/bin/env python3
"""Builds an .odt package from a flat .fodt holding one inline chart, as LibreOffice stores it:
the chart in its own sub-document ("Object 1/"), with a stored picture of it in
ObjectReplacements/ (a placeholder here) that the frame names.
Usage: make-package.py SOURCE.fodt OUT.odt"""
import re, sys, zipfile

src = open(sys.argv[1], encoding="utf-8").read()
chart = re.search(r'<office:document office:mimetype="application/vnd.oasis.opendocument.chart"[^>]*>(.*?)</office:document></draw:object>', src, re.S).group(1)
ns = re.search(r"<office:document (xmlns[^>]*?) office:version", src, re.S).group(1)
body = re.search(r"<office:text>(.*)</office:text>", src, re.S).group(1)
body = re.sub(r"<draw:object>.*</draw:object>",
              '<draw:object xlink:href="./Object 1" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
              '<draw:image xlink:href="./ObjectReplacements/Object 1" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>',
              body, flags=re.S)
z = zipfile.ZipFile(sys.argv[2], "w")
z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
def part(name, text): z.writestr(name, text, zipfile.ZIP_DEFLATED)
part("content.xml", f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.3"><office:body><office:text>{body}</office:text></office:body></office:document-content>')
part("Object 1/content.xml", f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.3">{chart}</office:document-content>')
part("ObjectReplacements/Object 1", "a stale picture of the chart")
part("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
     '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
     '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
     '<manifest:file-entry manifest:full-path="ObjectReplacements/Object 1" manifest:media-type="application/x-openoffice-gdimetafile;windows_formatname=&quot;GDIMetaFile&quot;"/>'
     '<manifest:file-entry manifest:full-path="Object 1/content.xml" manifest:media-type="text/xml"/>'
     '<manifest:file-entry manifest:full-path="Object 1/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.chart"/>'
     "</manifest:manifest>")
z.close()
