/**
 * The delivery dashboard of monitoring.json, row by row: is delivery healthy (success
 * rates, durations, alarms), how are we delivering (the four DORA figures against their
 * bands), the builds, and the failure patterns in the pipeline events.
 */
import { deployStageName, standardName } from '../../core/naming';
import { ResourceHandle, TemplateBuilder } from '../../core/template';
import { Dashboard, HorizontalAnnotation, MetricWidget, Series, Statistic, UnitAxis, dashboardBody, timeSeries } from '../../blocks/dashboard';
import { DORA_DIMENSIONS, DORA_METRICS as dm } from '../../contracts/dora';
import { AWS_METRICS, BUILD_PERIOD_SECONDS, DAY, DORA_BANDS, METRICS, MONITORING_IDS as ID, RATE_PERIOD_SECONDS, STAGE_DIMENSION, Scope, WEEK, v } from './facts';

type DashboardRow = Dashboard['rows'][number];

/** What the rows read: the metric namespace as Fn::Sub text, the environments in order, the alarms, the events log. */
export interface DashboardProps {
  readonly ns: string;
  readonly environments: readonly string[];
  readonly alarms: readonly ResourceHandle[];
  readonly eventsLogGroup: ResourceHandle;
}

const cb = AWS_METRICS.codeBuild;
const cp = AWS_METRICS.codePipeline;

/** A success rate in percent: succeeded over succeeded and failed, from hidden series. */
function rate(ns: string, i: number, label: string, succeeded: string, failed: string, dims?: Record<string, string>): Series[] {
  return [
    { namespace: ns, metricName: succeeded, ...(dims ? { dimensions: dims } : {}), id: `s${i}`, visible: false },
    { namespace: ns, metricName: failed, ...(dims ? { dimensions: dims } : {}), id: `f${i}`, visible: false },
    { expression: `100*FILL(s${i},0)/(FILL(s${i},0)+FILL(f${i},0))`, id: `r${i}`, label },
  ];
}

/** One line per resource of the project (CodeBuild project, pipeline) that publishes the metric. */
function search(s: Scope, namespaceName: string, dimension: string, metricName: string, stat: string, id: string): Series {
  return {
    expression: `SEARCH('{${namespaceName},${dimension}} MetricName="${metricName}" ${v(s.project)} ${v(s.suffix)}', '${stat}', ${BUILD_PERIOD_SECONDS})`,
    id,
    label: '',
  };
}

/** One line per CodeBuild project of the project: found by SEARCH, so new services need no change. */
function perBuildProject(s: Scope, title: string, metricName: string, stat: Statistic, unit: UnitAxis['label'], id: string): MetricWidget {
  return timeSeries(title, stat, BUILD_PERIOD_SECONDS, { label: unit, min: 0 }, [search(s, cb.namespace, cb.dimension, metricName, stat, id)]);
}

/** DORA: one line per service and environment, found by SEARCH, so new services need no change. */
function dora(ns: string, metricName: string, stat: Statistic, periodSeconds: number, id: string): Series {
  return {
    expression: `SEARCH('{${ns},${DORA_DIMENSIONS.join(',')}} MetricName="${metricName}"', '${stat}', ${periodSeconds})`,
    id,
    label: '',
  };
}

/** The bands, shaded behind the lines. */
function bands(list: ReadonlyArray<{ label: string; value: number }>, better: 'above' | 'below'): HorizontalAnnotation[] {
  return list.map((b) => ({ label: b.label, value: Number(b.value.toFixed(3)), fill: better }));
}

function doraWidget(title: string, stat: Statistic, periodSeconds: number, unit: UnitAxis, series: Series[], annotations: HorizontalAnnotation[]): MetricWidget {
  return {
    ...timeSeries(title, stat, periodSeconds, unit, series),
    annotations,
  };
}

/** Is delivery healthy? Success rates, deployment durations, the alarms. */
function healthRow({ ns, environments, alarms }: DashboardProps): DashboardRow {
  return {
    height: 6,
    widgets: [
      {
        width: 6,
        widget: timeSeries(
          'Pipeline success rate',
          'Sum',
          RATE_PERIOD_SECONDS,
          { label: 'Percent', min: 0, max: 100 },
          rate(ns, 0, 'Succeeded executions', METRICS.executionsSucceeded, METRICS.executionsFailed),
        ),
      },
      {
        width: 6,
        widget: timeSeries(
          'Deployment success rate by environment',
          'Sum',
          RATE_PERIOD_SECONDS,
          { label: 'Percent', min: 0, max: 100 },
          environments.flatMap((env, i) =>
            rate(ns, i, env, METRICS.deploymentsSucceeded, METRICS.deploymentsFailed, { [STAGE_DIMENSION]: deployStageName(env) }),
          ),
        ),
      },
      {
        width: 6,
        widget: timeSeries(
          'Deployment duration by environment',
          'Average',
          RATE_PERIOD_SECONDS,
          { label: 'Seconds', min: 0 },
          environments.map((env) => ({
            namespace: ns,
            metricName: METRICS.deploymentDuration,
            dimensions: { [STAGE_DIMENSION]: deployStageName(env) },
            label: env,
          })),
        ),
      },
      {
        width: 6,
        widget: {
          type: 'alarm',
          title: 'Delivery alarms',
          alarmArns: alarms.map((a) => `\${${a.logicalId}.Arn}`),
        },
      },
    ],
  };
}

/** How are we delivering? The four DORA figures per service and environment, against their bands. */
function doraRow({ ns }: DashboardProps): DashboardRow {
  return {
    height: 7,
    widgets: [
      {
        width: 4,
        widget: doraWidget('Deployment frequency: deployments per day', 'Sum', DAY, { label: 'Count', min: 0 }, [dora(ns, dm.deployments, 'Sum', DAY, 'df')], bands(DORA_BANDS.deploymentsPerDay, 'above')),
      },
      {
        width: 4,
        widget: doraWidget('Deployment frequency: deployments per week', 'Sum', WEEK, { label: 'Count', min: 0 }, [dora(ns, dm.deployments, 'Sum', WEEK, 'dw')], bands(DORA_BANDS.deploymentsPerDay.map((b) => ({ ...b, value: b.value * 7 })), 'above')),
      },
      {
        width: 4,
        widget: doraWidget(
          'Lead time for changes: median and p90, commit to deployed',
          'p50',
          DAY,
          { label: 'Seconds', min: 0 },
          [dora(ns, dm.leadTime, 'p50', DAY, 'lm'), dora(ns, dm.leadTime, 'p90', DAY, 'lp')],
          bands(DORA_BANDS.leadTimeSeconds, 'below'),
        ),
      },
      {
        width: 4,
        widget: doraWidget('Change failure rate over a week', 'Average', WEEK, { label: 'Percent', min: 0, max: 100 }, [dora(ns, dm.changeFailure, 'Average', WEEK, 'cf')], bands(DORA_BANDS.changeFailurePercent, 'below')),
      },
      {
        width: 4,
        widget: doraWidget('Time to restore: median over a week', 'p50', WEEK, { label: 'Seconds', min: 0 }, [dora(ns, dm.timeToRestore, 'p50', WEEK, 'tr')], bands(DORA_BANDS.timeToRestoreSeconds, 'below')),
      },
      {
        width: 4,
        widget: {
          type: 'text',
          title: 'How are we delivering?',
          markdown: [
            'One line per service and environment; the shading marks the DORA performance bands (Accelerate State of DevOps 2021), a line below the lowest band is Low.',
            '',
            '* **Deployment frequency**: successful deploy stages.',
            '* **Lead time**: newest commit of an execution to its deployment, approval waits included.',
            '* **Change failure rate**: failed deploy stages among all.',
            '* **Time to restore**: first failure (failed stage or ECS deployment) to the next completed deployment.',
          ].join('\n'),
        },
      },
    ],
  };
}

/** Builds and executions. */
function buildsRow(s: Scope, { ns }: DashboardProps): DashboardRow {
  return {
    height: 6,
    widgets: [
      { width: 8, widget: perBuildProject(s, 'Build duration by CodeBuild project', cb.duration, 'Average', 'Seconds', 'd') },
      { width: 8, widget: perBuildProject(s, 'Failed builds by CodeBuild project', cb.failedBuilds, 'Sum', 'Count', 'b') },
      {
        width: 8,
        widget: timeSeries(
          'Pipeline executions and failures',
          'Sum',
          RATE_PERIOD_SECONDS,
          { label: 'Count', min: 0 },
          [
            { namespace: ns, metricName: METRICS.executionsSucceeded, label: 'Succeeded' },
            { namespace: ns, metricName: METRICS.executionsFailed, label: 'Failed' },
            search(s, cp.namespace, cp.dimension, cp.failedExecutions, 'Sum', 'p'),
          ],
        ),
      },
    ],
  };
}

/** The stages and actions that fail most often, from the pipeline events. */
function failurePatternsRow({ eventsLogGroup }: DashboardProps): DashboardRow {
  return {
    height: 8,
    widgets: [
      {
        width: 24,
        widget: {
          type: 'log',
          title: 'Failure patterns: the stages and actions that fail most often',
          logGroupName: v(eventsLogGroup),
          query:
            "filter `detail-type` = 'CodePipeline Action Execution State Change' and detail.state = 'FAILED' | stats count(*) as failures by detail.stage, detail.action | sort failures desc | limit 20",
        },
      },
    ],
  };
}

/** The dashboard resource. */
export function deliveryDashboard(t: TemplateBuilder, s: Scope, p: DashboardProps): ResourceHandle {
  const dashboard: Dashboard = {
    start: '-P7D',
    rows: [healthRow(p), doraRow(p), buildsRow(s, p), failurePatternsRow(p)],
  };
  return t.resource(ID.dashboard, 'AWS::CloudWatch::Dashboard', {
    DashboardName: standardName('cloudwatch-dashboard', 'delivery', s),
    DashboardBody: dashboardBody(dashboard),
  });
}
