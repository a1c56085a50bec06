/**
 * A typed model of a CloudWatch dashboard and the one function that turns it into the
 * DashboardBody string.
 *
 * Widgets are laid out in rows; a row's widgets sit side by side from the left edge of
 * the 24-column grid. Text values may name template parameters, resource attributes and
 * pseudo parameters as `${Name}`: the body is written as one Fn::Sub, so the template
 * assembler checks every name and CloudFormation fills them in. Every widget has a title
 * and every graph names its unit on the left axis.
 */
import { Intrinsic, sub } from '../core/intrinsics';

export const GRID_COLUMNS = 24;

export type Statistic = 'Sum' | 'Average' | 'Minimum' | 'Maximum' | 'SampleCount' | 'p50' | 'p90' | 'p99';

/** A metric read directly: namespace, name and dimensions, as published. */
export interface MetricSeries {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Needed when an expression of the same widget refers to the metric. */
  readonly id?: string;
  readonly label?: string;
  readonly stat?: Statistic;
  /** Hidden metrics feed expressions without being drawn. @default true */
  readonly visible?: boolean;
}

/** A metric math or SEARCH expression. */
export interface ExpressionSeries {
  readonly expression: string;
  readonly id: string;
  readonly label: string;
  readonly visible?: boolean;
}

export type Series = MetricSeries | ExpressionSeries;

/** The unit a graph shows, written on its left axis. */
export interface UnitAxis {
  readonly label: 'Percent' | 'Seconds' | 'Count';
  readonly min?: number;
  readonly max?: number;
}

/** A horizontal line across a graph; `fill` shades the side the label describes. */
export interface HorizontalAnnotation {
  readonly label: string;
  readonly value: number;
  readonly fill?: 'above' | 'below';
}

export interface MetricWidget {
  readonly type: 'metric';
  readonly title: string;
  readonly view: 'timeSeries' | 'singleValue' | 'bar';
  readonly stat: Statistic;
  readonly periodSeconds: number;
  readonly unit: UnitAxis;
  readonly series: readonly Series[];
  readonly annotations?: readonly HorizontalAnnotation[];
}

/** Markdown; it starts with a heading, which serves as its title. */
export interface TextWidget {
  readonly type: 'text';
  readonly title: string;
  readonly markdown: string;
}

/** A CloudWatch Logs Insights query over one log group, shown as a table. */
export interface LogsInsightsWidget {
  readonly type: 'log';
  readonly title: string;
  readonly logGroupName: string;
  /** The query after `SOURCE '<log group>' |`. */
  readonly query: string;
}

export interface AlarmStatusWidget {
  readonly type: 'alarm';
  readonly title: string;
  readonly alarmArns: readonly string[];
}

export type Widget = MetricWidget | LogsInsightsWidget | AlarmStatusWidget | TextWidget;

/** A line graph over time: the usual metric widget. */
export function timeSeries(title: string, stat: Statistic, periodSeconds: number, unit: UnitAxis, series: readonly Series[]): MetricWidget {
  return { type: 'metric', title, view: 'timeSeries', stat, periodSeconds, unit, series };
}

export interface DashboardRow {
  readonly height: number;
  readonly widgets: ReadonlyArray<{ readonly width: number; readonly widget: Widget }>;
}

export interface Dashboard {
  /** The time range the dashboard opens with, as an ISO 8601 duration back from now. */
  readonly start: string;
  readonly rows: readonly DashboardRow[];
}

const REGION = '${AWS::Region}';

function seriesEntry(s: Series): unknown[] {
  if ('expression' in s) {
    return [{ expression: s.expression, id: s.id, label: s.label, ...(s.visible === false ? { visible: false } : {}) }];
  }
  const dims = Object.entries(s.dimensions ?? {}).flat();
  const options = {
    ...(s.id ? { id: s.id } : {}),
    ...(s.label ? { label: s.label } : {}),
    ...(s.stat ? { stat: s.stat } : {}),
    ...(s.visible === false ? { visible: false } : {}),
  };
  return [s.namespace, s.metricName, ...dims, ...(Object.keys(options).length ? [options] : [])];
}

function widgetProperties(w: Widget): Record<string, unknown> {
  switch (w.type) {
    case 'metric':
      return {
        title: w.title,
        view: w.view,
        region: REGION,
        stat: w.stat,
        period: w.periodSeconds,
        yAxis: {
          left: { label: w.unit.label, showUnits: false, ...(w.unit.min !== undefined ? { min: w.unit.min } : {}), ...(w.unit.max !== undefined ? { max: w.unit.max } : {}) },
        },
        metrics: w.series.map(seriesEntry),
        ...(w.annotations?.length ? { annotations: { horizontal: w.annotations.map((a) => ({ ...a })) } } : {}),
      };
    case 'log':
      return { title: w.title, region: REGION, view: 'table', query: `SOURCE '${w.logGroupName}' | ${w.query}` };
    case 'alarm':
      return { title: w.title, alarms: [...w.alarmArns] };
    case 'text':
      return { markdown: `### ${w.title}\n\n${w.markdown}` };
  }
}

/** The dashboard as plain JSON (before Fn::Sub fills in the names). */
export function dashboardJson(d: Dashboard): Record<string, unknown> {
  const widgets: unknown[] = [];
  let y = 0;
  for (const [i, row] of d.rows.entries()) {
    let x = 0;
    for (const { width, widget } of row.widgets) {
      widgets.push({ type: widget.type, x, y, width, height: row.height, properties: widgetProperties(widget) });
      x += width;
    }
    if (x > GRID_COLUMNS) throw new Error(`dashboard row ${i} is ${x} columns wide; the grid has ${GRID_COLUMNS}`);
    y += row.height;
  }
  return { start: d.start, periodOverride: 'inherit', widgets };
}

/** The DashboardBody property: the dashboard serialized into one Fn::Sub. */
export function dashboardBody(d: Dashboard): Intrinsic<string> {
  return sub(JSON.stringify(dashboardJson(d)));
}
