#!/usr/bin/env python3
"""Misbehaving and numerous peers for the robustness tests.

Every peer talks to 127.0.0.1 or ::1 only, and every loop is bounded in
count and in time. Each command prints one result line and exits 0 when the
behaviour it checks held, 1 otherwise.
"""
import socket
import sys
import time


def connect(port, host="127.0.0.1", timeout=5.0):
    s = socket.create_connection((host, port), timeout=timeout)
    return s


def read_until(sock, needle, limit=1 << 20, deadline=10.0):
    end = time.monotonic() + deadline
    buf = b""
    while needle not in buf and len(buf) < limit and time.monotonic() < end:
        sock.settimeout(max(0.05, end - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        buf += chunk
    return buf


def no_newline(port, megabytes, last):
    """Sends MEGABYTES without a newline, then a newline and "hola";
    expects the error line first and the reply LAST to "hola" after it."""
    s = connect(port)
    block = b"x" * (1 << 20)
    for _ in range(megabytes):
        s.sendall(block)
    s.sendall(b"\nhola\n")
    s.shutdown(socket.SHUT_WR)
    got = read_until(s, last, deadline=60)
    s.close()
    ok = got.startswith(b"ERR line too long") and got.endswith(last)
    print("no-newline", "ok" if ok else "bad", got[:80])
    return ok


def echo_once(port, host="127.0.0.1"):
    s = connect(port, host)
    s.sendall(b"hola\n")
    got = read_until(s, b"\n", deadline=5)
    s.close()
    print("echo", got)
    return got == b"eco: hola\n"


def cycles(port, count):
    """count connect/send/close cycles, each one answered."""
    for i in range(count):
        s = connect(port)
        s.sendall(b"x\n")
        if read_until(s, b"\n", deadline=5) != b"eco: x\n":
            print("cycle", i, "unanswered")
            return False
        s.close()
    print("cycles", count, "ok")
    return True


def hold(port, count, seconds):
    """Opens count connections, reports, holds them until stdin closes or
    seconds pass, then expects each to have been closed by the server."""
    socks = []
    for _ in range(count):
        socks.append(connect(port))
    print("held", len(socks), flush=True)
    sys.stdin.readline()
    closed = 0
    end = time.monotonic() + seconds
    for s in socks:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            if s.recv(1) == b"":
                closed += 1
        except OSError:
            closed += 1
        s.close()
    print("closed-by-server", closed)
    return closed == count


def exhaust(port, count):
    """Opens count connections without closing (for EMFILE on the server),
    waits for stdin, closes them, then checks a new client is served."""
    socks = [connect(port) for _ in range(count)]
    print("opened", len(socks), flush=True)
    sys.stdin.readline()
    for s in socks:
        s.close()
    end = time.monotonic() + 10
    while time.monotonic() < end:
        try:
            if echo_once(port):
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def main():
    cmd, port = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    if cmd == "no-newline":
        ok = no_newline(port, int(args[0]), args[1].encode().decode("unicode_escape").encode())
    elif cmd == "echo":
        ok = echo_once(port, args[0] if args else "127.0.0.1")
    elif cmd == "cycles":
        ok = cycles(port, int(args[0]))
    elif cmd == "hold":
        ok = hold(port, int(args[0]), float(args[1]))
    elif cmd == "exhaust":
        ok = exhaust(port, int(args[0]))
    else:
        print("unknown command", cmd)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
