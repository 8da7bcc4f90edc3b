// The /evals plot, loaded on demand: judge score against arena (human) rating for the models of a suite result that
// are also on the live leaderboard's overall board (Chart.js scatter). Colours come from the page's CSS variables.
import { Chart, Legend, LinearScale, PointElement, ScatterController, Tooltip } from "chart.js";

Chart.register(ScatterController, PointElement, LinearScale, Tooltip, Legend);

export interface PlotPoint {
  model: string;
  judge: number;
  arena: number;
}

const charts = new Map<HTMLCanvasElement, Chart>();

export function drawJudgeVsArena(canvas: HTMLCanvasElement, suite: string, points: readonly PlotPoint[]): void {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  charts.get(canvas)?.destroy();
  charts.set(
    canvas,
    new Chart(canvas, {
      type: "scatter",
      data: {
        datasets: [
          {
            label: suite,
            data: points.map((p) => ({ x: p.arena, y: p.judge })),
            backgroundColor: v("--accent"),
            pointRadius: 5,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item) => {
                const p = points[item.dataIndex]!;
                return `${p.model}: judge ${p.judge}, arena ${p.arena.toFixed(0)}`;
              },
            },
          },
        },
        scales: {
          x: {
            title: { display: true, text: "arena rating (overall)", color: v("--muted") },
            grid: { color: v("--border") },
          },
          y: { title: { display: true, text: "judge score", color: v("--muted") }, grid: { color: v("--border") } },
        },
      },
    }),
  );
}
