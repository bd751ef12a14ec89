/**
 * The one table of Lambda functions. The CDK workflow/API constructs create a function per
 * entry, and the local stack imports the same entry files in-process, so the two cannot drift.
 *
 * `placeholder` is the `${...}` name the ASL uses for the function's ARN (CDK passes it in
 * `definitionSubstitutions`; the local stack substitutes a local ARN and maps it back here).
 */
export interface FunctionSpec {
  /** Short id, also the local function name. */
  readonly id: string;
  /** Handler entry file, relative to the project root. Exports `handler`. */
  readonly entry: string;
  /** ASL placeholder for this function's ARN, when the state machine invokes it. */
  readonly placeholder?: string;
  readonly description: string;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
}

export const FUNCTIONS = {
  // ---- Invoked by the state machine -----------------------------------------------------
  createTask: {
    id: 'create-task',
    entry: 'lambdas/create-task.ts',
    placeholder: 'CreateTaskFunctionArn',
    description:
      'Stores a human step of the procedure with its task token, role, area and due time; emails the assignee',
  },
  notifyOwner: {
    id: 'notify-owner',
    entry: 'lambdas/notify-owner.ts',
    placeholder: 'NotifyOwnerFunctionArn',
    description: 'Bilingual emails to the owner: acknowledgement, plan, satisfaction request, closing note',
  },
  workOrder: {
    id: 'work-order',
    entry: 'lambdas/work-order.ts',
    placeholder: 'WorkOrderFunctionArn',
    description: 'Issues the numbered work order to the responsible department (procedure step 4)',
  },
  deadline: {
    id: 'deadline',
    entry: 'lambdas/deadline.ts',
    placeholder: 'DeadlineFunctionArn',
    description:
      'Records workflow events (late steps, escalations, no answer) and computes business-time deadlines',
  },
  fileRecord: {
    id: 'file-record',
    entry: 'lambdas/file-record.ts',
    placeholder: 'FileRecordFunctionArn',
    description: 'Closes and files the complaint record (procedure step 9)',
  },
  // ---- Email intake -----------------------------------------------------------------------
  intakeEmail: {
    id: 'intake-email',
    entry: 'lambdas/intake-email.ts',
    description: 'Receives owner email and fax-to-email delivered by SES',
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  // ---- Staff API (config/routes.ts) -------------------------------------------------------
  createComplaint: {
    id: 'create-complaint',
    entry: 'lambdas/create-complaint.ts',
    description: 'Reception logs a phone, walk-in, letter or fax complaint; the workflow starts',
  },
  getComplaint: {
    id: 'get-complaint',
    entry: 'lambdas/get-complaint.ts',
    description: 'One complaint: the Form 17 record, open tasks, correspondence and timeline',
  },
  listComplaints: {
    id: 'list-complaints',
    entry: 'lambdas/list-complaints.ts',
    description: 'Complaints by area and month, newest first, filtered and paged',
  },
  listTasks: {
    id: 'list-tasks',
    entry: 'lambdas/list-tasks.ts',
    description: "The caller's open tasks by role and area, overdue first",
  },
  completeTask: {
    id: 'complete-task',
    entry: 'lambdas/complete-task.ts',
    description: "Records a step's decision and moves the workflow on",
  },
  getOpenApi: {
    id: 'get-openapi',
    entry: 'lambdas/get-openapi.ts',
    description: 'The OpenAPI document of the staff API',
  },
  whoAmI: {
    id: 'who-am-i',
    entry: 'lambdas/who-am-i.ts',
    description: "Returns the signed-in staff member's role and area",
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionKey = keyof typeof FUNCTIONS;

export const FUNCTION_SPECS: readonly FunctionSpec[] = Object.values(FUNCTIONS);

/** Functions the state machine invokes, keyed by their ASL placeholder. */
export function stateMachineFunctions(): Map<string, FunctionSpec> {
  const byPlaceholder = new Map<string, FunctionSpec>();
  for (const spec of FUNCTION_SPECS) {
    if (spec.placeholder) byPlaceholder.set(spec.placeholder, spec);
  }
  return byPlaceholder;
}
