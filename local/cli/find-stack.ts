/**
 * Finds the running local stack (`npm start`) from its health endpoint on PORT (3000 unless
 * set), for the command-line helpers. Exits with one line saying what to do when it is not up.
 */
export interface FoundStack {
  readonly web: string;
  readonly dynamodb: string;
  readonly table: string;
  readonly sesOutbox: string;
  readonly s3: string;
}

export async function findLocalStack(command: string): Promise<FoundStack> {
  const port = process.env.PORT || '3000';
  const web = `http://127.0.0.1:${port}`;
  let health: {
    services?: {
      dynamodb?: { url?: string; table?: string };
      sesOutbox?: { url?: string };
      s3?: { url?: string };
    };
  };
  try {
    const response = await fetch(`${web}/api/health`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    health = (await response.json()) as typeof health;
  } catch {
    console.error(`${command}: no local stack answers on ${web}: start it with npm start (or set PORT)`);
    process.exit(1);
  }
  const dynamodb = health.services?.dynamodb?.url;
  const table = health.services?.dynamodb?.table;
  if (!dynamodb || !table) {
    console.error(
      `${command}: ${web}/api/health does not list DynamoDB: is this the complaints local stack?`,
    );
    process.exit(1);
  }
  return {
    web,
    dynamodb,
    table,
    sesOutbox: health.services?.sesOutbox?.url ?? '',
    s3: health.services?.s3?.url ?? '',
  };
}
