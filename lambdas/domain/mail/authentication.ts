/**
 * Whether a message's sender is who its From says, by the checks SES makes on receipt
 * (`receipt.spfVerdict`, `dkimVerdict`, `dmarcVerdict`: PASS, FAIL, GRAY, PROCESSING_FAILED).
 */

/** The verdicts as the mail log keeps them (`DISABLED` where SES gave none). */
export interface SenderVerdicts {
  readonly spf: string;
  readonly dkim: string;
  readonly dmarc: string;
}

/**
 * The rule large mailbox providers apply: a DMARC FAIL means the From domain's owner says
 * this message is not theirs (whatever policy it asks for: we only need to know whether to
 * believe the address); without a DMARC verdict (GRAY: the domain publishes none;
 * PROCESSING_FAILED: a DNS failure) a message is authenticated when SPF or DKIM passes, and
 * not when neither does. An unauthenticated message is still filed: it is only never taken
 * for the owner's answer, and never answered by email.
 */
export function senderAuthenticated(verdicts: SenderVerdicts): boolean {
  if (verdicts.dmarc === 'FAIL') return false;
  return verdicts.spf === 'PASS' || verdicts.dkim === 'PASS';
}
