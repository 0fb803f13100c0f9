#!/usr/bin/python3
"""Builds the kiosk's bundled CJK faces from Debian's fonts-noto-cjk.

Fyne accepts only single-face .ttf/.otf files, so the Simplified Chinese face is
taken out of the Noto Sans CJK collections and subset to the characters a hall
kiosk needs: ASCII and Latin-1, punctuation and symbols, every GB2312
character, and the whole CJK Unified Ideographs block plus Extension A, which
holds the rare characters that appear in citizens' names on ID cards (e.g. 喆,
堃, 䶮). The subset gets its own family name, as the OFL asks of modified fonts.

Usage: /usr/bin/python3 scripts/make-fonts.py OUTDIR   (needs fonts-noto-cjk, python3-fonttools)
"""
import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

SRC = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"
FAMILY = "Hall Kiosk Sans SC"


def charset():
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for lo, hi in [(0x2000, 0x206F), (0x2100, 0x218F), (0x2190, 0x21FF),
                   (0x2460, 0x24FF), (0x2500, 0x257F), (0x25A0, 0x25FF),
                   (0x2600, 0x26FF), (0x2700, 0x27BF), (0x3000, 0x303F),
                   (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFE30, 0xFE4F),
                   (0xFF00, 0xFFEF)]:
        cps |= set(range(lo, hi + 1))
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                cps |= {ord(c) for c in bytes([b1, b2]).decode("gb2312")}
            except UnicodeDecodeError:
                pass
    return cps


def build(weight, out):
    coll = TTCollection(SRC.format(weight))
    face = next(f for f in coll.fonts
                if "SC" in f["name"].getDebugName(1))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    opts.hinting = False
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=charset())
    sub.subset(face)
    name = face["name"]
    for rec in name.names:
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID in (4,):
            rec.string = f"{FAMILY} {weight}"
        elif rec.nameID == 6:
            rec.string = f"HallKioskSansSC-{weight}"
    face.save(out)


if __name__ == "__main__":
    outdir = sys.argv[1]
    for w in ("Regular", "Bold"):
        build(w, f"{outdir}/HallKioskSansSC-{w}.otf")
