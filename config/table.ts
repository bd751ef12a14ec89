/**
 * The single DynamoDB table's key schema and indexes, declared once for CDK and the local
 * stack. Items (see lambdas/domain/keys.ts):
 * - complaint record   PK=C#<ref>  SK=RECORD
 * - task               PK=C#<ref>  SK=TASK#<taskId>   (GSI1 while open)
 * - audit event        PK=C#<ref>  SK=EVENT#<iso time>#<seq>
 * - correspondence     PK=C#<ref>  SK=MAIL#<iso time>#<id>
 * - periodic report    PK=REPORTS        SK=REPORT#<id>   (lambdas/adapters/reports.ts)
 * - rectification item PK=RECTIFICATION  SK=ITEM#<id>
 * - mail log           PK=MAILLOG#<day>  SK=MSG#<SES message id>  (GSI1 `MAILREVIEW#<status>#<area>`
 *                      while held or quarantined for staff review)
 * - message link       PK=MSGID#<Message-ID>  SK=MSGID  (threading; one delivery claims a message)
 * - limit counter      PK=FLOOD#<mailbox> | ACKS#<mailbox> | REPLIES#<ref>  SK=HOUR#<hour> | TOTAL
 *                      (mail limits, lambdas/domain/mail/keys.ts)
 * - related complaint  PK=RELUNIT#<unit id> | RELBLDG#<estate>.<building> | RELEST#<estate>
 *                      SK=<receivedAt>#<ref>  (repeats, clusters, estate statistics: lambdas/domain/related.ts)
 * - retention sweep    PK=RETENTION  SK=AREA#<area>  (how far retention has erased: lambdas/adapters/retention.ts)
 */
const INDEX = {
  /**
   * Open tasks by role and area, soonest due first. Sparse: only open tasks carry GSI1 keys
   * (and mail waiting for staff review, under `MAILREVIEW#` keys).
   */
  openTasksByRoleArea: {
    name: 'OpenTasksByRoleArea',
    partitionKey: 'GSI1PK',
    sortKey: 'GSI1SK',
  },
  /** Complaints by area and month of receipt: the periodic report reads this, never Scan. */
  complaintsByAreaMonth: {
    name: 'ComplaintsByAreaMonth',
    partitionKey: 'GSI2PK',
    sortKey: 'GSI2SK',
  },
  /** Complaints by owner contact (email or phone): threading and repeat complainants. */
  complaintsByOwnerContact: {
    name: 'ComplaintsByOwnerContact',
    partitionKey: 'GSI3PK',
    sortKey: 'GSI3SK',
  },
} as const;

type TableIndex = (typeof INDEX)[keyof typeof INDEX];

/** An index's name, as IAM grants and Query requests name it. */
export type IndexName = TableIndex['name'];

export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /** Each index by what it is for: `TABLE.index.openTasksByRoleArea.name`. */
  index: INDEX,
  /** Every index, in the order CDK and the local emulator create them. */
  indexes: Object.values(INDEX) as readonly TableIndex[],
} as const;
