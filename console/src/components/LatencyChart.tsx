import { useMemo } from 'react';
import uPlot from 'uplot';
import type { Latency } from './LatencyPanel';
import { UPlotChart } from './UPlotChart';

const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2, points: { show: true, size: 6 }, value: (_u, v) => (v == null ? '—' : `${Math.round(v)} ms`) });

const OPTIONS: Omit<uPlot.Options, 'width'> = {
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
};

/** Per-turn latency: the total as bars, its parts as lines (the table beside it has the same numbers). */
export default function LatencyChart({ latency }: { latency: Latency }) {
  const data = useMemo<uPlot.AlignedData>(
    () => [latency.map((l) => l.turn), latency.map((l) => l.total_ms), latency.map((l) => l.model_ttft_ms), latency.map((l) => l.tool_ms), latency.map((l) => l.db_ms)],
    [latency],
  );
  return <UPlotChart options={OPTIONS} data={data} label={`Latency per turn, ${latency.length} turns`} testId="latency-chart" />;
}
