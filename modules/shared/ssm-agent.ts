/**
 * The oldest SSM Agent this project supports: from it on, the agent takes Run Command over
 * `ssmmessages` and needs no `ec2messages` endpoint ("Reference: ec2messages, ssmmessages, and other API
 * operations").
 */
export const MIN_SSM_AGENT_VERSION = '3.3.40.0';

/** The tag an instance on a pinned image declares its agent's version with. */
export const SSM_AGENT_VERSION_TAG = 'SsmAgentVersion';

/** Whether a dotted version (`3.3.40.0`) is at least `minimum`; not a version, false. */
export function isAtLeastVersion(version: string, minimum: string): boolean {
  if (!/^\d+(\.\d+)*$/.test(version)) return false;
  const [a, b] = [version, minimum].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}
