import { execFileSync } from 'node:child_process';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { WEB_DIST, webBuildIsFresh } from '../../web/build.ts';
import { PROJECT_ROOT } from './handler-function.ts';

/** What the web app reads from `/config.json` in a deployment (web/src/auth.ts AppConfig). */
export interface WebAppConfig {
  /** The staff API's base URL. */
  readonly apiUrl: string;
  /** The Cognito hosted sign-in domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly signInUrl: string;
  /** The user pool client the app signs in with (the API's JWT audience). */
  readonly clientId: string;
}

export interface WebAppProps {
  /** Receives the server access logs of the app's buckets. */
  readonly accessLogsBucket: IBucket;
  /** The bucket the browser uploads scanned letters and faxes to; the app's origins may PUT there. */
  readonly uploadsBucket: Bucket;
  /** More origins the app is served from, e.g. the custom domain in `publicAppUrl`. @default - none */
  readonly extraOrigins?: readonly string[];
  /** An AWS WAF web ACL (created in us-east-1) to attach to the distribution. @default - none */
  readonly webAclId?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The staff web app and owner pages: a private S3 bucket behind CloudFront with origin access
 * control, security headers on every answer, single-page-app fallback to index.html, and
 * access logs. `deploy()` uploads the build with the deployment's `/config.json`.
 */
export class WebApp extends Construct {
  public readonly bucket: Bucket;
  public readonly logsBucket: Bucket;
  public readonly distribution: Distribution;
  public readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** `https://<distribution domain>`. */
  public readonly url: string;
  /** Every origin the app is served from: CORS on the API and uploads, Cognito callbacks. */
  public readonly origins: readonly string[];

  constructor(scope: Construct, id: string, props: WebAppProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'web/',
      removalPolicy,
    });
    // CloudFront standard logs are delivered with ACLs, so they need a bucket that allows them.
    this.logsBucket = new Bucket(this, 'CdnLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'cdn-logs/',
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: Duration.days(400) }],
      removalPolicy,
    });

    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Staff web app and owner pages: CSP, HSTS, no framing, no referrer (owner links stay private)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy(), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Complaint handling: staff web app and owner pages',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      // A single-page app: /tasks, /complaints/KE-…, /owner/<link> are all index.html.
      // (S3 answers 403 for a key that is not there, behind origin access control.)
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclId ? { webAclId: props.webAclId } : {}),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.origins = [this.url, ...(props.extraOrigins ?? [])];

    // Scans go from the browser straight to S3 with presigned URLs: only the app may do that.
    props.uploadsBucket.addCorsRule({
      allowedOrigins: [...this.origins],
      allowedMethods: [HttpMethods.PUT],
      // The uploader's tag is signed into the PUT as object metadata (lambdas/adapters/files.ts).
      allowedHeaders: ['content-type', 'x-amz-meta-uploader'],
      maxAge: 600,
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: owners answer their links from wherever they are (many live or travel abroad); staff sign in through Cognito with MFA.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront web ACL must be created in us-east-1, outside this stack; pass its id as webAclId to attach one. The distribution serves only static files; every API call carries a Cognito JWT.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot pin TLS 1.2; deployments with their own domain add its ACM certificate, which sets TLSv1.2_2021 as the minimum.',
      },
    );
  }

  /**
   * Where the page may connect: itself, the API, Cognito and S3 in the region (presigned
   * uploads; naming the bucket here would make the bucket's CORS rule and this policy depend
   * on each other).
   */
  private contentSecurityPolicy(): string {
    const region = Stack.of(this).region;
    const suffix = Stack.of(this).urlSuffix;
    return [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      `connect-src 'self' https://*.execute-api.${region}.${suffix} https://*.auth.${region}.amazoncognito.com https://*.s3.${region}.${suffix}`,
      "object-src 'none'",
      "base-uri 'none'",
      `form-action 'self' https://*.auth.${region}.amazoncognito.com`,
      "frame-ancestors 'none'",
    ].join('; ');
  }

  /**
   * Uploads the built app, and `/config.json` telling it where the API and the hosted sign-in
   * are. Hashed assets are cached for a year; index.html and config.json are revalidated.
   */
  public deploy(config: WebAppConfig): void {
    ensureWebBuilt();
    const common = { destinationBucket: this.bucket, prune: false, memoryLimit: 256 };
    new BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [Source.asset(WEB_DIST, { exclude: ['index.html', 'config.json'] })],
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    new BucketDeployment(this, 'DeployPages', {
      ...common,
      sources: [
        Source.asset(WEB_DIST, { exclude: ['assets', 'assets/**', 'config.json'] }),
        Source.jsonData('config.json', {
          apiUrl: config.apiUrl,
          auth: { kind: 'cognito', domain: config.signInUrl, clientId: config.clientId },
        }),
      ],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    this.acknowledgeDeploymentProvider();
  }

  /**
   * BucketDeployment runs one CDK-provided function per stack (a singleton at the stack's
   * root) that copies the build from the CDK assets bucket into the web bucket at deploy time.
   * Its role and runtime are CDK's; these are the findings on it, each for its reason.
   */
  private acknowledgeDeploymentProvider(): void {
    const stack = Stack.of(this);
    const provider = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!provider) return;
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    const copy =
      'CDK BucketDeployment copies the built web app from the CDK assets bucket into the web bucket at deploy time; CDK grants its S3 actions with these wildcards, scoped to those two buckets.';
    Validations.of(provider).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The CDK BucketDeployment provider function runs only during deployments and logs through the AWS managed basic execution policy CDK attaches to it.',
      },
      { id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]', reason: copy },
      { id: 'AwsSolutions-IAM5[Action::s3:GetObject*]', reason: copy },
      { id: 'AwsSolutions-IAM5[Action::s3:List*]', reason: copy },
      { id: 'AwsSolutions-IAM5[Action::s3:Abort*]', reason: copy },
      { id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', reason: copy },
      {
        // Literal where the stack's environment is (a region given in context), tokens otherwise.
        id: `AwsSolutions-IAM5[Resource::arn:${literalOr(stack.partition, '<AWS::Partition>')}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${literalOr(stack.region, '<AWS::Region>')}/*]`,
        reason: copy,
      },
      { id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`, reason: copy },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CDK grants the BucketDeployment provider cloudfront:CreateInvalidation and GetInvalidation on * to invalidate index.html and config.json after a deployment.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'The BucketDeployment provider is CDK’s own function (Python runtime chosen by CDK); it runs only during deployments, never on user requests.',
      },
    );
  }
}

/** A stack attribute as cdk-nag prints it: the literal value, or its token's name. */
function literalOr(value: string, tokenName: string): string {
  return Token.isUnresolved(value) ? tokenName : value;
}

/** Builds web/dist with Vite (in a child process: synth is synchronous) unless it is up to date. */
function ensureWebBuilt(): void {
  if (webBuildIsFresh()) return;
  const script = `import('./web/build.ts').then((m) => m.buildWeb())`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PROJECT_ROOT,
    stdio: 'inherit',
  });
}
