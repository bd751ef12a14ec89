import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '#config/functions.ts';
import { mailLogPk, mailLogSk } from '#domain/keys.ts';
import { sesEvent } from '../mail/smtp.ts';
import { LOCAL_RESOURCES } from '../stack.ts';
import { findLocalStack } from './find-stack.ts';

/**
 * `npm run replay-mail -- [--since 2026-11-01] [--until 2026-11-30] [--dry-run]`: hands raw
 * mail stored in the running local stack's raw-mail bucket back to email intake, as the AWS
 * runbook does after an outage (docs/operations.md, Recovery). Only messages without a line in
 * the mail log are replayed — intake never took them in — so a message staff have reviewed or
 * released is left alone. Each goes into the SMTP intake's journal, which the running stack
 * delivers within seconds (and a stopped one at its next start), with Lambda's retries.
 */
const { values } = parseArgs({
  options: {
    since: { type: 'string' },
    until: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run replay-mail -- [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--dry-run]

Replays raw mail of the local stack running on PORT (${process.env.PORT ?? 3000}) that has no mail-log line.`);
  process.exit(0);
}

const day = (value: string | undefined, flag: string, endOfDay: boolean) => {
  if (value === undefined) return undefined;
  const at = Date.parse(`${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(at)) {
    console.error(`npm run replay-mail: --${flag} ${value} is not a date: use YYYY-MM-DD`);
    process.exit(2);
  }
  return at;
};
const since = day(values.since, 'since', false) ?? 0;
const until = day(values.until, 'until', true) ?? Number.POSITIVE_INFINITY;

const stack = await findLocalStack('npm run replay-mail');
const health = (await (await fetch(`${stack.web}/api/health`)).json()) as {
  dataDir: string;
  services: { smtp: { intakeAddresses: string[] } };
};
const intakeAddresses = health.services.smtp.intakeAddresses.map((a) => a.toLowerCase());
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const s3 = new S3Client({ endpoint: stack.s3, region: 'us-east-1', credentials, forcePathStyle: true });
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: stack.dynamodb, region: 'us-east-1', credentials }),
);
const journal = join(health.dataDir, 'smtp-journal');
mkdirSync(journal, { recursive: true });

/** Whether intake wrote a mail-log line for this message (on the day it was stored, or the day before). */
async function takenIn(sesMessageId: string, stored: Date): Promise<boolean> {
  for (const offset of [0, -86_400_000]) {
    const at = new Date(stored.getTime() + offset).toISOString();
    const found = await db.send(
      new GetCommand({ TableName: stack.table, Key: { PK: mailLogPk(at), SK: mailLogSk(sesMessageId) } }),
    );
    if (found.Item) return true;
  }
  return false;
}

/** Addresses in the headers that are intake addresses (SES's recipients are not in the raw message). */
function recipientsOf(raw: Buffer): string[] {
  const head =
    raw
      .subarray(0, 64 * 1024)
      .toString('latin1')
      .split(/\r?\n\r?\n/, 1)[0] ?? '';
  const found = [...head.matchAll(/[\w.+-]+@[\w.-]+/g)].map((m) => m[0].toLowerCase());
  const intake = [...new Set(found.filter((a) => intakeAddresses.includes(a)))];
  return intake.length ? intake : [intakeAddresses[0] as string];
}

let listed = 0;
let replayed = 0;
let continuation: string | undefined;
do {
  const page: ListObjectsV2CommandOutput = await s3.send(
    new ListObjectsV2Command({
      Bucket: LOCAL_RESOURCES.rawMailBucket,
      Prefix: LOCAL_RESOURCES.rawMailPrefix,
      ContinuationToken: continuation,
    }),
  );
  for (const object of page.Contents ?? []) {
    const stored = object.LastModified ?? new Date();
    if (!object.Key || stored.getTime() < since || stored.getTime() > until) continue;
    listed += 1;
    const sesMessageId = object.Key.slice(LOCAL_RESOURCES.rawMailPrefix.length);
    if (await takenIn(sesMessageId, stored)) continue;
    replayed += 1;
    if (values['dry-run']) continue;
    const body = await s3.send(
      new GetObjectCommand({ Bucket: LOCAL_RESOURCES.rawMailBucket, Key: object.Key }),
    );
    const raw = Buffer.from((await body.Body?.transformToByteArray()) ?? []);
    const from =
      /^from:.*?([\w.+-]+@[\w.-]+)/im.exec(raw.subarray(0, 64 * 1024).toString('latin1'))?.[1] ?? '';
    const event = sesEvent({
      raw,
      messageId: sesMessageId,
      mailFrom: from,
      recipients: recipientsOf(raw),
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${FUNCTIONS.intakeEmail.id}`,
      receivedAt: stored.toISOString(),
    });
    const file = join(journal, `${sesMessageId}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify({ event }));
    renameSync(`${file}.tmp`, file);
  }
  continuation = page.NextContinuationToken;
} while (continuation);

console.log(
  `${listed} raw message(s) in the period; ${replayed} had no mail-log line and ${values['dry-run'] ? 'would be' : 'were'} handed to intake (${journal})`,
);
s3.destroy();
db.destroy();
