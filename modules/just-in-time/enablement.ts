import { Construct } from 'constructs';
import { SsmquicksetupConfigurationManager } from '@cdktf/provider-aws/lib/ssmquicksetup-configuration-manager';
import type { IdentityProvider } from './choices';

/** The Quick Setup type that enables just-in-time node access. */
export const JUST_IN_TIME_QUICK_SETUP_TYPE = 'AWSQuickSetupType-JITNA';

export interface JustInTimeEnablementProps {
  /** The Quick Setup configuration manager's name. */
  readonly name: string;
  /** Systems Manager's delegated administrator account, where requests are replicated and the setup is managed. */
  readonly delegatedAdministratorAccountId: string;
  /** The Region Quick Setup manages the configuration from. */
  readonly homeRegion: string;
  /** Organizational units whose accounts get just-in-time access. */
  readonly targetOrganizationalUnits: readonly string[];
  /** Regions where it is enabled: those of the unified Systems Manager console, or fewer. */
  readonly targetRegions: readonly string[];
  /**
   * Who approvers and requesters are: Identity Center users (`SSO`) or IAM principals (`IAM`).
   * @default 'SSO'
   */
  readonly identityProvider?: IdentityProvider;
}

/**
 * Just-in-time node access enabled for an organization's OUs and Regions, through Quick Setup
 * (`AWSQuickSetupType-JITNA`), as AWS's sample enables it (aws-samples/cloud-operations-best-practices,
 * just-in-time-quick-setup-cfn-template.yaml). The unified Systems Manager console must be set up
 * first ("Setting up just-in-time node access"); Quick Setup's parameters are strings, lists
 * comma-separated.
 */
export class JustInTimeEnablement extends Construct {
  readonly configurationManager: SsmquicksetupConfigurationManager;

  constructor(scope: Construct, id: string, props: JustInTimeEnablementProps) {
    super(scope, id);
    this.configurationManager = new SsmquicksetupConfigurationManager(this, 'quick-setup', {
      name: props.name,
      description: 'Just-in-time node access (ssm-session-kit)',
      configurationDefinition: [{
        type: JUST_IN_TIME_QUICK_SETUP_TYPE,
        parameters: {
          DelegatedAccountId: props.delegatedAdministratorAccountId,
          HomeRegion: props.homeRegion,
          IdentityProviderSetting: props.identityProvider ?? 'SSO',
          TargetOrganizationalUnits: props.targetOrganizationalUnits.join(','),
          TargetRegions: props.targetRegions.join(','),
        },
      }],
    });
  }
}
