import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalStart, urlOf } from '../harness/npm-start.ts';

/**
 * `npm start` as a person runs it: a real process, its printed URLs, Ctrl-C, a restart that
 * keeps the data, `--reset`, and the one-line errors for a busy port or an unwritable folder.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'complaints-start-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function launch(args: string[] = [], env: Record<string, string> = {}) {
  return startLocalStart({ dataDir, args, env, children });
}

async function dynamoFrom(stdout: string) {
  const health = (await (await fetch(`${urlOf(stdout, 'API')}/health`)).json()) as {
    status: string;
    services: { dynamodb: { url: string; table: string } };
  };
  expect(health.status).toBe('ok');
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: health.services.dynamodb.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  return { client, table: health.services.dynamodb.table };
}

/** The staff API of a running `npm start`, as a script would use it. */
function apiClient(api: string) {
  async function call(username: string, method: string, path: string, body?: unknown) {
    const tokenResponse = await fetch(`${api}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  /** The user's open task on a complaint; the workflow opens it a moment after the call that led to it. */
  async function taskFor(username: string, ref: string) {
    for (let attempt = 0; attempt < 300; attempt++) {
      const items = ((await call(username, 'GET', '/tasks')).body.items ?? []) as {
        id: string;
        ref: string;
        step: string;
      }[];
      const task = items.find((item) => item.ref === ref);
      if (task) return task;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${username} never got a task for ${ref}`);
  }
  return { call, taskFor };
}

describe('npm start', () => {
  it('prints every URL, keeps the data across a Ctrl-C and restart, and --reset wipes it', async () => {
    const first = launch();
    const stdout = await first.ready;
    for (const label of ['Web app', 'API', 'SES outbox', 'SMTP intake', 'DynamoDB', 'S3', 'Step Functions']) {
      expect(urlOf(stdout, label)).toMatch(/^(http|smtp):\/\/127\.0\.0\.1:\d+/);
    }
    const db = await dynamoFrom(stdout);
    await db.client.send(
      new PutCommand({ TableName: db.table, Item: { PK: 'C#KEEP-1', SK: 'RECORD', ref: 'KEEP-1' } }),
    );
    db.client.destroy();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output().stdout).toContain('Stopped.');

    const second = launch();
    const again = await dynamoFrom(await second.ready);
    const kept = await again.client.send(
      new GetCommand({ TableName: again.table, Key: { PK: 'C#KEEP-1', SK: 'RECORD' } }),
    );
    expect(kept.Item?.ref).toBe('KEEP-1');
    again.client.destroy();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const third = launch(['--reset']);
    const wiped = await dynamoFrom(await third.ready);
    const gone = await wiped.client.send(
      new GetCommand({ TableName: wiped.table, Key: { PK: 'C#KEEP-1', SK: 'RECORD' } }),
    );
    expect(gone.Item).toBeUndefined();
    wiped.client.destroy();
    third.child.kill('SIGINT');
    expect(await third.exited).toBe(0);
  });

  it('resumes a complaint waiting for a person after a restart: the same task, still answerable', async () => {
    const first = launch(['--reset']);
    const before = apiClient(urlOf(await first.ready, 'API'));
    const created = await before.call('reception.kowloon-east', 'POST', '/complaints', {
      channel: 'phone',
      area: 'kowloon-east',
      owner: { name: '黃先生', phone: '+852 2111 3333' },
      content: '電梯按鈕失靈',
      checklist: { apologyGiven: true },
    });
    expect(created.status).toBe(201);
    const ref = String(created.body.ref);
    const waiting = await before.taskFor('supervisor.kowloon-east', ref);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = launch();
    const after = apiClient(urlOf(await second.ready, 'API'));
    expect(second.output().stdout).toContain('resumed 1 execution');
    expect((await after.taskFor('supervisor.kowloon-east', ref)).id).toBe(waiting.id);
    const answer = await after.call(
      'supervisor.kowloon-east',
      'POST',
      `/tasks/${encodeURIComponent(waiting.id)}/complete`,
      {
        action: 'sign',
        opinion: '安排工程部檢查',
        category: 'facilities',
        department: 'engineering',
      },
    );
    expect(answer.status).toBe(200);
    // The workflow moved on: the department now has the commitment task.
    expect((await after.taskFor('engineering.kowloon-east', ref)).step).toBe('departmentCommitment');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('stops with one line naming the variable to change when a port is in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const run = launch([], { DYNAMODB_PORT: String(port) });
    expect(await run.exited).toBe(1);
    blocker.close();
    expect(run.output().stderr.trim()).toBe(
      `npm start: Port ${port} (DynamoDB) is in use: set DYNAMODB_PORT to a free port`,
    );
  });

  it('stops with one line naming the path to change when the data folder cannot be written', async () => {
    const run = launch([], { LOCAL_DATA_DIR: '/proc/version/data' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trim()).toBe(
      'npm start: Cannot write to /proc/version/data: set LOCAL_DATA_DIR to a writable directory',
    );
  });
});
