// Emulators that ship no type declarations: only what the local stack uses of them.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  function dynalite(options?: {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }): Server;
  export default dynalite;
}

declare module 's3rver' {
  export default class S3rver {
    constructor(options: {
      directory: string;
      silent?: boolean;
      configureBuckets?: { name: string; configs: unknown[] }[];
    });
  }
}
