import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { NotAuthorisedError, type StaffMember, staffFromClaims } from '#domain/staff.ts';
import { logger } from './powertools.ts';

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

/** The caller, from the JWT authorizer's claims. Throws NotAuthorisedError (401). */
export function callerOf(event: ApiEvent): StaffMember {
  return staffFromClaims(event.requestContext.authorizer?.jwt?.claims);
}

/**
 * Maps domain errors to HTTP answers at the edge; anything unexpected is logged and answered
 * with a bare 500 (internal errors are never echoed to callers).
 */
export function apiErrors(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof NotAuthorisedError) {
        request.response = json(401, { message: error.message });
        return;
      }
      logger.error('Unhandled API error', { errorName: error?.name, errorMessage: error?.message });
      request.response = json(500, { message: 'Internal Server Error' });
    },
  };
}
