import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TRIAGE } from '#config/triage.ts';
import { LocalStackError } from '../runtime/listen.ts';
import { reportKindsFrom, reportTimeFrom, retentionTimeFrom, triageTimeFrom } from '../runtime/scheduler.ts';
import { DEFAULT_PORTS, type LocalStackPorts, PROJECT_ROOT, startLocalStack } from '../stack.ts';

/**
 * `npm start`: the whole product on this machine, no AWS account needed.
 *   npm start -- --reset     wipe .local/ first (or: npm run reset)
 * Ports and settings come from environment variables (README lists them).
 */
const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    'no-serve': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm start [-- --reset]

Environment: PORT (${DEFAULT_PORTS.web}), SMTP_PORT (${DEFAULT_PORTS.smtp}), SES_PORT (${DEFAULT_PORTS.ses}),
DYNAMODB_PORT (${DEFAULT_PORTS.dynamodb}), S3_PORT (${DEFAULT_PORTS.s3}), SFN_PORT (${DEFAULT_PORTS.sfn}),
TIME_SCALE (1), LOCAL_DATA_DIR (.local), INTAKE_ADDRESSES (complaints@estate.example,fax@estate.example),
REPORT_SCHEDULE (monthly; weekly, monthly,weekly or off), REPORT_TIME (08:00), REPORT_RECIPIENTS`);
  process.exit(0);
}

function portFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalStackError(`${variable}=${raw} is not a port number: set it to 0-65535`);
  }
  return port;
}

function timeScaleFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new LocalStackError(`TIME_SCALE=${raw} must be a positive number`);
  return scale;
}

async function main() {
  const ports: LocalStackPorts = {
    web: portFrom('PORT', DEFAULT_PORTS.web),
    smtp: portFrom('SMTP_PORT', DEFAULT_PORTS.smtp),
    ses: portFrom('SES_PORT', DEFAULT_PORTS.ses),
    dynamodb: portFrom('DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    s3: portFrom('S3_PORT', DEFAULT_PORTS.s3),
    sfn: portFrom('SFN_PORT', DEFAULT_PORTS.sfn),
  };
  const dataDir = resolve(PROJECT_ROOT, process.env.LOCAL_DATA_DIR ?? '.local');
  const timeScale = timeScaleFrom(process.env.TIME_SCALE);
  const intakeAddresses = process.env.INTAKE_ADDRESSES?.split(',')
    .map((a) => a.trim())
    .filter(Boolean);

  if (values['no-serve']) {
    if (values.reset) {
      const { rmSync } = await import('node:fs');
      rmSync(dataDir, { recursive: true, force: true });
      console.log(`Wiped ${dataDir}`);
    }
    return;
  }

  // The daily retention job (issue 16 §6), at RETENTION_TIME; `off`: only by hand (npm run retention).
  const retentionTime = retentionTimeFrom(process.env.RETENTION_TIME);
  // The daily retraining of the category and department suggestion (issue 19 §3), at TRIAGE_TIME.
  const triageTime = triageTimeFrom(process.env.TRIAGE_TIME, TRIAGE.time);
  const stack = await startLocalStack({
    dataDir,
    ports,
    timeScale,
    reset: values.reset,
    reportSchedules: reportKindsFrom(process.env.REPORT_SCHEDULE),
    reportTime: reportTimeFrom(process.env.REPORT_TIME),
    ...(retentionTime ? { retentionTime } : {}),
    ...(triageTime ? { triageTime } : {}),
    ...(intakeAddresses?.length ? { intakeAddresses } : {}),
    // Also take mail from an IMAP mailbox every minute, as a deployment without SES does.
    ...(process.env.MAILBOX_URL
      ? {
          mailbox: {
            url: process.env.MAILBOX_URL,
            username: process.env.MAILBOX_USER ?? '',
            password: process.env.MAILBOX_PASSWORD ?? '',
            ...(process.env.MAILBOX_FOLDER ? { folder: process.env.MAILBOX_FOLDER } : {}),
            ...(process.env.MAILBOX_DONE_FOLDER ? { doneFolder: process.env.MAILBOX_DONE_FOLDER } : {}),
            ...(process.env.MAILBOX_AUTHSERV_ID ? { authServId: process.env.MAILBOX_AUTHSERV_ID } : {}),
            pollMs: 60_000,
          },
        }
      : {}),
    log: (line) => console.log(line),
  });

  console.log(`
Complaint handling — local stack is up${values.reset ? ' (data wiped)' : ''}
  Web app          ${stack.urls.web}
  API              ${stack.urls.api}   (health: ${stack.urls.api}/health)
  SES outbox       ${stack.urls.sesOutbox}
  SMTP intake      ${stack.urls.smtp}   (mail to ${stack.intakeAddresses.join(', ')})
  DynamoDB         ${stack.urls.dynamodb}   (table ${stack.tableName})
  S3               ${stack.urls.s3}
  Step Functions   ${stack.urls.stepFunctions}   (${stack.stateMachineArn})
  Data             ${dataDir}${timeScale !== 1 ? `\n  TIME_SCALE       ${timeScale} (an hour of workflow time every ${(3600 / timeScale).toFixed(2)} s)` : ''}
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Work cut short by the shutdown (a handler mid-call to an emulator that just closed) may
    // fail after this point; it is resumed on the next start, so it must not turn into a crash.
    process.on('unhandledRejection', () => undefined);
    console.log(`\n${signal}: stopping…`);
    await stack.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: Error) => {
  if (error instanceof LocalStackError) {
    console.error(`npm start: ${error.message}`);
  } else {
    console.error(`npm start failed: ${error.stack ?? error.message}`);
  }
  process.exit(1);
});
