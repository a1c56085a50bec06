/**
 * The typed dashboard model: layout on the 24-column grid, the metric array format the
 * DashboardBody reference documents, and one Fn::Sub for the whole body.
 */
import { dashboardBody, dashboardJson, timeSeries } from '../../generator/blocks/dashboard';

const count = timeSeries('Builds', 'Sum', 300, { label: 'Count', min: 0 }, [
  { namespace: 'AWS/CodeBuild', metricName: 'Builds', dimensions: { ProjectName: '${ProjectName}-build' }, label: 'builds' },
  { namespace: 'NS', metricName: 'Failed', id: 'f', visible: false },
  { expression: 'FILL(f,0)', id: 'e', label: 'failed' },
]);

describe('dashboard model', () => {
  test('rows are laid out left to right and top to bottom', () => {
    const body = dashboardJson({
      start: '-P1D',
      rows: [
        {
          height: 6,
          widgets: [
            { width: 12, widget: count },
            { width: 12, widget: count },
          ],
        },
        { height: 4, widgets: [{ width: 24, widget: { type: 'log', title: 'Errors', logGroupName: '/x', query: 'limit 5' } }] },
      ],
    }) as { widgets: Array<Record<string, unknown>> };
    expect(body.widgets.map((w) => [w.x, w.y, w.width, w.height])).toEqual([
      [0, 0, 12, 6],
      [12, 0, 12, 6],
      [0, 6, 24, 4],
    ]);
    expect((body.widgets[2].properties as { query: string }).query).toBe("SOURCE '/x' | limit 5");
  });

  test('metrics are written as [namespace, name, dimension, value, options] and expressions as [{...}]', () => {
    const body = dashboardJson({ start: '-P1D', rows: [{ height: 6, widgets: [{ width: 6, widget: count }] }] }) as any;
    const props = body.widgets[0].properties;
    expect(props.metrics).toEqual([
      ['AWS/CodeBuild', 'Builds', 'ProjectName', '${ProjectName}-build', { label: 'builds' }],
      ['NS', 'Failed', { id: 'f', visible: false }],
      [{ expression: 'FILL(f,0)', id: 'e', label: 'failed' }],
    ]);
    expect(props).toMatchObject({ title: 'Builds', region: '${AWS::Region}', yAxis: { left: { label: 'Count', min: 0 } } });
  });

  test('a row wider than the grid is refused', () => {
    expect(() =>
      dashboardJson({
        start: '-P1D',
        rows: [
          {
            height: 6,
            widgets: [
              { width: 16, widget: count },
              { width: 16, widget: count },
            ],
          },
        ],
      }),
    ).toThrow('dashboard row 0 is 32 columns wide; the grid has 24');
  });

  test('the body is one Fn::Sub of the serialized dashboard', () => {
    const d = { start: '-P1D', rows: [{ height: 6, widgets: [{ width: 6, widget: count }] }] };
    expect(dashboardBody(d)).toEqual({ 'Fn::Sub': JSON.stringify(dashboardJson(d)) });
  });
});
