/**
 * An owner's email reply that withdraws the complaint (issue 17 §4): what the owner wrote above
 * the quoted message (content.ts replyTextOf) opens, in one of its first lines after a greeting,
 * with an explicit request to withdraw or cancel the complaint, in Chinese or English. Only an
 * explicit one: "我不想撤回", "should I withdraw?" and a mention further down do not count, and
 * intake acts on it only for a verified sender who is the complaint's owner
 * (services/intake-mail.ts); anything else stays a reply for staff to read.
 */
const WITHDRAWALS: readonly RegExp[] = [
  // 我要求撤回投訴 / 本人現決定撤銷此投訴 / 撤回投诉 / 請撤回我的投訴 / 我想取消這個投訴
  /^(?:本人|我|我們|我们)?(?:現|现|現在|现在)?(?:要求|要|決定|决定|想|希望|需要)?(?:請|请|麻煩|麻烦)?(?:撤回|撤銷|撤销|撤消|取消)(?:此|這個|这个|本|我的|我們的|我们的|該|该|有關|有关)?(?:宗|單|单|項|项)?(?:投訴|投诉)/,
  // I withdraw my complaint / I would like to withdraw this complaint / Please cancel my complaint
  /^(?:please\s+)?(?:i\s+(?:would\s+like\s+to|wish\s+to|want\s+to|hereby)\s+)?(?:withdraw|cancel)\s+(?:my|this|the|our)\s+complaint\b/i,
  /^i\s+(?:am\s+)?withdraw(?:ing)?\s+(?:my|this|the|our)\s+complaint\b/i,
];

/** Lines that may stand before it: a greeting to the office. */
const GREETING =
  /^(?:dear\b.*|hi\b.*|hello\b.*|to whom it may concern.*|.{0,20}(?:您好|你好|先生|小姐|管理處|管理处|物業|物业).{0,10}[:：,，]?)$/i;

/** Whether the owner's own words (a reply without its quote) ask to withdraw the complaint. */
export function asksToWithdraw(ownWords: string): boolean {
  const lines = ownWords
    .split('\n')
    .map((line) =>
      line
        .normalize('NFKC')
        .trim()
        .replace(/^[\s,，。.:：]+/, ''),
    )
    .filter(Boolean);
  for (const line of lines.slice(0, 3)) {
    if (WITHDRAWALS.some((pattern) => pattern.test(line))) return true;
    if (!GREETING.test(line)) return false;
  }
  return false;
}
