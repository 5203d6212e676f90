#!/usr/bin/env python3
"""Benchmark `flowc lsp` over pipes on a large generated project.

    lsp_bench.py [--server CMD] [--tasks N] [--project DIR] [--iterations K] [--json OUT]

Without --project, generates an N-task project (default 10,000) with
bench/gen_project.py into a temporary directory. Then, as an editor would:

1. initialize, open EVERY .flow file (didOpen), wait until each has its
   diagnostics: time to first diagnostics and resident memory (VmRSS of the
   server) after opening everything;
2. K one-line edits to one workflow file (`timeout = 30m` <-> `31m`), one at
   a time after a pause: time from sending didChange to receiving that
   version's publishDiagnostics (for a large project, the quick check of the
   edited file), and to the answer of a hover sent right after (answered
   once the full re-check of the project is done), with the full re-check's
   CPU time from the server's FLOWC_LSP_TRACE log;
3. a burst of 10 keystroke edits 20 ms apart: time from the last keystroke to
   its diagnostics (the trailing debounce, 150 ms, plus one check);
4. K hovers on task names and K completions (attribute values, `${` in SQL)
   in steady state: round-trip time of each request.

Prints p50 / p95 / max per measurement and the targets (edit -> diagnostics
p95 <= 100 ms, completion and hover p95 <= 20 ms, RSS <= 500 MB). Not run
by `make test`. Python 3 standard library only.
"""

import argparse
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def frame(obj):
    body = json.dumps(obj).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, cmd, log):
        # FLOWC_LSP_TRACE makes the server log each check's wall and CPU time.
        env = dict(os.environ, FLOWC_LSP_TRACE="1")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buffer = b""
        self.next_id = 1

    def send(self, obj):
        self.proc.stdin.write(frame(obj))
        self.proc.stdin.flush()

    def request(self, method, params):
        ident = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return ident

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def messages(self, timeout):
        """Yields messages as they arrive until `timeout` seconds pass without one."""
        while True:
            while True:
                head = self.buffer.find(b"\r\n\r\n")
                if head < 0:
                    break
                length = int(re.match(rb"Content-Length: (\d+)", self.buffer).group(1))
                if len(self.buffer) < head + 4 + length:
                    break
                body = self.buffer[head + 4:head + 4 + length]
                self.buffer = self.buffer[head + 4 + length:]
                yield json.loads(body)
            ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
            if not ready:
                return
            chunk = self.proc.stdout.read()
            if not chunk:
                raise RuntimeError("the server exited")
            self.buffer += chunk

    def wait_for(self, predicate, timeout=600):
        deadline = time.monotonic() + timeout
        for m in self.messages(timeout):
            if predicate(m):
                return m
            if time.monotonic() > deadline:
                break
        raise RuntimeError("timed out")

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def close(self):
        try:
            ident = self.request("shutdown", None)
            self.wait_for(lambda m: m.get("id") == ident, 30)
            self.notify("exit", None)
            self.proc.wait(timeout=30)
        except Exception:
            self.proc.kill()


def uri(path):
    return "file://" + urllib.parse.quote(path)


def percentiles(samples):
    s = sorted(samples)
    pick = lambda q: s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
    return {"p50": pick(0.50), "p95": pick(0.95), "max": s[-1], "n": len(s)}


def utf16_col(line, byte_index):
    return len(line.encode("utf-8")[:byte_index].decode("utf-8").encode("utf-16-le")) // 2


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", default=os.path.join(HERE, "..", "build", "bin", "flowc") + " lsp")
    p.add_argument("--tasks", type=int, default=10000)
    p.add_argument("--project")
    p.add_argument("--iterations", type=int, default=40)
    p.add_argument("--json", help="also write the results here")
    args = p.parse_args()

    tmp = None
    root = args.project
    if not root:
        tmp = tempfile.mkdtemp(prefix="flowc-lsp-bench-")
        root = os.path.join(tmp, "project")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_project.py"), str(args.tasks), root], check=True,
                       stdout=subprocess.DEVNULL)
    root = os.path.realpath(root)
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".") and x != "build"]
        files += [os.path.join(d, n) for n in names if n.endswith(".flow") or n == "flow.project"]
    files.sort()
    texts = {f: open(f, encoding="utf-8").read() for f in files}
    results = {"project": root, "files": len(files), "tasks": args.tasks if not args.project else None}

    log = tempfile.TemporaryFile()
    server = Server(args.server.split(), log)
    try:
        init = server.request("initialize", {"processId": os.getpid(), "rootUri": uri(root), "capabilities": {}})
        server.wait_for(lambda m: m.get("id") == init)
        server.notify("initialized", {})

        # 1. Open everything.
        start = time.monotonic()
        for f in files:
            server.notify("textDocument/didOpen",
                          {"textDocument": {"uri": uri(f), "languageId": "flow", "version": 1, "text": texts[f]}})
        pending = {uri(f) for f in files}
        errors = 0

        def opened(m):
            nonlocal errors
            if m.get("method") == "textDocument/publishDiagnostics":
                pending.discard(m["params"]["uri"])
                errors += sum(1 for d in m["params"]["diagnostics"] if d.get("severity") == 1)
            return not pending
        server.wait_for(opened)
        results["open_all_to_diagnostics_ms"] = (time.monotonic() - start) * 1000
        results["errors_in_project"] = errors
        time.sleep(0.5)
        results["rss_after_open_mb"] = server.rss_mb()

        # 2. One-line edits, one at a time.
        target = next(f for f in files if "/workflows/" in f)
        lines = texts[target].split("\n")
        line_no = next(i for i, l in enumerate(lines) if re.match(r"\s*timeout\s*=\s*30m", l))
        col = lines[line_no].index("30m")
        version = 1
        edits, full = [], []
        for i in range(args.iterations):
            version += 1
            new = "31m" if i % 2 == 0 else "30m"
            old_len = 3
            time.sleep(0.3)  # a pause: this edit is not part of a burst
            t0 = time.monotonic()
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri(target), "version": version},
                "contentChanges": [{"range": {"start": {"line": line_no, "character": col},
                                              "end": {"line": line_no, "character": col + old_len}}, "text": new}]})
            server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and
                            m["params"]["uri"] == uri(target) and m["params"].get("version") == version)
            edits.append((time.monotonic() - t0) * 1000)
            # A request that reads the model is answered only after the full
            # re-check: its answer marks when the whole project is up to date.
            ident = server.request("textDocument/hover", {"textDocument": {"uri": uri(target)},
                                                          "position": {"line": line_no, "character": col}})
            server.wait_for(lambda m: m.get("id") == ident)
            full.append((time.monotonic() - t0) * 1000)
        results["edit_to_diagnostics_ms"] = percentiles(edits)
        results["edit_to_full_recheck_ms"] = percentiles(full)
        log.seek(0)
        trace = log.read().decode("utf-8", "replace")
        cpu = [float(x) for x in re.findall(r"checked .*\(([0-9.]+) ms CPU\)", trace)]
        cpu = cpu[-args.iterations:]
        results["recheck_cpu_ms"] = percentiles(cpu) if cpu else None

        # 3. A burst of keystrokes.
        time.sleep(0.3)
        for i in range(10):
            version += 1
            new = "31m" if (args.iterations + i) % 2 == 0 else "30m"
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri(target), "version": version},
                "contentChanges": [{"range": {"start": {"line": line_no, "character": col},
                                              "end": {"line": line_no, "character": col + 3}}, "text": new}]})
            last = time.monotonic()
            time.sleep(0.02)
        server.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics" and
                        m["params"]["uri"] == uri(target) and m["params"].get("version") == version)
        results["burst_last_keystroke_to_diagnostics_ms"] = (time.monotonic() - last) * 1000
        time.sleep(0.3)

        # 4. Hovers and completions in steady state.
        rng = random.Random(7)
        workflow_files = [f for f in files if "/workflows/" in f]
        hovers, completions = [], []
        for i in range(args.iterations):
            f = rng.choice(workflow_files)
            flines = texts[f].split("\n")
            names = [(n, l) for n, l in enumerate(flines) if re.match(r"\s*task \w+ \{", l)]
            n, l = rng.choice(names)
            pos = {"line": n, "character": l.index("task ") + 6}
            t0 = time.monotonic()
            ident = server.request("textDocument/hover", {"textDocument": {"uri": uri(f)}, "position": pos})
            reply = server.wait_for(lambda m: m.get("id") == ident)
            hovers.append((time.monotonic() - t0) * 1000)
            if not reply.get("result"):
                raise RuntimeError(f"hover found nothing at {f}:{pos}")
            # Completion: alternately after `${` in SQL and after `mode =`.
            if i % 2 == 0:
                interp = [(k, x) for k, x in enumerate(flines) if "${" in x]
                k, x = rng.choice(interp)
                pos = {"line": k, "character": utf16_col(x, x.index("${") + 2)}
            else:
                modes = [(k, x) for k, x in enumerate(flines) if re.match(r"\s*mode\s*=", x)]
                k, x = rng.choice(modes)
                pos = {"line": k, "character": x.index("=") + 2}
            t0 = time.monotonic()
            ident = server.request("textDocument/completion", {"textDocument": {"uri": uri(f)}, "position": pos})
            reply = server.wait_for(lambda m: m.get("id") == ident)
            completions.append((time.monotonic() - t0) * 1000)
            if not reply["result"]["items"]:
                raise RuntimeError(f"completion found nothing at {f}:{pos}")
        results["hover_ms"] = percentiles(hovers)
        results["completion_ms"] = percentiles(completions)
        results["rss_end_mb"] = server.rss_mb()
    finally:
        server.close()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    fmt = lambda r: f"p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  max {r['max']:.1f} ms  (n={r['n']})"
    print(f"project: {results['files']} files, {errors} errors")
    print(f"open every file -> all diagnostics: {results['open_all_to_diagnostics_ms']:.0f} ms")
    print(f"resident memory after opening every file: {results['rss_after_open_mb']:.0f} MB "
          f"(end: {results['rss_end_mb']:.0f} MB; target <= 500 MB)")
    print(f"one-line edit -> publishDiagnostics: {fmt(results['edit_to_diagnostics_ms'])}  (target p95 <= 100 ms)")
    print(f"one-line edit -> full re-check done: {fmt(results['edit_to_full_recheck_ms'])}")
    if results.get("recheck_cpu_ms"):
        print(f"  the full re-check's CPU time: {fmt(results['recheck_cpu_ms'])}")
    try:
        load = open("/proc/loadavg").read().split()[0]
        print(f"  (load average during the run: {load} on {os.cpu_count()} CPUs)")
    except OSError:
        pass
    print(f"burst of 10 keystrokes, last -> diagnostics: {results['burst_last_keystroke_to_diagnostics_ms']:.0f} ms")
    print(f"hover: {fmt(results['hover_ms'])}  (target p95 <= 20 ms)")
    print(f"completion: {fmt(results['completion_ms'])}  (target p95 <= 20 ms)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
