#!/usr/bin/env python3
"""ansi2png: renders a terminal capture with SGR colour codes to a PNG.

Input is what `tmux capture-pane -e -p` prints: one line per row, text in
UTF-8 with SGR sequences (ESC [ ... m) for bold, dim, underline, reverse
and 8/16/256/true colours. Other escape sequences are ignored. Uses Pillow
and the DejaVu Sans Mono fonts (Debian: python3-pil, fonts-dejavu-core).

    tmux capture-pane -e -p -t PANE | ansi2png.py --cols 112 --rows 36 \
        --cursor X,Y --title "socklab" out.png
"""
import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
BG = (24, 26, 33)
FG = (212, 214, 220)
# The 16 ANSI colours, a calm palette close to common terminal themes.
PALETTE16 = [
    (40, 42, 54), (224, 92, 92), (120, 200, 120), (230, 200, 90),
    (100, 150, 230), (200, 120, 210), (90, 200, 210), (200, 202, 210),
    (100, 104, 118), (255, 120, 120), (150, 230, 150), (255, 230, 120),
    (130, 175, 255), (230, 150, 240), (130, 230, 240), (255, 255, 255),
]


def color256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Cell:
    __slots__ = ("ch", "fg", "bg", "bold", "dim", "ul", "rev")

    def __init__(self, ch=" ", st=None):
        self.ch = ch
        st = st or {}
        self.fg = st.get("fg")
        self.bg = st.get("bg")
        self.bold = st.get("bold", False)
        self.dim = st.get("dim", False)
        self.ul = st.get("ul", False)
        self.rev = st.get("rev", False)


def apply_sgr(params, st):
    codes = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            st.clear()
        elif c == 1:
            st["bold"] = True
        elif c == 2:
            st["dim"] = True
        elif c == 4:
            st["ul"] = True
        elif c == 7:
            st["rev"] = True
        elif c == 22:
            st["bold"] = st["dim"] = False
        elif c == 24:
            st["ul"] = False
        elif c == 27:
            st["rev"] = False
        elif 30 <= c <= 37:
            st["fg"] = PALETTE16[c - 30]
        elif c == 39:
            st.pop("fg", None)
        elif 40 <= c <= 47:
            st["bg"] = PALETTE16[c - 40]
        elif c == 49:
            st.pop("bg", None)
        elif 90 <= c <= 97:
            st["fg"] = PALETTE16[c - 90 + 8]
        elif 100 <= c <= 107:
            st["bg"] = PALETTE16[c - 100 + 8]
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                st[key] = color256(codes[i + 2])
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                st[key] = tuple(codes[i + 2:i + 5])
                i += 4
        i += 1


SEQ = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|\x1b[()][0-9A-Za-z]|\x1b.")


def parse(text, cols, rows):
    grid = [[Cell() for _ in range(cols)] for _ in range(rows)]
    st = {}
    for y, line in enumerate(text.split("\n")[:rows]):
        x = 0
        pos = 0
        while pos < len(line):
            m = SEQ.match(line, pos)
            if m:
                if m.group(2) == "m":
                    apply_sgr(m.group(1), st)
                pos = m.end()
                continue
            ch = line[pos]
            pos += 1
            if x >= cols:
                continue
            if unicodedata.combining(ch) and x > 0:
                grid[y][x - 1].ch += ch
                continue
            grid[y][x] = Cell(ch, st)
            if unicodedata.east_asian_width(ch) in ("W", "F") and x + 1 < cols:
                grid[y][x + 1] = Cell("", st)
                x += 2
            else:
                x += 1
        # tmux ends lines without resetting: attributes carry over rows.
    return grid


def blend(a, b, t):
    return tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3))


def render(grid, out, cursor, title, size):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", size)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", size)
    cw = round(regular.getlength("M"))
    asc, desc = regular.getmetrics()
    ch = asc + desc + 2
    rows, cols = len(grid), len(grid[0])
    pad, bar = 14, 30 if title else 0
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * ch + 2 * pad + bar), BG)
    d = ImageDraw.Draw(img)
    if title:
        d.rectangle([0, 0, img.width, bar], fill=(44, 47, 58))
        for i, c in enumerate([(237, 106, 94), (245, 191, 79), (98, 197, 84)]):
            d.ellipse([12 + i * 20, 9, 24 + i * 20, 21], fill=c)
        tw = regular.getlength(title)
        d.text(((img.width - tw) / 2, 6), title, font=regular, fill=(180, 183, 192))
    for y, row in enumerate(grid):
        for x, c in enumerate(row):
            fg, bg = c.fg or FG, c.bg or BG
            if c.rev:
                fg, bg = (c.bg or BG), (c.fg or FG)
            if c.dim:
                fg = blend(fg, bg, 0.45)
            px, py = pad + x * cw, pad + bar + y * ch
            if bg != BG:
                d.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if cursor and (x, y) == cursor:
                d.rectangle([px, py, px + cw - 1, py + ch - 1], fill=FG)
                fg = BG
            if c.ch.strip():
                if c.ch in "─│└┘┌┐":
                    draw_box(d, c.ch, px, py, cw, ch, fg)
                else:
                    d.text((px, py + 1), c.ch, font=bold if c.bold else regular, fill=fg)
            if c.ul:
                d.line([px, py + ch - 2, px + cw - 1, py + ch - 2], fill=fg)
    img.save(out)


def draw_box(d, c, px, py, cw, ch, fg):
    """Box-drawing lines meet exactly from cell to cell, unlike font glyphs."""
    mx, my = px + cw // 2, py + ch // 2
    if c in "─└┘┌┐":
        x0 = mx if c in "└┌" else px
        x1 = mx if c in "┘┐" else px + cw
        d.line([x0, my, x1, my], fill=fg)
    if c in "│└┘┌┐":
        y0 = my if c in "┌┐" else py
        y1 = my if c in "└┘" else py + ch
        d.line([mx, y0, mx, y1], fill=fg)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--cursor", help="X,Y of the cursor block, 0-based")
    ap.add_argument("--title", default="")
    ap.add_argument("--size", type=int, default=15)
    a = ap.parse_args()
    text = sys.stdin.buffer.read().decode("utf-8", "replace")
    cursor = tuple(int(v) for v in a.cursor.split(",")) if a.cursor else None
    render(parse(text, a.cols, a.rows), a.out, cursor, a.title, a.size)


if __name__ == "__main__":
    main()
