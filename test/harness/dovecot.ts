import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A throw-away IMAP server for tests: Debian's dovecot (`apt-get install dovecot-imapd`;
 * .ci/run installs it), started on a free loopback port with its own configuration, mail
 * directory and users in a temporary directory, and stopped (the directory removed) by the
 * test. It never runs as root: as root (CI), the whole server runs as `nobody`; otherwise as
 * the user running the tests. Plain IMAP on 127.0.0.1 only, no TLS: nothing leaves the machine.
 */
export interface TestImapServer {
  readonly url: string;
  readonly port: number;
  /** The dovecot process (its own pid; stopped by `stop()`). */
  readonly pid: number;
  stop(): Promise<void>;
}

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((path) => existsSync(path));

export function dovecotInstalled(): boolean {
  return DOVECOT !== undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** The account the server runs as: never root. */
function serverAccount(): { name: string; group: string; uid: number; gid: number } {
  const me = userInfo();
  if (me.uid !== 0) {
    const groupLine = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((line) => line.split(':')[2] === String(me.gid));
    return { name: me.username, group: groupLine?.split(':')[0] ?? me.username, uid: me.uid, gid: me.gid };
  }
  return { name: 'nobody', group: 'nogroup', uid: 65534, gid: 65534 };
}

export async function startTestImapServer(
  users: readonly { readonly username: string; readonly password: string }[],
): Promise<TestImapServer> {
  if (!DOVECOT) {
    throw new Error('dovecot is not installed: apt-get install dovecot-imapd (as .ci/run does)');
  }
  const account = serverAccount();
  const dir = mkdtempSync(join(tmpdir(), 'complaints-imap-'));
  const port = await freePort();
  mkdirSync(join(dir, 'run'));
  mkdirSync(join(dir, 'mail'));
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.username}:{PLAIN}${u.password}`).join('\n'));
  writeFileSync(
    join(dir, 'dovecot.conf'),
    `# Written by test/harness/dovecot.ts for one test run.
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/run/state
instance_name = complaints-test-${port}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${account.name}
default_internal_group = ${account.group}
default_login_user = ${account.name}
first_valid_uid = ${account.uid}
first_valid_gid = ${account.gid}
mail_location = maildir:${dir}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${account.uid} gid=${account.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  if (userInfo().uid === 0) {
    for (const path of [
      dir,
      join(dir, 'run'),
      join(dir, 'mail'),
      join(dir, 'users'),
      join(dir, 'dovecot.conf'),
    ]) {
      chownSync(path, account.uid, account.gid);
    }
  }
  chmodSync(dir, 0o700);
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(userInfo().uid === 0 ? { uid: account.uid, gid: account.gid } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Up when the port answers with a greeting; at most 10 s.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      const log = existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '';
      await stop();
      throw new Error(`dovecot exited at start: ${stderr}${log}`);
    }
    if (await greets(port)) break;
    if (attempt >= 100) {
      await stop();
      throw new Error(`dovecot did not answer on 127.0.0.1:${port} within 10 s: ${stderr}`);
    }
    await sleep(100);
  }
  return { url: `imap://127.0.0.1:${port}`, port, pid: child.pid ?? 0, stop };
}

async function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('* OK')));
    socket.connect(port, '127.0.0.1');
  });
}
