export type Architecture = 'x86_64' | 'arm64';

/**
 * The CPU architecture of an instance type: Graviton families carry a `g` after their generation
 * (t4g, m7g, c6gn, x2gd, im4gn, is4gen), plus the first-generation a1.
 */
export function architectureOf(instanceType: string): Architecture {
  const family = instanceType.split('.')[0];
  const attributes = /^[a-z-]+\d+([a-z-]*)$/.exec(family)?.[1] ?? '';
  return family === 'a1' || attributes.includes('g') ? 'arm64' : 'x86_64';
}

/** The public SSM parameter that always names the latest Amazon Linux 2023 image, SSM agent included. */
export function latestAmazonLinux2023Parameter(architecture: Architecture): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}
