/**
 * Runs before every test file: nothing a test does may reach real AWS. Inherited AWS
 * variables (credentials, profiles, endpoints) are removed; the local-stack harness sets
 * loopback endpoints and dummy credentials itself.
 */
for (const name of Object.keys(process.env)) {
  if (name.startsWith('AWS_')) delete process.env[name];
}
process.env.AWS_CONFIG_FILE = '/dev/null';
process.env.AWS_SHARED_CREDENTIALS_FILE = '/dev/null';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.CDK_DISABLE_CLI_TELEMETRY = 'true';
process.env.POWERTOOLS_DEV = 'false';
process.env.POWERTOOLS_LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
