import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * A complaint refers only to scans its logger uploaded: each key must hold an object (HeadObject
 * through lambdas/adapters/uploads.ts), stored with this user's signed uploader tag, of the size
 * and type declared. The local S3 verifies the presigned PUT's signature as S3 does, so the tag
 * cannot be left out or changed by the browser.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
});

const SCAN = Buffer.from('%PDF-1.4\n% 業主來信\n%%EOF\n');

interface Issued {
  key: string;
  upload: { method: string; url: string; headers: Record<string, string> };
}

async function issue(username: string, area = 'kowloon-east'): Promise<Issued> {
  const answer = await api.post<Issued>(username, '/api/attachments', {
    area,
    name: '業主來信.pdf',
    contentType: 'application/pdf',
    size: SCAN.length,
  });
  expect(answer.status).toBe(201);
  return answer.body;
}

const put = (issued: Issued, headers = issued.upload.headers) =>
  fetch(issued.upload.url, { method: 'PUT', headers, body: SCAN });

const complaintWith = (key: string, size = SCAN.length) => ({
  channel: 'letter',
  area: 'kowloon-east',
  owner: { name: '何先生', phone: '+852 2345 6789' },
  content: '來信投訴管理費單據有誤。',
  checklist: { keyPointsNoted: true, requestClarified: true },
  attachments: [{ key, name: '業主來信.pdf', contentType: 'application/pdf', size }],
});

describe('attached scans', () => {
  it('opens a complaint with the logger’s own upload', async () => {
    const issued = await issue('reception.kowloon-east');
    expect(Object.keys(issued.upload.headers).sort()).toEqual(['content-type', 'x-amz-meta-uploader']);
    expect((await put(issued)).status).toBe(200);
    const opened = await api.post('reception.kowloon-east', '/api/complaints', complaintWith(issued.key));
    expect(opened.status).toBe(201);
  });

  it('refuses a key nothing was uploaded under, naming the field', async () => {
    const issued = await issue('reception.kowloon-east');
    const answer = await api.post('reception.kowloon-east', '/api/complaints', complaintWith(issued.key));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'attachments.0.key', message: expect.stringMatching(/upload the file first/) },
    ]);
    const madeUp = 'uploads/kowloon-east/0b9f6f0e-6a55-4b8e-9d3b-2f7c1c2e8a11';
    expect((await api.post('reception.kowloon-east', '/api/complaints', complaintWith(madeUp))).status).toBe(
      400,
    );
  });

  it('refuses another user’s upload, and an upload described as another file', async () => {
    const issued = await issue('supervisor.kowloon-east');
    expect((await put(issued)).status).toBe(200);
    const answer = await api.post('reception.kowloon-east', '/api/complaints', complaintWith(issued.key));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'attachments.0.key', message: expect.stringMatching(/someone else/) },
    ]);
    const wrongSize = await api.post(
      'supervisor.kowloon-east',
      '/api/complaints',
      complaintWith(issued.key, SCAN.length + 1),
    );
    expect(wrongSize.status).toBe(400);
    expect(wrongSize.body.errors).toEqual([{ field: 'attachments.0.size', message: expect.any(String) }]);
  });

  it('takes the upload only with the uploader tag it was signed for', async () => {
    const issued = await issue('reception.kowloon-east');
    const { 'x-amz-meta-uploader': _tag, ...untagged } = issued.upload.headers;
    expect((await put(issued, untagged)).status).toBe(403);
    expect(
      (await put(issued, { ...untagged, 'x-amz-meta-uploader': 'supervisor.kowloon-east' })).status,
    ).toBe(403);
  });
});
