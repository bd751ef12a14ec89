import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionOptions } from '#adapters/mailbox.ts';
import { relayConnection } from '#adapters/smtp-relay.ts';

/**
 * Sending where SES does not send (AWS China): the same raw MIME the SES path sends goes to
 * the company's SMTP relay, logging in with the credentials kept in Secrets Manager. Here the
 * relay is smtp-server on loopback, and Secrets Manager a stand-in on loopback that answers
 * GetSecretValue only to a request signed (SigV4) for secretsmanager.
 */
const LOGIN = { username: 'complaints-relay', password: 'relay-secret-for-tests' };
const SECRET_NAME = 'EstateComplaints/mail-relay';

let relay: SMTPServer;
let relayPort: number;
let secrets: Server;
const received: { from: string; to: string[]; user?: string; raw: string }[] = [];
const secretRequests: { target?: string; authorization?: string; body: string }[] = [];
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  relay = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === LOGIN.username && auth.password === LOGIN.password)
        callback(null, { user: auth.username });
      else callback(new Error('Invalid login'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, 'Ok: queued as RELAY123');
      });
    },
  });
  relay.listen(0, '127.0.0.1');
  await once(relay.server, 'listening');
  relayPort = (relay.server.address() as { port: number }).port;

  secrets = createServer(async (request: IncomingMessage, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    secretRequests.push({
      target: request.headers['x-amz-target'] as string | undefined,
      authorization: request.headers.authorization,
      body,
    });
    const signed = /^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/cn-north-1\/secretsmanager\/aws4_request/.test(
      request.headers.authorization ?? '',
    );
    if (!signed || request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      response.writeHead(403, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'AccessDeniedException' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify({ Name: SECRET_NAME, SecretString: JSON.stringify(LOGIN) }));
  });
  secrets.listen(0, '127.0.0.1');
  await once(secrets, 'listening');

  const variables = {
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'AKIDRELAYTEST',
    AWS_SECRET_ACCESS_KEY: 'relay-test',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as { port: number }).port}`,
    MAIL_RELAY_URL: `smtp://127.0.0.1:${relayPort}`,
    MAIL_RELAY_SECRET: SECRET_NAME,
  };
  for (const [name, value] of Object.entries(variables)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  secrets.close();
});

describe('mail sent through the company’s SMTP relay', () => {
  it('goes out as the same raw message, logged in with the secret’s credentials', async () => {
    const { sendMail } = await import('#adapters/mail.ts');
    const id = await sendMail({
      from: '"物業客服" <complaints@estate.example.cn>',
      to: ['chan@example.cn'],
      subject: '投訴已收到 KE-2611-0001',
      text: '我們已收到您的投訴。',
      html: '<p>我們已收到您的投訴。</p>',
      messageId: 'KE-2611-0001.test@estate.example.cn',
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    expect(id).toBe('RELAY123');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      from: 'complaints@estate.example.cn',
      to: ['chan@example.cn'],
      user: LOGIN.username,
    });
    expect(received[0]?.raw).toMatch(/^Message-ID: <KE-2611-0001\.test@estate\.example\.cn>/im);
    expect(received[0]?.raw).toMatch(/^Auto-Submitted: auto-generated/im);
    // One signed GetSecretValue for the secret the stack names; its value is kept a while.
    expect(secretRequests).toHaveLength(1);
    expect(JSON.parse(secretRequests[0]?.body ?? '{}')).toEqual({ SecretId: SECRET_NAME });
  });

  it('fails, sending nothing, when the relay refuses the login', async () => {
    const { sendThroughRelay } = await import('#adapters/smtp-relay.ts');
    await expect(
      sendThroughRelay(
        { url: `smtp://127.0.0.1:${relayPort}`, username: LOGIN.username, password: 'wrong' },
        { from: 'complaints@estate.example.cn', to: ['chan@example.cn'] },
        Buffer.from('Subject: x\r\n\r\nx\r\n'),
      ),
    ).rejects.toThrow(/Invalid login/);
    expect(received).toHaveLength(1);
  });

  it('never sends credentials in clear beyond this machine', () => {
    expect(relayConnection('smtp://relay.example.cn')).toMatchObject({ port: 587, requireTLS: true });
    expect(relayConnection('smtps://relay.example.cn')).toMatchObject({ port: 465, secure: true });
    expect(connectionOptions('imap://imap.example.cn')).toMatchObject({ port: 143, doSTARTTLS: true });
    expect(connectionOptions('imaps://imap.example.cn')).toMatchObject({ port: 993, secure: true });
    expect(() => relayConnection('http://relay.example.cn')).toThrow(/smtps:\/\/ or smtp:\/\//);
  });
});
