// kernel-lib/analysis: parameter sweeps into arquero tables, and chart helpers (Vega-Lite v5).
// Notebooks import from here: `import { sweep, metricChart } from './kernel-lib/analysis/index.js'`.
export { sweep, type SweepOptions, type SweepTable, type SweepFailure, type SweepInfo } from './sweep.js';
export { sweepCacheStats, sweepCacheDir, type CacheStats } from './sweep-cache.js';
export { setProgressFactory, createProgress, type Progress, type ProgressFactory } from './progress.js';
export { deriveSeed } from './seeds.js';
export { expandGrid, type Grid, type Params } from './grid.js';
export type { RunnerSpec, RunnerFunction, Metrics } from './runner.js';
export { summarize, describeSample, type Summary } from './summarize.js';
export { studentTQuantile } from './student-t.js';
export { Chart, VEGALITE_MIME, type VegaLiteSpec } from './chart.js';
export { metricChart, type MetricChartOptions, type ErrorBars } from './metric-chart.js';
export { latencyCdf, percentileChart, type CdfOptions, type PercentileOptions } from './latency-charts.js';
export { timeSeries, scatter, type TimeSeriesOptions } from './time-series.js';
export { heatmap, type HeatmapOptions } from './heatmap.js';
export { formatTable, significantDecimals, uncertaintyDecimals, type ColumnFormat, type FormattedTable } from './table-format.js';
