import { existsSync } from 'node:fs';
import { buildWeb } from '../../scripts/build-web.mjs';

/**
 * Global setup of the browser project (vitest.config.ts), after test/global-setup.ts built
 * dist/: the web bundle (dist/web), as `npm run build` makes it, so the page under test is the
 * current source's.
 */
export default async function setup(): Promise<void> {
  await buildWeb();
  if (!existsSync('dist/web/index.html')) throw new Error('web build failed: no dist/web/index.html');
}
