import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { NotAuthorisedError, type StaffMember, staffFromClaims } from '#domain/staff.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyResultV2;

/** Security headers on every API answer. */
export const SECURITY_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
} as const;

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { ...SECURITY_HEADERS }, body: JSON.stringify(body) };
}

/** The caller, from the authorizer's claims; 401 when there is none or it has no staff role. */
export function callerOf(event: ApiEvent): StaffMember | ApiResult {
  try {
    return staffFromClaims(event.requestContext.authorizer?.jwt?.claims);
  } catch (error) {
    if (error instanceof NotAuthorisedError) return json(401, { message: error.message });
    throw error;
  }
}
