#!/usr/bin/env python3
"""Runs the hostile-input corpus (tests/hostile/cases.txt) against a gossipscope binary.

Usage: tests/hostile/run.py BINARY [--table FILE]

Each case must end within 10 s of wall time, under 1 GiB of address space (RLIMIT_AS: an
allocation beyond it aborts the process, which fails the case), with exit status 0 or 1, and
with the outcome cases.txt expects. Prints one line per failure and a summary; with --table,
writes a Markdown table of every case (exit status, wall time, peak resident memory).
Exits 1 if any case fails.
"""

import json
import os
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
TIME_LIMIT_S = 10.0
MEMORY_LIMIT = 1 << 30
FORMAT = "gossipscope/1"


def scenario(**fields):
    return {"format": FORMAT, "seed": 1, **fields}


def small_net(peers=3):
    return {
        "peers": [{"id": i} for i in range(peers)],
        "links": [{"from": i, "to": i + 1, "latency_ms": 10} for i in range(peers - 1)],
    }


def broadcast(at, peer):
    return {"at_ms": at, "action": "broadcast", "peer": peer}


# Inputs too large to keep in the repository, made fresh for each run.
def made_files():
    states = ["offline", "online", "censoring"]
    return {
        # 2,000 broadcasts on a 10,000-peer network: 20 million per-peer records.
        "broadcast-storm.json": scenario(
            generator={"topology": "bitcoin", "peers": 10000},
            timeline=[broadcast(i, i % 100) for i in range(2000)],
        ),
        "ten-thousand-and-one-broadcasts.json": scenario(
            **small_net(), timeline=[broadcast(0, 0)] * 10001
        ),
        "timeline-too-long.json": scenario(
            **small_net(), timeline=[broadcast(0, 0)] + [{"at_ms": 1, "action": "add-peer"}] * 100000
        ),
        # 100 transactions, then 90,000 new peers: each would grow every record.
        "add-peer-storm.json": scenario(
            generator={"topology": "ring", "peers": 1000},
            timeline=[broadcast(0, i) for i in range(100)]
            + [{"at_ms": 1, "action": "add-peer"}] * 90000,
        ),
        # 200 live transactions and 40,000 state changes: each must cost what it touches.
        "many-state-changes.json": scenario(
            generator={"topology": "bitcoin", "peers": 2000},
            timeline=[broadcast(i, i) for i in range(200)]
            + [
                {"at_ms": 1000 + i, "action": "set-state", "peer": i % 2000, "state": states[i % 3]}
                for i in range(40000)
            ],
        ),
        # Client-server with no server named, on a 200,000-client star spelled out peer by peer:
        # the hub must be found once, not once per client.
        "star-without-a-server.json": scenario(
            limits={"max_outbound": 8, "max_inbound": 200000, "max_total": 200008},
            peers=[{"id": i} for i in range(200001)],
            links=[{"from": i, "to": 0, "latency_ms": 1} for i in range(1, 200001)],
            relay={"policy": "client-server"},
            timeline=[broadcast(0, 1)],
        ),
        # A hub with 200,000 links, removed mid-run (quadratic if each link is found by a scan).
        "hub-with-200k-links.json": scenario(
            limits={"max_outbound": 8, "max_inbound": 200000, "max_total": 200008},
            peers=[{"id": i} for i in range(200001)],
            links=[{"from": i, "to": 0, "latency_ms": 1} for i in range(1, 200001)],
            timeline=[broadcast(0, 1), {"at_ms": 1.5, "action": "remove-peer", "peer": 0}],
        ),
    }


def make(name, tmp):
    path = os.path.join(tmp, name)
    if name == "sparse-300mb.json":
        with open(path, "wb") as f:
            f.truncate(300 * 1024 * 1024)
    elif name == "long-argument":
        return "x" * 100_000
    else:
        with open(path, "w") as f:
            json.dump(made_files()[name], f)
    return path


def parse_cases(path):
    cases = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            left, args = line.split("|", 1)
            words = left.split()
            mods = dict(w.split("=", 1) for w in words if w.startswith(("stdout=", "stderr=")))
            expect = " ".join(w for w in words if not w.startswith(("stdout=", "stderr=")))
            cases.append((number, expect, mods, args.strip()))
    return cases


def expand(args, tmp, made_dir):
    out = []
    for word in shlex.split(args):
        while "{made:" in word:
            start = word.index("{made:")
            end = word.index("}", start)
            word = word[:start] + make(word[start + 6 : end], made_dir) + word[end + 1 :]
        word = word.replace("{files}", FILES).replace("{tmp}", tmp).encode()
        # `{byte:NN}` is a raw byte: arguments need not be UTF-8.
        while b"{byte:" in word:
            start = word.index(b"{byte:")
            word = word[:start] + bytes([int(word[start + 6 : start + 8], 16)]) + word[start + 9 :]
        out.append(word)
    return out


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(binary, argv, mods, workdir):
    """Runs one case; returns (status, signal, seconds, peak_rss_bytes, stdout, stderr, timed_out)."""
    out_path = os.path.join(workdir, "stdout")
    err_path = os.path.join(workdir, "stderr")
    closers = []
    if mods.get("stdout") == "closed":
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader has gone before the first write
        stdout = write_end
        closers.append(write_end)
    elif "stdout" in mods:
        stdout = open(mods["stdout"], "wb")
        closers.append(stdout)
    else:
        stdout = open(out_path, "wb")
        closers.append(stdout)
    stderr = open(mods["stderr"], "wb") if "stderr" in mods else open(err_path, "wb")
    closers.append(stderr)
    start = time.monotonic()
    proc = subprocess.Popen(
        [binary] + argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
        cwd=workdir, preexec_fn=limit_memory,
    )
    for c in closers:
        os.close(c) if isinstance(c, int) else c.close()
    timed_out = []

    def kill():
        timed_out.append(True)
        proc.send_signal(signal.SIGKILL)

    timer = threading.Timer(TIME_LIMIT_S, kill)
    timer.start()
    _, wait_status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = 0  # reaped above; keeps Popen from waiting again
    seconds = time.monotonic() - start
    status = os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None
    sig = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
    read = lambda p: open(p, "rb").read().decode("utf-8", "replace") if os.path.exists(p) else ""
    return status, sig, seconds, usage.ru_maxrss * 1024, read(out_path), read(err_path), bool(timed_out)


def judge(expect, mods, status, sig, seconds, rss, stdout, stderr, timed_out):
    """Returns the reason a case failed, or None."""
    if timed_out:
        return f"did not end within {TIME_LIMIT_S:.0f} s"
    if sig is not None:
        return f"killed by signal {sig}"
    if status not in (0, 1):
        return f"exit status {status}"
    if rss > MEMORY_LIMIT:
        return f"peak memory {rss / 2**20:.0f} MiB"
    if "panicked" in stderr:
        return "panicked"
    if expect == "ok":
        return None if status == 0 else f"exit {status}: {stderr.strip()[:200]}"
    if expect == "quiet":
        if status != 0 or stderr:
            return f"exit {status}, stderr {stderr.strip()[:200]!r}"
        return None
    if expect.startswith("error:"):
        text = expect[len("error:"):]
        lines = stderr.splitlines()
        if status != 1:
            return f"expected exit 1, got {status}"
        if "stderr" not in mods and len(lines) != 1:
            return f"expected one line on stderr, got {len(lines)}: {stderr[:300]!r}"
        if "stderr" not in mods and not lines[0].startswith("gossipscope: error: "):
            return f"not an error line: {lines[0][:200]!r}"
        if "stderr" not in mods and text not in lines[0]:
            return f"the error does not name {text!r}: {lines[0][:300]!r}"
        if "stdout" not in mods and stdout:
            return "wrote to stdout although it failed"
        return None
    return f"unknown expectation {expect!r}"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    table_path = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--table" else None
    cases = parse_cases(os.path.join(HERE, "cases.txt"))
    rows, failures = [], []
    with tempfile.TemporaryDirectory(prefix="gossipscope-hostile-") as root:
        made_dir = os.path.join(root, "made")
        os.mkdir(made_dir)
        for i, (line, expect, mods, args) in enumerate(cases):
            workdir = os.path.join(root, f"case{i}")
            tmp = os.path.join(workdir, "tmp")
            os.makedirs(tmp)
            argv = expand(args, tmp, made_dir)
            result = run_case(binary, argv, mods, workdir)
            status, sig, seconds, rss, stdout, stderr, timed_out = result
            why = judge(expect, mods, *result)
            first = stderr.strip().splitlines()[0] if stderr.strip() else ""
            redir = " ".join(f"{k}={v}" for k, v in mods.items())
            rows.append((line, args + (f" ({redir})" if redir else ""), status if sig is None else f"signal {sig}",
                         seconds, rss, "FAIL: " + why if why else "ok", first))
            if why:
                failures.append(f"cases.txt:{line}: {args}: {why}")
    for f in failures:
        print(f)
    slowest = max(rows, key=lambda r: r[3])
    largest = max(rows, key=lambda r: r[4])
    print(f"{len(rows) - len(failures)}/{len(rows)} hostile cases passed; slowest {slowest[3]:.2f} s "
          f"(cases.txt:{slowest[0]}), largest {largest[4] / 2**20:.0f} MiB (cases.txt:{largest[0]})")
    if table_path:
        with open(table_path, "w") as t:
            t.write("| line | arguments | exit | seconds | peak MiB | verdict | first line on stderr |\n")
            t.write("| ---: | --- | ---: | ---: | ---: | --- | --- |\n")
            for line, args, status, seconds, rss, verdict, first in rows:
                def cell(s):
                    s = str(s).replace("|", "\\|").replace(FILES, "{files}")
                    s = re.sub(r"/tmp/gossipscope-hostile-[^/ ]+/case\d+/tmp", "{tmp}", s)
                    return re.sub(r"/tmp/gossipscope-hostile-[^/ ]+/made", "{made}", s)

                t.write(f"| {line} | `{cell(args)}` | {status} | {seconds:.2f} | {rss / 2**20:.0f} | "
                        f"{verdict} | {cell(first[:140])} |\n")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
