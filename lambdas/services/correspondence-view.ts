import { linesForTask, listCorrespondence } from '#adapters/correspondence.ts';
import {
  CORRESPONDENCE_PAGE_LINES,
  cursorAfter,
  type LinePosition,
  lineKeyOf,
  listLineOf,
  previewOf,
} from '#domain/correspondence.ts';
import { OWNER_ANSWER_STEPS, OWNER_REPLIES_SHOWN, type OwnerReply, type StoredTask } from '#domain/tasks.ts';

/** A page of a complaint's correspondence as the API answers it: lines without bodies. */
export interface CorrespondencePage {
  readonly items: ReturnType<typeof listLineOf>[];
  /** The cursor for the next (older) page, when there is one: `?before=<next>`. */
  readonly next?: string;
}

/** The lines of a complaint's correspondence older than `before` (or the newest), a page of them. */
export async function correspondencePage(
  table: string,
  ref: string,
  before?: LinePosition,
): Promise<CorrespondencePage> {
  const { lines, more } = await listCorrespondence(table, ref, {
    limit: CORRESPONDENCE_PAGE_LINES,
    ...(before ? { before } : {}),
  });
  const last = lines.at(-1);
  return {
    items: lines.map((line) => listLineOf(line.item, line.sortKey)),
    ...(more && last ? { next: cursorAfter({ at: last.at, key: last.sortKey }) } : {}),
  };
}

/**
 * The owner's emails shown on a task waiting for the owner's answer: the newest of the lines
 * intake filed for it on the correspondence (`ownerRepliesMore` when there are older ones).
 * A task stored before replies were read this way keeps the list it was given.
 */
export async function ownerRepliesOf(
  table: string,
  task: StoredTask,
): Promise<{ ownerReplies?: OwnerReply[]; ownerRepliesMore?: true }> {
  if (!OWNER_ANSWER_STEPS.includes(task.step)) return {};
  const { lines, more } = await linesForTask(table, task, OWNER_REPLIES_SHOWN);
  const replies = lines.map(({ item, sortKey }): OwnerReply => {
    const from = typeof item.from === 'string' ? item.from : undefined;
    return {
      id: String(item.id),
      key: lineKeyOf(sortKey),
      sesMessageId: String(item.sesMessageId ?? ''),
      at: String(item.at),
      subject: String(item.subject ?? ''),
      excerpt: typeof item.preview === 'string' ? item.preview : previewOf(String(item.text ?? '')),
      ...(from ? { from } : {}),
    };
  });
  const stored = task.ownerReplies?.slice(-OWNER_REPLIES_SHOWN) ?? [];
  const ownerReplies = replies.length ? replies : stored;
  return {
    ...(ownerReplies.length ? { ownerReplies } : {}),
    ...(more ? { ownerRepliesMore: true as const } : {}),
  };
}

/** Runs `work` on each item, at most `parallel` at once, results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}
