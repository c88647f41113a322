"""Cold-start benchmark: runs each Lambda binary under a minimal fake Lambda Runtime
API (loopback only) and measures the time from exec to the first invocation's response
— init plus one request (GET /api/auth/session without a cookie: no store call).
Prints the median of RUNS starts per binary and its ratio to the first (baseline)."""
import http.server, json, os, socketserver, statistics, subprocess, sys, threading, time

RUNS = 15
EVENT = {
    "version": "2.0", "routeKey": "$default", "rawPath": "/api/auth/session", "rawQueryString": "",
    "headers": {"host": "127.0.0.1"},
    "requestContext": {"accountId": "0", "apiId": "bench", "domainName": "127.0.0.1", "domainPrefix": "bench",
        "http": {"method": "GET", "path": "/api/auth/session", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
        "requestId": "r", "routeKey": "$default", "stage": "$default", "time": "29/Nov/2026:00:00:00 +0000", "timeEpoch": 0},
    "isBase64Encoded": False,
}

class Runtime(http.server.BaseHTTPRequestHandler):
    done = None
    served = False
    def log_message(self, *a): pass
    def do_GET(self):
        if self.path.endswith("/invocation/next") and not Runtime.served:
            Runtime.served = True
            body = json.dumps(EVENT).encode()
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
        self.rfile.read(n)
        self.send_response(202); self.end_headers()
        if "/response" in self.path or "/error" in self.path:
            Runtime.done.set()

def start_once(binary):
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Runtime)
    srv.daemon_threads = True
    Runtime.done, Runtime.served = threading.Event(), False
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{srv.server_address[1]}",
        AWS_LAMBDA_FUNCTION_NAME="bench", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256", AWS_LAMBDA_FUNCTION_VERSION="1",
        AWS_REGION="ap-northeast-1", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
        AWS_ENDPOINT_URL="http://127.0.0.1:9", PORTAL_TABLE="bench", PORTAL_BASE_URL="https://portal.example.jp",
        PORTAL_JWT_SECRET="bench-secret-0123456789abcdef0123456789abcdef", RUST_LOG="error")
    t0 = time.perf_counter()
    p = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = Runtime.done.wait(10)
    dt = time.perf_counter() - t0
    p.kill(); p.wait(); srv.shutdown(); srv.server_close()
    return dt if ok else None

base = None
for b in sys.argv[1:]:
    times = [start_once(b) for _ in range(RUNS)]
    ok = [t for t in times if t is not None]
    if not ok:
        raise SystemExit(f"{b}: never answered")
    med = statistics.median(ok)
    base = base or med
    lost = f"  ({RUNS - len(ok)} of {RUNS} starts timed out in the fake runtime)" if len(ok) < RUNS else ""
    print(f"  {os.path.basename(b):14s} cold start to first response: {med*1000:7.2f} ms  ({med/base:4.2f}x hello-lambda){lost}")
