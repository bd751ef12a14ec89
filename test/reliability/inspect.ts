import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';

/**
 * Reads what the product stored, straight from the emulators (never through a fault proxy):
 * the whole table, grouped the way the assertions need it, and the SES outbox.
 */

export interface ComplaintState {
  readonly ref: string;
  readonly record: Record<string, unknown>;
  readonly tasks: Record<string, unknown>[];
  readonly events: Record<string, unknown>[];
  /** Every item of the partition (for a failure's diagnosis). */
  readonly items: Record<string, unknown>[];
}

export interface TableState {
  readonly complaints: Map<string, ComplaintState>;
  /** Mail-log lines by SES message id (more than one would be a defect). */
  readonly mailLog: Map<string, Record<string, unknown>[]>;
  /** Items left without a record in their complaint partition (a defect). */
  readonly orphans: Record<string, unknown>[];
  readonly submissions: Record<string, unknown>[];
}

export function directDynamo(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}

export async function readTable(db: DynamoDBDocumentClient, table: string): Promise<TableState> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await db.send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);

  const partitions = new Map<string, Record<string, unknown>[]>();
  const mailLog = new Map<string, Record<string, unknown>[]>();
  const submissions: Record<string, unknown>[] = [];
  for (const item of items) {
    const pk = String(item.PK);
    if (pk.startsWith('C#')) {
      const list = partitions.get(pk) ?? [];
      list.push(item);
      partitions.set(pk, list);
    } else if (item.type === 'mail-log') {
      const id = String(item.sesMessageId);
      mailLog.set(id, [...(mailLog.get(id) ?? []), item]);
    } else if (item.type === 'submission') {
      submissions.push(item);
    }
  }
  const complaints = new Map<string, ComplaintState>();
  const orphans: Record<string, unknown>[] = [];
  for (const [pk, list] of partitions) {
    const record = list.find((i) => i.SK === 'RECORD');
    if (!record) {
      orphans.push(...list);
      continue;
    }
    const ref = pk.slice(2);
    complaints.set(ref, {
      ref,
      record,
      tasks: list.filter((i) => i.type === 'task'),
      events: list.filter((i) => i.type === 'event'),
      items: list,
    });
  }
  return { complaints, mailLog, orphans, submissions };
}

export interface OutboxEmail {
  readonly subject: string;
  readonly destination: { to: string[] };
  readonly messageId?: string;
  readonly at?: number;
}

export async function readOutbox(sesEndpoint: string): Promise<OutboxEmail[]> {
  const store = (await (await fetch(`${sesEndpoint}/store`)).json()) as { emails: OutboxEmail[] };
  return store.emails;
}

/** `[KE-2611-0001] 已收到您的投訴 We have received your complaint` → the reference. */
export function acknowledgedRef(email: OutboxEmail): string | undefined {
  return /^\[([A-Z]+-\d{4}-\d{4,})\] 已收到您的投[訴诉] We have received your complaint$/.exec(
    email.subject,
  )?.[1];
}

/** Counts values, for the printed summary. */
export function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
