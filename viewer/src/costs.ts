// The cost module's panel: this tick's costs as bars, their history and the surprise (prediction error) as uPlot charts.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { COST_HISTORY } from '../protocol.ts';
const PALETTE = ['#ffb020', '#00e5ff', '#ff5c8a', '#8bd450', '#b388ff', '#ff8a3d', '#4aa3ff', '#f5f5f5'];
const SURPRISE = 'surprise';

/** A rolling window of series over tick indices, drawn by one uPlot chart rebuilt when the series change. */
class History {
  private names: string[] = [];
  private xs: number[] = [];
  private ys: number[][] = [];
  private chart: uPlot | null = null;

  constructor(private readonly host: HTMLElement) {}

  clear(): void {
    this.xs = [];
    this.ys = this.names.map(() => []);
  }

  push(index: number, values: Record<string, number>, names: readonly string[]): void {
    if (names.join('\0') !== this.names.join('\0')) this.rebuild(names);
    if (this.xs.length > 0 && index <= this.xs.at(-1)!) this.clear();
    this.xs.push(index);
    this.names.forEach((n, i) => this.ys[i]!.push(values[n] ?? NaN));
    if (this.xs.length > COST_HISTORY) {
      this.xs.shift();
      for (const y of this.ys) y.shift();
    }
  }

  render(): void {
    this.chart?.setData([this.xs, ...this.ys]);
  }

  private rebuild(names: readonly string[]): void {
    this.chart?.destroy();
    this.host.replaceChildren();
    this.names = [...names];
    this.clear();
    const axis = { stroke: '#9fb0c3', grid: { stroke: '#222a35' }, ticks: { stroke: '#222a35' } };
    this.chart = new uPlot(
      {
        width: 310,
        height: 150,
        scales: { x: { time: false } },
        series: [{ label: 'tick' }, ...this.names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length]!, width: 1.5, points: { show: false } }))],
        axes: [axis, { ...axis, size: 46 }],
        legend: { show: true, live: false },
        cursor: { show: false },
      },
      [[], ...this.names.map(() => [])],
      this.host,
    );
  }
}

export class CostPanel {
  private readonly history: History;
  private readonly surprise: History;
  private latest: Record<string, number> | null = null;
  private dirty = false;

  constructor(
    private readonly bars: HTMLElement,
    history: HTMLElement,
    surprise: HTMLElement,
  ) {
    this.history = new History(history);
    this.surprise = new History(surprise);
  }

  /** Forgets the history (a new connection or a jump in a recording). */
  clear(): void {
    this.history.clear();
    this.surprise.clear();
    this.dirty = true;
  }

  push(index: number, costs: Record<string, number> | undefined): void {
    if (!costs) return;
    this.latest = costs;
    this.history.push(index, costs, Object.keys(costs).sort());
    if (SURPRISE in costs) this.surprise.push(index, costs, [SURPRISE]);
    this.dirty = true;
  }

  /** Redraws bars and charts if anything arrived since the last call (the page calls this a few times a second). */
  render(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.history.render();
    this.surprise.render();
    if (!this.latest) return;
    const entries = Object.entries(this.latest).sort(([a], [b]) => a.localeCompare(b));
    const max = Math.max(1e-9, ...entries.map(([, v]) => Math.abs(v)));
    this.bars.replaceChildren(
      ...entries.map(([name, value]) => {
        const row = document.createElement('div');
        row.className = 'bar';
        row.dataset.cost = name;
        const label = document.createElement('span');
        label.textContent = name;
        const track = document.createElement('div');
        track.className = 'track';
        const fill = document.createElement('div');
        fill.className = 'fill';
        fill.style.width = `${(100 * Math.abs(value)) / max}%`;
        track.append(fill);
        const text = document.createElement('span');
        text.className = 'value';
        text.textContent = value.toPrecision(3);
        row.append(label, track, text);
        return row;
      }),
    );
  }
}
