import { describe, expect, it } from 'vitest';
import { workflowSettingsFrom } from '#config/workflow.ts';
import type { AuditEvent } from '#domain/audit.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import {
  erasedEvent,
  erasedMailLine,
  erasedRecord,
  erasedTask,
  monthsBetween,
  objectsOfMailLine,
  objectsOfRecord,
  retentionCutoff,
  retentionEndedAt,
  retentionState,
} from '#domain/retention.ts';
import { termsOfComplaint } from '#domain/search.ts';
import { nextDailyRun, retentionTimeFrom } from '../../local/runtime/scheduler.ts';

/** A closed, filed complaint from email with every personal field filled. */
const record: ComplaintRecord = {
  ref: 'KE-2312-0042',
  receivedAt: '2023-12-04T02:00:00.000Z',
  channel: 'email',
  area: 'kowloon-east',
  building: '海濱花園第三座',
  unit: '12樓B室',
  registerUnit: {
    id: 'harbour-garden.3.12-B',
    estateId: 'harbour-garden',
    estate: '海濱花園',
    buildingCode: '3',
    building: '第三座',
    unit: '12樓B室',
  },
  owner: {
    name: '陳大文',
    phone: '+852 9123 4567',
    email: 'chan.taiman@example.com',
    language: 'en',
    secondContact: { name: '陳太', phone: '+852 6123 4567' },
  },
  content: '浴室天花板漏水，請致電 9123 4567。',
  category: 'water-leak',
  receivedBy: { by: 'system', role: 'system', at: '2023-12-04T02:00:00.000Z' },
  checklist: { keyPointsNoted: true },
  attachments: [
    {
      key: 'uploads/kowloon-east/7d0b6f9e-1111-4222-8333-944455556666',
      name: '陳大文-letter.pdf',
      contentType: 'application/pdf',
      size: 1000,
    },
  ],
  mailAttachments: [
    {
      filename: 'ceiling.jpg',
      contentType: 'image/jpeg',
      size: 2000,
      inline: false,
      executable: false,
      bucket: 'attachments',
      key: 'mail/ses-1/1-ceiling.jpg',
    },
  ],
  email: {
    sesMessageId: 'ses-1',
    subject: '陳大文: 漏水',
    from: 'chan.taiman@example.com',
    rawMessage: { bucket: 'raw-mail', key: 'incoming/ses-1' },
  },
  flags: { needsClarification: false, acknowledge: 'email' },
  status: 'closed',
  currentStep: 'filed',
  outcome: 'resolved',
  clarifiedPurpose: '陳先生想盡快維修',
  supervisorReview: {
    by: 'supervisor.kowloon-east',
    role: 'supervisor',
    at: '2023-12-04T05:00:00.000Z',
    opinion: 'Repair',
  },
  department: 'engineering',
  workOrder: { number: 'WO-1', issuedAt: '2023-12-04T06:00:00.000Z' },
  satisfaction: {
    rating: 'satisfied',
    comments: '陳大文 says thanks',
    by: 'followup.kowloon-east',
    role: 'followup',
    at: '2023-12-10T02:00:00.000Z',
  },
  filed: { by: 'clerk.kowloon-east', role: 'clerk', at: '2023-12-12T02:00:00.000Z' },
  objectionCount: 1,
  reopenCount: 1,
  escalationCount: 2,
};

const ERASURE = { at: '2027-01-01T00:00:00.000Z', reason: 'retention' as const, years: 3 };

describe('which complaints retention erases', () => {
  it('is a closed complaint filed more than the retention before, never an open one or one erased already', () => {
    const cutoff = retentionCutoff(new Date('2026-12-13T00:00:00.000Z'), 3);
    expect(cutoff).toBe('2023-12-13T00:00:00.000Z');
    expect(retentionState(record, cutoff)).toBe('due');
    // Received before the cutoff, but filed after it: kept until three years after its filing.
    expect(retentionState(record, retentionCutoff(new Date('2026-12-11T00:00:00.000Z'), 3))).toBe('kept');
    expect(retentionState({ ...record, status: 'open' }, cutoff)).toBe('open');
    expect(retentionState({ ...record, personalDataErased: ERASURE }, cutoff)).toBe('erased');
  });

  it('dates the end of the retention from the filing, whenever the run comes', () => {
    expect(retentionEndedAt(record, 3)).toBe('2026-12-12T02:00:00.000Z');
  });

  it('takes its years from the workflow settings: three unless configured, whole years only', () => {
    expect(workflowSettingsFrom(undefined).retentionYears).toBe(3);
    expect(workflowSettingsFrom('{"retentionYears":7}').retentionYears).toBe(7);
    expect(() => workflowSettingsFrom('{"retentionYears":0}')).toThrow(/retentionYears/);
    expect(() => workflowSettingsFrom('{"retentionYears":2.5}')).toThrow(/retentionYears/);
  });

  it('sweeps months of receipt in order across a year end', () => {
    expect(monthsBetween('2023-11', '2024-02')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
    expect(monthsBetween('2024-03', '2024-02')).toEqual([]);
  });
});

describe('the erasure of a record', () => {
  const erased = erasedRecord(record, ERASURE);

  it('removes exactly the owner’s name, contacts, words, email and attachments', () => {
    expect(erased.owner).toEqual({ name: '', language: 'en' });
    expect(erased.content).toBe('');
    for (const field of ['email', 'attachments', 'mailAttachments', 'clarifiedPurpose'] as const) {
      expect(erased[field], field).toBeUndefined();
    }
    expect(erased.satisfaction).toEqual({
      rating: 'satisfied',
      by: 'followup.kowloon-east',
      role: 'followup',
      at: '2023-12-10T02:00:00.000Z',
    });
    expect(JSON.stringify(erased)).not.toMatch(
      /陳大文|9123|6123|chan\.taiman|陳太|陳先生|letter\.pdf|ceiling/,
    );
    expect(erased.personalDataErased).toEqual(ERASURE);
  });

  it('keeps every field the statistics count, as it was', () => {
    const {
      owner: _o,
      content: _c,
      email: _e,
      attachments: _a,
      mailAttachments: _m,
      clarifiedPurpose: _p,
      satisfaction: _s,
      ...rest
    } = record;
    expect(erased).toMatchObject(rest);
    expect(erased).toMatchObject({
      category: 'water-leak',
      area: 'kowloon-east',
      registerUnit: { id: 'harbour-garden.3.12-B', estateId: 'harbour-garden', buildingCode: '3' },
      escalationCount: 2,
      objectionCount: 1,
      reopenCount: 1,
      receivedAt: record.receivedAt,
      filed: record.filed,
      outcome: 'resolved',
    });
  });

  it('leaves it found by its reference and unit, never by the owner’s name, phone or email', () => {
    const terms = termsOfComplaint(erased);
    expect(terms).toEqual(expect.arrayContaining(['ref:ke-2312-0042', '海濱', '三座']));
    for (const personal of [
      '陳大',
      '大文',
      'tel:91234567',
      'tel:61234567',
      'mail:chan.taiman@example.com',
      '漏水',
    ]) {
      expect(terms).not.toContain(personal);
    }
  });

  it('names the files to delete: the raw email, its stored attachments and the uploaded scans', () => {
    expect(objectsOfRecord(record, 'attachments')).toEqual([
      { bucket: 'raw-mail', key: 'incoming/ses-1' },
      { bucket: 'attachments', key: 'mail/ses-1/1-ceiling.jpg' },
      { bucket: 'attachments', key: 'uploads/kowloon-east/7d0b6f9e-1111-4222-8333-944455556666' },
    ]);
    expect(objectsOfRecord(erased, 'attachments')).toEqual([]);
  });
});

describe('the erasure of mail and audit lines', () => {
  it('keeps what an email was (direction, kind, time, ids) and its number of files, not who, what or its files', () => {
    const line = {
      PK: 'C#KE-2312-0042',
      SK: 'MAIL#2023-12-05T00:00:00.000Z#in.ses-2',
      type: 'mail',
      id: 'in.ses-2',
      at: '2023-12-05T00:00:00.000Z',
      direction: 'in',
      kind: 'reply',
      fromOwner: true,
      from: 'chan.taiman@example.com',
      subject: 'Re: 漏水',
      text: '陳大文 9123 4567',
      html: '<p>陳大文</p>',
      preview: '陳大文',
      sesMessageId: 'ses-2',
      rawMessage: { bucket: 'raw-mail', key: 'incoming/ses-2' },
      attachments: [{ filename: 'a.jpg', bucket: 'attachments', key: 'mail/ses-2/1-a.jpg' }],
    };
    expect(objectsOfMailLine(line)).toEqual([
      { bucket: 'raw-mail', key: 'incoming/ses-2' },
      { bucket: 'attachments', key: 'mail/ses-2/1-a.jpg' },
    ]);
    expect(erasedMailLine(line)).toEqual({
      PK: line.PK,
      SK: line.SK,
      type: 'mail',
      id: 'in.ses-2',
      at: line.at,
      direction: 'in',
      kind: 'reply',
      fromOwner: true,
      sesMessageId: 'ses-2',
      attachmentCount: 1,
      personalDataErased: true,
    });
  });

  it('drops the personal details of an audit line (subject, excerpt, a call’s number and notes, a contact’s correction) and keeps the rest', () => {
    const event = (action: string, details: Record<string, unknown>): AuditEvent => ({
      ref: record.ref,
      at: '2023-12-05T00:00:00.000Z',
      actor: 'reception.kowloon-east',
      role: 'reception',
      action,
      details,
    });
    expect(
      erasedEvent(
        event('owner-called', {
          taskId: 't1',
          attempt: 1,
          number: '+852 9123 4567',
          result: 'answered',
          notes: '陳太 answered',
        }),
      )?.details,
    ).toEqual({ taskId: 't1', attempt: 1, result: 'answered', personalDataErased: true });
    expect(
      erasedEvent(
        event('owner-email-received', {
          sesMessageId: 'ses-2',
          subject: 'Re: 漏水',
          excerpt: '陳大文',
          attachments: 1,
        }),
      )?.details,
    ).toEqual({ sesMessageId: 'ses-2', attachments: 1, personalDataErased: true });
    expect(
      erasedEvent(
        event('record-corrected', {
          field: 'owner.phone',
          from: '9123 4567',
          to: '6123 4567',
          reason: 'typo',
        }),
      )?.details,
    ).toEqual({ field: 'owner.phone', personalDataErased: true });
    expect(
      erasedEvent(
        event('record-corrected', { field: 'category', from: 'noise', to: 'water-leak', reason: 'typo' }),
      )?.details,
    ).toEqual({ field: 'category', from: 'noise', to: 'water-leak', personalDataErased: true });
    expect(erasedEvent(event('area-changed', { from: 'kowloon-east', to: 'hk-island' }))).toBeUndefined();
    // Nothing personal: left as it is (not written again).
    expect(erasedEvent(event('task-opened', { step: 'supervisorReview', taskId: 't1' }))).toBeUndefined();
  });

  it('takes the owner’s name and the content’s summary off a task, and the owner’s words off its decision', () => {
    const task = {
      PK: 'C#KE-2312-0042',
      SK: 'TASK#KE-2312-0042.t1',
      type: 'task',
      id: 'KE-2312-0042.t1',
      step: 'satisfactionCallback',
      status: 'completed',
      complaint: {
        ownerName: '陳大文',
        building: '海濱花園第三座',
        unit: '12樓B室',
        summary: '浴室天花板漏水',
        repeat: true,
      },
      decision: { action: 'satisfied', rating: 'satisfied', comments: '陳大文 多謝' },
    };
    expect(erasedTask(task)).toEqual({
      ...task,
      complaint: { ownerName: '', building: '海濱花園第三座', unit: '12樓B室', summary: '', repeat: true },
      decision: { action: 'satisfied', rating: 'satisfied' },
      personalDataErased: true,
    });
    expect(erasedTask({ ...task, complaint: undefined, decision: { action: 'accept' } })).toBeUndefined();
  });
});

describe('the local retention schedule', () => {
  const HK = 8 * 3600_000;
  it('runs daily at 03:30 Hong Kong time: today if that is still ahead, else tomorrow', () => {
    // 02:00 in Hong Kong on 7 December: 03:30 the same day.
    expect(new Date(nextDailyRun(Date.parse('2026-12-06T18:00:00Z'), 3, 30, HK)).toISOString()).toBe(
      '2026-12-06T19:30:00.000Z',
    );
    // 04:00 in Hong Kong: the next day's.
    expect(new Date(nextDailyRun(Date.parse('2026-12-06T20:00:00Z'), 3, 30, HK)).toISOString()).toBe(
      '2026-12-07T19:30:00.000Z',
    );
  });

  it('is set by RETENTION_TIME, or off', () => {
    expect(retentionTimeFrom(undefined)).toBe('03:30');
    expect(retentionTimeFrom('01:15')).toBe('01:15');
    expect(retentionTimeFrom('off')).toBeUndefined();
    expect(() => retentionTimeFrom('25:00')).toThrow(/RETENTION_TIME/);
  });
});
