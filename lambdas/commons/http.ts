import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { fieldErrors } from '#domain/complaint.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  StateConflictError,
  ValidationError,
} from '#domain/errors.ts';
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
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
} as const;

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { ...SECURITY_HEADERS }, body: JSON.stringify(body) };
}

/** The caller, from the JWT authorizer's claims. Throws NotAuthorisedError (401). */
export function callerOf(event: ApiEvent): StaffMember {
  return staffFromClaims(event.requestContext.authorizer?.jwt?.claims);
}

/** The request body as JSON, validated; a clear 400 with field errors otherwise. */
export function parseBody<T extends z.ZodType>(event: ApiEvent, schema: T): z.infer<T> {
  let body: unknown;
  try {
    const text = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ValidationError([
      { field: 'body', message: 'Send a JSON object (Content-Type: application/json)' },
    ]);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/**
 * Maps domain errors to HTTP answers at the edge; anything unexpected is logged and answered
 * with a bare 500 (internal errors are never echoed to callers).
 */
export function apiErrors(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof NotAuthorisedError) request.response = json(401, { message: error.message });
      else if (error instanceof ValidationError) request.response = json(400, { errors: error.errors });
      else if (error instanceof ForbiddenError) request.response = json(403, { message: error.message });
      else if (error instanceof NotFoundError) request.response = json(404, { message: error.message });
      else if (error instanceof StateConflictError || error instanceof ConflictError) {
        request.response = json(409, { message: error.message });
      } else {
        logger.error('Unhandled API error', { errorName: error?.name, errorMessage: error?.message });
        request.response = json(500, { message: 'Internal Server Error' });
      }
    },
  };
}
