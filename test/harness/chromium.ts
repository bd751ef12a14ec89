import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

/**
 * Where the browser tests (and the web benchmark) find Chromium: Debian's, driven by
 * playwright-core, which never downloads a browser of its own. CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, no sandbox (CI runs as root), nothing that reaches the network by itself. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's fonts-noto-cjk: without a CJK font the pages' Chinese renders as boxes. */
const DEBIAN_CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** The one line a person reads when the browser tests cannot run here: what to install. */
export const BROWSER_PREREQUISITES_LINE =
  'Browser tests need Chromium and CJK fonts: apt-get install chromium fonts-noto-cjk ' +
  '(or set CHROMIUM_PATH=/path/to/chromium)';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A font for Hong Kong Chinese: Debian's file, or any that fontconfig knows (other systems). */
function hasCjkFont(): boolean {
  if (existsSync(DEBIAN_CJK_FONT)) return true;
  try {
    return execFileSync('fc-list', [':lang=zh-hk', 'family'], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

/**
 * What is missing for the browser tests, in words (`Chromium at /usr/bin/chromium`, `CJK fonts`),
 * or an empty list when they can run.
 */
export function missingBrowserPrerequisites(): string[] {
  const missing: string[] = [];
  if (!isExecutable(CHROMIUM)) missing.push(`Chromium at ${CHROMIUM}`);
  if (!hasCjkFont()) missing.push('CJK fonts');
  return missing;
}
