/**
 * A uniform grid over the arena, rebuilt every tick (O(players)): contact checks look only at the cells around
 * "it", and interest management hands every player the players of its 3 x 3 block of cells. Items are player
 * slots (small integers); positions come from the world's arrays.
 *
 *   const grid = new SpatialGrid(arenaW, arenaH, cellSize);
 *   grid.rebuild(slots, xs, ys);        // slots: the items; xs[slot], ys[slot]: their positions
 *   grid.cellOf(x, y)                   // the cell index of a point
 *   grid.forEachNear(x, y, r, fn)       // every item whose cell touches the square [x - r, x + r] x [y - r, y + r]
 *   grid.neighbourhood(cell, fn)        // every item of the cell and its 8 neighbours
 *   grid.occupied                       // the cells holding at least one item
 */

export class SpatialGrid {
  readonly cols: number;
  readonly rows: number;
  readonly cellSize: number;
  /** Items per cell; cells never filled stay undefined, emptied ones are reused. */
  private readonly cells: (number[] | undefined)[];
  /** Indices of the cells holding at least one item since the last rebuild. */
  readonly occupied: number[] = [];

  constructor(width: number, height: number, cellSize: number) {
    this.cellSize = cellSize;
    this.cols = Math.max(1, Math.ceil(width / cellSize));
    this.rows = Math.max(1, Math.ceil(height / cellSize));
    this.cells = new Array(this.cols * this.rows);
  }

  cellOf(x: number, y: number): number {
    const col = Math.min(this.cols - 1, Math.max(0, Math.floor(x / this.cellSize)));
    const row = Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cellSize)));
    return row * this.cols + col;
  }

  rebuild(items: ArrayLike<number>, xs: ArrayLike<number>, ys: ArrayLike<number>): void {
    for (const cell of this.occupied) this.cells[cell]!.length = 0;
    this.occupied.length = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const cell = this.cellOf(xs[item]!, ys[item]!);
      let list = this.cells[cell];
      if (list === undefined) this.cells[cell] = list = [];
      if (list.length === 0) this.occupied.push(cell);
      list.push(item);
    }
  }

  /** The items of one cell (empty when none). */
  itemsOf(cell: number): readonly number[] {
    return this.cells[cell] ?? EMPTY;
  }

  forEachNear(x: number, y: number, range: number, fn: (item: number) => void): void {
    const c0 = Math.max(0, Math.floor((x - range) / this.cellSize));
    const c1 = Math.min(this.cols - 1, Math.floor((x + range) / this.cellSize));
    const r0 = Math.max(0, Math.floor((y - range) / this.cellSize));
    const r1 = Math.min(this.rows - 1, Math.floor((y + range) / this.cellSize));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const list = this.cells[row * this.cols + col];
        if (list !== undefined) for (const item of list) fn(item);
      }
    }
  }

  neighbourhood(cell: number, fn: (item: number) => void): void {
    const col = cell % this.cols;
    const row = (cell - col) / this.cols;
    for (let r = Math.max(0, row - 1); r <= Math.min(this.rows - 1, row + 1); r++) {
      for (let c = Math.max(0, col - 1); c <= Math.min(this.cols - 1, col + 1); c++) {
        const list = this.cells[r * this.cols + c];
        if (list !== undefined) for (const item of list) fn(item);
      }
    }
  }
}

const EMPTY: readonly number[] = [];
