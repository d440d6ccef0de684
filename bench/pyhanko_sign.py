"""Signs PDFs with pyHanko in one process, for scripts/bench: the key is loaded once, then each
file is read, signed into the template's empty signature field, and written; prints the best of 5.

usage: python3 bench/pyhanko_sign.py KEY.p12 PASSWORD-FILE OUT-DIR PDF...
"""
import os, sys, time
from pyhanko.sign import fields, signers
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

key, password_file, out_dir, *pdfs = sys.argv[1:]
password = open(password_file, "rb").read().split(b"\n")[0]
signer = signers.SimpleSigner.load_pkcs12(key, passphrase=password)
meta = signers.PdfSignatureMetadata(field_name="baocao-signature", subfilter=fields.SigSeedSubFilter.PADES)
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for path in pdfs:
        with open(path, "rb") as f:
            writer = IncrementalPdfFileWriter(f)
            with open(os.path.join(out_dir, os.path.basename(path)), "wb") as out:
                signers.sign_pdf(writer, meta, signer=signer, output=out)
    best = min(best, time.perf_counter() - t)
print(f"pyHanko: {len(pdfs)} PDFs read, signed and written in {best * 1000:.1f} ms (best of 5; {best * 1000 / len(pdfs):.2f} ms each)")
