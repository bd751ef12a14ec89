import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../lib/app.ts';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** The acknowledgements recorded on the construct tree, as cdk-nag reads them. */
function acknowledgements(root: IConstruct): Acknowledgement[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cdk-nag AwsSolutions checks', () => {
  it('leave no unacknowledged finding when the app synthesises', () => {
    // Without bundling the handlers: no check reads a bundle's bytes, and bundling fifty-odd
    // functions takes minutes on a busy machine (`npm run synth`, in CI too, bundles and checks
    // the same tree; test/infra/functions.test.ts checks the bundles).
    const { app } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const assembly = app.synth();
    const report = JSON.parse(
      readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { summary?: { status?: string }; violations?: unknown[] }[];
    };
    for (const pluginReport of report.pluginReports) {
      expect(pluginReport.summary?.status).not.toBe('failure');
      expect(pluginReport.violations ?? []).toEqual([]);
    }
  });

  it('fail synthesis on a finding nobody acknowledged', () => {
    const { app, stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    new Bucket(stack, 'UncheckedBucket');
    expect(() => app.synth()).toThrow(
      /AwsSolutions-S1[\s\S]*UncheckedBucket|UncheckedBucket[\s\S]*AwsSolutions-S1/,
    );
  });

  it('are acknowledged only with a specific reason, never by a blanket rule id', () => {
    const { app } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(60);
      // IAM5 covers every wildcard of a policy: each one must be acknowledged by name.
      if (ack.id.startsWith('AwsSolutions-IAM5'))
        expect(ack.id).toMatch(/^AwsSolutions-IAM5\[(Action|Resource)::.+\]$/);
    }
  });

  it('are acknowledged only where a finding exists, so no acknowledgement hides a future one', () => {
    const { app: audited } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
    const acks = acknowledgements(audited);

    // Build again with acknowledgements switched off and collect every raw finding.
    vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {});
    const { app: bare } = buildApp({ checks: false, context: { 'aws:cdk:bundling-stacks': [] } });
    bare.synth();
    const findings = new AwsSolutionsChecks()
      .validateScope(bare)
      .violations.flatMap((violation) =>
        violation.violatingResources.map((r) => ({ id: violation.ruleName, path: r.constructPath ?? '' })),
      );

    for (const ack of acks) {
      const covered = findings.filter(
        (f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect(covered, `${ack.id} acknowledged at ${ack.path} matches no finding`).not.toEqual([]);
    }
    for (const finding of findings) {
      const ack = acks.find(
        (a) => a.id === finding.id && (finding.path === a.path || finding.path.startsWith(`${a.path}/`)),
      );
      expect(ack, `${finding.id} at ${finding.path} is not acknowledged`).toBeDefined();
    }
  });
});
