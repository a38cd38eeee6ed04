"""Checks `socklab serve --json` output against the CLI contract.

    jsoncheck.py FILE [--now EPOCH]

Every line must be one JSON object with the fields the contract names for
its event. Prints one line per problem and exits 1 if there was any.
Used by tests/cli/serve_json.sh; stdlib only.
"""
import ipaddress
import json
import re
import sys

TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
CONN_EVENTS = {"accept", "recv", "send", "close"}
DGRAM_EVENTS = {"dgram-in", "dgram-out"}
DATA_EVENTS = {"recv", "send", "dgram-in", "dgram-out"}


def check_addr(where, a, problems):
    if not isinstance(a, dict):
        problems.append(f"{where}: not an object")
        return
    if not isinstance(a.get("addr"), str) or not isinstance(a.get("port"), int):
        problems.append(f"{where}: needs addr (string) and port (integer): {a}")
        return
    try:
        ip = ipaddress.ip_address(a["addr"])
    except ValueError:
        problems.append(f"{where}: addr {a['addr']!r} is not an IP address")
        return
    if not 0 <= a["port"] <= 65535:
        problems.append(f"{where}: port out of range: {a['port']}")
    if ip.version == 6:
        for k in ("flowinfo", "scope_id"):
            if not isinstance(a.get(k), int):
                problems.append(f"{where}: IPv6 address without integer {k}: {a}")
        mapped = ip.ipv4_mapped
        if mapped is not None and a.get("mapped_ipv4") != str(mapped):
            problems.append(f"{where}: mapped peer needs mapped_ipv4={mapped}: {a}")
        if mapped is None and "mapped_ipv4" in a:
            problems.append(f"{where}: mapped_ipv4 on an unmapped address: {a}")
    else:
        for k in ("flowinfo", "scope_id", "mapped_ipv4"):
            if k in a:
                problems.append(f"{where}: IPv4 address with {k}: {a}")


PACKET_FLAGS = {"SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}


def check_ip(where, p, problems):
    fam = p.get("family")
    if fam not in ("ipv4", "ipv6"):
        problems.append(f"{where}: family {fam!r}")
        return
    for k in ("src", "dst"):
        try:
            ip = ipaddress.ip_address(p.get(k))
        except ValueError:
            problems.append(f"{where}: {k} {p.get(k)!r} is not an IP address")
            continue
        if ip.version != (4 if fam == "ipv4" else 6):
            problems.append(f"{where}: {k} {p.get(k)} is not {fam}")
    if not isinstance(p.get("proto"), (str, int)):
        problems.append(f"{where}: no proto")
    for k in ("sport", "dport"):
        if k in p and not (isinstance(p[k], int) and 0 <= p[k] <= 65535):
            problems.append(f"{where}: {k} out of range")


def check_packet(w, e, problems):
    """A packet event (serve --wire): the frame decoded into "packet"."""
    p = e.get("packet")
    if not isinstance(p, dict):
        problems.append(f"{w}: no packet object")
        return
    if not isinstance(e.get("ifname"), str):
        problems.append(f"{w}: no ifname")
    for k in ("caplen", "wirelen", "ethertype"):
        if not isinstance(p.get(k), int) or isinstance(p.get(k), bool):
            problems.append(f"{w}: packet.{k} missing")
    if p.get("wirelen") != e.get("bytes"):
        problems.append(f"{w}: bytes is not the frame's length on the wire")
    if not isinstance(p.get("link"), str):
        problems.append(f"{w}: packet.link missing")
    if "family" in p:
        check_ip(f"{w} packet", p, problems)
    if "flags" in p:
        if not isinstance(p["flags"], list) or not set(p["flags"]) <= PACKET_FLAGS:
            problems.append(f"{w}: bad TCP flags {p['flags']!r}")
        for k in ("seq", "seq_raw", "win", "len"):
            if not isinstance(p.get(k), int) or p[k] < 0:
                problems.append(f"{w}: TCP without {k}")
        if ("ACK" in p["flags"]) != ("ack" in p):
            problems.append(f"{w}: ack present without the ACK flag or missing with it")
    if "inner" in p:
        check_ip(f"{w} packet.inner", p["inner"], problems)
    if "note" in p and not (isinstance(p["note"], str) and p["note"]):
        problems.append(f"{w}: empty note")


def check_event(n, e, problems, now=None):
    w = f"line {n} ({e.get('event')})"
    for k, t in (("event", str), ("time", str), ("server", int), ("bytes", int)):
        if not isinstance(e.get(k), t) or isinstance(e.get(k), bool):
            problems.append(f"{w}: field {k} missing or not {t.__name__}")
    if isinstance(e.get("time"), str):
        if not TIME_RE.match(e["time"]):
            problems.append(f"{w}: time {e['time']!r} is not UTC ISO 8601 with ms")
        elif now is not None:
            import calendar
            import time

            secs = calendar.timegm(time.strptime(e["time"][:19], "%Y-%m-%dT%H:%M:%S"))
            if abs(secs - now) > 120:
                problems.append(f"{w}: time {e['time']} is not UTC now")
    kind = e.get("event")
    if kind == "packet":
        check_packet(w, e, problems)
        return
    if kind != "dropped":
        for k in ("transport", "service", "family"):
            if not isinstance(e.get(k), str):
                problems.append(f"{w}: field {k} missing")
    if kind == "listen":
        if "local" not in e:
            problems.append(f"{w}: listen without local")
    if kind in CONN_EVENTS or kind in DGRAM_EVENTS:
        for k in ("local", "peer"):
            if k not in e:
                problems.append(f"{w}: no {k}")
    for k in ("local", "peer"):
        if k in e:
            check_addr(f"{w} {k}", e[k], problems)
    if kind in DATA_EVENTS and not isinstance(e.get("data"), str):
        problems.append(f"{w}: no data string")
    six = isinstance(e.get("local"), dict) and ":" in str(e["local"].get("addr"))
    if kind == "listen" and six and not isinstance(e.get("v6only"), bool):
        problems.append(f"{w}: IPv6 listen without boolean v6only")
    if kind == "listen" and not six and "v6only" in e:
        problems.append(f"{w}: IPv4 listen with v6only")
    if kind in ("warning", "error"):
        if not isinstance(e.get("message"), str) or not e["message"]:
            problems.append(f"{w}: no message")
        if not isinstance(e.get("errno"), int) or isinstance(e.get("errno"), bool):
            problems.append(f"{w}: no integer errno")


def main():
    now = None
    if "--now" in sys.argv:
        now = int(sys.argv[sys.argv.index("--now") + 1])
    problems = []
    with open(sys.argv[1], "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(f"line {n}: not UTF-8: {exc}")
                continue
            try:
                e = json.loads(line)
            except ValueError as exc:
                problems.append(f"line {n}: not JSON ({exc}): {line!r}")
                continue
            if not isinstance(e, dict):
                problems.append(f"line {n}: not an object")
                continue
            check_event(n, e, problems, now)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
