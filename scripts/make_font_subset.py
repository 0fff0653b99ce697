"""Build static/fonts/playground-hangul-{regular,bold}.woff2: Hangul that renders with no Korean font installed.

    apt-get install -y fonts-nanum
    .venv/bin/pip install fonttools brotli      # for this script only, not the app
    .venv/bin/python scripts/make_font_subset.py

takes Debian's NanumGothic and NanumGothicBold (SIL OFL 1.1: /usr/share/doc/fonts-nanum/copyright)
and keeps Latin (ASCII, Latin-1, the punctuation and signs the page writes; not the small sub- and
superscript digits), the Hangul syllables of KS X 1001 (the 2,350 in common use), the compatibility
jamo (ㄱ, ㅋㅋ, ㅠㅠ) and the conjoining jamo, as WOFF2 without hinting. A subset is a Modified
Version under the OFL and "Nanum" / "NanumGothic" are Reserved Font Names, so the subset is renamed
"Playground Hangul" (the copyright notice kept); static/fonts/OFL.txt is the licence. The output
is the same for the same input font (no timestamps), so rerunning it leaves git clean.
"""

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
NANUM = Path("/usr/share/fonts/truetype/nanum")
FONTS = ROOT / "static" / "fonts"
WEIGHTS = {"Regular": "NanumGothic.ttf", "Bold": "NanumGothicBold.ttf"}  # style -> source
FAMILY = "Playground Hangul"


def ks_x_1001_syllables():
    """The 2,350 Hangul syllables of KS X 1001: rows 0xB0 to 0xC8 of EUC-KR, 94 cells each."""
    out = []
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            out.append(bytes([lead, trail]).decode("euc-kr"))
    assert len(out) == 2350 and out[0] == "가" and out[-1] == "힝"
    return [ord(c) for c in out]


def codepoints():
    # NanumGothic's sub- and superscript digits are a third of a digit's height (x₁ reads "x." at
    # 11px): left out, so they come from the next font in the list, as on a page in English.
    small = {0xB2, 0xB3, 0xB9}
    latin = [c for c in [*range(0x20, 0x7F), *range(0xA0, 0x100)] if c not in small]
    # Dashes, quotes, ellipsis, bullets; arrows, ≠ ≤ ≥ (the page's signs).
    signs = [
        *range(0x2010, 0x2027),
        0x2030,
        0x2032,
        0x2033,
        0x2039,
        0x203A,
        *range(0x2190, 0x2196),
        0x2260,
        0x2264,
        0x2265,
        0x22C5,
    ]
    cjk = [*range(0x3000, 0x3019)]  # ideographic space, 、。〈〉《》「」『』【】
    jamo = [*range(0x1100, 0x1200), *range(0x3131, 0x318F)]
    return sorted({*latin, *signs, *cjk, *jamo, *ks_x_1001_syllables()})


def rename(font, style):
    """Every name record that carries the family or full name gets ours (OFL: no Reserved Font Name)."""
    ps = FAMILY.replace(" ", "") + "-" + style
    new = {1: FAMILY, 2: style, 3: f"{ps};subset", 4: f"{FAMILY} {style}", 6: ps, 16: FAMILY, 17: style}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in new:
            table.setName(new[record.nameID], record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID in (18, 21, 22):  # Mac compatible full name, WWS names: drop rather than keep "Nanum"
            table.removeNames(nameID=record.nameID)
    table.setName(
        f"{FAMILY}: a subset of NanumGothic (Latin, KS X 1001 Hangul, jamo) for the "
        "Neural Network Playground, made by scripts/make_font_subset.py.",
        10,
        3,
        1,
        0x409,
    )
    leftovers = [r.toUnicode() for r in table.names if r.nameID not in (0, 7, 10, 13, 14) and "Nanum" in r.toUnicode()]
    assert not leftovers, leftovers


def make(source, out, style):
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # browsers rasterize well without TrueType instructions; about half the size
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.layout_features = ["*"]  # the jamo's ljmo / vjmo / tjmo compose syllables
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints())
    subsetter.subset(font)
    rename(font, style)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    print(
        f"{out}: {out.stat().st_size / 1024:.0f} KiB, {len(font.getBestCmap())} characters, "
        f"{len(font.getGlyphOrder())} glyphs"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nanum", type=Path, default=NANUM, help="the folder of NanumGothic*.ttf")
    parser.add_argument("--out", type=Path, default=FONTS)
    args = parser.parse_args()
    for style, name in WEIGHTS.items():
        make(args.nanum / name, args.out / f"playground-hangul-{style.lower()}.woff2", style)


if __name__ == "__main__":
    main()
