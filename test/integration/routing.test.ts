import { GetCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { type OutboxEmail, outbox, staffClient } from '../harness/staff-client.ts';
import { big5OutlookComplaint, faxGatewayMessage, PDF_PAGE } from '../intake/messages.ts';

/**
 * Routing by who the owner is, on the local stack: an email from an owner the estate register
 * knows opens in their estate's area with their unit and language, whatever intake address it
 * was sent to; a fax by the number the gateway gives; an unknown sender still opens a complaint,
 * flagged *unit unknown*, where it was sent. Staff then see the units the complaint's text names
 * and set the unit by a correction with a reason.
 */
const FAX_GATEWAY = 'gateway@faxmail.example';
/** The intake address of the first area (kowloon-east): where unknown senders' mail stays. */
const INTAKE = 'complaints@estate.example';
const OWNER = 'lee.ka.yan@example.com';
const LANDLORD = 'landlord.ho@example.com';

let t: TestStack;
let api: ReturnType<typeof staffClient>;
/** The complaint of the owner registered at two units (kept unit unknown by intake). */
let landlordRef: string;

interface UnitRef {
  id: string;
  estateId: string;
  estate: string;
  buildingCode: string;
  building: string;
  unit: string;
}
interface ComplaintView {
  ref: string;
  area: string;
  channel: string;
  building?: string;
  unit?: string;
  version: number;
  owner: { name: string; email?: string; phone?: string; language: string };
  registerUnit?: UnitRef;
  unitUnknown?: boolean;
  unitCandidates?: UnitRef[];
  unitSuggestions?: (UnitRef & { source: string; text?: string })[];
  timeline: { action: string; details?: Record<string, unknown> }[];
  errors?: { field: string; message: string }[];
  message?: string;
}

async function deliver(raw: Buffer, to = INTAKE): Promise<string> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: t.stack.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  const info = await transport.sendMail({ envelope: { from: 'sender@example.com', to: [to] }, raw });
  const sesId = /queued as ([0-9a-f]+)/.exec(info.response)?.[1];
  if (!sesId) throw new Error(`Not accepted: ${info.response}`);
  await t.stack.mailIdle();
  return sesId;
}

/** The reference a delivered message opened (its mail-log line says). */
async function openedRef(sesId: string): Promise<string> {
  // Today's mail log or, across midnight, yesterday's.
  for (const offset of [0, -86_400_000]) {
    const d = new Date(Date.now() + offset).toISOString().slice(0, 10);
    const found = await t.db.send(
      new GetCommand({ TableName: t.stack.tableName, Key: { PK: `MAILLOG#${d}`, SK: `MSG#${sesId}` } }),
    );
    if (found.Item) {
      expect(found.Item.outcome, String(found.Item.reason ?? '')).toBe('complaint-opened');
      return String(found.Item.ref);
    }
  }
  throw new Error(`No mail-log line for ${sesId}`);
}

async function complaint(ref: string, as: string): Promise<ComplaintView> {
  const answer = await api.get<ComplaintView>(as, `/api/complaints/${ref}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

async function mailTo(address: string): Promise<OutboxEmail[]> {
  return (await outbox(t)).filter((e) => e.destination.to.includes(address));
}

beforeAll(async () => {
  process.env.FAX_GATEWAY_ADDRESSES = FAX_GATEWAY;
  t = await startTestStack();
  api = staffClient(t);
  // An estate of the second area (hk-island): mail from its owners to the first area's address
  // must still land with its office.
  expect(
    (
      await api.post('supervisor.hk-island', '/api/directory/estates', {
        id: 'south-horizons',
        area: 'hk-island',
        name: { zhHant: '海怡半島', en: 'South Horizons' },
      })
    ).status,
  ).toBe(201);
  for (const name of [{ zhHant: '第五座' }, { zhHant: '第三座' }]) {
    expect(
      (await api.post('supervisor.hk-island', '/api/directory/estates/south-horizons/buildings', { name }))
        .status,
    ).toBe(201);
  }
  const units = [
    {
      building: '5',
      floor: '18',
      flat: 'A',
      residents: [
        {
          name: '李家欣',
          role: 'owner',
          emails: [OWNER],
          phones: ['9876 5432'],
          faxes: ['2555 0101'],
          language: 'zh-Hans',
        },
      ],
    },
    {
      building: '3',
      floor: '7',
      flat: 'B',
      residents: [{ name: '何志強', role: 'owner', emails: [LANDLORD], language: 'en' }],
    },
    {
      building: '3',
      floor: '9',
      flat: 'C',
      residents: [{ name: '何志強', role: 'owner', emails: [LANDLORD], language: 'en' }],
    },
  ];
  for (const unit of units) {
    const answer = await api.post('reception.hk-island', '/api/directory/units', {
      estate: 'south-horizons',
      ...unit,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  }
});
afterAll(async () => {
  await t?.stopRunningExecutions();
  await t?.stop();
});

describe('email intake routes a registered owner', () => {
  it('opens the complaint in the estate’s area with the unit, the registered name and the owner’s language', async () => {
    const firstTask = t.recordTasks();
    const sesId = await deliver(
      big5OutlookComplaint({
        from: OWNER,
        name: 'Karen Lee',
        subject: '大堂升降機故障',
        body: '升降機由昨晚開始壞咗，請盡快安排維修。',
      }),
    );
    const ref = await openedRef(sesId);
    // The acknowledgement is sent before the workflow's first task opens.
    await firstTask(ref);
    // The reference carries the area it opened in: Hong Kong Island's, not the address's.
    expect(ref).toMatch(/^HKI-/);
    const record = await complaint(ref, 'reception.hk-island');
    expect(record.area).toBe('hk-island');
    expect(record.registerUnit).toEqual({
      id: 'south-horizons.5.18-A',
      estateId: 'south-horizons',
      estate: '海怡半島',
      buildingCode: '5',
      building: '第五座',
      unit: '18樓A室',
    });
    expect(record.unitUnknown).toBeUndefined();
    expect(record).toMatchObject({ building: '海怡半島 第五座', unit: '18樓A室' });
    // Written in Traditional, but the register says she reads Simplified.
    expect(record.owner).toMatchObject({ name: '李家欣', email: OWNER, language: 'zh-Hans' });
    // The other area's staff do not see it.
    expect((await api.get(`reception.kowloon-east`, `/api/complaints/${ref}`)).status).toBe(403);
    // Nor the message that opened it: its mail-log line is kept with the complaint's office.
    const day = new Date().toISOString().slice(0, 10);
    const mailOf = async (as: string) =>
      (
        await api.get<{ items: { ref?: string; area: string; sentToArea?: string }[] }>(
          as,
          `/api/mail?day=${day}`,
        )
      ).body.items.filter((line) => line.ref === ref);
    expect(await mailOf('reception.hk-island')).toMatchObject([
      { area: 'hk-island', sentToArea: 'kowloon-east' },
    ]);
    expect(await mailOf('reception.kowloon-east')).toEqual([]);

    const [ack] = await mailTo(OWNER);
    expect(ack?.subject).toBe(`[${ref}] 已收到您的投诉 We have received your complaint`);
    expect(ack?.body.text).toContain('亲爱的李家欣业主');
  });

  it('opens a fax from a registered fax number in the unit’s area', async () => {
    const sesId = await deliver(
      faxGatewayMessage({
        from: FAX_GATEWAY,
        subject: 'Fax from +852 2555 0101',
        file: { name: 'fax.pdf', type: 'application/pdf', content: PDF_PAGE },
      }),
      'fax@estate.example',
    );
    const ref = await openedRef(sesId);
    const record = await complaint(ref, 'reception.hk-island');
    expect(record).toMatchObject({ area: 'hk-island', channel: 'fax' });
    expect(record.registerUnit?.id).toBe('south-horizons.5.18-A');
    // The gateway gave no contact: the register's, so the owner can be called and written to.
    expect(record.owner).toMatchObject({
      name: '李家欣',
      email: OWNER,
      phone: '9876 5432',
      language: 'zh-Hans',
    });
  });
});

describe('email intake keeps what it cannot route', () => {
  it('opens an unknown sender’s complaint where it was sent, flagged unit unknown', async () => {
    const stranger = 'someone.new@example.net';
    const firstTask = t.recordTasks();
    const sesId = await deliver(
      big5OutlookComplaint({
        from: stranger,
        name: '張小姐',
        subject: '垃圾房臭味',
        body: '海怡半島第三座7樓B室門外的垃圾房很臭。',
      }),
    );
    const ref = await openedRef(sesId);
    expect(ref).toMatch(/^KE-/);
    const record = await complaint(ref, 'reception.kowloon-east');
    expect(record).toMatchObject({ area: 'kowloon-east', unitUnknown: true });
    expect(record.registerUnit).toBeUndefined();
    expect(record.owner).toMatchObject({ name: '張小姐', email: stranger, language: 'zh-Hant' });
    await firstTask(ref);
    expect((await mailTo(stranger)).length).toBe(1);
  });

  it('keeps the units of an address registered at several as candidates, and picks none', async () => {
    const sesId = await deliver(
      big5OutlookComplaint({ from: LANDLORD, name: 'Ho', subject: 'Water leak', body: 'Leak from above.' }),
    );
    const ref = await openedRef(sesId);
    landlordRef = ref;
    expect(ref).toMatch(/^KE-/);
    const record = await complaint(ref, 'reception.kowloon-east');
    expect(record.unitUnknown).toBe(true);
    // Its candidates are another area's units: nothing is offered here until it is moved there.
    expect(record.unitSuggestions).toEqual([]);
    expect(record.registerUnit).toBeUndefined();
    expect(record.unitCandidates?.map((u) => u.id)).toEqual(['south-horizons.3.7-B', 'south-horizons.3.9-C']);
  });

  it('does not take the unit of a sender whose address SES could not authenticate', async () => {
    const raw = big5OutlookComplaint({
      from: OWNER,
      name: 'Karen Lee',
      subject: '噪音',
      body: '樓上裝修噪音。',
    });
    const sesId = await deliver(
      Buffer.concat([Buffer.from('X-Local-Verdict: spf=FAIL dkim=FAIL dmarc=FAIL\r\n'), raw]),
    );
    const ref = await openedRef(sesId);
    expect(ref).toMatch(/^KE-/);
    const record = await complaint(ref, 'reception.kowloon-east');
    expect(record).toMatchObject({ unitUnknown: true, owner: { name: 'Karen Lee', language: 'zh-Hant' } });
    expect(record.unitCandidates?.map((u) => u.id)).toEqual(['south-horizons.5.18-A']);
  });
});

describe('staff pick the unit', () => {
  const correct = (as: string, ref: string, version: number, registerUnit: unknown) =>
    api.post<ComplaintView>(as, `/api/complaints/${ref}/corrections`, {
      version,
      reason: '業主來電確認單位',
      changes: { registerUnit },
    });

  it('offers the register units the text names, and sets the one picked with a reason', async () => {
    const created = await api.post<{ ref: string }>('reception.hk-island', '/api/complaints', {
      channel: 'phone',
      area: 'hk-island',
      owner: { name: '張先生', phone: '+852 6123 4567' },
      content: '第三座7樓B室對出走廊的燈壞了，另外Flat C, 9/F, Block 3 門口有積水。',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ref = created.body.ref;
    const before = await complaint(ref, 'reception.hk-island');
    expect(before.registerUnit).toBeUndefined();
    expect(before.unitSuggestions?.map((u) => [u.id, u.source, u.text])).toEqual([
      ['south-horizons.3.7-B', 'text', '第三座7樓B室'],
      ['south-horizons.3.9-C', 'text', 'Flat C, 9/F, Block 3'],
    ]);
    expect(before.unitSuggestions?.[0]).toMatchObject({
      estate: '海怡半島',
      building: '第三座',
      unit: '7樓B室',
    });

    // A department does not correct the place; a unit not in the register is named at its field.
    expect(
      (await correct('engineering.kowloon-east', ref, before.version, 'south-horizons.3.7-B')).status,
    ).toBe(403);
    const missing = await correct('reception.hk-island', ref, before.version, 'south-horizons.3.20-B');
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.field).toBe('changes.registerUnit');
    const notAnId = await correct('reception.hk-island', ref, before.version, '7樓B室');
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.errors?.[0]?.field).toBe('changes.registerUnit');

    const set = await correct('reception.hk-island', ref, before.version, 'south-horizons.3.7-B');
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const after = await complaint(ref, 'reception.hk-island');
    expect(after.registerUnit).toMatchObject({
      id: 'south-horizons.3.7-B',
      building: '第三座',
      unit: '7樓B室',
    });
    expect(after.unitSuggestions).toBeUndefined();
    expect(after.timeline.find((e) => e.action === 'record-corrected')?.details).toMatchObject({
      field: 'registerUnit',
      from: null,
      to: 'south-horizons.3.7-B',
      reason: '業主來電確認單位',
    });
    // The complaint search finds it by its estate now.
    const found = await api.get<{ items: { ref: string }[] }>(
      'reception.hk-island',
      `/api/complaints?q=${encodeURIComponent('海怡半島')}`,
    );
    expect(found.body.items.map((i) => i.ref)).toContain(ref);
  });

  it('offers intake’s candidates once the complaint is in their area, and picking one clears unit unknown', async () => {
    const moved = await api.post('reception.kowloon-east', `/api/complaints/${landlordRef}/area`, {
      area: 'hk-island',
      reason: '業主單位在海怡半島',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const before = await complaint(landlordRef, 'reception.hk-island');
    expect(before.unitUnknown).toBe(true);
    expect(before.unitSuggestions?.map((u) => [u.id, u.source])).toEqual([
      ['south-horizons.3.7-B', 'contact'],
      ['south-horizons.3.9-C', 'contact'],
    ]);
    const set = await correct('reception.hk-island', landlordRef, before.version, 'south-horizons.3.9-C');
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const after = await complaint(landlordRef, 'reception.hk-island');
    expect(after.registerUnit?.id).toBe('south-horizons.3.9-C');
    expect(after.unitUnknown).toBeUndefined();
    expect(after.unitCandidates).toBeUndefined();
  });

  it('refuses another area’s unit for a complaint', async () => {
    const created = await api.post<{ ref: string }>('reception.kowloon-east', '/api/complaints', {
      channel: 'walk-in',
      area: 'kowloon-east',
      owner: { name: '黃太', phone: '+852 6123 0000' },
      content: '海怡半島第五座18樓A室',
    });
    expect(created.status).toBe(201);
    const before = await complaint(created.body.ref, 'reception.kowloon-east');
    expect(before.unitSuggestions).toEqual([]);
    const refused = await correct(
      'reception.kowloon-east',
      created.body.ref,
      before.version,
      'south-horizons.5.18-A',
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toMatchObject({ field: 'changes.registerUnit' });
  });
});

describe('New complaint with a unit of the register', () => {
  const logged = (as: string, area: string, registerUnit: unknown) =>
    api.post<{ ref: string; errors?: { field: string; message: string }[] }>(as, '/api/complaints', {
      channel: 'phone',
      area,
      owner: { name: '李家欣', phone: '9876 5432', language: 'zh-Hans' },
      content: '大堂門鐘壞了',
      registerUnit,
    });

  it('opens the complaint on the unit picked, with the register’s building and unit', async () => {
    const created = await logged('reception.hk-island', 'hk-island', 'south-horizons.5.18-A');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const record = await complaint(created.body.ref, 'reception.hk-island');
    expect(record.registerUnit?.id).toBe('south-horizons.5.18-A');
    expect(record).toMatchObject({ building: '海怡半島 第五座', unit: '18樓A室' });
    expect(record.unitSuggestions).toBeUndefined();
  });

  it('refuses a unit the register lacks, or of another area, at the field', async () => {
    for (const [as, area, unit] of [
      ['reception.hk-island', 'hk-island', 'south-horizons.5.30-A'],
      ['reception.kowloon-east', 'kowloon-east', 'south-horizons.5.18-A'],
      ['reception.hk-island', 'hk-island', '18樓A室'],
    ] as const) {
      const refused = await logged(as, area, unit);
      expect(refused.status, unit).toBe(400);
      expect(refused.body.errors?.map((e) => e.field)).toEqual(['registerUnit']);
    }
  });
});

describe('moving a complaint to another area', () => {
  it('clears a register unit of the old area: the new area’s reception picks the unit', async () => {
    const created = await api.post<{ ref: string }>('reception.hk-island', '/api/complaints', {
      channel: 'phone',
      area: 'hk-island',
      owner: { name: '李家欣', phone: '9876 5432', language: 'zh-Hans' },
      content: '停車場閘口壞了',
      registerUnit: 'south-horizons.5.18-A',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { ref } = created.body;
    const moved = await api.post<{ unitLeft?: boolean }>(
      'supervisor.hk-island',
      `/api/complaints/${ref}/area`,
      { area: 'kowloon-east', reason: '業主其實住九龍東的屋苑' },
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.unitLeft).toBe(true);
    const record = await complaint(ref, 'reception.kowloon-east');
    expect(record.area).toBe('kowloon-east');
    expect(record.registerUnit).toBeUndefined();
    expect(record.unitUnknown).toBe(true);
    // What the owner or staff wrote stays; only the register's unit went.
    expect(record).toMatchObject({ building: '海怡半島 第五座', unit: '18樓A室' });
    expect(record.timeline.find((e) => e.action === 'area-changed')?.details).toMatchObject({
      from: 'hk-island',
      to: 'kowloon-east',
      unitLeft: '海怡半島 第五座 18樓A室',
    });
    // The unit's history no longer counts it: a later complaint of the unit does not list it.
    const later = await api.post<{ ref: string }>('reception.hk-island', '/api/complaints', {
      channel: 'phone',
      area: 'hk-island',
      owner: { name: '李家欣', phone: '9876 5432', language: 'zh-Hans' },
      content: '停車場閘口又壞了',
      registerUnit: 'south-horizons.5.18-A',
    });
    expect(later.status).toBe(201);
    const { related } = (
      await api.get<{ related?: { unitHistory: { ref: string }[] } }>(
        'supervisor.hk-island',
        `/api/complaints/${later.body.ref}`,
      )
    ).body;
    const history = related?.unitHistory.map((c) => c.ref) ?? [];
    expect(history.length).toBeGreaterThan(0);
    expect(history).not.toContain(ref);
  });
});
