#!/usr/bin/env python3
"""Checks a PDF against the clauses of PDF/A-2b (ISO 19005-2, level B) that apply to the files
baocao writes, with pikepdf (qpdf) as an independent reader. Not a full validator: for a formal
check run veraPDF (https://verapdf.org), the PDF Association's reference validator.

usage: scripts/check-pdfa.py FILE.pdf...      prints one line per failed clause; exit 1 if any
"""
import re, sys

try:
    import pikepdf
except ImportError:
    sys.exit("check-pdfa: needs pikepdf (pip install pikepdf)")


def check(path):
    problems = []
    def fail(clause, text):
        problems.append(f"{path}: {clause}: {text}")

    raw = open(path, "rb").read()
    # 6.1.2 File header: %PDF-1.n then a comment of at least four bytes above 127.
    if not re.match(rb"%PDF-1\.[0-7]\r?\n?%[\x80-\xff]{4}", raw[:20].replace(b"\r\n", b"\n")):
        fail("6.1.2", "the header is not %PDF-1.n followed by a binary comment")
    # 6.1.3 Nothing after the last %%EOF but an end of line.
    if not re.search(rb"%%EOF\r?\n?$", raw[-8:]):
        fail("6.1.3", "bytes follow the last %%EOF")
    pdf = pikepdf.open(path)
    trailer = pdf.trailer
    if "/ID" not in trailer:
        fail("6.1.3", "the trailer has no /ID")
    if "/Encrypt" in trailer:
        fail("6.1.3", "the file is encrypted")
    root = pdf.Root

    # 6.6.2 Metadata: an unfiltered XMP stream naming PDF/A-2B.
    if "/Metadata" not in root:
        fail("6.6.2.1", "the catalogue has no /Metadata")
    else:
        md = root.Metadata
        if "/Filter" in md:
            fail("6.6.2.1", "the metadata stream is filtered")
        xmp = md.read_bytes().decode("utf-8")
        if "<pdfaid:part>2</pdfaid:part>" not in xmp or "<pdfaid:conformance>B</pdfaid:conformance>" not in xmp:
            fail("6.6.4", "the XMP does not identify PDF/A-2B")
        meta = pdf.open_metadata()
        info = trailer.get("/Info")
        # 6.6.2.3.1 The document information and the XMP agree.
        pairs = {"/Title": "dc:title", "/Author": "dc:creator", "/Subject": "dc:description",
                 "/Keywords": "pdf:Keywords", "/Producer": "pdf:Producer", "/Creator": "xmp:CreatorTool"}
        for key, prop in pairs.items():
            if info is not None and key in info:
                value = str(info[key])
                xmp_value = meta.get(prop)
                if isinstance(xmp_value, (list, set)):
                    xmp_value = ", ".join(sorted(xmp_value)) if isinstance(xmp_value, set) else ", ".join(xmp_value)
                if xmp_value is None or str(xmp_value) != value:
                    fail("6.6.2.3.1", f"{key} {value!r} but {prop} {xmp_value!r}")
        for key, prop in {"/CreationDate": "xmp:CreateDate", "/ModDate": "xmp:ModifyDate"}.items():
            if info is not None and key in info and not meta.get(prop):
                fail("6.6.2.3.1", f"{key} without {prop}")

    # 6.2.3 An output intent with an embedded ICC profile.
    intents = root.get("/OutputIntents", [])
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if not pdfa:
        fail("6.2.3", "no GTS_PDFA1 output intent")
    for i in pdfa:
        profile = i.get("/DestOutputProfile")
        if profile is None:
            fail("6.2.3", "the output intent has no DestOutputProfile")
            continue
        icc = profile.read_bytes()
        if icc[36:40] != b"acsp" or icc[16:20] != b"RGB " or int(profile.get("/N", 0)) != 3:
            fail("6.2.3", "the output profile is not an RGB ICC profile with /N 3")
        if icc[8] > 4:
            fail("6.2.3", f"ICC version {icc[8]} is newer than 4")

    has_rgb_intent = any(i.get("/DestOutputProfile") is not None and int(i.DestOutputProfile.get("/N", 0)) == 3 for i in pdfa)
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        d = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        t = d.get("/Type")
        # 6.1.7 No LZW, no external stream data.
        if isinstance(obj, pikepdf.Stream):
            filters = d.get("/Filter")
            names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else ([str(filters)] if filters else [])
            if "/LZWDecode" in names:
                fail("6.1.7", "an LZW-compressed stream")
            for k in ("/F", "/FFilter", "/FDecodeParms"):
                if k in d and d.get("/Type") != "/EmbeddedFile":
                    fail("6.1.7", f"a stream with {k}")
        # 6.2.4 Device colour spaces need a matching output intent.
        if d.get("/Subtype") == "/Image":
            cs = d.get("/ColorSpace")
            if cs == "/DeviceCMYK" or (cs == "/DeviceRGB" and not has_rgb_intent):
                fail("6.2.4.3", f"an image in {cs} without a matching output intent")
            if d.get("/Interpolate") is True:
                fail("6.2.8", "an image with /Interpolate true")
        # 6.2.11.4 Every font embedded.
        if t == "/FontDescriptor":
            if not any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                fail("6.2.11.4.1", f"font {d.get('/FontName')} is not embedded")
        # 6.3 Annotations: printable, not hidden, an appearance with /N only.
        if t == "/Annot" or d.get("/Subtype") in ("/Widget", "/Link"):
            if d.get("/Subtype") in ("/Widget", "/Link", "/Text", "/FreeText", "/Stamp", "/Square", "/Circle", "/Line", "/Ink"):
                flags = int(d.get("/F", 0))
                if not flags & 4 or flags & (1 | 2 | 32):
                    fail("6.3.2", f"an annotation ({d.get('/Subtype')}) not set to print, or hidden")
                rect = [float(v) for v in d.get("/Rect", [0, 0, 0, 0])]
                zero = rect[0] == rect[2] and rect[1] == rect[3]
                if d.get("/Subtype") != "/Link" and not zero:
                    ap = d.get("/AP")
                    if ap is None or "/N" not in ap:
                        fail("6.3.3", "an annotation without a normal appearance")
                    elif any(k in ap for k in ("/D", "/R")):
                        fail("6.3.3", "an appearance dictionary with /D or /R")
        # 6.6.1 No JavaScript, no actions that launch or play.
        if d.get("/S") in ("/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide", "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView"):
            fail("6.5.1", f"a {d.get('/S')} action")
    if "/AA" in root or "/JavaScript" in root.get("/Names", {}):
        fail("6.5.2", "the catalogue has additional actions or scripts")
    if "/NeedsRendering" in root.get("/AcroForm", {}) and root.AcroForm.NeedsRendering:
        fail("6.4.1", "the form needs rendering (XFA)")
    if "/XFA" in root.get("/AcroForm", {}):
        fail("6.4.2", "the form holds XFA")
    return problems


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    found = []
    for p in sys.argv[1:]:
        found += check(p)
    for line in found:
        print(line)
    sys.exit(1 if found else 0)
