import { beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS } from '#config/catalogue.ts';
import { FUNCTIONS } from '#config/functions.ts';
import { STAFF_ROLES } from '#config/roles.ts';
import { ROUTES, routeKey } from '#config/routes.ts';
import { PUBLIC_ROUTES } from '../../lib/constructs/staff-api.ts';
import {
  allowedActions,
  arnOf,
  declaredActions,
  logicalId,
  resource,
  resourcesFor,
  type Synthesized,
  synthesize,
} from './support.ts';

let built: Synthesized;
beforeAll(() => {
  built = synthesize({ context: { apiRateLimit: '20', apiBurstLimit: '40' } });
});

const routesInTemplate = () => Object.values(built.template.findResources('AWS::ApiGatewayV2::Route'));

describe('the staff HTTP API', () => {
  it('has one route per entry of config/routes.ts, and no other', () => {
    expect(
      routesInTemplate()
        .map((route) => route.Properties.RouteKey)
        .sort(),
    ).toEqual(ROUTES.map(routeKey).sort());
  });

  it('sends each route to the function config/routes.ts names for it', () => {
    for (const route of ROUTES) {
      const cfnRoute = routesInTemplate().find((r) => r.Properties.RouteKey === routeKey(route));
      const target = JSON.stringify(cfnRoute?.Properties.Target);
      const integrationId = Object.keys(built.template.findResources('AWS::ApiGatewayV2::Integration')).find(
        (id) => target.includes(`"${id}"`),
      );
      expect(integrationId).toBeDefined();
      const integration = resource(built.template, 'AWS::ApiGatewayV2::Integration', integrationId ?? '');
      const handler = built.stack.staffApi.functions.get(route.fn);
      expect(handler?.spec).toBe(FUNCTIONS[route.fn]);
      if (!handler) continue;
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: arnOf(handler.function),
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('guards every signed-in route with the Cognito JWT authorizer', () => {
    const authorizerId = logicalId(built.stack.staffApi.api.node.findChild('StaffAuthorizer'));
    for (const route of ROUTES.filter((r) => r.auth ?? true)) {
      const cfnRoute = routesInTemplate().find((r) => r.Properties.RouteKey === routeKey(route));
      expect(cfnRoute?.Properties).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    const authorizer = resource(built.template, 'AWS::ApiGatewayV2::Authorizer', authorizerId);
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(built.stack.staffApi.webClient) }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.amazonaws.com/',
              { Ref: logicalId(built.stack.staffApi.userPool) },
            ],
          ],
        },
      },
    });
  });

  it('answers without sign-in only on routes declared public, each with its reason', () => {
    const publicInConfig = ROUTES.filter((route) => route.auth === false).map(routeKey);
    expect(publicInConfig.filter((key) => !(key in PUBLIC_ROUTES))).toEqual([]);
    const open = routesInTemplate()
      .filter((route) => route.Properties.AuthorizationType === 'NONE')
      .map((route) => route.Properties.RouteKey as string);
    expect(open.sort()).toEqual(publicInConfig.sort());
  });

  it('logs access as JSON without personal data and throttles as configured', () => {
    const stage = resource(built.template, 'AWS::ApiGatewayV2::Stage', logicalId(built.stack.staffApi.stage));
    expect(stage.Properties.StageName).toBe('$default');
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual(
      arnOf(built.stack.staffApi.accessLogGroup),
    );
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(Object.values(format).join(' ')).not.toMatch(/email|name|body/i);
    expect(stage.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
  });

  it('gives route functions exactly the access lib/access.ts declares', () => {
    for (const handler of built.stack.staffApi.functions.values()) {
      expect(allowedActions(built.template, handler), handler.spec.id).toEqual(declaredActions(handler));
    }
  });

  it('lets the download function read uploaded scans and mail attachments only: no raw mail, no reports, no writes', () => {
    const handler = built.stack.staffApi.functions.get('getAttachment');
    if (!handler) throw new Error('no getAttachment function');
    const roleId = logicalId(handler.role);
    const attachments = arnOf(built.stack.data.attachmentsBucket);
    const reads = resourcesFor(built.template, roleId, 's3:GetObject');
    expect(reads).toHaveLength(2);
    expect(reads).toEqual(
      expect.arrayContaining([
        { 'Fn::Join': ['', [attachments, '/uploads/*']] },
        { 'Fn::Join': ['', [attachments, '/mail/*']] },
      ]),
    );
    expect(resourcesFor(built.template, roleId, 's3:PutObject')).toEqual([]);
    // The record (GetItem) and a day of the complaint's correspondence (Query), on the table only.
    expect(resourcesFor(built.template, roleId, 'dynamodb:Query')).toEqual([arnOf(built.stack.data.table)]);
  });
});

describe('the staff user pool', () => {
  it('has one group per staff role and one per department, and none for owners', () => {
    const groups = Object.values(built.template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (group) => group.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(
      [...STAFF_ROLES, ...DEPARTMENTS.map((department) => `department-${department.id}`)].sort(),
    );
    expect(groups).not.toContain('owner');
  });

  it('carries each member’s area in custom:area, readable but not writable by the web app', () => {
    built.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: [
        {
          Name: 'area',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
        },
      ],
    });
    const client = resource(
      built.template,
      'AWS::Cognito::UserPoolClient',
      logicalId(built.stack.staffApi.webClient),
    );
    expect(client.Properties.ReadAttributes).toContain('custom:area');
    expect(client.Properties.WriteAttributes).not.toContain('custom:area');
  });

  it('admits staff only by invitation, with MFA and a strong password', () => {
    built.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('gives the web client the hosted sign-in with the code grant only, back to the app, and no secret', () => {
    const client = resource(
      built.template,
      'AWS::Cognito::UserPoolClient',
      logicalId(built.stack.staffApi.webClient),
    );
    expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.Properties.AllowedOAuthScopes.sort()).toEqual(['email', 'openid', 'profile']);
    expect(client.Properties.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.Properties.GenerateSecret).toBe(false);
    const webDomain = { 'Fn::GetAtt': [logicalId(built.stack.web.distribution), 'DomainName'] };
    expect(client.Properties.CallbackURLs).toEqual([
      { 'Fn::Join': ['', ['https://', webDomain, '/sign-in']] },
      'https://complaints.example.com/sign-in',
    ]);
    expect(client.Properties.LogoutURLs).toEqual(client.Properties.CallbackURLs);
    built.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});
