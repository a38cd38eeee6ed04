"""Splits the pcap files of tools/packet-corpus.sh into one fuzz seed per
frame: a selector byte (0 null, 1 ethernet, 2 raw, 3 sll, 4 sll2; see
tests/fuzz/fuzz_packet.c) then the frame. stdlib only."""
import hashlib
import os
import struct
import sys

SELECTOR = {1: 1, 113: 3, 276: 4}


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        yield link, data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    work, out = sys.argv[1], sys.argv[2]
    n = 0
    for name in ("eth", "sll", "sll2"):
        for link, fr in frames(os.path.join(work, name + ".pcap")):
            seeds = [(SELECTOR[link], fr)]
            if link == 1 and len(fr) >= 14:
                et = fr[12:14]
                fam = {b"\x08\x00": 2, b"\x86\xdd": 10}.get(et)
                if fam is not None:
                    seeds.append((0, struct.pack("<I", fam) + fr[14:]))
                    seeds.append((2, fr[14:]))
            for sel, body in seeds:
                blob = bytes([sel]) + body
                h = hashlib.sha1(blob).hexdigest()[:16]
                with open(os.path.join(out, f"{name}-{h}"), "wb") as f:
                    f.write(blob)
                n += 1
    print(f"{n} seeds in {out}")


main()
