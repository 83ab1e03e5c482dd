import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from '../../components/UPlotChart';
import { doneOf, type CampaignStats } from './rules';

// uPlot draws the points itself while they are few (a chart just opened has one).
const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2 });

const OPTIONS: Omit<uPlot.Options, 'width'> = {
  height: 200,
  scales: {
    // uPlot widens a single instant by 86,400 s / 1e-3 (its day in milliseconds, read as seconds: years);
    // a minute either side instead. Counts start at 0.
    x: {
      time: true,
      range: (u, min, max) => {
        const xs = u.data[0];
        return xs.length > 0 && xs[0] === xs[xs.length - 1] ? [xs[0]! - 60, xs[0]! + 60] : [min, max];
      },
    },
    y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
  },
  // Whole numbers on the count axis.
  axes: [{}, { size: 50, incrs: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000] }],
  series: [{ label: 'time' }, line('contacts done', '#1864ab'), line('calls placed', '#2b8a3e'), line('calls in progress', '#e8590c')],
};

/** The campaign's progress since the page opened: one point per stats event of the live stream. */
export default function ProgressChart({ history }: { history: CampaignStats[] }) {
  const data = useMemo<uPlot.AlignedData>(
    () => [history.map((s) => Date.parse(s.at) / 1000), history.map(doneOf), history.map((s) => s.attempts.total), history.map((s) => s.attempts.in_progress)],
    [history],
  );
  const last = history.at(-1);
  const label = last ? `Progress over time: ${doneOf(last)} of ${last.contacts.total} contacts done, ${last.attempts.total} calls placed` : 'Progress over time';
  return <UPlotChart options={OPTIONS} data={data} label={label} testId="progress-chart" />;
}
