import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS } from '../../config/areas.ts';
import { STAFF_ROLES } from '../../config/roles.ts';
import { COMPANY_WIDE_ROLES, STEP_IDS, STEPS } from '../../config/workflow.ts';
import { DEMO_USERS } from '../../local/auth.ts';
import { startTestStack, type TestStack } from '../harness/local-stack.ts';
import { staffClient } from '../harness/staff-client.ts';

/**
 * Every staff role × every step of the procedure × own and other area: only the step's role
 * may answer its task, in its own area (head-office roles in every area). A refused answer
 * changes nothing.
 */
let t: TestStack;
let api: ReturnType<typeof staffClient>;

beforeAll(async () => {
  t = await startTestStack();
  api = staffClient(t);
});
afterAll(async () => {
  await t?.stop();
});

const AREA = 'kowloon-east';

async function putTask(step: (typeof STEP_IDS)[number]) {
  const ref = `AZ-${step}`;
  await t.putComplaint(ref, AREA);
  const id = `${ref}.task`;
  await t.db.send(
    new PutCommand({
      TableName: t.stack.tableName,
      Item: {
        PK: `C#${ref}`,
        SK: `TASK#${id}`,
        type: 'task',
        id,
        ref,
        area: AREA,
        step,
        role: STEPS[step].role,
        createdAt: new Date().toISOString(),
        dueAt: new Date(Date.now() + 3600_000).toISOString(),
        status: 'open',
        // A token the workflow never issued: an allowed answer gets as far as the workflow.
        taskToken: 'not-a-live-token',
      },
    }),
  );
  return { ref, id };
}

describe('who may answer which step', () => {
  it('refuses every other role, and the right role from another area, with 403 and no change', async () => {
    let checked = 0;
    for (const step of STEP_IDS) {
      const { ref, id } = await putTask(step);
      const stepRole = STEPS[step].role;
      const mayAnswer = (user: (typeof DEMO_USERS)[number]) =>
        user.role === stepRole && (user.area === AREA || COMPANY_WIDE_ROLES.includes(user.role));
      for (const user of DEMO_USERS.filter((u) => !mayAnswer(u))) {
        const answer = await api.post(user.username, `/api/tasks/${encodeURIComponent(id)}/complete`, {});
        checked += 1;
        expect(answer.status, `${user.username} on ${step}`).toBe(403);
      }
      const items = await t.complaintItems(ref);
      expect(items.find((i) => i.SK === `TASK#${id}`)?.status, step).toBe('open');
      expect(
        items.filter((i) => i.type === 'event'),
        step,
      ).toEqual([]);
      for (const user of DEMO_USERS.filter(mayAnswer)) {
        const answer = await api.post(user.username, `/api/tasks/${encodeURIComponent(id)}/complete`, {});
        checked += 1;
        // Past authorisation: an empty decision is refused for its fields (400), or reaches the
        // workflow, which no longer waits on this made-up task (409).
        expect([400, 409], `${user.username} on ${step}`).toContain(answer.status);
      }
    }
    expect(checked).toBe(STEP_IDS.length * STAFF_ROLES.length * AREAS.length);
  });
});
