import { Annotations, Aws, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEPARTMENTS } from '#config/catalogue.ts';
import { FUNCTIONS, type FunctionKey } from '#config/functions.ts';
import { departmentGroup, ROLE_NAMES, STAFF_ROLES } from '#config/roles.ts';
import { ROUTES, type RouteSpec, routeKey } from '#config/routes.ts';
import { applyAccess } from '../access.ts';
import type { Settings } from '../deploy-settings.ts';
import type { DataStore } from './data.ts';
import { constructIdFor, HandlerFunction } from './handler-function.ts';

/** The custom attribute carrying a staff member's area (`custom:area` in the ID token). */
export const AREA_ATTRIBUTE = 'area';

/**
 * Routes that answer without a signed-in user, each with the reason that is safe. A route
 * marked `auth: false` in config/routes.ts but missing here keeps the authorizer.
 */
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  'GET /api/openapi.json':
    'The OpenAPI document describes the shape of the API and holds no complaint data; API tooling fetches it before anyone signs in.',
  'GET /api/owner/{linkId}':
    'Owners never sign in: the unguessable single-use link id (192 random bits, expiring) emailed to the owner is the credential; it shows only the plan or the finished work, no contact details.',
  'POST /api/owner/{linkId}':
    'Owners answer the plan or the satisfaction request from their emailed single-use link, which is the credential; the answer is validated, spends the link, and can complete only that step of that complaint.',
};

export interface StaffApiProps {
  /** The data the route functions are granted access to (lib/access.ts). */
  readonly data: DataStore;
  /** Deployment settings (lib/deploy-settings.ts): addresses, links and workflow settings for the handlers. */
  readonly settings: Settings;
  /** The workflow the API starts and answers. */
  readonly stateMachine: IStateMachine;
  /** The register import's worker, which the import route starts (lib/constructs/directory-import.ts). */
  readonly directoryImportFunction?: IFunction;
  /** The OCR function, which releasing a held fax starts (lib/constructs/fax-ocr.ts). */
  readonly ocrFunction?: IFunction;
  /** @default - the table of config/routes.ts */
  readonly routes?: readonly RouteSpec[];
  /** @default RetentionDays.ONE_YEAR */
  readonly logRetention?: RetentionDays;
  /** Steady-state requests per second across the API. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  /**
   * Origins the web app is served from (lib/constructs/web.ts). They get CORS on the API, and
   * the web client signs in through the Cognito hosted sign-in page back to `<origin>/sign-in`.
   * @default - no hosted sign-in, no CORS
   */
  readonly appOrigins?: readonly string[];
  /** Prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). @default '<stack name>-<account>' */
  readonly signInDomainPrefix?: string;
}

/**
 * The staff API: an HTTP API whose routes come from config/routes.ts, each to its function,
 * behind a JWT authorizer on a Cognito user pool. Staff carry one group per role of
 * config/roles.ts and their area in `custom:area`; handlers read both from the ID token's
 * claims (lambdas/domain/staff.ts). Access is logged and throttled.
 */
export class StaffApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly userPool: UserPool;
  /** The web app's client: its id is the JWT audience the authorizer accepts. */
  public readonly webClient: UserPoolClient;
  public readonly authorizer: HttpUserPoolAuthorizer;
  /** One function per distinct `fn` of the routes. */
  public readonly functions: ReadonlyMap<FunctionKey, HandlerFunction>;
  /** The routes, by route key (`GET /api/me`). */
  public readonly routes: ReadonlyMap<string, HttpRoute>;
  public readonly accessLogGroup: LogGroup;
  /** The hosted sign-in domain, when the API has app origins. */
  public readonly signInDomain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: StaffApiProps) {
    super(scope, id);
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const routes = props.routes ?? ROUTES;

    this.userPool = new UserPool(this, 'UserPool', {
      // Staff accounts are created by an administrator, never by sign-up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      customAttributes: {
        [AREA_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of STAFF_ROLES) {
      this.userPool.addGroup(`Group${constructIdFor({ id: role })}`, {
        groupName: role,
        description: `${ROLE_NAMES[role].en} (${ROLE_NAMES[role].zhHant})`,
      });
    }
    // Each department its own group: a department member is in `department` and in their
    // department's `department-<id>`; work orders, their tasks and complaints go to that group only.
    for (const department of DEPARTMENTS) {
      this.userPool.addGroup(`GroupDepartment${constructIdFor(department)}`, {
        groupName: departmentGroup(department.id),
        description: `${department.en} (${department.zhHant}): members of the department role who work in it`,
      });
    }

    const appOrigins = props.appOrigins ?? [];
    const signInUrls = appOrigins.map((origin) => `${origin}/sign-in`);
    this.webClient = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // A public browser client: the hosted sign-in page with the authorization code grant and
      // PKCE (web/src/auth.ts), back to the app's own origins only. Never the implicit grant.
      authFlows: { userSrp: true },
      ...(appOrigins.length
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: signInUrls,
              logoutUrls: signInUrls,
            },
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
          }
        : { disableOAuth: true }),
      preventUserExistenceErrors: true,
      // Staff use the app all day: the ID token the API checks lasts an hour (a stolen one is
      // soon useless) and the app renews it with the refresh token (web/src/auth.ts), which
      // lasts a working day, so nobody signs in again mid-shift or loses what they typed.
      // Sign-out revokes the refresh token at /oauth2/revoke, hence revocation on.
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(AREA_ATTRIBUTE),
      // Staff must not change their own area: it decides which complaints they see.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    if (appOrigins.length) {
      const stack = Stack.of(this);
      this.signInDomain = this.userPool.addDomain('SignInDomain', {
        cognitoDomain: {
          domainPrefix:
            props.signInDomainPrefix ??
            Fn.join('-', [stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, ''), Aws.ACCOUNT_ID]),
        },
      });
    }

    this.authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', this.userPool, {
      userPoolClients: [this.webClient],
    });

    this.api = new HttpApi(this, 'Api', {
      description: 'Staff API of the complaint workflow',
      createDefaultStage: false,
      // Browsers may call it from the web app's origins only.
      ...(appOrigins.length
        ? {
            corsPreflight: {
              allowOrigins: [...appOrigins],
              // Every method a route uses (config/routes.ts), so a new route cannot be left out.
              allowMethods: corsMethods(routes),
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // Ids, timings and the caller's `sub`: no names, emails or request bodies.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    const functions = new Map<FunctionKey, HandlerFunction>();
    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    const apiRoutes = new Map<string, HttpRoute>();
    for (const route of routes) {
      const key = routeKey(route);
      if (apiRoutes.has(key)) throw new Error(`Route ${key} appears twice in the routes table`);
      let integration = integrations.get(route.fn);
      if (!integration) {
        const spec = FUNCTIONS[route.fn];
        const handler = new HandlerFunction(this, constructIdFor(spec), { spec, logRetention });
        applyAccess(handler, {
          data: props.data,
          settings: props.settings,
          stateMachine: props.stateMachine,
          ...(props.directoryImportFunction
            ? { directoryImportFunction: props.directoryImportFunction }
            : {}),
          ...(props.ocrFunction ? { ocrFunction: props.ocrFunction } : {}),
        });
        functions.set(route.fn, handler);
        integration = new HttpLambdaIntegration(`${constructIdFor(spec)}Integration`, handler.function);
        integrations.set(route.fn, integration);
      }
      const publicReason = PUBLIC_ROUTES[key];
      const isPublic = route.auth === false && publicReason !== undefined;
      if (route.auth === false && !isPublic) {
        // Fail closed: a route nobody has justified as public keeps the authorizer.
        Annotations.of(this).addWarningV2(
          'complaints:undeclared-public-route',
          `Route ${key} is marked auth: false but has no reason in PUBLIC_ROUTES (lib/constructs/staff-api.ts); it keeps the JWT authorizer.`,
        );
      }
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: isPublic ? new HttpNoneAuthorizer() : this.authorizer,
      });
      if (!added) throw new Error(`Route ${key} was not added`);
      if (isPublic) Validations.of(added).acknowledge({ id: 'AwsSolutions-APIG4', reason: publicReason });
      apiRoutes.set(key, added);
    }
    this.functions = functions;
    this.routes = apiRoutes;
  }

  /** The API's base URL. */
  public get url(): string {
    return this.stage.url;
  }
}

/** The CORS methods of the API: every method of config/routes.ts, and OPTIONS for the preflight. */
export function corsMethods(routes: readonly RouteSpec[] = ROUTES): CorsHttpMethod[] {
  const methods = new Set<string>([...routes.map((route) => route.method), 'OPTIONS']);
  return [...methods].map((method) => CorsHttpMethod[method as keyof typeof CorsHttpMethod]);
}
