#!/usr/bin/env python3
"""Scripted LSP sessions against `flowc lsp`, compared with golden transcripts.

    run_session.py [--server CMD] [--autoupdate] SESSION.lsp...

A session file has sections:

    # comment lines at the top say what the session shows
    === file a.flow            files written to a fresh temporary project
    ...text...
    === session                the steps, one per line
    > METHOD PARAMS            a request (ids 1, 2, ...; `> #ID METHOD ...` picks
                               the id); the runner waits for its response
    ! METHOD PARAMS            a notification
    raw PYTHON_STRING          bytes written as they are (broken framing)
    body PYTHON_STRING         a body framed with its correct Content-Length
    batch / end                the messages between are sent in ONE write; then the
                               runner waits for every request's response
    wait diagnostics FILE      read until diagnostics for FILE arrive
    wait messages N            read until N more messages arrive
    write FILE PYTHON_STRING   change a file on disk (for didChangeWatchedFiles)
    encoding utf-8             $POS counts bytes from here on (default utf-16)
    close                      close the server's stdin
    === expect                 the transcript (written by --autoupdate)

PARAMS is JSON after substitution of: $URI(f) the file's URI; $ROOT the
project directory's URI; $TEXT(f) the file's text as a JSON string;
$POS(f|needle) / $POS(f|needle|+k) the position of the first `needle` in f
(plus k characters); $RANGE(f|needle) its range. An f written `std:NAME`
is the standard library's file NAME (as an editor opens it after going to a
stdlib definition). The transcript has one line
per message received, JSON with sorted keys, the project directory shown as
$ROOT and the standard library as $STDLIB, then `exit code: N`. What the
standard library says is reduced to what does not change with its text (see
Runner.stable): a location in it shows the name there instead of a range. PARAMS may
span lines: a line starting with whitespace continues the previous step.
Python 3 standard library only.
"""

import argparse
import ast
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

TIMEOUT = float(os.environ.get("LSP_TEST_TIMEOUT", "30"))


class SessionError(Exception):
    pass


def parse_session_file(path):
    header, files, steps, expect = [], {}, [], None
    section, current = "header", None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        if line.startswith("=== "):
            what = line[4:].strip()
            if what.startswith("file "):
                section, current = "file", what[5:].strip()
                files[current] = []
            elif what == "session":
                section = "session"
            elif what == "expect":
                section, expect = "expect", []
            else:
                raise SessionError(f"unknown section `{line}`")
            continue
        if section == "header":
            header.append(line)
        elif section == "file":
            files[current].append(line)
        elif section == "session":
            if line[:1] in (" ", "\t") and steps:
                steps[-1] += "\n" + line
            elif line.strip() and not line.startswith("#"):
                steps.append(line)
        else:
            expect.append(line)
    texts = {}
    for name, body in files.items():
        while body and body[-1] == "":
            body.pop()
        texts[name] = "\n".join(body) + "\n"
    return header, texts, steps, expect


def frame(body):
    # surrogateescape: "\udcff" in a session stands for the invalid byte 0xff.
    data = body.encode("utf-8", "surrogateescape")
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class Server:
    def __init__(self, command, cwd):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.buffer = b""
        self.messages = []
        self.stderr = b""
        os.set_blocking(self.proc.stdout.fileno(), False)
        os.set_blocking(self.proc.stderr.fileno(), False)

    def send(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise SessionError("the server closed its input (crashed?)")

    def close_input(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass

    def _pump(self, timeout):
        """Reads what is available within `timeout`; returns False at EOF."""
        fds = [self.proc.stdout, self.proc.stderr]
        ready, _, _ = select.select(fds, [], [], timeout)
        alive = True
        for f in ready:
            chunk = f.read()
            if f is self.proc.stderr:
                self.stderr += chunk or b""
                continue
            if not chunk:
                alive = False
                continue
            self.buffer += chunk
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                break
            m = re.match(rb"Content-Length: (\d+)\r\n", self.buffer[:head_end + 2])
            if not m:
                raise SessionError(f"the server wrote something that is not a message: {self.buffer[:200]!r}")
            length = int(m.group(1))
            if len(self.buffer) < head_end + 4 + length:
                break
            body = self.buffer[head_end + 4: head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length:]
            self.messages.append(json.loads(body))
        return alive

    def read_until(self, predicate, what):
        deadline = time.monotonic() + TIMEOUT
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise SessionError(f"timed out waiting for {what}")
            if not self._pump(min(left, 0.5)) and not predicate():
                raise SessionError(f"the server's output ended while waiting for {what}")

    def finish(self):
        """Waits for the process to end and collects the rest of its output."""
        deadline = time.monotonic() + TIMEOUT
        while self._pump(0.2):
            if time.monotonic() > deadline:
                self.proc.kill()
                raise SessionError("the server did not exit")
        try:
            code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise SessionError("the server did not exit")
        while self._pump(0):
            pass
        return code


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


class Runner:
    def __init__(self, server_cmd, root, texts, stdlib):
        self.server_cmd = server_cmd
        self.root = root
        self.texts = texts
        self.stdlib = stdlib
        self.encoding = "utf-16"
        self.next_id = 1

    def path(self, name):
        if name.startswith("std:"):
            if not self.stdlib:
                raise SessionError(f"{name}: the server's standard library was not found")
            return os.path.join(self.stdlib, name[len("std:"):])
        return os.path.join(self.root, name)

    def text(self, name):
        if name.startswith("std:"):
            with open(self.path(name), encoding="utf-8") as f:
                return f.read()
        return self.texts[name]

    def uri(self, name):
        return "file://" + urllib.parse.quote(self.path(name))

    def position(self, name, needle, extra=0):
        text = self.text(name)
        index = text.find(needle)
        if index < 0:
            raise SessionError(f"$POS: `{needle}` not found in {name}")
        line = text.count("\n", 0, index)
        line_start = text.rfind("\n", 0, index) + 1
        prefix = text[line_start:index]
        prefix += needle[:extra] if extra <= len(needle) else needle + " " * (extra - len(needle))
        if self.encoding == "utf-8":
            column = len(prefix.encode("utf-8"))
        else:
            column = utf16_len(prefix)
        return {"line": line, "character": column}

    def substitute(self, text):
        def pos(m):
            parts = m.group(1).split("|")
            extra = int(parts[2]) if len(parts) > 2 else 0
            return json.dumps(self.position(parts[0], parts[1], extra))

        def rng(m):
            name, needle = m.group(1).split("|", 1)
            start = self.position(name, needle)
            end = self.position(name, needle, len(needle))
            return json.dumps({"start": start, "end": end})

        text = re.sub(r"\$POS\(([^)]*)\)", pos, text)
        text = re.sub(r"\$RANGE\(([^)]*)\)", rng, text)
        text = re.sub(r"\$URI\(([^)]*)\)", lambda m: json.dumps(self.uri(m.group(1)))[1:-1], text)
        text = re.sub(r"\$TEXT\(([^)]*)\)", lambda m: json.dumps(self.text(m.group(1))), text)
        text = text.replace("$ROOT", "file://" + urllib.parse.quote(self.root))
        return text

    def message(self, step):
        kind, rest = step[0], step[1:].strip()
        explicit = None
        if kind == ">" and rest.startswith("#"):
            ident, rest = rest[1:].split(None, 1)
            explicit = int(ident) if ident.isdigit() else ident
        method, _, params = rest.partition(" ")
        msg = {"jsonrpc": "2.0", "method": method}
        if params.strip():
            try:
                msg["params"] = json.loads(self.substitute(params))
            except json.JSONDecodeError as e:
                raise SessionError(f"bad JSON in step `{step[:80]}`: {e}")
        if kind == ">":
            msg["id"] = explicit if explicit is not None else self.next_id
            if explicit is None:
                self.next_id += 1
        return msg

    def run(self, steps):
        server = Server(self.server_cmd, self.root)
        code = None
        try:
            i = 0
            while i < len(steps):
                step = steps[i]
                word = step.split(None, 1)[0]
                if step[0] in ">!":
                    msg = self.message(step)
                    server.send(frame(json.dumps(msg)))
                    if "id" in msg:
                        self.await_responses(server, [msg["id"]])
                elif word == "batch":
                    data, ids = b"", []
                    i += 1
                    while i < len(steps) and steps[i].strip() != "end":
                        if steps[i].startswith("raw "):
                            data += ast.literal_eval(steps[i][4:].strip()).encode("utf-8", "surrogateescape")
                        elif steps[i].startswith("body "):
                            data += frame(self.substitute(ast.literal_eval(steps[i][5:].strip())))
                        else:
                            msg = self.message(steps[i])
                            data += frame(json.dumps(msg))
                            if "id" in msg:
                                ids.append(msg["id"])
                        i += 1
                    server.send(data)
                    self.await_responses(server, ids)
                elif word == "raw":
                    server.send(ast.literal_eval(step[4:].strip()).encode("utf-8", "surrogateescape"))
                elif word == "body":
                    server.send(frame(self.substitute(ast.literal_eval(step[5:].strip()))))
                elif word == "wait":
                    self.wait(server, step.split()[1:])
                elif word == "write":
                    _, name, literal = step.split(None, 2)
                    text = ast.literal_eval(literal)
                    path = os.path.join(self.root, name)
                    if text is None:
                        os.remove(path)
                    else:
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(text)
                    self.texts[name] = text
                elif word == "encoding":
                    self.encoding = step.split()[1]
                elif word == "close":
                    server.close_input()
                else:
                    raise SessionError(f"unknown step `{step}`")
                i += 1
            server.close_input()
            code = server.finish()
        except SessionError:
            server.proc.kill()
            server.proc.wait()
            sys.stderr.write(server.stderr.decode("utf-8", "replace"))
            raise
        return server.messages, code, server.stderr.decode("utf-8", "replace")

    def await_responses(self, server, ids):
        def answered():
            got = {m.get("id") for m in server.messages if "method" not in m}
            return all(i in got for i in ids)
        server.read_until(answered, f"responses to {ids}")

    def wait(self, server, args):
        start = len(server.messages)
        if args[0] == "diagnostics":
            uri = self.uri(args[1])
            def seen():
                return any(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
                           for m in server.messages[start:])
            server.read_until(seen, f"diagnostics for {args[1]}")
        elif args[0] == "messages":
            count = int(args[1])
            server.read_until(lambda: len(server.messages) - start >= count, f"{count} messages")
        else:
            raise SessionError(f"unknown wait `{' '.join(args)}`")

    def stable(self, value):
        """Makes what the standard library says (it changes with its authors)
        independent of its exact text: a location in it becomes the name found
        there, completion docs become "…", and a stdlib function's hover keeps
        its signature but not its doc comment."""
        if isinstance(value, list):
            return [self.stable(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: self.stable(v) for k, v in value.items()}
        uri = out.get("uri")
        if self.stdlib and isinstance(uri, str) and "range" in out and \
                uri.startswith("file://" + urllib.parse.quote(self.stdlib)):
            path = urllib.parse.unquote(uri[len("file://"):])
            r = out.pop("range")
            try:
                line = open(path, encoding="utf-8").read().split("\n")[r["start"]["line"]]
                out["text"] = line[r["start"]["character"]:r["end"]["character"]]
            except (OSError, IndexError):
                out["text"] = "?"
        if "label" in out and isinstance(out.get("documentation"), dict):
            out["documentation"] = dict(out["documentation"], value="…")
        contents = out.get("contents")
        if isinstance(contents, dict) and isinstance(contents.get("value"), str):
            text = contents["value"]
            mark = text.find("standard library\n\n---\n\n")
            if mark >= 0:
                contents["value"] = text[:mark] + "standard library\n\n---\n\n…"
        return out

    def transcript(self, messages, code):
        root_uri = "file://" + urllib.parse.quote(self.root)
        lines = []
        for m in messages:
            m = self.stable(m)
            if m.get("jsonrpc") != "2.0":
                lines.append("!! missing jsonrpc 2.0")
            m = {k: v for k, v in m.items() if k != "jsonrpc"}
            text = json.dumps(m, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            text = text.replace(root_uri, "$ROOT").replace(self.root, "$ROOT")
            if self.stdlib:
                text = text.replace("file://" + urllib.parse.quote(self.stdlib), "$STDLIB")
                text = text.replace(self.stdlib, "$STDLIB")
            lines.append(text)
        lines.append(f"exit code: {code}")
        return lines


def stdlib_of(server_cmd):
    binary = os.path.realpath(server_cmd[0])
    candidate = os.path.join(os.path.dirname(os.path.dirname(binary)), "stdlib", "std")
    return os.path.realpath(candidate) if os.path.isdir(candidate) else None


def run_file(path, server_cmd, autoupdate):
    header, texts, steps, expect = parse_session_file(path)
    root = os.path.realpath(tempfile.mkdtemp(prefix="flowc-lsp-"))
    try:
        for name, text in texts.items():
            full = os.path.join(root, name)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as f:
                f.write(text)
        runner = Runner(server_cmd, root, dict(texts), stdlib_of(server_cmd))
        messages, code, stderr = runner.run(steps)
        actual = runner.transcript(messages, code)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if autoupdate:
        rewrite(path, actual)
        return True
    if expect is None or [l for l in expect if l.strip()] != actual:
        sys.stderr.write(f"FAIL {path}\n--- expected\n" + "\n".join(expect or []) + "\n--- actual\n" +
                         "\n".join(actual) + "\n--- server stderr\n" + stderr + "\n")
        return False
    return True


def rewrite(path, actual):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    cut = text.find("\n=== expect")
    if cut >= 0:
        text = text[:cut + 1]
    elif not text.endswith("\n"):
        text += "\n"
    text += "=== expect\n" + "\n".join(actual) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "build", "bin", "flowc")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", default=default + " lsp", help="the server command (default: build/bin/flowc lsp)")
    parser.add_argument("--autoupdate", action="store_true", help="rewrite each file's === expect section")
    parser.add_argument("sessions", nargs="*", help="session files (default: every tests/lsp/*.lsp)")
    args = parser.parse_args()
    sessions = args.sessions or sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith(".lsp"))
    server_cmd = args.server.split()
    failed = 0
    for path in sessions:
        try:
            ok = run_file(path, server_cmd, args.autoupdate)
        except SessionError as e:
            sys.stderr.write(f"FAIL {path}: {e}\n")
            ok = False
        failed += 0 if ok else 1
        print(("ok   " if ok else "FAIL ") + os.path.basename(path))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
