import { beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_POINTER_PREFIXES } from '#domain/directory/keys.ts';
import type { HandlerFunction } from '../../lib/constructs/handler-function.ts';
import {
  allowedActions,
  arnOf,
  logicalId,
  resource,
  roleStatements,
  type Synthesized,
  synthesize,
} from './support.ts';

/**
 * The estate register's functions in the stack: each may do only what its part needs. Readers
 * read the table (never an index, never a write); the estate editor writes estates and audit
 * lines but deletes nothing; the unit editor may delete only the register's derived pointers.
 */
let built: Synthesized;
beforeAll(() => {
  built = synthesize();
});

function handlerOf(key: string): HandlerFunction {
  const handler = built.stack.staffApi.functions.get(key as never);
  if (!handler) throw new Error(`no ${key} function`);
  return handler;
}

const tableActions = (key: string) =>
  allowedActions(built.template, handlerOf(key)).filter((a) => a.startsWith('dynamodb:'));

describe('the estate register’s functions', () => {
  it('lets the readers read the table only: no writes, no index', () => {
    expect(tableActions('listEstates')).toEqual(['dynamodb:Query']);
    for (const key of ['getEstate', 'searchUnits', 'getUnit']) {
      expect(tableActions(key), key).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      const statements = roleStatements(built.template, logicalId(handlerOf(key).role));
      const resources = statements
        .filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))
        .flatMap((s) => s.Resource);
      expect(resources, key).toEqual([arnOf(built.stack.data.table)]);
    }
  });

  it('lets the estate editor put and update items, and delete nothing', () => {
    expect(tableActions('editEstate')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lets the unit editor batch-write only the search terms and contacts, on their own partition keys', () => {
    const handler = handlerOf('editUnit');
    expect(tableActions('editUnit')).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    const batch = roleStatements(built.template, logicalId(handler.role)).filter((s) =>
      s.Action.includes('dynamodb:BatchWriteItem'),
    );
    expect(batch).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem'],
        Resource: [arnOf(built.stack.data.table)],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DIRTERM#*', 'DIRCONTACT#*'] } },
      },
    ]);
    expect(DIRECTORY_POINTER_PREFIXES).toEqual(['DIRTERM#', 'DIRCONTACT#']);
  });

  it('lets the import’s route record only its jobs and start only its worker, with nothing of the register', () => {
    const handler = handlerOf('importDirectory');
    expect(tableActions('importDirectory')).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const statements = roleStatements(built.template, logicalId(handler.role));
    const table = statements.filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(table.map((s) => s.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IMPORTJOB#*'] } },
    ]);
    const invoke = statements.filter((s) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke.map((s) => s.Resource)).toEqual([[arnOf(built.stack.directoryImport.handler.function)]]);
    const s3 = allowedActions(built.template, handler).filter((a) => a.startsWith('s3:'));
    expect(s3).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(JSON.stringify(statements.filter((s) => s.Action.some((a) => a.startsWith('s3:'))))).toMatch(
      /uploads\/\*/,
    );
  });

  it('lets the import’s worker batch-write only the estates’ partitions and the pointers, and read only uploads', () => {
    const handler = built.stack.directoryImport.handler;
    expect(allowedActions(built.template, handler).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const statements = roleStatements(built.template, logicalId(handler.role));
    const batch = statements.filter((s) => s.Action.includes('dynamodb:BatchWriteItem'));
    expect(batch.map((s) => s.Condition)).toEqual(
      expect.arrayContaining([
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DIRTERM#*', 'DIRCONTACT#*'] } },
        { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ESTATE#*'] } },
      ]),
    );
    expect(batch).toHaveLength(2);
    expect(batch.every((s) => s.Action.length === 1)).toBe(true);
    // Puts and updates only its jobs.
    const writes = statements.filter((s) => s.Action.includes('dynamodb:PutItem'));
    expect(writes.map((s) => s.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['IMPORTJOB#*'] } },
    ]);
    const s3 = allowedActions(built.template, handler).filter((a) => a.startsWith('s3:'));
    expect(s3).toEqual(['s3:GetObject']);
    const fn = resource(built.template, 'AWS::Lambda::Function', logicalId(handler.function));
    expect(fn.Properties.Timeout).toBe(900);
  });

  it('lets the export read the table only', () => {
    expect(tableActions('exportDirectory')).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('grants DeleteItem to no function at all', () => {
    for (const handler of [...built.stack.staffApi.functions.values()]) {
      expect(allowedActions(built.template, handler), handler.spec.id).not.toContain('dynamodb:DeleteItem');
    }
  });
});

describe('repeat complaints and estate statistics (issue 16 §4–5)', () => {
  it('lets the estate statistics read the table only: no writes, no index', () => {
    expect(tableActions('getEstateStatistics')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    const statements = roleStatements(built.template, logicalId(handlerOf('getEstateStatistics').role));
    const resources = statements
      .filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))
      .flatMap((s) => s.Resource);
    expect(resources).toEqual([arnOf(built.stack.data.table)]);
  });

  it('lets the complaint page read related complaints’ records, and the openers and correction query their pointers', () => {
    expect(tableActions('getComplaint')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(tableActions('createComplaint')).toEqual(
      expect.arrayContaining(['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']),
    );
    expect(tableActions('correctComplaint')).toEqual([
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    for (const key of ['createComplaint', 'correctComplaint', 'getComplaint', 'getEstateStatistics']) {
      expect(tableActions(key), key).not.toContain('dynamodb:DeleteItem');
    }
  });
});
