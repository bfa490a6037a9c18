"""Load benchmark of `auditor serve`: N concurrent uploads of the sample reports from a local
client (loopback only, a bounded loop), every answer checked against the CLI's JSON; prints p50/p95
latency, throughput and the server's peak memory (the server process alone, and with its audit
children, sampled from /proc). Linux only (reads /proc).

Usage: python benchmarks/bench_web.py [--uploads 50] [--concurrency 50] [--jobs 2]
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                kids = (task / "children").read_text().split()
                out.extend(int(k) for k in kids)
                todo.extend(int(k) for k in kids)
        except OSError:
            continue
    return out


def _post(url: str, name: str, data: bytes) -> tuple[int, bytes]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req, timeout=300) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uploads", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=2, help="the server's --jobs")
    args = ap.parse_args()
    samples = sorted((ROOT / "sample_reports").glob("*.txt"))
    expected = {}
    for s in samples:  # what `auditor check FILE --format json` says, source aside
        doc = json.loads(subprocess.run([sys.executable, "-m", "auditor.cli", "check", str(s), "--format", "json"],
                                        capture_output=True, text=True).stdout)
        doc["reports"][0]["source"] = s.name
        expected[s.name] = doc

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "auditor.cli", "serve", "--port", str(port), "--jobs",
                               str(args.jobs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        _post(base + "/api/check", samples[0].name, samples[0].read_bytes())  # warm the forkserver
        idle_kb = _rss_kb(server.pid)
        peak = {"total": 0}
        stop = threading.Event()

        def sample_memory():
            while not stop.is_set():
                total = _rss_kb(server.pid) + sum(_rss_kb(p) for p in _descendants(server.pid))
                peak["total"] = max(peak["total"], total)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        jobs = [samples[i % len(samples)] for i in range(args.uploads)]
        latencies: list[float] = []
        wrong: list[str] = []

        def one(path: Path):
            t = time.perf_counter()
            status, body = _post(base + "/api/check", path.name, path.read_bytes())
            latencies.append(time.perf_counter() - t)
            if status != 200 or json.loads(body) != expected[path.name]:
                wrong.append(f"{path.name}: HTTP {status}")

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, jobs))
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        lat = sorted(latencies)
        p95 = lat[min(len(lat) - 1, int(round(0.95 * len(lat))) - 1)]
        print(f"{args.uploads} uploads, {args.concurrency} concurrent, server --jobs {args.jobs}")
        print(f"correct answers: {args.uploads - len(wrong)}/{args.uploads}")
        print(f"latency p50 {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms")
        print(f"wall {wall:.2f} s, {args.uploads / wall:.1f} uploads/s")
        print(f"server RSS idle {idle_kb / 1024:.0f} MB, peak (server alone, VmHWM) {_hwm_kb(server.pid) / 1024:.0f} MB, "
              f"peak with audit children {peak['total'] / 1024:.0f} MB")
        for w in wrong[:10]:
            print("WRONG", w)
        if wrong:
            sys.exit(1)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
