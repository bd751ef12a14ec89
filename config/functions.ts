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
  createTask: {
    id: 'create-task',
    entry: 'lambdas/create-task.ts',
    placeholder: 'CreateTaskFunctionArn',
    description: 'Stores a human task of the procedure with its task token, role, area and due time',
  },
  fileRecord: {
    id: 'file-record',
    entry: 'lambdas/file-record.ts',
    placeholder: 'FileRecordFunctionArn',
    description: 'Closes and files the complaint record (procedure step 9)',
  },
  recordStep: {
    id: 'record-step',
    entry: 'lambdas/record-step.ts',
    placeholder: 'RecordStepFunctionArn',
    description: 'Writes a workflow step (escalation, timeout) to the complaint audit trail',
  },
  intakeEmail: {
    id: 'intake-email',
    entry: 'lambdas/intake-email.ts',
    description: 'Receives owner email and fax-to-email delivered by SES',
    memoryMb: 512,
    timeoutSeconds: 60,
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
