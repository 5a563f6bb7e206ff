import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Environment variable naming a Terraform filesystem mirror (unpacked layout) to install providers from. */
export const MIRROR_VARIABLE = 'SSK_PROVIDER_MIRROR';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  /** The configuration file the diagnostic points into, as Terraform names it. */
  readonly file?: string;
}

export interface TerraformRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Terraform as the validation runs it: its own CLI config (mirror or shared plugin cache), no
 * credentials or settings inherited from the caller's AWS_* and TF_* variables, no prompts.
 */
export class Terraform {
  readonly cliConfigFile: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(workdir: string, mirror: string | undefined = mirrorFromEnv()) {
    this.cliConfigFile = path.join(workdir, 'terraform.rc');
    fs.writeFileSync(this.cliConfigFile, cliConfig(mirror));
    this.env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS|TF)_/.test(k))),
      TF_CLI_CONFIG_FILE: this.cliConfigFile,
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
      CHECKPOINT_DISABLE: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      // Terraform and the AWS provider spend most of a run building and decoding the provider's
      // schema. Validations run up to one Terraform per core, beside the providers they start, so one
      // Go thread each (no GC threads competing for the same cores) and half as many collections save
      // a fifth of their CPU.
      GOGC: '200',
      GOMAXPROCS: '1',
      NO_PROXY: ['127.0.0.1', 'localhost', process.env.NO_PROXY].filter(Boolean).join(','),
    };
  }

  /** The environment Terraform runs with: these settings, then `extra`. */
  environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...this.env, ...extra };
  }

  run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TerraformRun> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const child = spawn('terraform', args, { cwd, env: this.environment(env), stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', (e) => reject(new Error(`cannot run terraform (is it on PATH?): ${e.message}`)));
      child.on('close', (code) =>
        resolve({
          code: code ?? 1,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        }),
      );
    });
  }
}

export function mirrorFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const mirror = env[MIRROR_VARIABLE];
  if (!mirror) return undefined;
  if (!fs.existsSync(mirror)) throw new Error(`${MIRROR_VARIABLE} names ${mirror}, which does not exist`);
  return path.resolve(mirror);
}

/** Where Terraform installs providers from without a mirror. */
export const REGISTRY = 'registry.terraform.io';
/** The AWS provider the stacks pin. */
export const AWS_PROVIDER = { source: 'hashicorp/aws', version: '5.100.0' } as const;

/**
 * Stops, once and early, where Terraform could not get the AWS provider: no mirror named, none in the
 * plugin cache, and the registry out of reach. Otherwise every plan would fail on its own.
 */
export async function assertProviderAvailable(env: NodeJS.ProcessEnv = process.env, registryUrl = `https://${REGISTRY}/.well-known/terraform.json`): Promise<void> {
  if (mirrorFromEnv(env)) return;
  if (fs.existsSync(cachedProvider(pluginCacheDir(env)))) return;
  const reason = await unreachable(registryUrl);
  if (!reason) return;
  throw new Error([
    `Terraform cannot get the AWS provider (${AWS_PROVIDER.source} ${AWS_PROVIDER.version}): ${REGISTRY} is out of reach (${reason}) and ${MIRROR_VARIABLE} names no mirror.`,
    `Set ${MIRROR_VARIABLE} to a Terraform filesystem mirror that holds it (find one with: find / -name 'terraform-provider-aws*' -not -path '/proc/*'),`,
    `or give this machine access to https://${REGISTRY}.`,
  ].join('\n'));
}

/** Why a URL cannot be fetched within 10 s, or undefined when it can. */
async function unreachable(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (e as Error).message;
  }
}

/** Where providers downloaded from the registry are kept between runs. */
export function pluginCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ssm-session-kit', 'terraform-plugins');
}

/**
 * Where Terraform gets the AWS provider: the mirror named, which is remembered in the plugin cache (a
 * link to its provider folder), so that later commands find it without the variable; else the plugin
 * cache, where it already is (from a mirror or the registry); else the registry, into the cache.
 */
function cliConfig(mirror: string | undefined): string {
  const cache = pluginCacheDir();
  fs.mkdirSync(cache, { recursive: true });
  if (mirror) {
    rememberMirror(mirror, cache);
    return `disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path = ${JSON.stringify(mirror)}
  }
}
`;
  }
  if (!fs.existsSync(cachedProvider(cache))) {
    return `disable_checkpoint = true
plugin_cache_dir = ${JSON.stringify(cache)}
`;
  }
  // The cache has the unpacked layout of a filesystem mirror: no registry needed for the AWS provider
  // (and no plugin_cache_dir, which Terraform would install it into from itself).
  const aws = `${REGISTRY}/${AWS_PROVIDER.source}`;
  return `disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(cache)}
    include = [${JSON.stringify(aws)}]
  }
  direct {
    exclude = [${JSON.stringify(aws)}]
  }
}
`;
}

/** The AWS provider's folder in an unpacked mirror or the plugin cache (both `<host>/<source>/<version>`). */
function cachedProvider(root: string): string {
  return path.join(root, REGISTRY, AWS_PROVIDER.source, AWS_PROVIDER.version);
}

/**
 * Links the mirror's AWS provider into the plugin cache, where none is yet: its folders made, each file
 * linked (Terraform does not follow a linked folder there), no copy of its hundreds of megabytes.
 */
function rememberMirror(mirror: string, cache: string): void {
  const source = cachedProvider(mirror);
  const target = cachedProvider(cache);
  if (!fs.existsSync(source) || fs.existsSync(target)) return;
  const staging = `${target}.${process.pid}.tmp`;
  for (const platform of fs.readdirSync(source)) {
    fs.mkdirSync(path.join(staging, platform), { recursive: true });
    for (const file of fs.readdirSync(path.join(source, platform))) fs.symlinkSync(path.join(source, platform, file), path.join(staging, platform, file));
  }
  try {
    // Whole or not at all: another run may be linking it too.
    fs.renameSync(staging, target);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** A diagnostic as Terraform's JSON output writes it. */
interface TerraformDiagnostic extends Omit<Diagnostic, 'file'> {
  readonly range?: { readonly filename: string };
}

/**
 * Diagnostics from the machine-readable output of init, plan, test (JSON lines) and validate (one
 * document), each once: `terraform test` reports a warning from both its validate and plan phases.
 */
export function diagnosticsOf(run: TerraformRun): Diagnostic[] {
  const found: Diagnostic[] = [];
  const trimmed = run.stdout.trim();
  const documents = trimmed.startsWith('{\n') ? [trimmed] : trimmed.split('\n');
  for (const line of documents) {
    let parsed: { diagnostic?: TerraformDiagnostic; diagnostics?: TerraformDiagnostic[] };
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    for (const d of parsed.diagnostics ?? (parsed.diagnostic ? [parsed.diagnostic] : [])) {
      const diagnostic: Diagnostic = {
        severity: d.severity,
        summary: d.summary,
        detail: d.detail || undefined,
        address: d.address,
        file: d.range?.filename,
      };
      if (!found.some((f) => JSON.stringify(f) === JSON.stringify(diagnostic))) found.push(diagnostic);
    }
  }
  if (run.code !== 0 && !found.some((d) => d.severity === 'error')) {
    found.push({ severity: 'error', summary: `terraform exited with ${run.code}`, detail: run.stderr.trim() || undefined });
  }
  return found;
}
