import { describe, expect, it } from 'vitest';
import { DEFAULT_WORKFLOW_SETTINGS, workflowSettingsFrom } from '#config/workflow.ts';
import type { AuditEvent } from '#domain/audit.ts';
import {
  CALL_MESSAGES,
  CallInput,
  callAsked,
  callEvent,
  callsOf,
  directCompletionProblem,
  readCall,
  unanswered,
  unreachedTooSoon,
} from '#domain/calls.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { applyDecision, UnreachedDecision } from '#domain/decisions.ts';
import { ValidationError } from '#domain/errors.ts';
import { CALL_LIMITS } from '#domain/fields.ts';
import { fromServer, validateCall } from '../../web/src/validation.ts';

/** The call log's rules (lambdas/domain/calls.ts), as the API applies them before writing anything. */
const OPENED = '2026-12-07T10:00:00+08:00';
const NOW = new Date('2026-12-07T11:00:00+08:00');
const task = { id: 'KE-2612-0001.abc', step: 'satisfactionCallback', createdAt: OPENED };
const actor = { by: 'followup.kowloon-east', role: 'followup', at: NOW.toISOString() };

function read(step: string, body: Record<string, unknown>) {
  return readCall(step, CallInput.parse({ number: '+852 9123 4567', ...body }), task, NOW);
}

/** The field errors a call is refused with. */
function refused(step: string, body: Record<string, unknown>) {
  try {
    read(step, body);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  throw new Error('The call was taken');
}

function fieldsOf(body: Record<string, unknown>) {
  const parsed = CallInput.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('which steps ask for a phone call', () => {
  it('asks on clarifying, acknowledging by phone and the satisfaction call-back, whoever the owner', () => {
    for (const step of ['clarify', 'acknowledgeCall', 'satisfactionCallback']) {
      expect(callAsked(step, { email: 'chan@example.com' })).toEqual({ asked: true });
      expect(callAsked(step, {})).toEqual({ asked: true });
    }
  });

  it('asks for the plan to be phoned only to an owner without email, and says why not otherwise', () => {
    expect(callAsked('ownerPlanResponse', {})).toEqual({ asked: true });
    const emailed = callAsked('ownerPlanResponse', { email: 'chan@example.com' });
    expect(emailed.asked).toBe(false);
    expect(!emailed.asked && emailed.why).toMatch(/emailed to the owner/);
  });

  it('asks for none on the other steps, naming the step', () => {
    const review = callAsked('supervisorReview', {});
    expect(review).toEqual({
      asked: false,
      why: 'The step “Sign the record with a handling opinion” asks for no phone call',
    });
    expect(callAsked('workInProgress', {}).asked).toBe(false);
  });
});

describe('a call as the API takes it', () => {
  it('names each field it refuses, and keeps every field within its limit', () => {
    expect(fieldsOf({ number: '12', result: 'maybe' }).sort()).toEqual(['number', 'result']);
    expect(fieldsOf({ result: 'no-answer' })).toEqual(['number']);
    expect(fieldsOf({ number: '+852 9123 4567', result: 'no-answer', calledAt: '07/12/2026 10:00' })).toEqual(
      ['calledAt'],
    );
    const notes = (n: number) => ({ number: '+852 9123 4567', result: 'no-answer', notes: '話'.repeat(n) });
    expect(fieldsOf(notes(CALL_LIMITS.notes))).toEqual([]);
    expect(fieldsOf(notes(CALL_LIMITS.notes + 1))).toEqual(['notes']);
    expect(fieldsOf({ number: '+852 9123 4567', result: 'no-answer', decision: 'satisfied' })).toEqual([
      'decision',
    ]);
  });

  it('takes a time of the call given in company time, or now', () => {
    expect(
      read('satisfactionCallback', { result: 'no-answer', calledAt: '2026-12-07T10:30:00+08:00' }),
    ).toEqual({
      calledAt: '2026-12-07T10:30:00+08:00',
      number: '+852 9123 4567',
      result: 'no-answer',
    });
    expect(read('satisfactionCallback', { result: 'no-answer' }).calledAt).toBe(NOW.toISOString());
  });

  it('refuses a call later than now, or before its task opened (to the minute staff type)', () => {
    expect(
      refused('satisfactionCallback', { result: 'no-answer', calledAt: '2026-12-07T11:30:00+08:00' }),
    ).toEqual([{ field: 'calledAt', message: CALL_MESSAGES.future }]);
    expect(
      refused('satisfactionCallback', { result: 'no-answer', calledAt: '2026-12-07T09:58:00+08:00' }),
    ).toEqual([{ field: 'calledAt', message: CALL_MESSAGES.beforeTask }]);
    // Typed as 10:00 for a task that opened at 10:00:35: the same minute.
    expect(
      readCall(
        'clarify',
        CallInput.parse({ number: '+852 9123 4567', result: 'no-answer', calledAt: OPENED }),
        { createdAt: '2026-12-07T02:00:35.000Z' },
        NOW,
      ).calledAt,
    ).toBe(OPENED);
  });

  it('takes the satisfaction rating with the reached call, given on the phone', () => {
    expect(
      read('satisfactionCallback', {
        result: 'reached',
        notes: '業主表示已經冇再漏水',
        decision: { rating: 'basically-satisfied', comments: '師傅遲咗半個鐘' },
      }).completion,
    ).toEqual({ rating: 'basically-satisfied', comments: '師傅遲咗半個鐘', via: 'phone' });
  });

  it('asks a reached call for its step’s decision, field by field under decision', () => {
    expect(refused('satisfactionCallback', { result: 'reached' })).toEqual([
      { field: 'decision.rating', message: 'Choose satisfied, basically-satisfied or dissatisfied' },
    ]);
    expect(refused('clarify', { result: 'reached', decision: {} }).map((e) => e.field)).toEqual([
      'decision.clarifiedPurpose',
    ]);
    expect(refused('ownerPlanResponse', { result: 'reached', decision: { action: 'maybe' } })[0]?.field).toBe(
      'decision.action',
    );
  });

  it('completes the acknowledgement from the reached call itself, what was said as its note', () => {
    expect(read('acknowledgeCall', { result: 'reached', notes: '已致歉，業主明白' }).completion).toEqual({
      reached: true,
      note: '已致歉，業主明白',
    });
    expect(
      read('clarify', { result: 'reached', decision: { clarifiedPurpose: '要求維修天花' } }).completion,
    ).toEqual({ clarifiedPurpose: '要求維修天花' });
  });

  it('refuses a decision on a call that did not reach the owner', () => {
    expect(
      refused('satisfactionCallback', { result: 'no-answer', decision: { rating: 'satisfied' } }),
    ).toEqual([{ field: 'decision', message: CALL_MESSAGES.decisionUnreached }]);
    expect(read('satisfactionCallback', { result: 'wrong-number' }).completion).toBeUndefined();
  });
});

describe('the calls of a task and its unreached outcome', () => {
  const events: AuditEvent[] = [
    callEvent('KE-2612-0001', task, read('satisfactionCallback', { result: 'no-answer' }), 1, actor),
    { ref: 'KE-2612-0001', at: actor.at, actor: 'system', role: 'system', action: 'task-opened' },
    callEvent(
      'KE-2612-0001',
      { id: 'KE-2612-0001.other', step: 'clarify' },
      read('clarify', { result: 'no-answer' }),
      1,
      actor,
    ),
    callEvent(
      'KE-2612-0001',
      task,
      read('satisfactionCallback', { result: 'wrong-number', notes: '係另一位陳生' }),
      2,
      { ...actor, at: '2026-12-07T03:05:00.000Z' },
    ),
  ];

  it('reads a task’s calls from the timeline, numbered, with who made them', () => {
    const calls = callsOf(events, task.id);
    expect(calls.map((c) => [c.attempt, c.result, c.by])).toEqual([
      [1, 'no-answer', 'followup.kowloon-east'],
      [2, 'wrong-number', 'followup.kowloon-east'],
    ]);
    expect(calls[1]?.notes).toBe('係另一位陳生');
    expect(callsOf(events)).toHaveLength(3);
  });

  it('allows the unreached outcome only after the configured number of unanswered calls', () => {
    const calls = callsOf(events, task.id);
    expect(unanswered(calls)).toBe(2);
    expect(unreachedTooSoon(calls, 3)).toBe(
      'The owner counts as unreached after 3 unanswered calls; 2 are logged on this task',
    );
    expect(unreachedTooSoon(calls, 2)).toBeUndefined();
  });

  it('reads the number of calls from the workflow settings: 3 unless configured, from 1 to the calls a task takes', () => {
    expect(DEFAULT_WORKFLOW_SETTINGS.callAttempts).toBe(3);
    expect(workflowSettingsFrom('{"callAttempts":5}').callAttempts).toBe(5);
    expect(() => workflowSettingsFrom('{"callAttempts":0}')).toThrow(/callAttempts/);
    expect(() => workflowSettingsFrom(`{"callAttempts":${CALL_LIMITS.perTask + 1}}`)).toThrow(/callAttempts/);
  });
});

describe('the unreached outcome of each call step', () => {
  const record = { ref: 'KE-2612-0001', objectionCount: 0, reopenCount: 0 } as unknown as ComplaintRecord;
  const unreached = (step: 'clarify' | 'acknowledgeCall' | 'ownerPlanResponse' | 'satisfactionCallback') =>
    applyDecision(
      step,
      { ...UnreachedDecision.parse({ outcome: 'unreached', note: '三次都無人聽' }), unansweredCalls: 3 },
      { record, actor, now: NOW, settings: DEFAULT_WORKFLOW_SETTINGS },
    );

  it('records the satisfaction call-back’s no answer, as its window running out does, signed by who called', () => {
    expect(unreached('satisfactionCallback')).toEqual({
      fields: { satisfaction: { ...actor, rating: 'no-answer', comments: '三次都無人聽' } },
      audit: {
        action: 'satisfaction-no-answer',
        details: { step: 'satisfactionCallback', unansweredCalls: 3, note: '三次都無人聽' },
      },
      decision: { rating: 'no-answer' },
      errors: [],
    });
  });

  it('moves clarifying, the acknowledgement and the plan on as not reached', () => {
    for (const step of ['clarify', 'acknowledgeCall', 'ownerPlanResponse'] as const) {
      const effect = unreached(step);
      expect(effect.audit.action, step).toBe('owner-not-reached');
      expect(effect.decision, step).toEqual({ action: 'unreached' });
      expect(effect.fields, step).toEqual({});
    }
  });

  it('refuses a call step completed straight, without its call, where the call is the decision', () => {
    expect(directCompletionProblem('acknowledgeCall', { reached: true })?.field).toBe('reached');
    expect(directCompletionProblem('acknowledgeCall', { outcome: 'unreached' })).toBeUndefined();
    expect(
      directCompletionProblem('satisfactionCallback', { rating: 'satisfied', via: 'phone' })?.field,
    ).toBe('via');
    expect(
      directCompletionProblem('satisfactionCallback', { rating: 'satisfied', via: 'visit' }),
    ).toBeUndefined();
    expect(directCompletionProblem('clarify', { clarifiedPurpose: '業主到訪時澄清' })).toBeUndefined();
  });
});

describe('the call panel of the web app', () => {
  it('says every problem the API finds with a call in the app’s own words', () => {
    const messages = new Set<string>(Object.values(CALL_MESSAGES));
    for (const body of [
      {},
      { number: '12', result: 'x', notes: 'x'.repeat(CALL_LIMITS.notes + 1), calledAt: 'x' },
    ]) {
      const parsed = CallInput.safeParse(body);
      for (const issue of parsed.error?.issues ?? []) messages.add(issue.message);
    }
    for (const step of ['acknowledgeCall', 'satisfactionCallback']) {
      const problem = directCompletionProblem(step, { via: 'phone' });
      if (problem) messages.add(problem.message);
    }
    expect(messages.size).toBeGreaterThan(7);
    for (const message of messages) {
      expect(fromServer([{ field: 'f', message }]).f, message).not.toBe('error.invalid');
    }
    expect(fromServer([{ field: 'calledAt', message: CALL_MESSAGES.future }])).toEqual({
      calledAt: 'error.callFuture',
    });
    expect(fromServer([{ field: 'calledAt', message: CALL_MESSAGES.beforeTask }])).toEqual({
      calledAt: 'error.callBeforeTask',
    });
  });

  it('finds at the fields what the API would refuse, before sending', () => {
    const now = Date.parse('2026-12-07T11:00:00+08:00');
    const draft = {
      number: '+852 9123 4567',
      calledAt: '07/12/2026 10:30',
      result: 'no-answer',
      notes: '',
      decision: {},
    };
    expect(validateCall(draft, { createdAt: OPENED }, [], now)).toEqual({});
    expect(
      validateCall(
        { ...draft, number: '12', result: '', calledAt: '07/12/2026 12:00' },
        { createdAt: OPENED },
        [],
        now,
      ),
    ).toEqual({ number: 'error.phone', result: 'error.choose', calledAt: 'error.callFuture' });
    expect(validateCall({ ...draft, calledAt: '07/12/2026 09:00' }, { createdAt: OPENED }, [], now)).toEqual({
      calledAt: 'error.callBeforeTask',
    });
    expect(
      validateCall({ ...draft, result: 'reached' }, { createdAt: OPENED }, ['decision.rating'], now),
    ).toEqual({ 'decision.rating': 'error.choose' });
    expect(validateCall({ ...draft, notes: 'x'.repeat(CALL_LIMITS.notes + 1) }, {}, [], now)).toEqual({
      notes: 'error.tooLong',
    });
  });
});
