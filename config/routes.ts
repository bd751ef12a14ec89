import { FUNCTIONS, type FunctionKey } from './functions.ts';

/**
 * The one table of staff API routes. CDK adds each as an HTTP API route with the JWT
 * authorizer; the local API Gateway stand-in routes requests with the same table.
 * Paths use API Gateway syntax (`{param}`).
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly fn: FunctionKey;
  /** Owner pages are reached from emailed links and carry no JWT. @default true */
  readonly auth?: boolean;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/api/complaints', fn: 'createComplaint' },
  { method: 'GET', path: '/api/complaints', fn: 'listComplaints' },
  { method: 'GET', path: '/api/complaints/{ref}', fn: 'getComplaint' },
  { method: 'GET', path: '/api/complaints/{ref}/correspondence', fn: 'listCorrespondence' },
  { method: 'GET', path: '/api/complaints/{ref}/correspondence/{key}', fn: 'getCorrespondence' },
  { method: 'POST', path: '/api/complaints/{ref}/area', fn: 'changeArea' },
  { method: 'POST', path: '/api/complaints/{ref}/ending', fn: 'endComplaint' },
  { method: 'POST', path: '/api/complaints/{ref}/progress-notices', fn: 'switchProgressNotices' },
  { method: 'POST', path: '/api/complaints/{ref}/corrections', fn: 'correctComplaint' },
  { method: 'POST', path: '/api/complaints/{ref}/notes', fn: 'addNote' },
  { method: 'POST', path: '/api/complaints/{ref}/messages', fn: 'sendOwnerMessage' },
  { method: 'GET', path: '/api/tasks', fn: 'listTasks' },
  { method: 'POST', path: '/api/tasks/{id}/complete', fn: 'completeTask' },
  { method: 'POST', path: '/api/tasks/{id}/pause', fn: 'pauseTask' },
  { method: 'POST', path: '/api/tasks/{id}/resume', fn: 'pauseTask' },
  { method: 'POST', path: '/api/tasks/{id}/calls', fn: 'logCall' },
  { method: 'GET', path: '/api/me', fn: 'whoAmI' },
  { method: 'GET', path: '/api/mail', fn: 'listMail' },
  { method: 'GET', path: '/api/mail/{id}', fn: 'getMail' },
  { method: 'POST', path: '/api/mail/{id}/release', fn: 'releaseMail' },
  { method: 'GET', path: '/api/openapi.json', fn: 'getOpenApi', auth: false },
  { method: 'POST', path: '/api/attachments', fn: 'createUpload' },
  { method: 'GET', path: '/api/complaints/{ref}/attachments/{index}', fn: 'getAttachment' },
  { method: 'GET', path: '/api/complaints/{ref}/mail/{mailId}/attachments/{index}', fn: 'getAttachment' },
  { method: 'GET', path: '/api/owner/{linkId}', fn: 'getOwnerLink', auth: false },
  { method: 'POST', path: '/api/owner/{linkId}', fn: 'answerOwnerLink', auth: false },
  { method: 'POST', path: '/api/reports', fn: 'createReport' },
  { method: 'GET', path: '/api/reports', fn: 'listReports' },
  { method: 'GET', path: '/api/reports/{id}', fn: 'getReport' },
  { method: 'GET', path: '/api/rectifications', fn: 'listRectifications' },
  { method: 'PATCH', path: '/api/rectifications/{id}', fn: 'updateRectification' },
  // Estate register
  { method: 'GET', path: '/api/directory/estates', fn: 'listEstates' },
  { method: 'POST', path: '/api/directory/estates', fn: 'editEstate' },
  { method: 'GET', path: '/api/directory/estates/{id}', fn: 'getEstate' },
  { method: 'GET', path: '/api/directory/estates/{id}/statistics', fn: 'getEstateStatistics' },
  { method: 'PATCH', path: '/api/directory/estates/{id}', fn: 'editEstate' },
  { method: 'POST', path: '/api/directory/estates/{id}/buildings', fn: 'editEstate' },
  { method: 'PATCH', path: '/api/directory/estates/{id}/buildings/{code}', fn: 'editEstate' },
  { method: 'GET', path: '/api/directory/units', fn: 'searchUnits' },
  { method: 'POST', path: '/api/directory/units', fn: 'editUnit' },
  { method: 'GET', path: '/api/directory/units/{id}', fn: 'getUnit' },
  { method: 'PATCH', path: '/api/directory/units/{id}', fn: 'editUnit' },
  { method: 'POST', path: '/api/directory/imports/uploads', fn: 'importDirectory' },
  { method: 'POST', path: '/api/directory/imports', fn: 'importDirectory' },
  { method: 'GET', path: '/api/directory/imports/{id}', fn: 'importDirectory' },
  { method: 'GET', path: '/api/directory/export', fn: 'exportDirectory' },
];

export function routeKey(route: RouteSpec): string {
  return `${route.method} ${route.path}`;
}

export function routeFunction(route: RouteSpec) {
  return FUNCTIONS[route.fn];
}
