"""Cold-start benchmark (scripts/bench): runs each Lambda binary under a minimal fake
Lambda Runtime API (loopback only) and measures exec → the first invocation's response:
init plus one request. Two requests, each against its own reference function:

  no store call   GET /api/auth/session without a cookie (401 before any store call),
                  against hello-lambda (an empty lambda_http function);
  one store call  GET /api/auth/session with a valid member session (one Query on the
                  DynamoDB emulator at --endpoint), against dynamo-lambda (a client built
                  from the environment and one GetItem).

Prints the median of RUNS starts per binary and its ratio to the reference, measured in
the same run. With --instructions, each start is also run once under valgrind's callgrind
and its instruction count (exec → the response, the process's whole work) is reported:
unlike wall time on a noisy 2-core machine, that count is the same in every run. Usage:
  bench_startup.py [--endpoint URL] [--instructions] --reference BIN --reference-store BIN BIN...
"""
import argparse, base64, hashlib, hmac, http.server, json, os, socketserver, statistics, subprocess, tempfile, threading, time

RUNS = 15
EXTRA_ENV = {}
COUNT_INSTRUCTIONS = False
SECRET = b"bench-secret-0123456789abcdef0123456789abcdef"
BASE_URL = "https://portal.example.jp"
TABLE = "bench"
FONT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "infra", "font-layer", "fonts", "ipaexg.ttf")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def member_cookie() -> str:
    """A session as the auth function issues it (HS256, the portal's claims)."""
    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"sub": "100001", "aud": "portal-member", "iss": BASE_URL, "iat": now, "exp": now + 1800,
              "auth_time": now, "ver": 0}
    body = b64(json.dumps(claims).encode())
    sig = b64(hmac.new(SECRET, f"{head}.{body}".encode(), hashlib.sha256).digest())
    return f"portal_session={head}.{body}.{sig}"


def event(cookie):
    headers = {"host": "127.0.0.1"}
    if cookie:
        headers["cookie"] = cookie
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": "/api/auth/session", "rawQueryString": "",
        "headers": headers, **({"cookies": [cookie]} if cookie else {}),
        "requestContext": {"accountId": "0", "apiId": "bench", "domainName": "127.0.0.1", "domainPrefix": "bench",
            "http": {"method": "GET", "path": "/api/auth/session", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "bench"},
            "requestId": "r", "routeKey": "$default", "stage": "$default", "time": "29/Nov/2026:00:00:00 +0000",
            "timeEpoch": 0},
        "isBase64Encoded": False,
    }


class Runtime(http.server.BaseHTTPRequestHandler):
    done = None
    served = False
    event = None
    answer = None

    def log_message(self, *a):
        pass

    def do_GET(self):
        if self.path.endswith("/invocation/next") and not Runtime.served:
            Runtime.served = True
            body = json.dumps(Runtime.event).encode()
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
            self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 10000))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-northeast-1:0:function:bench")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            time.sleep(5)  # hold further polls; the process is killed

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        Runtime.answer = self.rfile.read(n)
        self.send_response(202)
        self.end_headers()
        if "/response" in self.path or "/error" in self.path:
            Runtime.done.set()


def start_once(binary, ev, endpoint, callgrind_out=None):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Runtime)
    srv.daemon_threads = True
    Runtime.done, Runtime.served, Runtime.event, Runtime.answer = threading.Event(), False, ev, None
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(os.environ)
    # As deployed (infra/template.yaml): the trust roots from one bundle file, no directory.
    env.pop("SSL_CERT_DIR", None)
    env = dict(env, SSL_CERT_FILE="/etc/ssl/certs/ca-certificates.crt", AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{srv.server_address[1]}",
        AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", AWS_LAMBDA_FUNCTION_VERSION="1",
        AWS_REGION="ap-northeast-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
        AWS_ENDPOINT_URL=endpoint or "http://127.0.0.1:9", PORTAL_TABLE=TABLE, PORTAL_BASE_URL=BASE_URL,
        PORTAL_JWT_SECRET=SECRET.decode(), RUST_LOG="error", PORTAL_BUCKET="bench",
        PORTAL_GMO_API_BASE="https://pt01.mul-pay.jp", PORTAL_GMO_SHOP_ID="bench", PORTAL_GMO_CONFIG_ID="bench",
        PORTAL_GMO_SHOP_PASS="bench", PORTAL_RECEIPT_FONT=FONT, **EXTRA_ENV)
    t0 = time.perf_counter()
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind_out}", binary] if callgrind_out else [binary]
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = Runtime.done.wait(120 if callgrind_out else 10)
    dt = time.perf_counter() - t0
    # callgrind writes its counts when the process ends on a signal it can handle.
    (p.terminate if callgrind_out else p.kill)(); p.wait(); srv.shutdown(); srv.server_close()
    return (dt, Runtime.answer) if ok else (None, None)


def median_start(binary, ev, endpoint):
    runs = [start_once(binary, ev, endpoint) for _ in range(RUNS)]
    ok = [t for t, _ in runs if t is not None]
    if not ok:
        raise SystemExit(f"{binary}: never answered")
    answer = next(a for t, a in runs if a is not None)
    status = json.loads(answer).get("statusCode", "?") if answer.startswith(b"{") else "?"
    return statistics.median(ok), RUNS - len(ok), status


def instructions(binary, ev, endpoint):
    """Instructions from exec to the answered request, counted by callgrind (one start)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "callgrind.out")
        dt, _ = start_once(binary, ev, endpoint, callgrind_out=out)
        if dt is None:
            raise SystemExit(f"{binary}: never answered under callgrind")
        with open(out) as f:
            return next(int(line.split()[1]) for line in f if line.startswith("summary:"))


def report(title, reference, binaries, ev, endpoint):
    print(title)
    base, _, _ = median_start(reference, ev, endpoint)
    base_ir = instructions(reference, ev, endpoint) if COUNT_INSTRUCTIONS else None
    ir = lambda n: f"  {n/1e6:6.2f} M instructions ({n/base_ir:4.2f}x)" if n else ""
    print(f"  {os.path.basename(reference):14s} {base*1000:7.2f} ms  (1.00x, reference){ir(base_ir)}")
    for b in binaries:
        med, lost, status = median_start(b, ev, endpoint)
        n = instructions(b, ev, endpoint) if COUNT_INSTRUCTIONS else None
        note = f"  ({lost} of {RUNS} starts timed out)" if lost else ""
        print(f"  {os.path.basename(b):14s} {med*1000:7.2f} ms  ({med/base:4.2f}x)  answered {status}{ir(n)}{note}")


def create_table(endpoint):
    import boto3
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="ap-northeast-1",
                       aws_access_key_id="bench", aws_secret_access_key="bench")
    if TABLE not in ddb.list_tables()["TableNames"]:
        s = lambda n: {"AttributeName": n, "AttributeType": "S"}
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=[s("pk"), s("sk")],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint")
    ap.add_argument("--reference", required=True)
    ap.add_argument("--reference-store")
    ap.add_argument("--instructions", action="store_true")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    global COUNT_INSTRUCTIONS
    COUNT_INSTRUCTIONS = a.instructions
    report("exec → first response, no store call (GET /api/auth/session, no cookie):",
           a.reference, a.binaries, event(None), None)
    if a.endpoint and a.reference_store:
        create_table(a.endpoint)
        auth = [b for b in a.binaries if os.path.basename(b) == "auth"]
        ev = event(member_cookie())
        report("exec → first response, one store call (GET /api/auth/session with a session: one Query; "
               "dynamo-lambda: one GetItem), DynamoDB on the emulator:",
               a.reference_store, auth, ev, a.endpoint)
        # On moto a Query costs more than a GetItem: the like-for-like reference makes
        # the session check's own Query.
        EXTRA_ENV["DYNAMO_LAMBDA_CALL"] = "query"
        report("the same, against dynamo-lambda making the session check's Query:",
               a.reference_store, auth, ev, a.endpoint)
        EXTRA_ENV.clear()


main()
