import {
  appendDirectoryEvent,
  getEstate,
  putNewEstate,
  replaceEstate,
  writeBuilding,
} from '#adapters/directory.ts';
import { requireEnv } from '#commons/environment.ts';
import { type ApiEvent, type ApiResult, apiErrors, callerOf, json, parseBody } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { logger } from '#commons/powertools.ts';
import { directoryEditRefusal } from '#domain/access.ts';
import {
  BuildingInput,
  BuildingPatch,
  buildingIdOf,
  buildingOf,
  type Estate,
  EstatePatch,
  estateChanges,
  NewEstateInput,
  newEstate,
  patchedEstate,
  type Stamp,
} from '#domain/directory/register.ts';
import { estateView } from '#domain/directory/views.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '#domain/errors.ts';
import { DIRECTORY_LIMITS } from '#domain/fields.ts';
import type { StaffMember } from '#domain/staff.ts';

const TABLE_NAME = requireEnv('TABLE_NAME');

/**
 * The register's estates and buildings, changed by an area's supervisor or customer service
 * (lambdas/domain/access.ts mayEditEstates), each change on the estate's audit trail:
 * - `POST /api/directory/estates` a new estate (its id chosen by staff: `laguna-city`);
 * - `PATCH /api/directory/estates/{id}` its names, address, style or owners' organisations,
 *   with the `version` read (a stale one is a 409);
 * - `POST /api/directory/estates/{id}/buildings` a building, by its code (from its name where
 *   the name has one: 第五座 → 5);
 * - `PATCH /api/directory/estates/{id}/buildings/{code}` a building's names.
 */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  const stamp: Stamp = { by: caller.username, role: caller.role, at: new Date().toISOString() };
  switch (event.routeKey) {
    case 'POST /api/directory/estates':
      return createEstate(caller, parseBody(event, NewEstateInput), stamp);
    case 'PATCH /api/directory/estates/{id}':
      return updateEstate(caller, await estateOf(event), parseBody(event, EstatePatch), stamp);
    case 'POST /api/directory/estates/{id}/buildings':
      return addBuilding(caller, await estateOf(event), parseBody(event, BuildingInput), stamp);
    case 'PATCH /api/directory/estates/{id}/buildings/{code}':
      return renameBuilding(
        caller,
        await estateOf(event),
        event.pathParameters?.code ?? '',
        parseBody(event, BuildingPatch),
        stamp,
      );
    default:
      throw new NotFoundError(`No route ${event.routeKey}`);
  }
}, apiErrors());

async function estateOf(event: ApiEvent): Promise<Estate> {
  const id = event.pathParameters?.id ?? '';
  const estate = await getEstate(TABLE_NAME, id);
  if (!estate) throw new NotFoundError(`No estate ${id} in the register`);
  return estate;
}

function authorise(caller: StaffMember, area: string): void {
  const refusal = directoryEditRefusal(caller, area, 'estates');
  if (refusal) throw new ForbiddenError(refusal);
}

async function createEstate(caller: StaffMember, input: NewEstateInput, stamp: Stamp): Promise<ApiResult> {
  authorise(caller, input.area);
  const estate = newEstate(input, stamp);
  if (!(await putNewEstate(TABLE_NAME, estate))) {
    throw new ConflictError(
      `An estate with the id ${input.id} is already in the register: choose another id`,
    );
  }
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: estate.id,
    target: estate.id,
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'estate-created',
    details: {
      area: estate.area,
      name: estate.name,
      style: estate.style,
      organisations: estate.organisations.length,
    },
  });
  logger.info('Estate created', { estateId: estate.id, area: estate.area });
  return json(201, estateView(estate, 'zh-Hant'));
}

async function updateEstate(
  caller: StaffMember,
  estate: Estate,
  patch: EstatePatch,
  stamp: Stamp,
): Promise<ApiResult> {
  authorise(caller, estate.area);
  if (patch.version !== estate.version) {
    throw new ConflictError(
      `The estate changed since you read it (version ${estate.version} now): reload it`,
    );
  }
  const edited = patchedEstate(estate, patch, stamp);
  if (!(await replaceEstate(TABLE_NAME, edited, patch.version))) {
    throw new ConflictError('The estate changed while you were editing it: reload it');
  }
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: estate.id,
    target: estate.id,
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'estate-updated',
    details: estateChanges(estate, edited),
  });
  logger.info('Estate updated', { estateId: estate.id, version: edited.version });
  return json(200, estateView(edited, 'zh-Hant'));
}

async function addBuilding(
  caller: StaffMember,
  estate: Estate,
  input: BuildingInput,
  stamp: Stamp,
): Promise<ApiResult> {
  authorise(caller, estate.area);
  if (estate.buildings[input.code]) {
    throw new ConflictError(`${estate.id} has a building ${input.code} already: give this one another code`);
  }
  if (Object.keys(estate.buildings).length >= DIRECTORY_LIMITS.buildingsPerEstate) {
    throw new ValidationError([
      { field: 'code', message: `An estate has at most ${DIRECTORY_LIMITS.buildingsPerEstate} buildings` },
    ]);
  }
  const building = buildingOf(input);
  const written = await writeBuilding(TABLE_NAME, estate.id, building, {
    adding: true,
    maxBuildings: DIRECTORY_LIMITS.buildingsPerEstate,
    stamp,
  });
  // Lost to a concurrent add of the same code, or of the last building allowed.
  if (!written.ok)
    throw new ConflictError(`The estate changed while you were adding ${input.code}: reload it`);
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: estate.id,
    target: buildingIdOf(estate.id, building.code),
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'building-added',
    details: { code: building.code, name: building.name },
  });
  return json(201, estateView(written.estate, 'zh-Hant'));
}

async function renameBuilding(
  caller: StaffMember,
  estate: Estate,
  rawCode: string,
  patch: BuildingPatch,
  stamp: Stamp,
): Promise<ApiResult> {
  authorise(caller, estate.area);
  const code = rawCode.trim().toUpperCase();
  const before = estate.buildings[code];
  if (!before) throw new NotFoundError(`${estate.id} has no building ${code}`);
  const building = buildingOf({ code, name: patch.name });
  const written = await writeBuilding(TABLE_NAME, estate.id, building, {
    adding: false,
    maxBuildings: DIRECTORY_LIMITS.buildingsPerEstate,
    stamp,
  });
  if (!written.ok) throw new NotFoundError(`${estate.id} has no building ${code}`);
  await appendDirectoryEvent(TABLE_NAME, {
    estateId: estate.id,
    target: buildingIdOf(estate.id, code),
    at: stamp.at,
    actor: caller.username,
    role: caller.role,
    action: 'building-updated',
    details: { name: { from: before.name, to: building.name } },
  });
  return json(200, estateView(written.estate, 'zh-Hant'));
}
