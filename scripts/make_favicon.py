"""Draw the book's favicon, _static/favicon.png: a 64×64 icon in the charts' blue with a white railway
track (the gang's name comes from a railway union). Byte-reproducible: no metadata."""
from pathlib import Path

from PIL import Image, ImageDraw

BLUE, WHITE = (0, 114, 178), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "_static" / "favicon.png"


def main() -> None:
    img = Image.new("RGB", (64, 64), BLUE)
    d = ImageDraw.Draw(img)
    d.rectangle([18, 6, 23, 58], fill=WHITE)   # the two rails
    d.rectangle([41, 6, 46, 58], fill=WHITE)
    for y in (12, 24, 36, 48):                  # the sleepers
        d.rectangle([12, y, 52, y + 4], fill=WHITE)
    img.save(OUT, format="PNG", optimize=True)


if __name__ == "__main__":
    main()
