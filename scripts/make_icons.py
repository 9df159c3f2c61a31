"""Draw the app icons into src/spasmtrack/static/icons/ (run by hand; the PNGs are committed).

A white pulse line on the header's navy. The maskable icon keeps the line inside the central
80 % "safe zone" that launchers may crop to a circle or squircle. Needs Pillow (a matplotlib
dependency, so already installed).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

NAVY = (23, 50, 77, 255)  # #17324d, the header colour and the manifest's theme_color
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "src" / "spasmtrack" / "static" / "icons"
# The pulse, in a 0..1 box: flat, a sharp spike up, a dip, flat again.
PULSE = [(0.0, 0.55), (0.3, 0.55), (0.4, 0.2), (0.52, 0.8), (0.62, 0.45), (0.7, 0.55), (1.0, 0.55)]


def draw(size: int, *, maskable: bool, scale: int = 4) -> Image.Image:
    big = size * scale  # drawn large, then scaled down: smooth edges without antialias options
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, big, big), fill=NAVY)  # full bleed: the launcher picks the shape
        inset = 0.24  # the line stays well inside the 80 % safe circle
    else:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=NAVY)
        inset = 0.14
    box = big * (1 - 2 * inset)
    pts = [(big * inset + x * box, big * inset + y * box) for x, y in PULSE]
    width = max(2, round(big * 0.075))
    d.line(pts, fill=WHITE, width=width, joint="curve")
    for p in (pts[0], pts[-1]):
        r = width / 2
        d.ellipse((p[0] - r, p[1] - r, p[0] + r, p[1] + r), fill=WHITE)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def svg() -> str:
    inset, box = 0.14 * 512, 512 * (1 - 2 * 0.14)
    pts = " ".join(f"{inset + x * box:.1f},{inset + y * box:.1f}" for x, y in PULSE)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        '<rect width="512" height="512" rx="102" fill="#17324d"/>'
        f'<polyline points="{pts}" fill="none" stroke="#fff" stroke-width="38" '
        'stroke-linecap="round" stroke-linejoin="round"/></svg>\n'
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    # iOS ignores transparency: the full-bleed square, which iOS rounds itself.
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    draw(48, maskable=False).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
