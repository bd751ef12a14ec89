import { type ApiEvent, type ApiResult, apiErrors, callerOf, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import { ROLE_NAMES } from '#config/roles.ts';

/** `GET /api/me`: who the web app is signed in as. */
export const handler = withPowertools(async (event: ApiEvent): Promise<ApiResult> => {
  const caller = callerOf(event);
  return json(200, { ...caller, roleName: ROLE_NAMES[caller.role] });
}, apiErrors());
