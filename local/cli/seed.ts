import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AREAS } from '#config/areas.ts';
import { workflowSettingsFrom } from '#config/workflow.ts';
import { findLocalStack } from './find-stack.ts';
import { seedTable } from './seed-data.ts';
import { seedRegister } from './seed-register.ts';
import { linkSeededComplaints } from './seed-related.ts';

/**
 * `npm run seed -- --complaints 10000 [--months 6] [--end 2026-11] [--seed 1] [--register demo|full|none]`:
 * fills the running local stack (`npm start`) with a realistic estate register and realistic
 * complaints for demos and reports, written straight into its DynamoDB. The same options give
 * the same register and complaints.
 */
const { values } = parseArgs({
  options: {
    complaints: { type: 'string', default: '10000' },
    months: { type: 'string', default: '6' },
    end: { type: 'string' },
    seed: { type: 'string' },
    register: { type: 'string', default: 'demo' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run seed -- --complaints 10000 [--months 6] [--end YYYY-MM] [--seed N] [--register demo|full|none]

Writes the estate register of the demo areas (--register demo: every estate and block of the
seeded complaints, 20 floors of 8 flats each; full: 40 floors, as the estates are; none: no
register) and complaints received over the months up to --end (default: this month, up to now;
--complaints 0 for none) into the running local stack found on PORT (${process.env.PORT ?? 3000}).`);
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

const complaints = whole('complaints', values.complaints, 0, 2_000_000);
const REGISTER_SIZES: Record<string, { floors: number } | undefined> = {
  demo: { floors: 20 },
  full: { floors: 40 },
  none: undefined,
};
if (!Object.hasOwn(REGISTER_SIZES, values.register ?? '')) {
  console.error(`npm run seed: --register ${values.register} must be demo, full or none`);
  process.exit(2);
}
const registerSize = REGISTER_SIZES[values.register ?? 'demo'];
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
if (registerSize) {
  console.log(`Seeding the estate register (${values.register}) into ${stack.table} at ${stack.dynamodb}…`);
  const register = await seedRegister(
    db,
    stack.table,
    { ...registerSize, ...(values.seed ? { seed: whole('seed', values.seed, 0, 2 ** 32 - 1) } : {}) },
    (units) => process.stdout.write(`\r  ${units.toLocaleString('en-US')} units written`),
  );
  console.log(
    `\n  ${register.estates} estates, ${register.buildings} buildings, ${register.units.toLocaleString('en-US')} units, ${register.residents.toLocaleString('en-US')} residents (${register.items.toLocaleString('en-US')} items) in ${(register.ms / 1000).toFixed(1)} s`,
  );
}
if (complaints === 0) {
  db.destroy();
  process.exit(0);
}
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
if (registerSize) {
  // The seeded complaints tied to their register units, as routing would have (seed-related.ts).
  const months: string[] = [];
  for (let at = new Date(`${result.first.slice(0, 7)}-01T00:00:00Z`); at.toISOString() <= result.last; ) {
    months.push(at.toISOString().slice(0, 7));
    at = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  }
  const linked = await linkSeededComplaints(db, stack.table, {
    months,
    areas: AREAS.map((area) => area.id),
    thresholds: workflowSettingsFrom(process.env.WORKFLOW_SETTINGS).related,
  });
  console.log(
    `\n  ${linked.linked.toLocaleString('en-US')} of them tied to their register units (${linked.repeats.toLocaleString('en-US')} repeats, ${linked.clusters.toLocaleString('en-US')} in clusters) in ${(linked.ms / 1000).toFixed(1)} s`,
  );
}
db.destroy();
console.log(
  `\nDone in ${(result.ms / 1000).toFixed(1)} s: ${result.complaints.toLocaleString('en-US')} complaints received ${result.first.slice(0, 10)} – ${result.last.slice(0, 10)}, ${result.openTasks.toLocaleString('en-US')} still open.
Report a month with: npm run report -- --month ${result.last.slice(0, 7)}`,
);
