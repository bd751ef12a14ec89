import { buildWeb } from '../../web/build.ts';

/** Once per `npm test`: the browser tests and the CDK web construct need web/dist. */
export default async function setup(): Promise<void> {
  await buildWeb();
}
