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
  issueWorkOrder: {
    id: 'issue-work-order',
    entry: 'lambdas/issue-work-order.ts',
    placeholder: 'IssueWorkOrderFunctionArn',
    description: 'Issues the numbered work order to the responsible department (procedure step 4)',
  },
  recordWorkflowEvent: {
    id: 'record-workflow-event',
    entry: 'lambdas/record-workflow-event.ts',
    placeholder: 'RecordWorkflowEventFunctionArn',
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
    description:
      'Receives owner email and fax-to-email delivered by SES: opens, threads, holds or quarantines each message',
    memoryMb: 512,
    timeoutSeconds: 60,
  },
  listMail: {
    id: 'list-mail',
    entry: 'lambdas/list-mail.ts',
    description: 'Held and quarantined mail awaiting review, or one day of the mail log',
  },
  getMail: {
    id: 'get-mail',
    entry: 'lambdas/get-mail.ts',
    description: 'One received message as the mail log keeps it: sender, subject, text, sanitised HTML',
  },
  releaseMail: {
    id: 'release-mail',
    entry: 'lambdas/release-mail.ts',
    description: 'Staff turn a held or quarantined message into a complaint; the workflow starts',
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
  listCorrespondence: {
    id: 'list-correspondence',
    entry: 'lambdas/list-correspondence.ts',
    description: "A page of a complaint's correspondence, newest first: its lines without bodies",
  },
  getCorrespondence: {
    id: 'get-correspondence',
    entry: 'lambdas/get-correspondence.ts',
    description: "One email of a complaint's correspondence with its text and sanitised HTML",
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
  changeArea: {
    id: 'change-area',
    entry: 'lambdas/change-area.ts',
    description: 'Moves a complaint that landed in the wrong area, with its open task, to another area',
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
  createUpload: {
    id: 'create-upload',
    entry: 'lambdas/create-upload.ts',
    description: 'A presigned URL to upload a scanned letter or fax straight to the attachments bucket',
  },
  getAttachment: {
    id: 'get-attachment',
    entry: 'lambdas/get-attachment.ts',
    description:
      "A short-lived download URL for one of a complaint's files: scans uploaded with it, attachments of mail received on it",
  },
  // ---- Owner pages (no sign-in; single-use links from our emails) ------------------------
  getOwnerLink: {
    id: 'get-owner-link',
    entry: 'lambdas/get-owner-link.ts',
    description: "What an owner's emailed link asks (the plan, or the finished work to rate); never acts",
  },
  answerOwnerLink: {
    id: 'answer-owner-link',
    entry: 'lambdas/answer-owner-link.ts',
    description: "Records the owner's answer to the plan or the satisfaction request and spends the link",
  },
  // ---- Periodic analysis report (procedure step 10) ---------------------------------------
  runScheduledReport: {
    id: 'run-scheduled-report',
    entry: 'lambdas/run-scheduled-report.ts',
    description:
      'The periodic analysis report and rectification plan, on schedule: stored in S3 (HTML, CSV) and emailed',
    memoryMb: 1024,
    timeoutSeconds: 900,
  },
  createReport: {
    id: 'create-report',
    entry: 'lambdas/create-report.ts',
    description: "Customer service makes a month's or week's analysis report now: stored, emailed, answered",
    memoryMb: 1024,
    // Answered within the HTTP API's 30 s; a longer run still finishes and appears in the list.
    timeoutSeconds: 120,
  },
  listReports: {
    id: 'list-reports',
    entry: 'lambdas/list-reports.ts',
    description: 'Past analysis reports, newest first, with their headline figures',
  },
  getReport: {
    id: 'get-report',
    entry: 'lambdas/get-report.ts',
    description: 'One analysis report: its figures, its HTML in a language, links to the HTML and CSV',
  },
  listRectifications: {
    id: 'list-rectifications',
    entry: 'lambdas/list-rectifications.ts',
    description: "The rectification plan's items with their progress",
  },
  updateRectification: {
    id: 'update-rectification',
    entry: 'lambdas/update-rectification.ts',
    description: 'Customer service edits, approves and tracks a rectification item to done',
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
