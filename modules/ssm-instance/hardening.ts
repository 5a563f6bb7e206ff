import type { CloudConfig } from './os-users';

/**
 * What keeps a session's OS user away from what records the session, as cloud-init cloud-config. The
 * agent runs as root and records with the instance role's credentials, which the instance metadata
 * service hands to any process that asks; a session runs as `ssm-user` or a run-as user. So only root
 * may reach the metadata service (the owner-match firewall rule of "Limit access to the Instance
 * Metadata Service", EC2 User Guide, here with nftables, which Amazon Linux 2023 ships in place of
 * iptables), the image's default user loses the passwordless sudo cloud-init gives it, and sshd is off
 * unless SSH over Session Manager needs it.
 */
export interface InstanceHardening {
  /**
   * Only root reaches the instance metadata service (169.254.169.254 and fd00:ec2::254), from first
   * boot's end and at every later boot, before the agent starts.
   * @default true
   */
  readonly metadataRootOnly?: boolean;
  /**
   * sshd keeps running: `AWS-StartSSHSession` forwards to port 22 on the instance.
   * @default false, stopped and disabled
   */
  readonly sshd?: boolean;
  /**
   * The image's default user (`ec2-user`) keeps the passwordless sudo cloud-init gives it.
   * @default false
   */
  readonly defaultUserSudo?: boolean;
}

/** The instance metadata service's addresses ("Limit access to the Instance Metadata Service"). */
export const METADATA_ADDRESSES = { ipv4: '169.254.169.254', ipv6: 'fd00:ec2::254' } as const;

/** Where the firewall's rules and the unit that loads them at boot are written. */
export const METADATA_FIREWALL = {
  rules: '/etc/nftables/ssm-session-kit-metadata.nft',
  unit: 'ssm-session-kit-metadata-firewall.service',
} as const;

/** The nftables ruleset: TCP to the metadata service from any user but root is refused. */
export function metadataFirewallRules(): string {
  return [
    'table inet ssm_session_kit_metadata {',
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    `    ip daddr ${METADATA_ADDRESSES.ipv4} meta l4proto tcp meta skuid != 0 reject with tcp reset`,
    `    ip6 daddr ${METADATA_ADDRESSES.ipv6} meta l4proto tcp meta skuid != 0 reject with tcp reset`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** A oneshot unit that loads the rules at every boot, ordered before the agent. */
function metadataFirewallUnit(): string {
  return [
    '[Unit]',
    'Description=Only root reaches the instance metadata service (ssm-session-kit)',
    'Before=amazon-ssm-agent.service',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=/usr/sbin/nft -f ${METADATA_FIREWALL.rules}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The cloud-config of `InstanceHardening`. */
export function hardeningCloudConfig({ metadataRootOnly = true, sshd = false, defaultUserSudo = false }: InstanceHardening = {}): CloudConfig {
  const runcmd: string[][] = [];
  const config: Record<string, unknown> = {};
  if (metadataRootOnly) {
    config.packages = ['nftables'];
    config.write_files = [
      { path: METADATA_FIREWALL.rules, owner: 'root:root', permissions: '0600', content: metadataFirewallRules() },
      { path: `/etc/systemd/system/${METADATA_FIREWALL.unit}`, owner: 'root:root', permissions: '0644', content: metadataFirewallUnit() },
    ];
    runcmd.push(['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', METADATA_FIREWALL.unit]);
  }
  if (!sshd) runcmd.push(['systemctl', 'disable', '--now', 'sshd.service']);
  // The distribution's default user is defined in system_info; cloud-init merges user data over it.
  if (!defaultUserSudo) config.system_info = { default_user: { sudo: false } };
  if (runcmd.length > 0) config.runcmd = runcmd;
  return config;
}
