import { Metrics } from '@aws-lambda-powertools/metrics';
import { DRILL_LOG_FIELDS, DRILL_METRIC_NAMES, LAST_DRILL_QUERY, LAST_PROVEN_QUERY } from '../../lib/constructs/dashboard';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { METRICS_NAMESPACE, RestoreDrill, SERVICE_NAME } from '../../lib/restore-drill';
import type { DrillOutcome, DrillRecord } from '../../lambda/domain/drill-record';
import { emitMetrics } from '../../lambda/drill/verdict';
import { logicalIdOf, synthesize } from './synth';

/**
 * The dashboard reads what the drill writes: its metric widgets name exactly the namespace,
 * metric names and dimensions of the EMF line the engine emits (captured from Powertools, not
 * restated), and its Logs Insights widgets query fields that line carries.
 */

type Widget = { type: string; properties: Record<string, any> };

/** The dashboard body with every intrinsic (a log group Ref, an alarm ARN) rendered as "<token>". */
function dashboardWidgets(settings = {}): Widget[] {
  const { template } = synthesize({ settings });
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody;
  const text =
    typeof body === 'string'
      ? body
      : (body['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text).widgets;
}

/** What Powertools writes for one finished drill: the EMF document. */
function emittedEmf(): Record<string, any> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  try {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
    const drill = { drillId: 'd-1', sourceTable: 'orders', startedAt: '2026-11-28T06:00:00.000Z' } as DrillRecord;
    const outcome: DrillOutcome = {
      verdict: 'PASS',
      checks: [],
      cleanup: { result: 'deleted', detail: 'deleted' },
      restoreDurationSeconds: 372,
      recoveryPointAgeSeconds: 11_040,
      restoredScan: { items: 400, readUnits: 12 },
      finishedAt: '2026-11-28T06:07:00.000Z',
    };
    emitMetrics(metrics, drill, outcome);
  } finally {
    write.mockRestore();
    if (disabled === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
  const emf = lines.map((line) => line.trim()).find((line) => line.includes('"_aws"'));
  if (!emf) throw new Error(`no EMF line written: ${lines.join('')}`);
  return JSON.parse(emf);
}

const widgets = dashboardWidgets();
const emf = emittedEmf();

describe('metric widgets read the metrics the engine emits', () => {
  const [directive] = emf._aws.CloudWatchMetrics;
  const metricRows = widgets
    .filter((w) => w.type === 'metric' && w.properties.metrics)
    .flatMap((w) => w.properties.metrics as unknown[][])
    .filter((row) => typeof row[0] === 'string');

  test('the EMF line: namespace, one dimension (service), the metric names the dashboard lists', () => {
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toEqual([['service']]);
    expect(emf.service).toBe(SERVICE_NAME);
    expect(directive.Metrics.map((m: { Name: string }) => m.Name).sort()).toEqual([...DRILL_METRIC_NAMES].sort());
  });

  test('every metric on the dashboard is one of them, with exactly that namespace and dimension', () => {
    expect(metricRows.length).toBeGreaterThanOrEqual(4);
    for (const row of metricRows) {
      const [namespace, name, ...rest] = row;
      const dimensions = rest.filter((part) => typeof part === 'string');
      expect(namespace).toBe(directive.Namespace);
      expect(directive.Metrics.map((m: { Name: string }) => m.Name)).toContain(name);
      expect(dimensions).toEqual(['service', emf.service]);
    }
    expect(new Set(metricRows.map((row) => row[1]))).toEqual(new Set(DRILL_METRIC_NAMES));
  });

  test('RTO and RPO are drawn against their targets (minutes)', () => {
    const annotation = (title: RegExp) =>
      widgets.find((w) => title.test(w.properties.title ?? ''))?.properties.annotations?.horizontal?.[0];
    expect(annotation(/^RTO/)).toMatchObject({ value: 60, label: 'RTO target' });
    expect(annotation(/^RPO/)).toMatchObject({ value: 26 * 60, label: 'RPO target' });
    const custom = dashboardWidgets({ rtoTargetMinutes: 90, rpoTargetHours: 30 });
    expect(custom.find((w) => /^RTO/.test(w.properties.title ?? ''))?.properties.annotations.horizontal[0].value).toBe(90);
    expect(custom.find((w) => /^RPO/.test(w.properties.title ?? ''))?.properties.annotations.horizontal[0].value).toBe(30 * 60);
  });
});

describe('per-table widgets query the fields of the EMF line', () => {
  test('every field they name is in the line the engine writes', () => {
    for (const field of DRILL_LOG_FIELDS) expect(emf).toHaveProperty(field);
    expect(emf).toMatchObject({ table: 'orders', verdict: 'PASS', itemsProven: '400', drillDurationSeconds: '420', DrillFailed: 0 });
    const queried = [...LAST_DRILL_QUERY, ...LAST_PROVEN_QUERY].join('\n');
    const fields = new Set(
      [...queried.matchAll(/\b(?:latest|max|ispresent)\(([A-Za-z@]+)\)|\bby (\w+)|\b(DrillFailed) =/g)].map((m) => m[1] ?? m[2] ?? m[3]),
    );
    fields.delete('@timestamp');
    for (const field of fields) expect(emf).toHaveProperty(field);
  });

  test("they query the drill function's log group", () => {
    const queries = widgets.filter((w) => w.type === 'log');
    expect(queries).toHaveLength(2);
    for (const widget of queries) expect(widget.properties.query).toMatch(/^SOURCE '<token>' \| filter ispresent\(DrillCompleted\)/);
  });
});

test('the alarms widget shows the four alarms', () => {
  const alarms = widgets.find((w) => w.type === 'alarm');
  expect(alarms?.properties.alarms).toHaveLength(4);
});

test('its logical id is the one it would have directly in RestoreDrill (keepFormerLogicalIds, like every part)', () => {
  const { stack } = synthesize();
  expect(logicalIdOf(stack.drill.dashboard!.node.defaultChild as never)).toMatch(/^DrillDashboard[0-9A-F]{8}$/);
});

test('dashboard: false leaves it out', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const host = new Stack(app, 'Host');
  const drill = new RestoreDrill(host, 'Drill', { dashboard: false });
  expect(drill.dashboard).toBeUndefined();
  Template.fromStack(host).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
});
