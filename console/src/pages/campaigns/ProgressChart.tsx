import { useMemo } from 'react';
import type uPlot from 'uplot';
import { UPlotChart } from '../../components/UPlotChart';
import { doneOf, type CampaignStats } from './rules';

const line = (label: string, stroke: string): uPlot.Series => ({ label, stroke, width: 2, points: { show: false } });

const OPTIONS: Omit<uPlot.Options, 'width'> = {
  height: 200,
  scales: { x: { time: true } },
  axes: [{}, { size: 50 }],
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
