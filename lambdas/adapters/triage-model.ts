import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '#config/table.ts';
import type { ComplaintRecord } from '#domain/complaint.ts';
import { assertItemFits } from '#domain/item-size.ts';
import { areaMonthPk } from '#domain/keys.ts';
import { isTriageModel, type TriageModel } from '#domain/triage/model.ts';
import { dynamo, putItem, queryAll } from './clients.ts';

/** The one stored model of the category and department suggestion (domain/triage/model.ts). */
const MODEL_KEY = { PK: 'TRIAGE', SK: 'MODEL' } as const;

/** The stored model, or undefined before the first training run (or if it is of another version). */
export async function getTriageModel(table: string): Promise<TriageModel | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: table, Key: MODEL_KEY }));
  const model = result.Item?.model;
  return isTriageModel(model) ? model : undefined;
}

/** Replaces the stored model; one over DynamoDB's 400 KB is refused before the request. */
export async function putTriageModel(table: string, model: TriageModel): Promise<void> {
  const item = {
    ...MODEL_KEY,
    type: 'triage-model',
    trainedAt: model.trainedAt,
    examples: model.examples,
    model,
  };
  assertItemFits(item, 'The triage model');
  await putItem({ TableName: table, Item: item });
}

/** What training reads of a complaint: its words and the category and department it was signed with. */
export type SignedComplaint = Pick<
  ComplaintRecord,
  'ref' | 'content' | 'category' | 'department' | 'supervisorReview' | 'personalDataErased'
>;

/** The complaints received in an area in a month (`YYYY-MM`), with only what training reads. */
export async function signedComplaintsOfMonth(
  table: string,
  area: string,
  month: string,
): Promise<SignedComplaint[]> {
  const items = await queryAll({
    TableName: table,
    IndexName: TABLE.index.complaintsByAreaMonth.name,
    KeyConditionExpression: 'GSI2PK = :pk',
    ExpressionAttributeValues: { ':pk': areaMonthPk(area, `${month}-01`) },
    ProjectionExpression: '#ref, content, category, department, supervisorReview, personalDataErased',
    ExpressionAttributeNames: { '#ref': 'ref' },
  });
  return items as SignedComplaint[];
}
