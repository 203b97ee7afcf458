"""Boxes that must not overlap: each node's marker and label as one rectangle, pushed apart until
none overlaps, and the count of overlapping pairs (what the picture reports and a test checks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUNDS = 2000


@dataclass(frozen=True)
class Box:
    """A rectangle around an anchor point: `left`/`right` from the anchor's x, `below`/`above`
    from its y (all non-negative), in the picture's units (pixels)."""

    left: float
    right: float
    below: float
    above: float


def separate(
    positions: dict[str, tuple[float, float]],
    boxes: dict[str, Box],
    gap: float,
    pinned: frozenset[str] = frozenset(),
) -> dict[str, tuple[float, float]]:
    """Move the anchors as little as the pushes need until no two boxes (grown by `gap`)
    overlap. Each overlapping pair is pushed apart along the line between their centres (so a
    crowded ring grows outwards rather than into a column), just far enough; a `pinned` node
    stays where it is and the other of its pair moves the whole way; the order of nodes is
    fixed, so the result is deterministic."""
    nodes = sorted(positions)
    if len(nodes) < 2:
        return dict(positions)
    xy = np.array([positions[n] for n in nodes], dtype=float)
    lo = np.array([(-boxes[n].left, -boxes[n].below) for n in nodes]) - gap / 2
    hi = np.array([(boxes[n].right, boxes[n].above) for n in nodes]) + gap / 2
    upper = np.triu(np.ones((len(nodes), len(nodes)), dtype=bool), k=1)
    for _ in range(ROUNDS):
        overlap, centre_gap = _overlaps(xy, lo, hi)
        pairs = upper & (overlap > 0).all(axis=2)
        if not pairs.any():
            break
        move = np.zeros_like(xy)
        for i, j in zip(*np.nonzero(pairs), strict=True):
            direction = centre_gap[i, j]
            length = float(np.hypot(*direction))
            unit = direction / length if length > 1e-9 else np.array([1.0, 0.0])
            with np.errstate(divide="ignore"):
                needed = np.min(np.where(np.abs(unit) > 1e-9, overlap[i, j] / np.abs(unit), np.inf))
            step = unit * (float(needed) / 2 + 0.5)
            still_i, still_j = nodes[i] in pinned, nodes[j] in pinned
            if not still_i:
                move[i] -= step if not still_j else 2 * step
            if not still_j:
                move[j] += step if not still_i else 2 * step
        xy += move
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy, strict=True)}


def count_overlaps(rectangles: list[tuple[float, float, float, float]]) -> int:
    """Pairs of (x0, y0, x1, y1) rectangles that share area (touching edges do not count)."""
    if len(rectangles) < 2:
        return 0
    r = np.array(rectangles, dtype=float)
    wide = np.minimum(r[:, None, 2], r[None, :, 2]) - np.maximum(r[:, None, 0], r[None, :, 0])
    tall = np.minimum(r[:, None, 3], r[None, :, 3]) - np.maximum(r[:, None, 1], r[None, :, 1])
    shared = (wide > 1e-6) & (tall > 1e-6)
    return int(np.triu(shared, k=1).sum())


def _overlaps(xy: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pair and axis: how much the boxes overlap, and how far apart their centres are."""
    start, end = xy + lo, xy + hi
    overlap = np.minimum(end[:, None], end[None, :]) - np.maximum(start[:, None], start[None, :])
    centres = (start + end) / 2
    return overlap, centres[None, :] - centres[:, None]
