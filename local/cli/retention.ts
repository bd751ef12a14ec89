import { parseArgs } from 'node:util';
import { FUNCTIONS } from '#config/functions.ts';
import type { RetentionRun } from '#services/retention-run.ts';
import { invokeLocal, type LocalHandler } from '../runtime/lambda-runtime.ts';
import { LOCAL_RESOURCES } from '../stack.ts';
import { findLocalStack } from './find-stack.ts';

/**
 * `npm run retention -- [--dry-run] [--at 2030-01-01T00:00:00Z]`: runs the daily retention job
 * (lambdas/run-retention.ts) against the running local stack now, as the scheduler would:
 * erases the owners' personal data of complaints past the retention (WORKFLOW_SETTINGS
 * `retentionYears`, default 3). `--dry-run` lists what would be erased and changes nothing;
 * `--at` runs it as if it were that time (to see what a date will erase).
 */
const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    at: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run retention -- [--dry-run] [--at YYYY-MM-DDTHH:MM:SSZ]

Erases owners' personal data (name, contacts, mail, attachments, search terms) from closed
complaints past the retention (WORKFLOW_SETTINGS retentionYears, default 3 years after
filing) in the local stack running on PORT (${process.env.PORT ?? 3000}); what the statistics
count stays. --dry-run lists them and changes nothing; --at runs as if at that time.`);
  process.exit(0);
}
if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) {
  console.error(`npm run retention: --at ${values.at} must be a date and time, e.g. 2030-01-01T00:00:00Z`);
  process.exit(2);
}

const stack = await findLocalStack('npm run retention');
// The function's own variables (config/functions.ts access) and the emulators' endpoints, as
// the local stack gives them (local/stack.ts).
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_ENDPOINT_URL_DYNAMODB: stack.dynamodb,
  AWS_ENDPOINT_URL_S3: stack.s3,
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  TABLE_NAME: stack.table,
  RAW_MAIL_BUCKET: LOCAL_RESOURCES.rawMailBucket,
  ATTACHMENTS_BUCKET: LOCAL_RESOURCES.attachmentsBucket,
});
delete process.env.AWS_PROFILE;

const { handler } = (await import('../../lambdas/run-retention.ts')) as { handler: LocalHandler };
const run = (await invokeLocal(handler, FUNCTIONS.runRetention.id, {
  ...(values.at ? { scheduledTime: new Date(values.at).toISOString() } : {}),
  ...(values['dry-run'] ? { dryRun: true } : {}),
})) as RetentionRun;

const verb = run.dryRun ? 'would erase' : 'erased';
console.log(
  `Retention ${run.years} years: complaints filed before ${run.cutoff} (${run.monthsRead} months of receipt read)`,
);
for (const line of run.due) {
  console.log(
    `  ${line.ref}  ${line.area}  received ${line.receivedAt}: ${verb} ${line.files} files, ${line.mailLines} mail lines, ${line.events} audit details, ${line.searchTerms} search terms${!run.dryRun && !line.erased ? ' (erased by another run first)' : ''}`,
  );
}
if (run.incomplete) console.log('Stopped at the run’s time budget: run it again to go on.');
console.log(
  `${run.dryRun ? 'Dry run: nothing changed. ' : ''}${run.due.length} complaints ${verb}; ${run.kept} received before then kept (open, or filed since).`,
);
