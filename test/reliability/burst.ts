import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';

/**
 * The traffic of the reliability tests: owners' emails of every kind intake tells apart, and
 * reception's form submissions, sent as real clients send them — an MTA that retries a 4xx, a
 * browser (the web app) that sends the same submission again after a network error or a 5xx.
 */

export type MailKind = 'new' | 'duplicate' | 'auto-reply' | 'unparseable' | 'spam' | 'no-reply' | 'reply';

/** What a message of each kind must become: the mail-log outcomes allowed for it. */
export const EXPECTED_OUTCOMES: Record<MailKind, readonly string[]> = {
  new: ['complaint-opened'],
  // The same message delivered twice: one of the pair opens the complaint, the other is a duplicate.
  duplicate: ['complaint-opened', 'duplicate'],
  'auto-reply': ['auto-reply'],
  unparseable: ['quarantined'],
  spam: ['quarantined'],
  'no-reply': ['held'],
  reply: ['threaded'],
};

export interface PlannedMail {
  readonly index: number;
  readonly kind: MailKind;
  /** The RFC 5322 Message-ID (none for an unparseable message). */
  readonly messageId?: string;
  readonly from: string;
  /** For a reply: the Message-ID it answers. */
  readonly inReplyTo?: string;
  readonly raw: Buffer;
}

/**
 * `count` messages, mostly new complaints from distinct senders, with a few of every other kind:
 * the same message delivered twice, out-of-office replies, things that are no message at all,
 * a spam verdict, a no-reply sender; `replies` answer earlier new complaints (send them after
 * those were taken in). `tag` keeps two runs' Message-IDs apart.
 */
export function planMail(count: number, tag: string): { first: PlannedMail[]; replies: PlannedMail[] } {
  const share = (fraction: number) => Math.max(1, Math.round(count * fraction));
  const pairs = share(0.02);
  const plan: { kind: MailKind; n: number }[] = [
    { kind: 'auto-reply', n: share(0.02) },
    { kind: 'unparseable', n: share(0.01) },
    { kind: 'spam', n: share(0.01) },
    { kind: 'no-reply', n: share(0.01) },
  ];
  const replyCount = share(0.03);
  const others = plan.reduce((sum, p) => sum + p.n, 0) + 2 * pairs + replyCount;
  const first: PlannedMail[] = [];
  let index = 0;
  const add = (kind: MailKind) => {
    const mail = compose(index, kind, tag);
    first.push(mail);
    index += 1;
    return mail;
  };
  for (let i = 0; i < count - others; i++) add('new');
  for (let i = 0; i < pairs; i++) {
    const original = add('duplicate');
    first.push({ ...original, index });
    index += 1;
  }
  for (const { kind, n } of plan) for (let i = 0; i < n; i++) add(kind);
  // Spread the kinds through the burst, the duplicates' second copies included.
  shuffle(first, 7);
  const originals = first.filter((m) => m.kind === 'new').slice(0, replyCount);
  const replies = originals.map((original, i) =>
    compose(index + i, 'reply', tag, { from: original.from, inReplyTo: original.messageId as string }),
  );
  return { first, replies };
}

function compose(index: number, kind: MailKind, tag: string, answer?: { from: string; inReplyTo: string }) {
  const messageId = `<${tag}-${index}@owners.example>`;
  const date = new Date().toUTCString();
  if (kind === 'unparseable') {
    const raw = Buffer.from(`this is not an email at all ${tag} ${index}\r\nno header, no body\r\n`);
    return { index, kind, from: `scanner${index}@devices.example`, raw };
  }
  const from =
    answer?.from ??
    (kind === 'no-reply' ? `no-reply@shop${index}.example` : `owner${index}.${tag}@owners.example`);
  const subject =
    kind === 'auto-reply'
      ? '自動回覆: 不在辦公室'
      : kind === 'reply'
        ? 'Re: 大廈管理問題'
        : `大廈管理問題 ${index}`;
  const body =
    kind === 'auto-reply'
      ? '我現正休假，將於下星期一回覆。'
      : kind === 'reply'
        ? '補充：問題仍然存在，請盡快處理。'
        : `第${index}號投訴：大堂升降機經常故障，停在十二樓不動，請盡快派人維修。`;
  const headers = [
    `From: =?UTF-8?B?${Buffer.from(`業主${index}`).toString('base64')}?= <${from}>`,
    'To: complaints@estate.example',
    `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
    `Message-ID: ${messageId}`,
    `Date: ${date}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    ...(kind === 'auto-reply' ? ['Auto-Submitted: auto-replied'] : []),
    ...(kind === 'spam' ? ['X-Local-Verdict: spam=FAIL'] : []),
    ...(answer ? [`In-Reply-To: ${answer.inReplyTo}`, `References: ${answer.inReplyTo}`] : []),
  ];
  const raw = Buffer.from(`${headers.join('\r\n')}\r\n\r\n${Buffer.from(body).toString('base64')}\r\n`);
  return { index, kind, messageId, from, ...(answer ? { inReplyTo: answer.inReplyTo } : {}), raw };
}

/** A deterministic shuffle (the same order on every run). */
function shuffle<T>(items: T[], seed: number): void {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

export interface Accepted {
  readonly mail: PlannedMail;
  /** The SES message id the SMTP server answered 250 with. */
  readonly sesMessageId: string;
}

export interface SendOutcome {
  readonly accepted: Accepted[];
  /** 4xx answers (or dropped connections) that the sender retried. */
  readonly retried: number;
  /** Messages given up on (never accepted): the test expects none. */
  readonly refused: { mail: PlannedMail; error: string }[];
}

/**
 * Sends messages over SMTP as an MTA does: a few connections at once, and a message that gets a
 * 4xx (or whose connection drops) is sent again a moment later. `stop` ends the sending early
 * (the kill test): what was accepted by then is in `accepted`.
 */
export async function sendMail(
  port: number,
  mails: readonly PlannedMail[],
  options: { concurrency?: number; attempts?: number; stop?: () => boolean } = {},
): Promise<SendOutcome> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: options.concurrency ?? 6,
    connectionTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const accepted: Accepted[] = [];
  const refused: SendOutcome['refused'] = [];
  let retried = 0;
  const queue = [...mails];
  const worker = async () => {
    for (let mail = queue.shift(); mail; mail = queue.shift()) {
      if (options.stop?.()) return;
      for (let attempt = 1; ; attempt++) {
        try {
          const info = await transport.sendMail({
            envelope: { from: mail.from, to: ['complaints@estate.example'] },
            raw: mail.raw,
          });
          const sesMessageId = /queued as ([0-9a-f]+)/.exec(String(info.response))?.[1];
          if (!sesMessageId) throw new Error(`Unexpected answer: ${info.response}`);
          accepted.push({ mail, sesMessageId });
          break;
        } catch (error) {
          const code = (error as { responseCode?: number }).responseCode;
          const permanent = code !== undefined && code >= 500;
          if (permanent || attempt >= (options.attempts ?? 30) || options.stop?.()) {
            refused.push({ mail, error: (error as Error).message });
            break;
          }
          retried += 1;
          await sleep(100 * Math.min(attempt, 10));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: (options.concurrency ?? 6) * 2 }, worker));
  transport.close();
  return { accepted, retried, refused };
}

export interface PlannedForm {
  readonly index: number;
  readonly username: string;
  readonly body: Record<string, unknown> & { submissionId: string };
  /** Whether the owner should get an acknowledgement email. */
  readonly acknowledgedByEmail: boolean;
}

/**
 * Reception's submissions through the staff API, one submission id each (as the web app sends
 * one per draft), in two areas and four shapes: phone with an email (acknowledged by email),
 * phone only (acknowledged by a call), walk-in with the apology given (no acknowledgement),
 * and a letter (acknowledged by email).
 */
export function planForms(count: number, tag: string): PlannedForm[] {
  return Array.from({ length: count }, (_, index) => {
    const area = index % 2 === 0 ? 'kowloon-east' : 'hk-island';
    const shape = index % 4;
    const email = shape === 1 ? undefined : `form${index}.${tag}@owners.example`;
    const channel = shape === 2 ? 'walk-in' : shape === 3 ? 'letter' : 'phone';
    return {
      index,
      username: `reception.${area}`,
      acknowledgedByEmail: shape === 0 || shape === 3,
      body: {
        submissionId: `${tag}-form-${index}-${Math.random().toString(36).slice(2, 10)}`,
        channel,
        area,
        owner: {
          name: `業主${index}`,
          phone: `+852 9${String(index).padStart(3, '0')} ${String(1000 + index).slice(-4)}`,
          ...(email ? { email } : {}),
        },
        building: '海濱花園第三座',
        unit: `${(index % 30) + 1}樓B室`,
        content: `表格 F${index}：走廊燈壞了，晚上很暗。`,
        checklist: { keyPointsNoted: true, requestClarified: true, apologyGiven: shape === 2 },
      },
    };
  });
}

export interface Submitted {
  readonly form: PlannedForm;
  readonly status: number;
  readonly ref?: string;
  readonly receivedAt?: string;
}

/**
 * POSTs each form like the web app: on a network error or a 5xx the same submission is sent
 * again (same submission id). Every `repeatEvery`th submission is also sent once more after
 * its 201, as a client whose answer was lost would.
 */
export async function submitForms(
  apiBase: string,
  forms: readonly PlannedForm[],
  options: { concurrency?: number; repeatEvery?: number; stop?: () => boolean } = {},
): Promise<{ submitted: Submitted[]; resent: number; repeats: { form: PlannedForm; ref?: string }[] }> {
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    let value = tokens.get(username);
    if (!value) {
      const answer = await fetch(`${apiBase}/api/local/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username }),
      });
      value = ((await answer.json()) as { token: string }).token;
      tokens.set(username, value);
    }
    return value;
  };
  let resent = 0;
  const post = async (form: PlannedForm): Promise<Submitted> => {
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let body: Record<string, unknown> = {};
      try {
        const response = await fetch(`${apiBase}/api/complaints`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await token(form.username)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(form.body),
        });
        status = response.status;
        body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      } catch {
        status = 0;
      }
      const transient = status === 0 || status >= 500;
      if (!transient || attempt >= 12 || options.stop?.()) {
        return {
          form,
          status,
          ...(typeof body.ref === 'string' ? { ref: body.ref } : {}),
          ...(typeof body.receivedAt === 'string' ? { receivedAt: body.receivedAt } : {}),
        };
      }
      resent += 1;
      await sleep(100 * attempt);
    }
  };
  const submitted: Submitted[] = [];
  const repeats: { form: PlannedForm; ref?: string }[] = [];
  const queue = [...forms];
  const worker = async () => {
    for (let form = queue.shift(); form; form = queue.shift()) {
      if (options.stop?.()) return;
      const result = await post(form);
      submitted.push(result);
      if (result.status === 201 && options.repeatEvery && form.index % options.repeatEvery === 0) {
        const again = await post(form);
        repeats.push({ form, ...(again.ref ? { ref: again.ref } : {}) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { submitted, resent, repeats };
}
