import * as z from 'zod';
import { storedUpload } from '#adapters/uploads.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { mayLogComplaintIn, mayLogComplaints } from '#domain/access.ts';
import { areaOfKey, uploadProblems } from '#domain/attachments.ts';
import { NewComplaintInput } from '#domain/complaint.ts';
import { parseUnitId } from '#domain/directory/register.ts';
import { ForbiddenError, ValidationError } from '#domain/errors.ts';
import { FIELD_LIMITS } from '#domain/fields.ts';
import { signatureOf } from '#domain/staff.ts';
import { openComplaint, openSubmittedComplaint } from '#services/open-complaint.ts';
import { registerUnitIn } from '#services/unit-routing.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');
const STATE_MACHINE_ARN = requireEnv('STATE_MACHINE_ARN');
const ATTACHMENTS_BUCKET = requireEnv('ATTACHMENTS_BUCKET');
const UNIT_MESSAGE = 'Choose the unit from the register (its id, e.g. laguna-city.5.18-A)';

/**
 * The complaint, and optionally the client's id for this submission: with one, sending the same
 * submission again (a retry after a 5xx or a lost answer) returns the complaint already opened.
 */
const NewComplaintRequest = NewComplaintInput.extend({
  /** The estate register's unit picked in New complaint (its id): checked against the register. */
  registerUnit: z
    .string({ error: UNIT_MESSAGE })
    .trim()
    .refine((id) => parseUnitId(id) !== undefined, UNIT_MESSAGE)
    .optional(),
  submissionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/, 'Use 8 to 100 letters, digits, - or _ (a UUID will do)')
    .optional(),
});

/**
 * `POST /api/complaints`: reception logs a phone, walk-in, letter or fax complaint while the
 * owner is still talking; the workflow starts at once. 201 with the reference number (also for
 * a repeat of a submission already opened: the client sees the same answer as the first time).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  if (!mayLogComplaints(caller)) throw new ForbiddenError(`A ${caller.role} cannot log complaints`);
  const { submissionId, registerUnit: unitId, ...given } = parseBody(event, NewComplaintRequest);
  if (!mayLogComplaintIn(caller, given.area)) {
    throw new ForbiddenError(`You can log complaints for ${caller.area} only`);
  }
  // The unit must be one of the register's, in the complaint's area (one office's register).
  const registerUnit = unitId ? await registerUnitIn(TABLE_NAME, unitId, given.area) : undefined;
  if (unitId && !registerUnit) {
    throw new ValidationError([
      { field: 'registerUnit', message: `No unit ${unitId} in the register of ${given.area}` },
    ]);
  }
  // Form 17 prints the written building and unit: the register's, unless reception wrote them.
  const input = registerUnit
    ? {
        ...given,
        building:
          given.building || `${registerUnit.estate} ${registerUnit.building}`.slice(0, FIELD_LIMITS.building),
        unit: given.unit || registerUnit.unit.slice(0, FIELD_LIMITS.unit),
      }
    : given;
  const extra = registerUnit ? { registerUnit } : undefined;
  const foreign = (input.attachments ?? []).findIndex((a) => areaOfKey(a.key) !== input.area);
  if (foreign >= 0) {
    throw new ValidationError([
      { field: `attachments.${foreign}.key`, message: 'This file was uploaded for another area' },
    ]);
  }
  const attachments = input.attachments ?? [];
  if (attachments.length) {
    const stored = await Promise.all(attachments.map((a) => storedUpload(ATTACHMENTS_BUCKET, a.key)));
    const problems = uploadProblems(attachments, stored, caller.username);
    if (problems.length) throw new ValidationError(problems);
  }
  const deps = { table: TABLE_NAME, stateMachineArn: STATE_MACHINE_ARN };
  const receivedBy = signatureOf(caller);
  const record = submissionId
    ? await openSubmittedComplaint(deps, input, receivedBy, submissionId, extra)
    : await openComplaint(deps, input, receivedBy, extra ? { extra } : {});
  logger.info('Complaint logged', { ref: record.ref, channel: record.channel, area: record.area });
  metrics.addMetric('ComplaintsReceived', 'Count', 1);
  return json(201, {
    ref: record.ref,
    status: record.status,
    currentStep: record.currentStep,
    receivedAt: record.receivedAt,
    flags: record.flags,
    links: { self: `/api/complaints/${record.ref}` },
  });
}, apiErrors());
