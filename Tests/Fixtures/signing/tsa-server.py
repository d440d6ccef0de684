"""A throwaway RFC 3161 timestamp authority for the tests: answers each POSTed request with
`openssl ts -reply`, signing with the TSA key and certificate of the test PKI.

usage: python3 tsa-server.py DIR      (DIR holds tsa.key, tsa.pem, ca.pem; prints the port it listens on)
"""
import http.server, os, subprocess, sys, tempfile

directory = sys.argv[1]
config = os.path.join(directory, "tsa.cnf")
with open(config, "w") as f:
    f.write(f"""[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {directory}
serial = $dir/tsa-serial
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
with open(os.path.join(directory, "tsa-serial"), "w") as f:
    f.write("01\n")


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with tempfile.TemporaryDirectory() as work:
            q, r = os.path.join(work, "q.tsq"), os.path.join(work, "r.tsr")
            open(q, "wb").write(query)
            done = subprocess.run(["openssl", "ts", "-reply", "-config", config, "-queryfile", q, "-out", r],
                                  capture_output=True)
            if done.returncode != 0:
                self.send_response(500)
                self.end_headers()
                return
            answer = open(r, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
