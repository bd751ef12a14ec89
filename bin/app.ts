import { buildApp } from '../lib/app.ts';
import { SettingsError } from '../lib/deploy-settings.ts';

// The CDK app entry (cdk.json: `node bin/app.ts`). Settings come from CDK context; a bad
// value stops here with the list of problems instead of a stack trace.
try {
  buildApp().app.synth();
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
