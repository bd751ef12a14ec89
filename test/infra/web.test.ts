import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#config/routes.ts';
import { arnOf, logicalId, resource, type Synthesized, synthesize } from './support.ts';

let built: Synthesized;
// Synthesis bundles every handler with esbuild: give it room on a busy two-core machine.
beforeAll(() => {
  built = synthesize();
}, 180_000);

const distribution = () =>
  resource(built.template, 'AWS::CloudFront::Distribution', logicalId(built.stack.web.distribution))
    .Properties.DistributionConfig;

describe('the web app on S3 and CloudFront', () => {
  it('serves a private bucket through CloudFront with origin access control, HTTPS only', () => {
    const config = distribution();
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].OriginAccessControlId).toBeDefined();
    expect(config.Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultRootObject).toBe('index.html');
    const bucket = resource(built.template, 'AWS::S3::Bucket', logicalId(built.stack.web.bucket)).Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // Only CloudFront (this distribution) may read the app's files.
    const policies = Object.values(built.template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) =>
        JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logicalId(built.stack.web.bucket) }),
    );
    const reads = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])
      .filter((s) => s.Effect === 'Allow');
    expect(reads).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [arnOf(built.stack.web.bucket), '/*']] },
      }),
    ]);
  });

  it('answers every app path with index.html, and logs access', () => {
    const config = distribution();
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
    ]);
    expect(config.Logging.Bucket).toEqual({
      'Fn::GetAtt': [logicalId(built.stack.web.logsBucket), 'RegionalDomainName'],
    });
  });

  it('sends security headers: a strict CSP without inline script, HSTS, no framing, no referrer', () => {
    const policy = resource(
      built.template,
      'AWS::CloudFront::ResponseHeadersPolicy',
      logicalId(built.stack.web.responseHeadersPolicy),
    ).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(policy.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(policy.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
    });
    expect(policy.FrameOptions.FrameOption).toBe('DENY');
    expect(policy.ReferrerPolicy.ReferrerPolicy).toBe('no-referrer');
    expect(policy.ContentTypeOptions.Override).toBe(true);
  });

  it('limits CORS on the API and on presigned uploads to the app’s origins', () => {
    const appOrigin = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [logicalId(built.stack.web.distribution), 'DomainName'] }],
      ],
    };
    const api = resource(
      built.template,
      'AWS::ApiGatewayV2::Api',
      logicalId(built.stack.staffApi.api),
    ).Properties;
    expect(api.CorsConfiguration).toMatchObject({
      AllowOrigins: [appOrigin, 'https://complaints.example.com'],
      AllowHeaders: ['authorization', 'content-type'],
    });
    // Every method a route uses is allowed from the app (PATCH edits rectification items),
    // and nothing else but the preflight's OPTIONS.
    const routeMethods = new Set(ROUTES.map((route) => route.method));
    expect(routeMethods.has('PATCH')).toBe(true);
    expect([...api.CorsConfiguration.AllowMethods].sort()).toEqual([...routeMethods, 'OPTIONS'].sort());
    const uploads = resource(
      built.template,
      'AWS::S3::Bucket',
      logicalId(built.stack.data.attachmentsBucket),
    ).Properties;
    expect(uploads.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedOrigins: [appOrigin, 'https://complaints.example.com'],
        AllowedMethods: ['PUT'],
        AllowedHeaders: ['content-type', 'x-amz-meta-uploader'],
        MaxAge: 600,
      },
    ]);
  });

  it('keeps staff signed in for a working day: hour-long ID tokens, renewed with a revocable 12-hour refresh token', () => {
    const client = resource(
      built.template,
      'AWS::Cognito::UserPoolClient',
      logicalId(built.stack.staffApi.webClient),
    ).Properties;
    // The app renews its ID token with the refresh token from the code exchange (web/src/auth.ts).
    expect(client.ExplicitAuthFlows).toContain('ALLOW_REFRESH_TOKEN_AUTH');
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.TokenValidityUnits).toEqual({
      IdToken: 'minutes',
      AccessToken: 'minutes',
      RefreshToken: 'minutes',
    });
    expect(client.IdTokenValidity).toBe(60);
    expect(client.AccessTokenValidity).toBe(60);
    expect(client.RefreshTokenValidity).toBe(12 * 60);
    // Sign-out revokes the refresh token at the hosted domain's /oauth2/revoke.
    expect(client.EnableTokenRevocation).toBe(true);
    // …which, like /oauth2/token, the page may call: the CSP lets it connect to the hosted domain.
    const csp = JSON.stringify(
      resource(
        built.template,
        'AWS::CloudFront::ResponseHeadersPolicy',
        logicalId(built.stack.web.responseHeadersPolicy),
      ).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy,
    );
    expect(csp).toMatch(/connect-src [^;]*https:\/\/\*\.auth\./);
  });

  it('deploys the build with a config.json that points the app at the API and the hosted sign-in', () => {
    const deployments = Object.values(built.template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(2);
    const pages = deployments.find((d) => d.Properties.DistributionPaths !== undefined);
    // config.json's values, filled in at deploy time: the API, the sign-in domain, the client.
    const markers = JSON.stringify(pages?.Properties.SourceMarkers);
    expect(markers).toContain(`{"Ref":"${logicalId(built.stack.staffApi.api)}"}`);
    expect(markers).toContain(`{"Ref":"${logicalId(built.stack.staffApi.webClient)}"}`);
    expect(markers).toContain(`{"Ref":"${logicalId(built.stack.staffApi.signInDomain ?? built.stack)}"}`);
    expect(pages?.Properties.DistributionPaths).toEqual(['/index.html', '/config.json']);
  });
});
