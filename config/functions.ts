import { type FunctionAccess, READ_PARTITION, WRITE_ITEMS } from './function-access.ts';

/**
 * The one table of Lambda functions. The CDK workflow/API constructs create a function per
 * entry, and the local stack imports the same entry files in-process, so the two cannot drift.
 *
 * `placeholder` is the `${...}` name the ASL uses for the function's ARN (CDK passes it in
 * `definitionSubstitutions`; the local stack substitutes a local ARN and maps it back here).
 *
 * `access` is what the function may touch: the one place where a handler's permissions, and
 * so its environment variables, are decided. It is required, so a function cannot be added
 * without one (`{}` when it needs nothing). CDK turns it into grants and variables
 * (lib/access.ts); the local stack gives the handler the same variables and no others
 * (local/runtime/function-environment.ts).
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
  /** What it may touch, and so the environment variables it is given (config/function-access.ts). */
  readonly access: FunctionAccess;
}

/** The periodic report's access, scheduled or made on request. */
const REPORT_ACCESS: FunctionAccess = {
  tableReads: READ_PARTITION,
  tableWrites: WRITE_ITEMS,
  indexQueries: ['ComplaintsByAreaMonth', 'OpenTasksByRoleArea', 'ComplaintsByOwnerContact'],
  writeReports: true,
  sendMail: true,
  appLinks: true,
  workflowSettings: true,
  reportSettings: true,
};

export const FUNCTIONS = {
  // ---- Invoked by the state machine -----------------------------------------------------
  createTask: {
    id: 'create-task',
    entry: 'lambdas/create-task.ts',
    placeholder: 'CreateTaskFunctionArn',
    description:
      'Stores a human step of the procedure with its task token, role, area (and department) and due time; emails the assignee',
    // Closes the previous step's task, stores the new one (conditional put), marks the current
    // step, appends the audit event and emails the role's mailbox once.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      sendMail: true,
      appLinks: true,
      staffMail: true,
      // A department's task notice goes to that department's mailbox.
      departmentMail: true,
    },
  },
  notifyOwner: {
    id: 'notify-owner',
    entry: 'lambdas/notify-owner.ts',
    placeholder: 'NotifyOwnerFunctionArn',
    description:
      'Bilingual emails to the owner: acknowledgement, plan, progress, satisfaction request, closing note',
    // Reads the record with its correspondence (Query of the partition: the emails already
    // sent), stores the owner's single-use link, emails the owner once per round; counts the
    // acknowledgements to an address (conditional UpdateItem, GetItem of the hour before). A
    // progress notice without the department's update also emails the area's supervisor.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      sendMail: true,
      appLinks: true,
      staffMail: true,
      workflowSettings: true,
      acknowledgementLimit: true,
    },
  },
  issueWorkOrder: {
    id: 'issue-work-order',
    entry: 'lambdas/issue-work-order.ts',
    placeholder: 'IssueWorkOrderFunctionArn',
    description: 'Issues the numbered work order to the responsible department (procedure step 4)',
    // Numbers the work order on the record and emails the department once (the partition's
    // correspondence tells whether it was).
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      sendMail: true,
      appLinks: true,
      departmentMail: true,
      workflowSettings: true,
    },
  },
  recordWorkflowEvent: {
    id: 'record-workflow-event',
    entry: 'lambdas/record-workflow-event.ts',
    placeholder: 'RecordWorkflowEventFunctionArn',
    description:
      'Records workflow events (late steps, escalations, no answer) and computes business-time deadlines',
    // Audit events, closing tasks the workflow no longer waits on, business-time deadlines.
    access: { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS, workflowSettings: true },
  },
  fileRecord: {
    id: 'file-record',
    entry: 'lambdas/file-record.ts',
    placeholder: 'FileRecordFunctionArn',
    description: 'Closes and files the complaint record (procedure step 9)',
    // Closes the record and any leftover task, then appends its audit event.
    access: { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS },
  },
  // ---- Email intake -----------------------------------------------------------------------
  intakeEmail: {
    id: 'intake-email',
    entry: 'lambdas/intake-email.ts',
    description:
      'Receives owner email and fax-to-email delivered by SES: opens, threads, holds or quarantines each message',
    memoryMb: 512,
    timeoutSeconds: 60,
    // Reads the raw message and stores its attachments; claims its Message-ID (conditional put),
    // finds its thread (GetItem) and the task waiting for the owner (Query of the partition),
    // takes the mail limits (conditional UpdateItem of counter items, GetItem of the hour
    // before), opens the complaint (counter, record, audit, execution); correspondence and the
    // mail-log line. The owner-contact index is no longer queried (the flood limit counted it
    // before it was atomic); test/infra/intake.test.ts still expects the permission. An owner's
    // verified reply that withdraws the complaint cancels the waiting task and fails its token
    // (SendTaskFailure), as staff recording it do (services/end-complaint.ts).
    access: {
      readRawMail: true,
      storeMailAttachments: true,
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      indexQueries: ['ComplaintsByOwnerContact'],
      startWorkflow: true,
      answerTasks: true,
      workflowSettings: true,
      intakeSettings: true,
      startFaxReading: true,
    },
  },
  listMail: {
    id: 'list-mail',
    entry: 'lambdas/list-mail.ts',
    description: 'Held and quarantined mail awaiting review, or one day of the mail log',
    // Held and quarantined mail on the review index (GSI1), or one day's mail log (Query).
    access: { tableReads: ['dynamodb:Query'], indexQueries: ['OpenTasksByRoleArea'] },
  },
  getMail: {
    id: 'get-mail',
    entry: 'lambdas/get-mail.ts',
    description: 'One received message as the mail log keeps it: sender, subject, text, sanitised HTML',
    // One mail-log line.
    access: { tableReads: ['dynamodb:GetItem'] },
  },
  releaseMail: {
    id: 'release-mail',
    entry: 'lambdas/release-mail.ts',
    description: 'Staff turn a held or quarantined message into a complaint; the workflow starts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // Claims the mail-log line (conditional update), re-reads the raw message, then opens the
    // complaint as intake does (its related complaints: Queries of their pointers).
    access: {
      readRawMail: true,
      storeMailAttachments: true,
      tableReads: ['dynamodb:GetItem', 'dynamodb:Query'],
      tableWrites: WRITE_ITEMS,
      startWorkflow: true,
      workflowSettings: true,
      intakeSettings: true,
      startFaxReading: true,
    },
  },
  // ---- Staff API (config/routes.ts) -------------------------------------------------------
  createComplaint: {
    id: 'create-complaint',
    entry: 'lambdas/create-complaint.ts',
    description: 'Reception logs a phone, walk-in, letter or fax complaint; the workflow starts',
    // The reference counter (UpdateItem), the record and its first audit event, then the execution;
    // with a submission id, its item first (GetItem, then a conditional put), so a repeat opens nothing new.
    // Each attached scan's object first (HeadObject: uploaded, by the caller, as declared).
    // A register unit's related complaints: Queries of its pointers and of the rectification
    // partition (a cluster drafts an item, conditional put). A register unit picked: GetItems of
    // the unit and its estate (it exists, in the complaint's area).
    access: {
      readAttachments: true,
      tableReads: ['dynamodb:GetItem', 'dynamodb:Query'],
      tableWrites: WRITE_ITEMS,
      startWorkflow: true,
      workflowSettings: true,
    },
  },
  getComplaint: {
    id: 'get-complaint',
    entry: 'lambdas/get-complaint.ts',
    description: 'One complaint: the Form 17 record, open tasks, correspondence and timeline',
    // Queries of the complaint's partition: the record and tasks, the timeline, a page of the
    // correspondence, and for a task waiting on the owner the lines filed for it. The workflow
    // settings say after how many unanswered calls a call step may record the owner unreached.
    // A register unit's related complaints: Queries of its pointers, their records (BatchGetItem).
    // With no register unit, its suggestions: the register's estates (Query of their partition)
    // and the units its text names (BatchGetItem).
    access: { tableReads: ['dynamodb:Query', 'dynamodb:BatchGetItem'], workflowSettings: true },
  },
  listCorrespondence: {
    id: 'list-correspondence',
    entry: 'lambdas/list-correspondence.ts',
    description: "A page of a complaint's correspondence, newest first: its lines without bodies",
    // The record (GetItem: may the caller see it) and a page of the correspondence (Query).
    access: { tableReads: ['dynamodb:GetItem', 'dynamodb:Query'] },
  },
  getCorrespondence: {
    id: 'get-correspondence',
    entry: 'lambdas/get-correspondence.ts',
    description: "One email of a complaint's correspondence with its text and sanitised HTML",
    // The record and one line of the correspondence (GetItems).
    access: { tableReads: ['dynamodb:GetItem'] },
  },
  listComplaints: {
    id: 'list-complaints',
    entry: 'lambdas/list-complaints.ts',
    description: 'Complaints by area and month, newest first, filtered and paged',
    access: { indexQueries: ['ComplaintsByAreaMonth'] },
  },
  listTasks: {
    id: 'list-tasks',
    entry: 'lambdas/list-tasks.ts',
    description: "The caller's open tasks by role and area, overdue first",
    // Open tasks (index), for a task waiting on the owner the emails filed for it (Query), and
    // for tasks stored before they carried their row's fields, the records (BatchGetItem).
    access: {
      tableReads: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
      indexQueries: ['OpenTasksByRoleArea'],
    },
  },
  completeTask: {
    id: 'complete-task',
    entry: 'lambdas/complete-task.ts',
    description: "Records a step's decision and moves the workflow on",
    // Reads the task and record, closes the task, updates the record, audits, answers the token;
    // for a call step's unreached outcome, reads the timeline's calls first (Query).
    access: {
      tableReads: ['dynamodb:GetItem', 'dynamodb:Query'],
      tableWrites: WRITE_ITEMS,
      answerTasks: true,
      workflowSettings: true,
    },
  },
  logCall: {
    id: 'log-call',
    entry: 'lambdas/log-call.ts',
    description: 'Logs a call to the owner on a step that asks for one; a reached call completes the step',
    // Reads the task and record, numbers the call on the task (conditional UpdateItem), writes its
    // audit line; a reached call then completes the step as complete-task does.
    access: {
      tableReads: ['dynamodb:GetItem'],
      tableWrites: WRITE_ITEMS,
      answerTasks: true,
      workflowSettings: true,
    },
  },
  correctComplaint: {
    id: 'correct-complaint',
    entry: 'lambdas/correct-complaint.ts',
    description: "Corrects fields of a complaint's record with a reason, each change an audit line",
    // Reads the record (GetItem, strongly), puts the correction's audit lines (BatchWriteItem),
    // then writes the record on condition nobody changed it meanwhile (UpdateItem). A register
    // unit picked is read first (GetItems of the unit and its estate: it exists, in the area). A new unit
    // or category re-indexes its related complaints (pointers, Queries of them and of the
    // rectification partition, the flags, a cluster's draft: PutItem) by the workflow settings.
    access: {
      tableReads: ['dynamodb:GetItem', 'dynamodb:Query'],
      tableWrites: ['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:PutItem'],
      workflowSettings: true,
    },
  },
  addNote: {
    id: 'add-note',
    entry: 'lambdas/add-note.ts',
    description: "Adds an internal note (never sent to the owner) to a complaint's timeline",
    // Reads the record (GetItem), counts the note on it (UpdateItem), puts the note's line (PutItem).
    access: { tableReads: ['dynamodb:GetItem'], tableWrites: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  },
  pauseTask: {
    id: 'pause-task',
    entry: 'lambdas/pause-task.ts',
    description:
      "Pauses a step's clock with a reason until a date or an event, or resumes it; the workflow waits meanwhile",
    // Reads the task and the record (GetItem), closes the task (conditional UpdateItem), sets the
    // pause on the record (conditional UpdateItem), appends the audit line (PutItem), and fails
    // the task's token (SendTaskFailure); resuming answers the paused task (SendTaskSuccess).
    access: {
      tableReads: ['dynamodb:GetItem'],
      tableWrites: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      answerTasks: true,
      workflowSettings: true,
    },
  },
  endComplaint: {
    id: 'end-complaint',
    entry: 'lambdas/end-complaint.ts',
    description:
      'Records that the owner withdrew a complaint, or that the supervisor referred it elsewhere; it goes on to filing',
    // Reads the record (GetItem, strongly), sets its ending on condition it is open and not
    // closing (UpdateItem), appends the audit line (PutItem), reads its tasks (Query), cancels
    // each open one (UpdateItem) and fails its token (SendTaskFailure) so the workflow files it.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      answerTasks: true,
    },
  },
  switchProgressNotices: {
    id: 'switch-progress-notices',
    entry: 'lambdas/switch-progress-notices.ts',
    description: "Turns a complaint's progress notices to the owner off, with a reason, or on again",
    // Reads the record and its tasks (GetItem, Query), switches the notices on condition
    // (UpdateItem), appends the audit line (PutItem); turning them on during the work cancels
    // its task (UpdateItem) and fails its token (SendTaskFailure) so it wakes for the next notice.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
      answerTasks: true,
      workflowSettings: true,
    },
  },
  changeArea: {
    id: 'change-area',
    entry: 'lambdas/change-area.ts',
    description: 'Moves a complaint that landed in the wrong area, with its open task, to another area',
    // Reads the record (GetItem), moves it and its open tasks (conditional UpdateItems) after a
    // Query of the partition, appends the audit event (PutItem), emails the new area's role
    // mailbox of each moved task once. Its register unit is looked up (Query of the unit, GetItem
    // of its estate); one of another area is cleared, and its related-complaint pointers marked
    // moved (PutItems) by the workflow settings' thresholds.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      sendMail: true,
      appLinks: true,
      staffMail: true,
      workflowSettings: true,
    },
  },
  sendOwnerMessage: {
    id: 'send-owner-message',
    entry: 'lambdas/send-owner-message.ts',
    description:
      "Staff write to the owner from the complaint page: one bilingual email per submission, threaded on the owner's last",
    // Reads the record (GetItem), claims the submission (conditional put, GetItem and conditional
    // UpdateItem of its claim), finds the owner's last email (Query of the partition's
    // correspondence), emails the owner, then files the line, the reply link, the audit event and
    // the claim marked sent (BatchWriteItem).
    access: { tableReads: READ_PARTITION, tableWrites: WRITE_ITEMS, sendMail: true },
  },
  getOpenApi: {
    id: 'get-openapi',
    entry: 'lambdas/get-openapi.ts',
    description: 'The OpenAPI document of the staff API',
    // Serves a document bundled with it.
    access: {},
  },
  whoAmI: {
    id: 'who-am-i',
    entry: 'lambdas/who-am-i.ts',
    description: "Returns the signed-in staff member's role and area",
    // Reads only the caller's JWT claims.
    access: {},
  },
  createUpload: {
    id: 'create-upload',
    entry: 'lambdas/create-upload.ts',
    description: 'A presigned URL to upload a scanned letter or fax straight to the attachments bucket',
    // Signs one upload URL under uploads/<area>/; the browser PUTs the file, Lambda never sees it.
    access: { uploadAttachments: true },
  },
  getAttachment: {
    id: 'get-attachment',
    entry: 'lambdas/get-attachment.ts',
    description:
      "A short-lived download URL for one of a complaint's files: scans uploaded with it, attachments of mail received on it",
    // Reads the record (area check, an uploaded scan's key) and, for an attachment of received
    // mail, that day's items of the complaint's correspondence (Query); signs one download URL.
    access: { tableReads: READ_PARTITION, readAttachments: true, readMailAttachments: true },
  },
  // ---- Owner pages (no sign-in; single-use links from our emails) ------------------------
  getOwnerLink: {
    id: 'get-owner-link',
    entry: 'lambdas/get-owner-link.ts',
    description: "What an owner's emailed link asks (the plan, or the finished work to rate); never acts",
    // The owner's link (GetItem) and the complaint's partition (Query: record, is the step open).
    access: { tableReads: READ_PARTITION },
  },
  answerOwnerLink: {
    id: 'answer-owner-link',
    entry: 'lambdas/answer-owner-link.ts',
    description: "Records the owner's answer to the plan or the satisfaction request and spends the link",
    // As complete-task, plus the link: spent by a conditional UpdateItem.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      answerTasks: true,
      workflowSettings: true,
    },
  },
  // ---- Periodic analysis report (procedure step 10) ---------------------------------------
  runScheduledReport: {
    id: 'run-scheduled-report',
    entry: 'lambdas/run-scheduled-report.ts',
    description:
      'The periodic analysis report and rectification plan, on schedule: stored in S3 (HTML, CSV) and emailed',
    memoryMb: 1024,
    timeoutSeconds: 900,
    // The period's pages of the area/month index, open tasks (past deadline), owners' history
    // (repeat complainants); its own item and rectification items (one partition each); files
    // under reports/; the email to the recipients.
    access: REPORT_ACCESS,
  },
  // ---- Retention (issue 16 §6) -------------------------------------------------------------
  runRetention: {
    id: 'run-retention',
    entry: 'lambdas/run-retention.ts',
    description:
      "Daily: erases owners' personal data from complaints past the retention (record, mail, files, search terms), statistics kept",
    timeoutSeconds: 900,
    // The months of receipt past the cutoff (area/month index), the sweep's mark (GetItem, Put),
    // each due complaint's partition (Query), its erased lines and record put back (PutItem,
    // BatchWriteItem: also the search terms it deletes), its mail's and scans' files deleted.
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      indexQueries: ['ComplaintsByAreaMonth'],
      workflowSettings: true,
      eraseOwnerFiles: true,
    },
  },
  // ---- Category and department suggestion (issue 19 §3) -------------------------------------
  trainTriageModel: {
    id: 'train-triage-model',
    entry: 'lambdas/train-triage-model.ts',
    description:
      'Daily: retrains the category and department suggestion on the signed supervisor reviews, stores the model',
    memoryMb: 512,
    timeoutSeconds: 300,
    // The months of receipt of the last two years (area/month index, Query), the model (PutItem).
    access: {
      tableReads: READ_PARTITION,
      tableWrites: WRITE_ITEMS,
      indexQueries: ['ComplaintsByAreaMonth'],
    },
  },
  createReport: {
    id: 'create-report',
    entry: 'lambdas/create-report.ts',
    description: "Customer service makes a month's or week's analysis report now: stored, emailed, answered",
    memoryMb: 1024,
    // Answered within the HTTP API's 30 s; a longer run still finishes and appears in the list.
    timeoutSeconds: 120,
    // As the scheduled report, and it signs links to the files it answers with.
    access: { ...REPORT_ACCESS, readReports: true },
  },
  listReports: {
    id: 'list-reports',
    entry: 'lambdas/list-reports.ts',
    description: 'Past analysis reports, newest first, with their headline figures',
    // One Query of the reports partition.
    access: { tableReads: ['dynamodb:Query'] },
  },
  getReport: {
    id: 'get-report',
    entry: 'lambdas/get-report.ts',
    description: 'One analysis report: its figures, its HTML in a language, links to the HTML and CSV',
    // The report's item, its figures and HTML from S3, signed links to its files.
    access: { tableReads: ['dynamodb:GetItem'], readReports: true },
  },
  listRectifications: {
    id: 'list-rectifications',
    entry: 'lambdas/list-rectifications.ts',
    description: "The rectification plan's items with their progress",
    // One Query of the rectification partition.
    access: { tableReads: ['dynamodb:Query'] },
  },
  updateRectification: {
    id: 'update-rectification',
    entry: 'lambdas/update-rectification.ts',
    description: 'Customer service edits, approves and tracks a rectification item to done',
    // Reads the item, writes it back conditional on its version.
    access: { tableReads: ['dynamodb:GetItem'], tableWrites: ['dynamodb:PutItem'] },
  },
  // ---- Estate register (lambdas/domain/directory) ---------------------------------------------
  listEstates: {
    id: 'list-estates',
    entry: 'lambdas/list-estates.ts',
    description:
      "The estates of the register the caller reads, with their buildings and owners' organisations",
    // One Query of the estates' partition.
    access: { tableReads: ['dynamodb:Query'] },
  },
  getEstateStatistics: {
    id: 'get-estate-statistics',
    entry: 'lambdas/get-estate-statistics.ts',
    description:
      "An estate's yearly complaint statistics for its owners' organisation, as HTML (printable) and CSV, with no personal data",
    // The estate (GetItem), its related-complaint pointers of the year (Query of its partition),
    // the complaints' dates, category, status, unit and rating (BatchGetItem). Writes nothing.
    access: { tableReads: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'] },
  },
  getEstate: {
    id: 'get-estate',
    entry: 'lambdas/get-estate.ts',
    description: 'One estate of the register with its buildings, organisations and audit trail',
    // The estate (GetItem) and its newest audit lines (Query of its partition).
    access: { tableReads: READ_PARTITION },
  },
  editEstate: {
    id: 'edit-estate',
    entry: 'lambdas/edit-estate.ts',
    description:
      "Supervisors and customer service add and change estates, their buildings and owners' organisations",
    // Reads the estate, writes it conditionally (PutItem; a building by UpdateItem of its map),
    // appends the audit line (PutItem).
    access: { tableReads: ['dynamodb:GetItem'], tableWrites: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  },
  searchUnits: {
    id: 'search-units',
    entry: 'lambdas/search-units.ts',
    description: 'Units of the register by estate, building, unit, resident name, phone or email, paged',
    // The estates (Query), pages of an estate's units or of search-term partitions (Query), the
    // units the terms point at (GetItem).
    access: { tableReads: READ_PARTITION },
  },
  getUnit: {
    id: 'get-unit',
    entry: 'lambdas/get-unit.ts',
    description: 'One unit of the register with its residents, their contacts and its audit trail',
    // The unit and its estate (GetItem), its newest audit lines (Query).
    access: { tableReads: READ_PARTITION },
  },
  editUnit: {
    id: 'edit-unit',
    entry: 'lambdas/edit-unit.ts',
    description:
      'Reception, supervisors and customer service add units and keep their residents and contacts',
    // Reads the estate and unit, puts the unit conditionally on its version (PutItem) and the
    // audit line; its search terms and contacts by BatchWriteItem on those pointers only.
    access: {
      tableReads: ['dynamodb:GetItem'],
      tableWrites: ['dynamodb:PutItem'],
      directoryPointers: true,
    },
  },
  importDirectory: {
    id: 'import-directory',
    entry: 'lambdas/import-directory.ts',
    description:
      'Register import: presigns the upload of the file, records the import as a job and starts its worker, and answers how the job stands',
    // Presigns the file's upload (PutObject under uploads/), stores a file sent as the body
    // there itself, and checks an uploaded one (HeadObject: GetObject under uploads/); records
    // the job and reads it back (IMPORTJOB# items only); starts the worker (an event invocation).
    access: {
      importJobs: true,
      startDirectoryImport: true,
      uploadAttachments: true,
      readAttachments: true,
    },
  },
  runDirectoryImport: {
    id: 'run-directory-import',
    entry: 'lambdas/run-directory-import.ts',
    description:
      'Runs a register import job: every row of the file checked first, then only changed units written, each audited',
    // 20,000 units with 30,000 residents: the file, the register's units of its estates and the
    // plan are held at once, and written in about half a minute locally. Lambda's longest time
    // limit (lambdas/domain/directory/import-job.ts IMPORT_WORKER_SECONDS): API Gateway's 30 s
    // is not on this path.
    memoryMb: 1769,
    timeoutSeconds: 900,
    // Reads the file (GetObject under uploads/); reads the estates (GetItem) and their units
    // (Query), the units' versions just before writing them (BatchGetItem); the units and their
    // audit lines by BatchWriteItem on the estates' partitions only, their search terms and
    // contacts by BatchWriteItem on those pointers only; moves its job on (IMPORTJOB# items only).
    access: {
      tableReads: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
      directoryPointers: true,
      directoryBatchWrites: true,
      readAttachments: true,
      importJobs: true,
    },
  },
  readFaxPages: {
    id: 'read-fax-pages',
    entry: 'lambdas/read-fax-pages.ts',
    description:
      'OCR of a faxed complaint after intake: reads its pages and suggests the owner, phone, building, unit and content',
    // PaddleOCR on onnxruntime-node: the models' sessions (about 400 MB resident) and a page's
    // bitmaps; 2 GB also gives the function a second vCPU's share. A page takes about 4 s here,
    // a complaint up to 30 pages (config/ocr.ts OCR_LIMITS).
    memoryMb: 2048,
    timeoutSeconds: 300,
    // Reads the record (GetItem), its files (GetObject under mail/ and uploads/), stores `ocr`
    // on the record (UpdateItem).
    access: {
      tableReads: ['dynamodb:GetItem'],
      tableWrites: ['dynamodb:UpdateItem'],
      readAttachments: true,
      readMailAttachments: true,
    },
  },
  exportDirectory: {
    id: 'export-directory',
    entry: 'lambdas/export-directory.ts',
    description: "An estate's units and residents as a CSV or Excel file the import reads back",
    memoryMb: 1024,
    // The estate (GetItem) and its units (Query of its partition). Writes nothing.
    access: { tableReads: READ_PARTITION },
  },
  // ---- Mail where SES does not receive (deployed only in those shapes: lib/app.ts) ---------
  pollMailbox: {
    id: 'poll-mailbox',
    entry: 'lambdas/poll-mailbox.ts',
    description:
      "Where SES does not receive (AWS China): takes new mail from the company's mailbox over IMAP and hands each message to intake-email",
    // One poll at a time reads up to a batch of messages; it stops taking new ones well before
    // its time is up, so a message is never left half handed over.
    timeoutSeconds: 300,
    // Reads the mailbox's credentials, stores each raw message as the SES receipt rule would,
    // invokes intake-email with the SES-shaped event, and only then moves the message out of
    // the folder it polls.
    access: { mailbox: true, storeRawMail: true, handOffToIntake: true },
  },
  forwardMail: {
    id: 'forward-mail',
    entry: 'lambdas/forward-mail.ts',
    description:
      "Runs in the SES receiving region: copies each received message to the home region's raw-mail bucket and hands it to intake-email there",
    timeoutSeconds: 60,
    // Copies the raw message from the intake region's bucket (named in SES's notification) to
    // the home raw-mail bucket, then invokes intake-email in the home region with SES's event.
    access: { storeRawMail: true, handOffToIntake: true },
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
