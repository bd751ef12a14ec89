import { createRequire } from 'node:module';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalSes, startSes } from '../../local/emulators/ses.ts';

/**
 * The local SES outbox (aws-ses-v2-local) with this project's patch (patches/aws-ses-v2-local+2.10.2.patch):
 * a sent message is kept raw and parsed when the outbox is read. What a reader sees must be what
 * the unpatched outbox showed (the full parse), and the sender and recipients known at once (the
 * local stack announces each email's recipients as it arrives) must be formatted the same way.
 */
const store = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
  quickAddresses(raw: Buffer): { from?: string; destination: { to: string[]; cc: string[]; bcc: string[] } };
  parsedFields(
    message: Awaited<ReturnType<typeof simpleParser>>,
    from: string,
  ): { from: string; destination: { to: string[]; cc: string[]; bcc: string[] } };
  getStoreReadonly(): { emails: { destination: { to: string[] } }[] };
};

let ses: LocalSes | undefined;
let client: SESClient | undefined;

async function start(): Promise<SESClient> {
  ses = await startSes({ port: 0 });
  client = new SESClient({
    endpoint: ses.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return client;
}

afterEach(async () => {
  client?.destroy();
  await ses?.stop();
  ses = undefined;
});

const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;

function message(headers: string[], text = '已收到您的投訴。'): Buffer {
  return Buffer.from(
    [
      ...headers,
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text).toString('base64'),
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<p>${text}</p>`,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

const ADDRESS_HEADERS: string[][] = [
  ['From: complaints@estate.example', 'To: owner@example.com'],
  [
    `From: ${encoded('海濱花園管理處')} <complaints@estate.example>`,
    `To: ${encoded('陳大文')} <owner@example.com>, "Lee, Siu Ming" <lee@example.com>`,
    'Cc: supervisor.kowloon-east@staff.estate.example',
  ],
  [
    'From: "Estate Office" <complaints@estate.example>',
    'To: a@example.com,',
    ' b@example.com',
    'To: c@example.com',
    'Bcc: archive@estate.example',
  ],
  ['From: complaints@estate.example', 'To: undisclosed-recipients:;'],
];

describe('local SES outbox (patched aws-ses-v2-local)', () => {
  it('knows sender and recipients from the headers exactly as the full parse formats them', async () => {
    for (const headers of ADDRESS_HEADERS) {
      const raw = message([...headers, 'Subject: test']);
      const full = await simpleParser(raw);
      const expected = store.parsedFields(full, full.from?.text ?? '');
      const quick = store.quickAddresses(raw);
      expect(quick.from, headers.join(' | ')).toBe(expected.from);
      expect(quick.destination, headers.join(' | ')).toEqual(expected.destination);
    }
  });

  it('shows a sent message in the outbox as parsed: subject, text, html, headers, recipients', async () => {
    const sesClient = await start();
    const raw = message(
      [
        `From: ${encoded('海濱花園管理處')} <complaints@estate.example>`,
        `To: ${encoded('陳大文')} <owner@example.com>`,
        `Subject: ${encoded('已收到您的投訴')} [KE-2611-0001]`,
        'Message-ID: <ack.KE-2611-0001@estate.example>',
        'Auto-Submitted: auto-replied',
      ],
      '您好，我們已收到您的投訴，編號 KE-2611-0001。',
    );
    const sent = await sesClient.send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));
    // Announced at once (local/emulators/process-child.ts reads the store as messages arrive).
    const announced = store.getStoreReadonly().emails.at(-1);
    expect(announced?.destination.to).toEqual(['"陳大文" <owner@example.com>']);

    // Parsed on demand: the .eml download of a message kept raw.
    const eml = (await (
      await fetch(`${ses?.endpoint}/get-emlContent?messageId=${sent.MessageId}`)
    ).json()) as {
      fileName: string;
      body: { data: number[] };
    };
    expect(eml.fileName).toBe('已收到您的投訴 [KE-2611-0001]');
    expect(Buffer.from(eml.body.data).toString('utf8')).toContain('owner@example.com');

    const outbox = (await (await fetch(`${ses?.endpoint}/store`)).json()) as {
      emails: {
        messageId: string;
        from: string;
        subject: string;
        destination: { to: string[] };
        body: { text?: string; html?: string };
        headers: { name: string; value: string }[];
      }[];
    };
    const email = outbox.emails.find((e) => e.messageId === sent.MessageId);
    expect(email?.from).toBe('"海濱花園管理處" <complaints@estate.example>');
    expect(email?.subject).toBe('已收到您的投訴 [KE-2611-0001]');
    expect(email?.destination.to).toEqual(['"陳大文" <owner@example.com>']);
    expect(email?.body.text?.trim()).toBe('您好，我們已收到您的投訴，編號 KE-2611-0001。');
    expect(email?.body.html).toContain('<p>您好，我們已收到您的投訴，編號 KE-2611-0001。</p>');
    expect(email?.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-replied' });
  });

  it('keeps the same list when the outbox is cleared, so sends after a clear are still seen', async () => {
    const sesClient = await start();
    const list = store.getStoreReadonly().emails;
    await sesClient.send(
      new SendRawEmailCommand({ RawMessage: { Data: message(ADDRESS_HEADERS[0] ?? []) } }),
    );
    expect((await fetch(`${ses?.endpoint}/clear-store`, { method: 'POST' })).status).toBe(200);
    expect(store.getStoreReadonly().emails).toBe(list);
    expect(list).toHaveLength(0);
    await sesClient.send(
      new SendRawEmailCommand({ RawMessage: { Data: message(ADDRESS_HEADERS[1] ?? []) } }),
    );
    expect(list.map((email) => email.destination.to)).toEqual([
      ['"陳大文" <owner@example.com>, "Lee, Siu Ming" <lee@example.com>'],
    ]);
  });

  it('refuses a message with neither a From header nor a Source, as before (400), and keeps nothing', async () => {
    const sesClient = await start();
    const before = store.getStoreReadonly().emails.length;
    const refused = await sesClient
      .send(new SendRawEmailCommand({ RawMessage: { Data: message(['To: owner@example.com']) } }))
      .then(
        () => undefined,
        (error: { $metadata?: { httpStatusCode?: number } }) => error,
      );
    expect(refused?.$metadata?.httpStatusCode).toBe(400);
    expect(store.getStoreReadonly().emails).toHaveLength(before);
  });
});
