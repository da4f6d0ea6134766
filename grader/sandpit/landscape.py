"""The Sandpit's hidden landscapes: a gentle bowl minus Gaussian wells on a 6 m × 6 m pit.

A landscape is drawn from (seed, scenario) and is fully determined by them, so grading can
replay a learner's probes at any time. Depths are metres in [-9, -1] (rocky floors go a few
centimetres beyond); x and y are metres in [0, 6].
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

SIZE = 6.0
SCENARIOS = ("basic", "depth_only", "many_minima", "rocky", "narrow_well")
GRID_POINTS = 241  # 0.025 m spacing: fine enough to see the 0.2 m narrow well
ARROW_STEP = 1e-3  # central-difference step for the arrow, in metres
SHALLOWEST, DEEPEST = -1.0, -9.0
MIN_GAP = 0.3  # the deepest basin must beat the second by this much (metres) ...
WALL_MARGIN = 0.3  # ... and lie this far from the wall, or the landscape is redrawn
DISTINCT = 0.05  # minima closer than this are one minimum
MAX_REDRAWS = 200
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Wells:
    """Gaussian wells: centres (cx, cy), depths d and widths w (standard deviations), in raw units."""

    cx: np.ndarray
    cy: np.ndarray
    d: np.ndarray
    w: np.ndarray


@dataclass(frozen=True)
class Rocks:
    """The rocky layer amp·sin(αx+φ)·sin(βy+ψ), in raw units."""

    amp: float
    alpha: float
    beta: float
    phi: float
    psi: float


NO_ROCKS = Rocks(0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, eq=False)
class Landscape:
    """One hidden landscape: depth = offset + scale·raw, raw = bowl − wells + rocks."""

    seed: int
    scenario: str
    wells: Wells
    rocks: Rocks
    scale: float
    offset: float
    minimiser: tuple[float, float]
    minima: tuple[
        tuple[float, float, float], ...
    ]  # (x, y, depth) of every local minimum, deepest first

    @property
    def shows_arrow(self) -> bool:
        return self.scenario != "depth_only"

    def depth(self, x: Any, y: Any) -> Any:
        """Depth in metres at (x, y); numpy arrays broadcast."""
        return self.offset + self.scale * raw_depth(self.wells, self.rocks, x, y)

    def depth_at(self, p: Sequence[float] | np.ndarray) -> float:
        """Depth at the point p = (x, y), for optimisers that pass one vector."""
        return float(self.depth(p[0], p[1]))

    def gradient(self, x: float, y: float) -> np.ndarray:
        """∇depth at (x, y), exactly."""
        return self.scale * raw_gradient(self.wells, self.rocks, x, y)

    def hessian(self, x: float, y: float) -> np.ndarray:
        """The Hessian of depth at (x, y), exactly."""
        return self.scale * raw_hessian(self.wells, self.rocks, x, y)

    def arrow(self, x: float, y: float) -> tuple[float, float]:
        """−∇depth by central differences with h = 1 mm, as the dip-stick shows it."""
        h = ARROW_STEP
        dx = (self.depth(x + h, y) - self.depth(x - h, y)) / (2 * h)
        dy = (self.depth(x, y + h) - self.depth(x, y - h)) / (2 * h)
        return (-float(dx), -float(dy))

    @property
    def deepest(self) -> float:
        """The depth at the global minimiser (−9 m by construction)."""
        return float(self.depth(*self.minimiser))

    def traps(self) -> list[tuple[float, float]]:
        """Local minima other than the global one: where a probe finds a "dry hole"."""
        return [(x, y) for x, y, _ in self.minima if not _near((x, y), self.minimiser)]


def _near(p: tuple[float, float], q: tuple[float, float], radius: float = DISTINCT) -> bool:
    return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 < radius**2


def _terms(wells: Wells, rocks: Rocks, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[Any, ...]:
    """The pieces shared by depth, gradient and Hessian; x, y broadcast against the wells."""
    x, y = np.asarray(x, float)[..., None], np.asarray(y, float)[..., None]
    dx, dy = x - wells.cx, y - wells.cy
    g = wells.d * np.exp(-(dx**2 + dy**2) / (2 * wells.w**2))
    ax, by = rocks.alpha * x[..., 0] + rocks.phi, rocks.beta * y[..., 0] + rocks.psi
    return (
        x[..., 0],
        y[..., 0],
        dx,
        dy,
        g,
        wells.w**2,
        (np.sin(ax), np.cos(ax), np.sin(by), np.cos(by)),
    )


def raw_depth(wells: Wells, rocks: Rocks, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    """The unscaled floor: bowl − wells + rocks; x, y broadcast (the grid is evaluated at once)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    r2 = (x[..., None] - wells.cx) ** 2 + (y[..., None] - wells.cy) ** 2
    dips = np.exp(-r2 / (2 * wells.w**2)) @ wells.d
    bowl = 0.03 * ((x - 3.0) ** 2 + (y - 3.0) ** 2)
    floor: np.ndarray = bowl - dips + (stones(rocks, x, y) if rocks.amp else 0.0)
    return floor


def stones(rocks: Rocks, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The rocky layer alone (zero when the scenario has no rocks)."""
    layer: np.ndarray = (
        rocks.amp * np.sin(rocks.alpha * x + rocks.phi) * np.sin(rocks.beta * y + rocks.psi)
    )
    return layer


def raw_gradient(wells: Wells, rocks: Rocks, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    """∇raw, shape (..., 2)."""
    px, py, dx, dy, g, w2, (sx, cx, sy, cy) = _terms(wells, rocks, x, y)
    gx = 0.06 * (px - 3.0) + (g * dx / w2).sum(axis=-1) + rocks.amp * rocks.alpha * cx * sy
    gy = 0.06 * (py - 3.0) + (g * dy / w2).sum(axis=-1) + rocks.amp * rocks.beta * sx * cy
    return np.stack([gx, gy], axis=-1)


def raw_hessian(wells: Wells, rocks: Rocks, x: npt.ArrayLike, y: npt.ArrayLike) -> np.ndarray:
    """The Hessian of raw, shape (..., 2, 2)."""
    _, _, dx, dy, g, w2, (sx, cx, sy, cy) = _terms(wells, rocks, x, y)
    a, b = rocks.alpha, rocks.beta
    hxx = 0.06 + (g * (1 / w2 - dx**2 / w2**2)).sum(axis=-1) - rocks.amp * a * a * sx * sy
    hyy = 0.06 + (g * (1 / w2 - dy**2 / w2**2)).sum(axis=-1) - rocks.amp * b * b * sx * sy
    hxy = -(g * dx * dy / w2**2).sum(axis=-1) + rocks.amp * a * b * cx * cy
    return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)


def _rng(seed: int, scenario: str, redraw: int) -> np.random.Generator:
    """A generator for (seed, scenario, redraw): the deterministic reseed counter."""
    family = "basic" if scenario == "depth_only" else scenario  # the same floor, without arrows
    digest = hashlib.sha256(f"sandpit:{GENERATOR_VERSION}:{seed}:{family}:{redraw}".encode())
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest.digest()[:16], "big")))


def _draw_wells(rng: np.random.Generator, scenario: str) -> Wells:
    count = int(rng.integers(8, 11)) if scenario == "many_minima" else int(rng.integers(3, 7))
    cx, cy = rng.uniform(0.8, 5.2, count), rng.uniform(0.8, 5.2, count)
    if scenario == "many_minima":
        d = rng.uniform(0.9, 1.2, count)  # similar depths: no well stands out from afar
        w = rng.uniform(0.45, 0.8, count)
    else:
        d, w = rng.uniform(0.5, 1.5, count), rng.uniform(0.6, 1.4, count)
    if scenario == "narrow_well":
        cx = np.append(cx, rng.uniform(0.8, 5.2))
        cy = np.append(cy, rng.uniform(0.8, 5.2))
        d, w = np.append(d, 2.0), np.append(w, 0.2)
    return Wells(cx, cy, d, w)


def _draw_rocks(rng: np.random.Generator, scenario: str, smooth_range: float) -> Rocks:
    if scenario != "rocky":
        return NO_ROCKS
    alpha, beta = rng.uniform(8, 12, 2)
    phi, psi = rng.uniform(0, 2 * np.pi, 2)
    return Rocks(0.03 * smooth_range, float(alpha), float(beta), float(phi), float(psi))


_AXIS = np.linspace(0.0, SIZE, GRID_POINTS)
_GX, _GY = np.meshgrid(_AXIS, _AXIS, indexing="xy")


def _grid_minima(values: np.ndarray) -> list[tuple[int, int]]:
    """Interior grid points lower than their eight neighbours, as (row, column)."""
    centre = values[1:-1, 1:-1]
    lower = np.ones_like(centre, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                rows = slice(1 + di, values.shape[0] - 1 + di)
                cols = slice(1 + dj, values.shape[1] - 1 + dj)
                lower &= centre < values[rows, cols]
    found_rows, found_cols = np.nonzero(lower)
    return list(zip(found_rows + 1, found_cols + 1, strict=True))


def _polish(wells: Wells, rocks: Rocks, starts: np.ndarray) -> np.ndarray:
    """Damped Newton steps from every start at once (starts are grid minima, near a true one).

    Returns the points where the gradient vanished and the Hessian is positive definite.
    """
    p = starts.astype(float).reshape(-1, 2)
    for _ in range(40):
        g = raw_gradient(wells, rocks, p[:, 0], p[:, 1])
        h = raw_hessian(wells, rocks, p[:, 0], p[:, 1])
        det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] ** 2
        convex = (det > 0) & (h[:, 0, 0] > 0)
        safe = np.where(convex, det, 1.0)
        step = np.stack(
            [
                (h[:, 1, 1] * g[:, 0] - h[:, 0, 1] * g[:, 1]) / safe,
                (h[:, 0, 0] * g[:, 1] - h[:, 0, 1] * g[:, 0]) / safe,
            ],
            axis=-1,
        )
        step = np.where(convex[:, None], step, 0.01 * g)  # not convex yet: a small descent step
        if np.abs(step).max(initial=0.0) < 1e-13:
            break
        length = np.linalg.norm(step, axis=-1, keepdims=True)
        step *= np.minimum(1.0, 0.05 / np.maximum(length, 1e-300))  # stay in the basin
        p = np.clip(p - step, 0.0, SIZE)
    g = raw_gradient(wells, rocks, p[:, 0], p[:, 1])
    h = raw_hessian(wells, rocks, p[:, 0], p[:, 1])
    det = h[:, 0, 0] * h[:, 1, 1] - h[:, 0, 1] ** 2
    keep = (np.linalg.norm(g, axis=-1) < 1e-7) & (det > 0) & (h[:, 0, 0] > 0)
    minima: np.ndarray = p[keep]
    return minima


def _distinct_minima(
    wells: Wells, rocks: Rocks, values: np.ndarray
) -> list[tuple[float, float, float]]:
    """Every distinct local minimum (x, y, raw depth), deepest first."""
    cells = _grid_minima(values)
    starts = np.array([(_AXIS[j], _AXIS[i]) for i, j in cells]).reshape(-1, 2)
    minima: list[tuple[float, float, float]] = []
    for x, y in _polish(wells, rocks, starts).tolist():
        if not any(_near((x, y), (mx, my)) for mx, my, _ in minima):
            minima.append((x, y, float(raw_depth(wells, rocks, x, y))))
    return sorted(minima, key=lambda m: m[2])


def _global_minimiser(wells: Wells, rocks: Rocks, values: np.ndarray) -> tuple[float, float]:
    """The dense grid's lowest point, polished by scipy.optimize.minimize (trust region, exact H)."""
    # Imported here: SciPy's optimiser costs every process that loads the Sandpit 0.5 s.
    from scipy.optimize import minimize

    i, j = np.unravel_index(np.argmin(values), values.shape)
    result = minimize(
        lambda p: float(raw_depth(wells, rocks, p[0], p[1])),
        np.array([_AXIS[j], _AXIS[i]]),
        jac=lambda p: raw_gradient(wells, rocks, p[0], p[1]),
        hess=lambda p: raw_hessian(wells, rocks, p[0], p[1]),
        method="trust-exact",
        options={"gtol": 1e-10},
    )
    x, y = np.clip(result.x, 0.0, SIZE)
    return (float(x), float(y))


def _valid(
    minima: list[tuple[float, float, float]], scale: float, minimiser: tuple[float, float]
) -> bool:
    if not minima:
        return False
    x, y = minimiser
    if min(x, y, SIZE - x, SIZE - y) < WALL_MARGIN:
        return False
    return len(minima) < 2 or (minima[1][2] - minima[0][2]) * scale >= MIN_GAP


def _attempt(seed: int, scenario: str, redraw: int) -> Landscape | None:
    rng = _rng(seed, scenario, redraw)
    wells = _draw_wells(rng, scenario)
    smooth = raw_depth(wells, NO_ROCKS, _GX, _GY)
    smooth_range = float(smooth.max() - smooth.min())
    # The basins are judged on the smooth floor: rocks add ripples, not new basins.
    smooth_minima = _distinct_minima(wells, NO_ROCKS, smooth)
    rocks = _draw_rocks(rng, scenario, smooth_range)
    values = smooth if rocks is NO_ROCKS else smooth + stones(rocks, _GX, _GY)
    minimiser = _global_minimiser(wells, rocks, values)
    low = float(raw_depth(wells, rocks, *minimiser))
    high = float(values.max())
    scale = (SHALLOWEST - DEEPEST) / (high - low)
    if not _valid(smooth_minima, (SHALLOWEST - DEEPEST) / smooth_range, minimiser):
        return None
    minima = smooth_minima if rocks is NO_ROCKS else _distinct_minima(wells, rocks, values)
    offset = DEEPEST - scale * low
    return Landscape(
        seed=seed,
        scenario=scenario,
        wells=wells,
        rocks=rocks,
        scale=scale,
        offset=offset,
        minimiser=minimiser,
        minima=tuple((x, y, offset + scale * d) for x, y, d in minima),
    )


@lru_cache(maxsize=256)
def draw_landscape(seed: int, scenario: str = "basic") -> Landscape:
    """The landscape for (seed, scenario); redrawn deterministically until it is valid."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    for redraw in range(MAX_REDRAWS):
        landscape = _attempt(int(seed), scenario, redraw)
        if landscape is not None:
            return landscape
    raise RuntimeError(f"no valid {scenario} landscape for seed {seed}")


def depth_grid(landscape: Landscape, cells: int = 30) -> list[list[float]]:
    """Depths at the centres of a cells × cells grid (rows from y = 0 upwards), for the replay."""
    centres = (np.arange(cells) + 0.5) * SIZE / cells
    gx, gy = np.meshgrid(centres, centres, indexing="xy")
    rows: list[list[float]] = np.round(landscape.depth(gx, gy), 2).tolist()
    return rows
