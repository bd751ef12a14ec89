import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds the web app (web/ → web/dist) with Vite when its sources are newer than the build.
 * `npm start` builds through its `prestart` script; the tests, the benchmark and `cdk synth`
 * call this, so each works from a clean clone.
 */
const ROOT = join(import.meta.dirname, '..');
export const WEB_ROOT = join(ROOT, 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');
const SOURCES = [
  join(WEB_ROOT, 'src'),
  join(WEB_ROOT, 'public'),
  join(WEB_ROOT, 'index.html'),
  join(WEB_ROOT, 'vite.config.ts'),
  join(ROOT, 'config'),
];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function webBuildIsFresh(): boolean {
  const built = join(WEB_DIST, 'index.html');
  return existsSync(built) && statSync(built).mtimeMs >= Math.max(...SOURCES.map(newest));
}

export async function buildWeb(options: { force?: boolean } = {}): Promise<string> {
  if (!options.force && webBuildIsFresh()) return WEB_DIST;
  const { build } = await import('vite');
  await build({ configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return WEB_DIST;
}
