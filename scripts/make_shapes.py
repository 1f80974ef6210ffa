#!/usr/bin/env python3
"""Draws the pictures of projects/data/shapes/ (the shapes_folder.strata example's data).

Three classes of 32x32 grayscale pictures: a light circle, square or triangle on a dark
background, each of its own size, position and rotation, some anti-aliased and some not,
with a little noise and its own brightness. Written as PNG files with the standard library
alone (zlib and struct), one folder per class:

    projects/data/shapes/train/<class>/NNN.png   (TRAIN_PER_CLASS each)
    projects/data/shapes/test/<class>/NNN.png    (TEST_PER_CLASS each)

Deterministic: the same pictures every run (one seeded generator per split and class). Run
it after changing anything here; it replaces the folder."""
import math
import pathlib
import random
import shutil
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "projects" / "data" / "shapes"
SIZE = 32
CLASSES = ["circle", "square", "triangle"]
TRAIN_PER_CLASS = 250
TEST_PER_CLASS = 40
SUPERSAMPLE = 4  # samples a side per pixel when anti-aliased


def png(width, height, gray_rows):
    """A grayscale 8-bit PNG of the given rows (lists of 0-255 values)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit gray
    raw = b"".join(b"\x00" + bytes(row) for row in gray_rows)  # filter: none
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def inside_test(kind, cx, cy, size, angle):
    """A function (x, y) -> bool: whether a point lies inside the shape."""
    cos, sin = math.cos(angle), math.sin(angle)
    if kind == "circle":
        return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= size ** 2
    if kind == "square":  # size: half the side
        def square(x, y):
            u, v = (x - cx) * cos + (y - cy) * sin, (y - cy) * cos - (x - cx) * sin
            return abs(u) <= size and abs(v) <= size
        return square
    # An equilateral triangle; size: the distance from its centre to a corner.
    corners = [(cx + size * math.cos(angle + k * 2 * math.pi / 3),
                cy + size * math.sin(angle + k * 2 * math.pi / 3)) for k in range(3)]

    def triangle(x, y):
        sides = []
        for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
            sides.append((bx - ax) * (y - ay) - (by - ay) * (x - ax) >= 0)
        return all(sides) or not any(sides)
    return triangle


def extent(kind, size):
    """How far the shape reaches from its centre, at most."""
    return size * math.sqrt(2) if kind == "square" else size


def draw(kind, rng):
    # Sizes chosen so that the three classes cover similar areas (a circle of radius r, a
    # square of half side 0.886 r, a triangle of corner distance 1.555 r), then varied.
    r = rng.uniform(6.0, 9.5)
    size = {"circle": r, "square": 0.886 * r, "triangle": 1.555 * r}[kind]
    reach = extent(kind, size)  # under 15: every shape lies whole in the picture
    cx = rng.uniform(reach + 1, SIZE - reach - 1)
    cy = rng.uniform(reach + 1, SIZE - reach - 1)
    angle = rng.uniform(0, 2 * math.pi)
    inside = inside_test(kind, cx, cy, size, angle)
    background = rng.uniform(5, 70)
    foreground = rng.uniform(160, 250)
    noise = rng.uniform(0.5, 1.0)
    steps = SUPERSAMPLE if rng.random() < 0.5 else 1
    offsets = [(i + 0.5) / steps for i in range(steps)]
    rows = []
    for py in range(SIZE):
        row = []
        for px in range(SIZE):
            hits = sum(inside(px + ox, py + oy) for oy in offsets for ox in offsets)
            cover = hits / (steps * steps)
            value = background + (foreground - background) * cover + rng.gauss(0, noise)
            row.append(max(0, min(255, round(value))))
        rows.append(row)
    return rows


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    for split, count, seed in (("train", TRAIN_PER_CLASS, 1), ("test", TEST_PER_CLASS, 2)):
        for c, kind in enumerate(CLASSES):
            rng = random.Random(seed * 1000 + c)
            folder = OUT / split / kind
            folder.mkdir(parents=True)
            for i in range(count):
                (folder / f"{i:03d}.png").write_bytes(png(SIZE, SIZE, draw(kind, rng)))
    total = sum(f.stat().st_size for f in OUT.rglob("*.png"))
    print(f"{OUT}: {3 * (TRAIN_PER_CLASS + TEST_PER_CLASS)} pictures, {total // 1024} KiB")


if __name__ == "__main__":
    main()
