import { type ApiEvent, type ApiResult, json } from '#commons/http.ts';
import { withPowertools } from '#commons/middy.ts';
import openApi from '../docs/openapi.json' with { type: 'json' };

/** `GET /api/openapi.json`: the staff API's OpenAPI document (docs/openapi.json). */
export const handler = withPowertools(async (_event: ApiEvent): Promise<ApiResult> => json(200, openApi));
