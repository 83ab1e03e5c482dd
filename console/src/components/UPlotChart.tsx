import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A uPlot chart (a ~50 kB canvas chart with no dependencies) that fills its container's width. The chart
 * is built when `options` change (memoize them) and only gets new data otherwise, so a live chart does
 * not flicker. Import the modules using it lazily: uPlot then loads with the first chart shown. The
 * canvas is one labelled image; pages show the same numbers as text for screen readers.
 */
export function UPlotChart({ options, data, label, testId }: { options: Omit<uPlot.Options, 'width'>; data: uPlot.AlignedData; label: string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const c = new uPlot({ ...options, width: width() }, latest.current, el);
    chart.current = c;
    const resize = new ResizeObserver(() => c.setSize({ width: width(), height: options.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.destroy();
      chart.current = null;
    };
  }, [options]);
  useEffect(() => chart.current?.setData(data), [data]);
  return <div ref={box} role="img" aria-label={label} data-testid={testId} />;
}
