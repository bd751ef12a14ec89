import { Duration } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { EmailIdentity, Identity, type ReceiptRule, ReceiptRuleSet, TlsPolicy } from 'aws-cdk-lib/aws-ses';
import { Lambda as LambdaAction, LambdaInvocationType, S3 as S3Action } from 'aws-cdk-lib/aws-ses-actions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FUNCTIONS } from '#config/functions.ts';
import { applyAccess, RAW_MAIL_PREFIX } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { HandlerFunction } from './handler-function.ts';

export interface IntakeProps {
  readonly data: DataStore;
  /** Deployment settings (lib/deploy-settings.ts): addresses, links and workflow settings for the handlers. */
  readonly settings: Settings;
  /** The domain whose MX points at SES inbound. */
  readonly domain: string;
  /** The addresses the receipt rule accepts (owners' complaint mailbox, fax gateways). */
  readonly addresses: readonly string[];
  /** Create the SES identity for `domain` (false when the account already has it). @default true */
  readonly createIdentity?: boolean;
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** The complaint workflow: intake starts an execution for each new complaint. */
  readonly stateMachine: IStateMachine;
  /** The OCR function intake starts on a fax that needs transcription (lib/constructs/fax-ocr.ts). */
  readonly ocrFunction: IFunction;
  /**
   * Whether SES receives the mail in this stack's region (a receipt rule here). Not where
   * another region's intake stack forwards it (lib/intake-region-stack.ts) or the company's
   * mailbox is polled (lib/constructs/mailbox-intake.ts). @default true
   */
  readonly receiveWithSes?: boolean;
}

/**
 * Email in: an SES receipt rule for the intake addresses that scans each message for spam
 * and viruses, stores the raw MIME in the raw-mail bucket (up to 40 MB; a Lambda action alone
 * carries no body), then invokes the intake-email function asynchronously. The function opens
 * complaints (starting their workflow), threads replies, stores attachments, and holds or
 * quarantines what staff must look at. Events that fail every attempt land in a dead-letter
 * queue, so no owner's message is silently lost.
 */
export class Intake extends Construct {
  public readonly handler: HandlerFunction;
  public readonly deadLetterQueue: Queue;
  /** SES receiving, when it is in this stack's region. */
  public readonly ruleSet?: ReceiptRuleSet;
  public readonly rule?: ReceiptRule;
  public readonly identity?: EmailIdentity;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const { rawMailBucket } = props.data;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    this.handler = new HandlerFunction(this, 'IntakeEmail', {
      spec: FUNCTIONS.intakeEmail,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
    });
    applyAccess(this.handler, {
      data: props.data,
      settings: props.settings,
      stateMachine: props.stateMachine,
      ocrFunction: props.ocrFunction,
    });

    if (props.createIdentity ?? true) {
      // Receiving needs the domain verified; the DKIM records it outputs also sign replies.
      this.identity = new EmailIdentity(this, 'DomainIdentity', { identity: Identity.domain(props.domain) });
    }

    if (props.receiveWithSes ?? true) {
      this.ruleSet = new ReceiptRuleSet(this, 'RuleSet');
      this.rule = this.ruleSet.addRule('ComplaintMail', {
        ...complaintMailRule(props.addresses),
        actions: [
          new S3Action({ bucket: rawMailBucket, objectKeyPrefix: RAW_MAIL_PREFIX }),
          new LambdaAction({ function: this.handler.function, invocationType: LambdaInvocationType.EVENT }),
        ],
      });
    }
  }
}

/** What every receipt rule for the intake addresses does, in whichever region SES receives. */
export function complaintMailRule(addresses: readonly string[]) {
  return {
    recipients: [...addresses],
    scanEnabled: true,
    // Fax-to-email gateways and small mail hosts do not all offer STARTTLS.
    tlsPolicy: TlsPolicy.OPTIONAL,
  };
}
