import { complaintPk } from '#domain/keys.ts';
import { queryPages } from './clients.ts';

/** A received message as the complaint's correspondence keeps it (adapters/complaints.ts putCorrespondence). */
export interface IncomingMailItem extends Record<string, unknown> {
  readonly id: string;
  readonly at: string;
  readonly sesMessageId: string;
}

/**
 * One received message on a complaint's correspondence, by the mail log's id of it
 * (`<UTC day>.<SES message id>`). Correspondence items are keyed `MAIL#<received at>#in.<SES id>`,
 * so a Query of that day's items of the complaint finds it without reading the rest of the
 * partition (text, HTML and attachment lists of every other message).
 */
export async function getIncomingMail(
  table: string,
  ref: string,
  mail: { readonly day: string; readonly sesMessageId: string },
): Promise<IncomingMailItem | undefined> {
  const pages = queryPages({
    TableName: table,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :day)',
    FilterExpression: '#id = :id',
    ExpressionAttributeNames: { '#id': 'id' },
    ExpressionAttributeValues: {
      ':pk': complaintPk(ref),
      ':day': `MAIL#${mail.day}`,
      ':id': `in.${mail.sesMessageId}`,
    },
  });
  for await (const page of pages) {
    const found = page.Items?.[0];
    if (found) {
      const { PK: _pk, SK: _sk, ...item } = found;
      return item as IncomingMailItem;
    }
  }
  return undefined;
}
