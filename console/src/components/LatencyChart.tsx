import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Latency } from './LatencyPanel';

/**
 * Per-turn latency drawn with uPlot (a ~50 kB canvas chart with no dependencies, loaded with this
 * module only): the total as bars, its parts as lines. The table beside it carries the same numbers
 * for screen readers, so the canvas is one labelled image.
 */
export default function LatencyChart({ latency }: { latency: Latency }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      latency.map((l) => l.turn),
      latency.map((l) => l.total_ms),
      latency.map((l) => l.model_ttft_ms),
      latency.map((l) => l.tool_ms),
      latency.map((l) => l.db_ms),
    ];
    const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2, points: { show: true, size: 6 }, value: (_u, v) => (v == null ? '—' : `${Math.round(v)} ms`) });
    const chart = new uPlot(
      {
        width: Math.max(240, el.clientWidth),
        height: 180,
        scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } },
        axes: [{ label: 'turn', incrs: [1], values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }, { values: (_u, ticks) => ticks.map((t) => `${t} ms`), size: 60 }],
        series: [
          { label: 'turn' },
          { ...line('total', '#1864ab'), fill: 'rgba(24, 100, 171, 0.25)', paths: uPlot.paths.bars!({ size: [0.5, 40] }), points: { show: false } },
          line('model', '#862e9c'),
          line('tools', '#e8590c'),
          line('database', '#2b8a3e'),
        ],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(240, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [latency]);
  return <div ref={box} role="img" aria-label={`Latency per turn, ${latency.length} turns`} data-testid="latency-chart" />;
}
