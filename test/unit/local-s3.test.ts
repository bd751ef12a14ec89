import { createHash } from 'node:crypto';
import fs, { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalS3, startS3 } from '../../local/emulators/s3.ts';

/**
 * The local S3 (s3rver) with this project's patch (patches/s3rver+3.7.1.patch): an object's MD5
 * is kept in its metadata file rather than a file of its own, one file fewer to create per
 * object. What S3 clients see must not change: the ETag is the body's MD5 on put, get, head,
 * list and copy, metadata round-trips without the private field, and objects stored by the
 * unpatched layout (a `.md5` file) still read.
 */
const BUCKET = 'patched-s3rver';
let s3: LocalS3 | undefined;
let client: S3Client | undefined;
let dir = '';

async function start(
  options: { signedInWorkflowTime?: boolean; clockAheadMs?: number } = {},
): Promise<S3Client> {
  dir = mkdtempSync(join(tmpdir(), 's3rver-patch-'));
  s3 = await startS3({
    port: 0,
    directory: dir,
    buckets: [BUCKET],
    ...(options.signedInWorkflowTime ? { signedInWorkflowTime: true } : {}),
  });
  client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    // A client whose clock runs ahead, as the handlers' does under TIME_SCALE.
    ...(options.clockAheadMs ? { systemClockOffset: options.clockAheadMs } : {}),
  });
  return client;
}

afterEach(async () => {
  client?.destroy();
  await s3?.stop();
  s3 = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const etagOf = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;
const objectFile = (key: string, suffix: string) => join(dir, BUCKET, `${key}._S3rver_${suffix}`);

describe('local S3 (patched s3rver)', () => {
  it('answers the body MD5 as ETag and the metadata as stored, from two files per object', async () => {
    const s3Client = await start();
    const body = '樓上漏水 raw message';
    const put = await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'mail/one',
        Body: body,
        ContentType: 'message/rfc822',
        Metadata: { filename: 'fax.pdf' },
      }),
    );
    expect(put.ETag).toBe(etagOf(body));
    expect(existsSync(objectFile('mail/one', 'object'))).toBe(true);
    expect(existsSync(objectFile('mail/one', 'metadata.json'))).toBe(true);
    expect(existsSync(objectFile('mail/one', 'object.md5'))).toBe(false);

    const got = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'mail/one' }));
    expect(await got.Body?.transformToString()).toBe(body);
    expect(got.ETag).toBe(etagOf(body));
    expect(got.ContentType).toBe('message/rfc822');
    expect(got.Metadata).toEqual({ filename: 'fax.pdf' });

    const head = await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'mail/one' }));
    expect(head.ETag).toBe(etagOf(body));
    const listed = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'mail/' }));
    expect(listed.Contents?.map((o) => [o.Key, o.ETag])).toEqual([['mail/one', etagOf(body)]]);
  });

  it('keeps the ETag right through copies, with and without new metadata', async () => {
    const s3Client = await start();
    await s3Client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'first', ContentType: 'text/plain' }),
    );
    await s3Client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'b', CopySource: `${BUCKET}/a` }));
    const copied = await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'b' }));
    expect(copied.ETag).toBe(etagOf('first'));
    expect(copied.ContentType).toBe('text/plain');

    await s3Client.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'a',
        CopySource: `${BUCKET}/a`,
        MetadataDirective: 'REPLACE',
        ContentType: 'text/markdown',
      }),
    );
    const replaced = await s3Client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a' }));
    expect(replaced.ETag).toBe(etagOf('first'));
    expect(replaced.ContentType).toBe('text/markdown');

    // Overwritten after its metadata was replaced: the new body's MD5, not a stale one.
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'second' }));
    const rewritten = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a' }));
    expect(rewritten.ETag).toBe(etagOf('second'));
    expect(await rewritten.Body?.transformToString()).toBe('second');
  });

  it('reads objects stored in the unpatched layout, with the MD5 in a file of its own', async () => {
    const s3Client = await start();
    writeFileSync(objectFile('old', 'object'), 'stored before the patch');
    writeFileSync(
      objectFile('old', 'object.md5'),
      createHash('md5').update('stored before the patch').digest('hex'),
    );
    writeFileSync(objectFile('old', 'metadata.json'), JSON.stringify({ 'content-type': 'text/plain' }));
    const got = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'old' }));
    expect(got.ETag).toBe(etagOf('stored before the patch'));
    expect(got.ContentType).toBe('text/plain');
    expect(await got.Body?.transformToString()).toBe('stored before the patch');
  });

  it('keeps a bucket CORS configuration in memory and honours a new or deleted one at once', async () => {
    const s3Client = await start();
    const preflight = (origin: string) =>
      fetch(`${s3?.endpoint}/${BUCKET}/upload/one`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
      });
    const corsFor = (origin: string) =>
      new PutBucketCorsCommand({
        Bucket: BUCKET,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['PUT'] }] },
      });
    // No configuration: S3 refuses a preflight (and remembers there is none).
    expect((await preflight('http://127.0.0.1:3000')).status).toBe(403);
    expect((await preflight('http://127.0.0.1:3000')).status).toBe(403);

    await s3Client.send(corsFor('http://127.0.0.1:3000'));
    const allowed = await preflight('http://127.0.0.1:3000');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect((await preflight('http://127.0.0.1:4000')).status).toBe(403);

    // Replaced, then deleted: the next request sees each change.
    await s3Client.send(corsFor('http://127.0.0.1:4000'));
    expect((await preflight('http://127.0.0.1:3000')).status).toBe(403);
    expect((await preflight('http://127.0.0.1:4000')).status).toBe(200);
    await s3Client.send(new DeleteBucketCorsCommand({ Bucket: BUCKET }));
    expect((await preflight('http://127.0.0.1:4000')).status).toBe(403);
  });

  it('answers a PUT only once the object is stored: a GET straight after it reads the whole body', async () => {
    const s3Client = await start();
    // Upstream answered once the body was handed to the file's write stream: a GET sent on
    // the 200 could find the file still empty (email intake read 0 bytes and quarantined the
    // mail, once in a few thousand under load). Slow disk writes make that window wide here.
    // Writes of object bodies (not of metadata files) finish 50 ms late, as on a busy disk.
    const { write, writev } = fs;
    const isBody = (data: unknown): boolean =>
      Array.isArray(data) ? data.some(isBody) : String(data).includes('raw message');
    const later =
      <F extends (...args: never[]) => void>(call: F) =>
      (...args: Parameters<F>) => {
        if (isBody(args[1])) setTimeout(() => call(...args), 50);
        else call(...args);
      };
    fs.write = later(write) as unknown as typeof fs.write;
    fs.writev = later(writev) as unknown as typeof fs.writev;
    try {
      const sizes = await Promise.all(
        ['first', 'second', 'third'].map(async (key) => {
          const body = `raw message ${key} `.repeat(100);
          await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `raw/${key}`, Body: body }));
          const got = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `raw/${key}` }));
          return [(await got.Body?.transformToString())?.length, body.length];
        }),
      );
      for (const [got, sent] of sizes) expect(got).toBe(sent);
    } finally {
      fs.write = write;
      fs.writev = writev;
    }
  });

  it('remembers a bucket exists only until it is deleted', async () => {
    const s3Client = await start();
    const put = () => s3Client.send(new PutObjectCommand({ Bucket: 'short-lived', Key: 'a', Body: 'a' }));
    await s3Client.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    await put();
    await s3Client.send(new DeleteObjectCommand({ Bucket: 'short-lived', Key: 'a' }));
    await s3Client.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
    await expect(put()).rejects.toMatchObject({ name: 'NoSuchBucket' });
    await s3Client.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
    await put();
    const got = await s3Client.send(new GetObjectCommand({ Bucket: 'short-lived', Key: 'a' }));
    expect(await got.Body?.transformToString()).toBe('a');
  });

  it('takes a presigned PUT only with the content type and length it was signed for, as S3 does', async () => {
    const db = await start();
    const body = Buffer.from('%PDF-1.4 scanned letter');
    const url = await getSignedUrl(
      db,
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'uploads/scan.pdf',
        ContentType: 'application/pdf',
        ContentLength: body.length,
      }),
      { expiresIn: 600, signableHeaders: new Set(['content-type', 'content-length']) },
    );
    const put = (headers: Record<string, string>, payload: Buffer = body) =>
      fetch(url, { method: 'PUT', headers, body: payload });
    // Another type (an HTML page posing as the scan) or another length is refused.
    const asHtml = await put({ 'content-type': 'text/html' });
    expect(asHtml.status).toBe(403);
    expect(await asHtml.text()).toContain('SignatureDoesNotMatch');
    const longer = await put(
      { 'content-type': 'application/pdf' },
      Buffer.concat([body, Buffer.from('<script>')]),
    );
    expect(longer.status).toBe(403);
    await expect(
      db.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/scan.pdf' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
    // The declared file goes in.
    expect((await put({ 'content-type': 'application/pdf' })).status).toBe(200);
    const head = await db.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/scan.pdf' }));
    expect(head.ContentType).toBe('application/pdf');
    expect(head.ContentLength).toBe(body.length);

    // A presigned GET naming the file in Chinese is answered; a tampered signature is not.
    const download = await getSignedUrl(
      db,
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: 'uploads/scan.pdf',
        ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent('投訴信.pdf')}`,
      }),
      { expiresIn: 600 },
    );
    const got = await fetch(download);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain(encodeURIComponent('投訴信.pdf'));
    const tampered = download.replace(
      /X-Amz-Signature=([0-9a-f])/,
      (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`,
    );
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('takes requests signed in workflow time under TIME_SCALE, which S3 would refuse as skewed', async () => {
    const dayAhead = 24 * 3600_000;
    // Without TIME_SCALE a request signed a day ahead is refused, as S3 refuses it...
    const plain = await start({ clockAheadMs: dayAhead });
    await expect(
      plain.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'skewed', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'RequestTimeTooSkewed' });
    plain.destroy();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
    // ...with it, a handler signing in workflow time (a day ahead within a second) is served.
    const scaled = await start({ signedInWorkflowTime: true, clockAheadMs: dayAhead });
    await scaled.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'report.csv', Body: '漏水' }));
    const read = await scaled.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'report.csv' }));
    expect(await read.Body?.transformToString()).toBe('漏水');
  });
});
