import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_ERROR_METRIC } from '#config/workflow.ts';
import { PROJECT_ROOT } from '../../local/stack.ts';
import { logicalId, type Synthesized, synthesize } from './support.ts';

let built: Synthesized;

beforeAll(() => {
  built = synthesize();
});

describe('alarms', () => {
  it('warn when an escalation is overdue at the manager, when SES bounces pass 5%, and when a workflow error waits on customer service', () => {
    const alarms = built.template.findResources('AWS::CloudWatch::Alarm');
    const byMetric = (name: string) =>
      Object.values(alarms).find((alarm) => alarm.Properties.MetricName === name)?.Properties;
    expect(byMetric('ManagerReminded')).toMatchObject({
      Namespace: 'Complaints',
      Dimensions: [{ Name: 'service', Value: 'complaints' }],
      Threshold: 1,
      Period: 3600,
    });
    expect(byMetric('Reputation.BounceRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.05 });
    // The first Resolve workflow error task opening fires it (create-task emits the metric).
    expect(byMetric(WORKFLOW_ERROR_METRIC)).toMatchObject({
      Namespace: 'Complaints',
      Dimensions: [{ Name: 'service', Value: 'complaints' }],
      Threshold: 1,
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(built.stack.alarms.alarms.map((alarm) => alarm.node.id)).toContain('WorkflowErrorToResolve');
    const topic = logicalId(built.stack.alarms.topic);
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    }
  });

  it('each have a section in the runbook, docs/operations.md', () => {
    const runbook = readFileSync(join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
    const sections = [...runbook.matchAll(/^## (.+)$/gm)].map((m) => String(m[1]));
    for (const alarm of built.stack.alarms.alarms) {
      // DeadLetters2, 3...: further dead-letter queues share the DeadLetters procedure.
      const id = alarm.node.id.replace(/^DeadLetters\d+$/, 'DeadLetters');
      const covered = sections.some(
        (section) =>
          section === id || (id.endsWith('Errors') && section === '`<Function>Errors` (one per function)'),
      );
      expect(covered, `${id} has a section in docs/operations.md`).toBe(true);
    }
  });
});
