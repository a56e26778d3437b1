/**
 * The measured run's environment on a software adapter: Mesa's lavapipe on one thread
 * (LP_NUM_THREADS=1) unless the user set it. The run's figures are relative to the device's
 * own speed (time dilation), so a slower device costs nothing, while lavapipe's worker threads
 * contending with the host's own thread on a 2-core machine are most of its pass-to-pass noise:
 * on this project's machines one thread gave 6-8% local CV where two gave 20-26% (docs/measured.md
 * section 5.3). Other Vulkan drivers ignore the variable; the report records it. `run` and
 * `start` declare it as their child's environment (Command.childEnv, main.ts).
 */
export function measuredRunEnv(): Readonly<Record<string, string>> {
  return process.env['LP_NUM_THREADS'] === undefined ? { LP_NUM_THREADS: '1' } : {};
}
