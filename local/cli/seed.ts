import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findLocalStack } from './find-stack.ts';
import { seedTable } from './seed-data.ts';

/**
 * `npm run seed -- --complaints 10000 [--months 6] [--end 2026-11] [--seed 1]`: fills the
 * running local stack (`npm start`) with realistic complaints for demos and reports, written
 * straight into its DynamoDB. The same options give the same complaints.
 */
const { values } = parseArgs({
  options: {
    complaints: { type: 'string', default: '10000' },
    months: { type: 'string', default: '6' },
    end: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run seed -- --complaints 10000 [--months 6] [--end YYYY-MM] [--seed N]

Writes complaints received over the months up to --end (default: this month, up to now) into
the running local stack found on PORT (${process.env.PORT ?? 3000}).`);
  process.exit(0);
}

function whole(name: string, raw: string | undefined, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`npm run seed: --${name} ${raw} must be a whole number from ${min} to ${max}`);
    process.exit(2);
  }
  return n;
}

const complaints = whole('complaints', values.complaints, 1, 2_000_000);
const months = whole('months', values.months, 1, 60);
if (values.end !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(values.end)) {
  console.error(`npm run seed: --end ${values.end} must be a month, YYYY-MM`);
  process.exit(2);
}

const stack = await findLocalStack('npm run seed');
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: stack.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  }),
);
console.log(
  `Seeding ${complaints.toLocaleString('en-US')} complaints over ${months} month(s) into ${stack.table} at ${stack.dynamodb}…`,
);
const result = await seedTable(
  db,
  stack.table,
  {
    complaints,
    months,
    ...(values.end ? { end: values.end } : {}),
    ...(values.seed ? { seed: whole('seed', values.seed, 0, 2 ** 32 - 1) } : {}),
  },
  (done) => process.stdout.write(`\r  ${done.toLocaleString('en-US')} written`),
);
db.destroy();
console.log(
  `\nDone in ${(result.ms / 1000).toFixed(1)} s: ${result.complaints.toLocaleString('en-US')} complaints received ${result.first.slice(0, 10)} – ${result.last.slice(0, 10)}, ${result.openTasks.toLocaleString('en-US')} still open.
Report a month with: npm run report -- --month ${result.last.slice(0, 7)}`,
);
