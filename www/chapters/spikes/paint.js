// The paint grid of figure 2: the reader paints the target picture, one row per output neuron
// and one column per 20 ms bin. A mouse or touch stroke paints (or, starting on a painted cell,
// erases) every cell it crosses; the arrow keys move a focus cell and Space or Enter toggles it;
// Home and End jump along the row. A stroke is handed on when it ends (`onPaint(cells)`), so the
// networks rebuild once per stroke, not per cell.
import { drawPaintGrid } from '../../views/spike-trains.js';
import { frameTask } from '../../figures/schedule.js';

export class PaintGrid {
  /**
   * @param {HTMLCanvasElement} canvas the grid (focusable)
   * @param {HTMLElement} status a live line that says what the focus cell holds
   * @param {(cells: boolean[][]) => void} onPaint a stroke or a key changed the picture
   */
  constructor(canvas, status, onPaint) {
    this.canvas = canvas;
    this.status = status;
    this.onPaint = onPaint;
    this.cells = [[false]];
    this.focus = [0, 0];
    this.focused = false;
    this.stroke = null; // {value, changed} while a pointer paints
    this.geometry = null;
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    for (const type of ['pointerup', 'pointercancel']) canvas.addEventListener(type, (e) => this.#up(e));
    canvas.addEventListener('keydown', (e) => this.#key(e));
    canvas.addEventListener('focus', () => { this.focused = true; this.draw(); this.#say(); });
    canvas.addEventListener('blur', () => { this.focused = false; this.draw(); });
  }

  /** Shows `cells` (unless a stroke is under way: the reader's paint wins). */
  set(cells) {
    if (this.stroke) return;
    this.cells = cells.map((row) => row.slice());
    const [r, b] = this.focus;
    this.focus = [Math.min(r, this.cells.length - 1), Math.min(b, (this.cells[0]?.length ?? 1) - 1)];
    // Drawn in the page's next frame (www/figures/schedule.js): a picture set while the chapter is
    // built or a link applied would lay the whole page out then and there (40 ms at load).
    frameTask(() => this.draw(), this);
  }

  draw() {
    this.geometry = drawPaintGrid(this.canvas, { cells: this.cells, focus: this.focus, focused: this.focused });
  }

  #cellAt(event) {
    const g = this.geometry;
    if (!g) return null;
    const box = this.canvas.getBoundingClientRect();
    const b = Math.floor((event.clientX - box.left - g.left) / g.cw);
    const r = Math.floor((event.clientY - box.top - g.top) / g.ch);
    return r >= 0 && r < g.rows && b >= 0 && b < g.bins ? [r, b] : null;
  }

  #paint([r, b]) {
    if (this.cells[r][b] === this.stroke.value) return;
    this.cells[r][b] = this.stroke.value;
    this.stroke.changed = true;
    this.draw();
  }

  #down(event) {
    const cell = this.#cellAt(event);
    if (!cell) return;
    event.preventDefault();
    this.canvas.focus({ preventScroll: true });
    this.canvas.setPointerCapture?.(event.pointerId);
    this.focus = cell;
    this.stroke = { value: !this.cells[cell[0]][cell[1]], changed: false };
    this.#paint(cell);
  }

  #move(event) {
    if (!this.stroke) return;
    const cell = this.#cellAt(event);
    if (cell) this.#paint(cell);
  }

  #up() {
    if (!this.stroke) return;
    const { changed } = this.stroke;
    this.stroke = null;
    this.#say();
    if (changed) this.onPaint(this.cells.map((row) => row.slice()));
  }

  #key(event) {
    const rows = this.cells.length;
    const bins = this.cells[0]?.length ?? 1;
    let [r, b] = this.focus;
    switch (event.key) {
      case 'ArrowUp': r = Math.max(0, r - 1); break;
      case 'ArrowDown': r = Math.min(rows - 1, r + 1); break;
      case 'ArrowLeft': b = Math.max(0, b - 1); break;
      case 'ArrowRight': b = Math.min(bins - 1, b + 1); break;
      case 'Home': b = 0; break;
      case 'End': b = bins - 1; break;
      case ' ':
      case 'Enter':
        this.cells[r][b] = !this.cells[r][b];
        this.onPaint(this.cells.map((row) => row.slice()));
        break;
      default:
        return;
    }
    // The page's keys (Space: train, →: step) do not act while the grid has the focus.
    event.preventDefault();
    this.focus = [r, b];
    this.draw();
    this.#say();
  }

  #say() {
    const [r, b] = this.focus;
    const text = `Output neuron ${r + 1} of ${this.cells.length}, ${b * 20}–${(b + 1) * 20} ms: ${this.cells[r][b] ? 'spike' : 'silent'}.`;
    if (this.status.textContent !== text) this.status.textContent = text;
  }
}
