/** The page's side of src/version.ts: package.json's version, written into the bundle by the build. */
export const VERSION: string = __HETBENCH_VERSION__;
