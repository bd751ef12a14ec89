import { appendDirectoryEvent, getEstate, getUnit, saveUnit } from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger, metrics } from '#commons/powertools.ts';
import { directoryEditRefusal } from '#domain/access.ts';
import {
  NewUnitInput,
  newUnit,
  patchedUnit,
  residentChanges,
  type Stamp,
  type Unit,
  UnitPatch,
} from '#domain/directory/register.ts';
import { unitView } from '#domain/directory/views.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import type { StaffMember } from '#domain/staff.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * The register's units and their residents, kept by reception, supervisors and customer service
 * of the unit's area (lambdas/domain/access.ts mayEditDirectory), each change on the audit trail:
 * - `POST /api/directory/units` a unit of a building (floor and flat as written: 18, 十八樓,
 *   G/F; A, 03), with its residents;
 * - `PATCH /api/directory/units/{id}` its label and its residents as they now are (a resident
 *   left out has moved out), with the `version` read: a stale one is a 409.
 * The unit's search terms and contact pointers follow it (lambdas/adapters/directory.ts saveUnit).
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const stamp: Stamp = { by: caller.username, role: caller.role, at: new Date().toISOString() };
  if (event.routeKey === 'POST /api/directory/units')
    return createUnit(caller, parseBody(event, NewUnitInput), stamp);
  if (event.routeKey === 'PATCH /api/directory/units/{id}') {
    const id = event.pathParameters?.id ?? '';
    const unit = await getUnit(TABLE_NAME, id);
    if (!unit) throw new NotFoundError(`No unit ${id} in the register`);
    authorise(caller, unit.area);
    return updateUnit(caller, unit, parseBody(event, UnitPatch), stamp);
  }
  throw new NotFoundError(`No route ${event.routeKey}`);
}, apiErrors());

function authorise(caller: StaffMember, area: string): void {
  const refusal = directoryEditRefusal(caller, area, 'units');
  if (refusal) throw new ForbiddenError(refusal);
}

async function createUnit(caller: StaffMember, input: NewUnitInput, stamp: Stamp): Promise<ApiResult> {
  const estate = await getEstate(TABLE_NAME, input.estate);
  if (!estate)
    throw new ValidationError([{ field: 'estate', message: `No estate ${input.estate} in the register` }]);
  authorise(caller, estate.area);
  if (!estate.buildings[input.building]) {
    throw new ValidationError([
      {
        field: 'building',
        message: `${estate.id} has no building ${input.building}: add the building first`,
      },
    ]);
  }
  const unit = newUnit(input, estate, stamp);
  if ((await saveUnit(TABLE_NAME, unit, undefined, estate.style)) === 'conflict') {
    throw new ConflictError(`Unit ${unit.id} is already in the register: edit it instead`);
  }
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: estate.id,
    target: unit.id,
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'unit-created',
    details: {
      ...(unit.label ? { label: unit.label } : {}),
      residents: residentChanges([], unit.residents),
    },
  });
  logger.info('Unit created', { unitId: unit.id, residents: unit.residents.length });
  metrics.addMetric('DirectoryUnitCreated', 'Count', 1);
  return json(201, unitView(unit, estate, 'zh-Hant'));
}

async function updateUnit(
  caller: StaffMember,
  unit: Unit,
  patch: UnitPatch,
  stamp: Stamp,
): Promise<ApiResult> {
  if (patch.version !== unit.version) {
    throw new ConflictError(`The unit changed since you read it (version ${unit.version} now): reload it`);
  }
  const estate = await getEstate(TABLE_NAME, unit.estateId);
  if (!estate) throw new NotFoundError(`No estate ${unit.estateId} in the register`);
  const edited = patchedUnit(unit, patch, stamp);
  if ((await saveUnit(TABLE_NAME, edited, unit, estate.style)) === 'conflict') {
    throw new ConflictError('The unit changed while you were editing it: reload it');
  }
  const residents = residentChanges(unit.residents, edited.residents);
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: unit.estateId,
    target: unit.id,
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'unit-updated',
    details: {
      ...(edited.label !== unit.label
        ? { label: { from: unit.label ?? null, to: edited.label ?? null } }
        : {}),
      residents,
    },
  });
  logger.info('Unit updated', {
    unitId: unit.id,
    version: edited.version,
    added: residents.added.length,
    removed: residents.removed.length,
    changed: residents.changed.length,
  });
  return json(200, unitView(edited, estate, 'zh-Hant'));
}
