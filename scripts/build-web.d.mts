/** scripts/build-web.mjs, for the tests that build the page (test/helpers/web-build-setup.ts). */
export function buildWeb(): Promise<{ readonly out: string; readonly inputs: number; readonly bytes: number }>;
