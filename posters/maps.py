"""Poster rooms drawn as the grid of spots people walk to: rows of letters, columns of numbers (A0 … D6)."""

import re
import textwrap
from dataclasses import dataclass, field

GRID_LABEL = re.compile(r"^(?P<row>[A-Za-z]+)(?P<column>\d+)$")
CELL_WIDTH, CELL_HEIGHT, GUTTER, MARGIN = 150, 84, 12, 30
TITLE_LINE = 20  # characters of a poster's title per line inside its spot


def spot_sort_key(label):
    """A2 before A10, rows in letter order; labels outside the grid sort after it."""
    match = GRID_LABEL.match(label)
    if match:
        return (0, match["row"].upper(), int(match["column"]), "")
    return (1, "", 0, label)


@dataclass
class Cell:
    label: str
    x: int
    y: int
    poster: object = None
    highlighted: bool = False

    @property
    def text_x(self):
        return self.x + CELL_WIDTH // 2

    @property
    def label_y(self):
        return self.y + 24

    @property
    def label_middle(self):
        return self.y + CELL_HEIGHT // 2

    @property
    def title_lines(self):
        """The poster's title in two short lines, broken between words, for the drawing."""
        lines = textwrap.wrap(self.poster.title, width=TITLE_LINE, max_lines=2, placeholder="…") if self.poster else []
        return [(line, self.y + 46 + 20 * number) for number, line in enumerate(lines)]


@dataclass
class RoomMap:
    room: object
    cells: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # [(letter, y)]
    columns: list = field(default_factory=list)  # [(number, x)]
    off_grid: list = field(default_factory=list)  # [(label, poster)] for labels that are not letter+number
    width: int = 0
    height: int = 0
    highlight: str = ""  # the labels of the spots shown as "here", for the map's place in the cache
    cell_width: int = CELL_WIDTH
    cell_height: int = CELL_HEIGHT

    @property
    def marked(self):
        """The labels of the highlighted spots drawn on the grid (an off-grid label such as "Foyer" is not)."""
        return [cell.label for cell in self.cells if cell.highlighted]


def room_map(room, posters, highlight=()):
    """The grid for one room. Every letter row spans columns 0 … the largest number used in the room,
    so an empty spot shows as empty rather than vanishing. posters: with their spots (Poster.objects.with_spots())."""
    placed = {}
    off_grid = []
    for poster in posters:
        for label in poster.spot_labels:
            if GRID_LABEL.match(label):
                placed[label] = poster
            else:
                off_grid.append((label, poster))
    if not placed:
        return RoomMap(room=room, off_grid=sorted(off_grid, key=lambda item: spot_sort_key(item[0])))
    parsed = [GRID_LABEL.match(label) for label in placed]
    letters = sorted({m["row"] for m in parsed}, key=lambda row: (len(row), row))
    numbers = range(min(int(m["column"]) for m in parsed), max(int(m["column"]) for m in parsed) + 1)
    step_x, step_y = CELL_WIDTH + GUTTER, CELL_HEIGHT + GUTTER
    cells = [
        Cell(
            label=f"{letter}{number}",
            x=MARGIN + col * step_x,
            y=MARGIN + row * step_y,
            poster=placed.get(f"{letter}{number}"),
            highlighted=f"{letter}{number}" in highlight,
        )
        for row, letter in enumerate(letters)
        for col, number in enumerate(numbers)
    ]
    return RoomMap(
        room=room,
        cells=cells,
        rows=[(letter, MARGIN + row * step_y + CELL_HEIGHT // 2) for row, letter in enumerate(letters)],
        columns=[(number, MARGIN + col * step_x + CELL_WIDTH // 2) for col, number in enumerate(numbers)],
        off_grid=sorted(off_grid, key=lambda item: spot_sort_key(item[0])),
        highlight=" ".join(sorted(highlight)),
        width=MARGIN + len(numbers) * step_x,
        height=MARGIN + len(letters) * step_y,
    )
