/**
 * One environment: its sections composed, and what spans them (the defaults that depend on other
 * sections, the checks across sections).
 */
import * as f from '../fields';
import * as rules from '../aws-rules';
import { MANAGED_BY_TAG } from '../access';
import { checkJustInTime } from './just-in-time';
import { accessGroupSchema, type AccessGroupConfig, accessGroupsOf, checkInstanceTags, checkReachAndRunAs } from './access-groups';
import { alertsOf, alertsSchema, type AlertsConfig, checkAlerts } from './alerts';
import { accountId, awsString, keyedBy, list, problem, region, type Report, strict, tags } from './common';
import { guardrailsSchema } from './guardrails';
import type { IdentityCenterFile } from './identity-center';
import { type FleetConfig, fleetsOf, fleetsSchema, type InstanceConfig, instancesOf, instancesSchema } from './instances';
import { networkSchema } from './network';
import { type ArchiveDestination, sessionLoggingSchema, type SessionLoggingConfig } from './session-logging';
import { type RemoteStateConfig, stateSchema, stateWithDefaults } from './state';

export const environmentSchema = strict({
  accountId: accountId.meta({ description: "the only AWS account the environment's provider will act in (allowed_account_ids)" }),
  region: region.meta({ description: "the environment's region" }),
  tags: tags.meta({ description: "applied to every resource through the provider's default_tags, with Environment and ManagedBy" }),
  state: stateSchema,
  network: networkSchema,
  instances: instancesSchema,
  fleets: fleetsSchema,
  defaultHostManagement: f.boolean().default(false).meta({ description: 'turn on Default Host Management, so instances without a profile are managed too' }),
  deployWave: f.number().default(1).check((ctx) => {
    if (!Number.isInteger(ctx.value) || ctx.value < 1) problem(ctx, [], `must be a whole number, 1 or more (got ${ctx.value})`);
  }).meta({ description: 'the pipeline deploys the lowest wave first, then the next, ...; the stacks of one wave together (1 or more, as many waves as you like)', minimum: 1 }),
  instanceRolePolicy: f.oneOf(['managed', 'minimal'], 'must be "managed" or "minimal"').default('managed').meta({
    description: 'what lets SSM Agent serve sessions: "managed" (AmazonSSMManagedInstanceCore) or "minimal" (only the Session Manager actions)',
  }),
  instanceRunCommand: f.boolean().default(false).meta({ description: 'with "instanceRolePolicy": "minimal", let the agent take Run Command messages too' }),
  osUsers: strict({
    users: list(awsString(rules.linuxUserName, 'Linux user name'), 'more OS users to create on every instance, without sudo (the run-as users of the preferences and the groups are created anyway)').default([]),
    ssmUserSudo: f.boolean().default(false).meta({ description: 'ssm-user, the session user when run-as is off, keeps the sudo rights SSM Agent gives it' }),
  }, "the instances' OS users").default({ users: [], ssmUserSudo: false }),
  sessionLogging: sessionLoggingSchema,
  sessionReview: strict({
    trustedArns: list(awsString(rules.principalArn, 'principal ARN'), "IAM users who review (their ARNs, or their account's root): each assumes the reviewers' role as themselves, with MFA", { nonEmpty: true }),
  }, "reviewers: a role (ssm-session-kit-<env>-reviewers) that reads the record and signs sessions off, never a session of the reviewer's own").optional(),
  accessGroups: keyedBy(rules.accessGroupName, 'group name', accessGroupSchema, 'who may open sessions, by group name'),
  guardrails: guardrailsSchema,
  alerts: alertsSchema,
}, 'one environment: one account, one region, one stack');

export type EnvironmentFile = f.Output<typeof environmentSchema>;

export interface EnvironmentConfig extends Readonly<Omit<EnvironmentFile, 'state' | 'instances' | 'fleets' | 'sessionLogging' | 'accessGroups' | 'alerts'>> {
  /** The key in `environments`: also the stack's name. */
  readonly name: string;
  readonly state: RemoteStateConfig;
  readonly instances: readonly InstanceConfig[];
  /** Auto Scaling groups of instances, each with its subnets. */
  readonly fleets: readonly FleetConfig[];
  readonly sessionLogging: SessionLoggingConfig;
  /** Who may open sessions on which instances, in the order the file declares the groups. */
  readonly accessGroups: readonly AccessGroupConfig[];
  readonly alerts: AlertsConfig;
  /**
   * Regions where the environment's account records sessions: those of every environment in the
   * account, each of which creates the preferences document there. Sessions elsewhere are refused.
   */
  readonly sessionRegions: readonly string[];
  /** Where the S3 transcripts go instead of the environment's own bucket (`sessionLogging.destination`). */
  readonly archive?: ArchiveDestination;
}

/** What spans an environment's sections, and the defaults that depend on other fields. */
export function checkEnvironment(name: string, env: EnvironmentFile, report: Report, identityCenter: IdentityCenterFile | undefined): EnvironmentConfig {
  const instances = instancesOf(env.instances, env.network, report);
  const fleets = fleetsOf(env.fleets, env.instances, env.network, report);
  const accessGroups = accessGroupsOf(name, env, identityCenter, report);
  const checked: EnvironmentConfig = {
    ...env, name, state: stateWithDefaults(env.state, name, env.region), instances, fleets, accessGroups, alerts: alertsOf(env.alerts), sessionRegions: [env.region],
  };
  checkManagedByTag(checked, report);
  checkAlerts(checked, report);
  checkReachAndRunAs(checked, report);
  checkInstanceTags(checked, report);
  checkJustInTime(checked, report, identityCenter);
  return checked;
}

/** The organization SCP knows the project's instances by this tag: nothing may set it to another value. */
function checkManagedByTag({ tags, instances, fleets }: EnvironmentConfig, report: Report): void {
  const refuse = (field: string) => report(field, `is set by the project ("${MANAGED_BY_TAG.value}"): the organization SCP protects the instances that carry it`);
  if (tags[MANAGED_BY_TAG.key] !== undefined) refuse(`tags.${MANAGED_BY_TAG.key}`);
  instances.forEach((instance, i) => {
    if (instance.tags[MANAGED_BY_TAG.key] !== undefined) refuse(`instances[${i}].tags.${MANAGED_BY_TAG.key}`);
  });
  fleets.forEach((fleet, i) => {
    if (fleet.tags[MANAGED_BY_TAG.key] !== undefined) refuse(`fleets[${i}].tags.${MANAGED_BY_TAG.key}`);
  });
}

/** Sessions are recorded in every region where an environment of the same account creates the preferences document. */
export function withSessionRegions(env: EnvironmentConfig, all: readonly EnvironmentConfig[]): EnvironmentConfig {
  return { ...env, sessionRegions: [...new Set(all.filter((e) => e.accountId === env.accountId).map((e) => e.region))].sort() };
}
