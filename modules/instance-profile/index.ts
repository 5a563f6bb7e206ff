import { Construct } from 'constructs';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SsmServiceSetting } from '@cdktf/provider-aws/lib/ssm-service-setting';
import { PolicyDocument } from '../shared/policy-document';
import { accountIdOf, partitionOf, regionOf } from '../shared/aws-environment';
import { DEFAULT_HOST_MANAGEMENT_SETTING } from '../shared/protected-actions';
import { DEFAULT_HOST_MANAGEMENT_PATH } from './names';
import { grantSessionLogging, type SessionLoggingTarget } from '../iam-ssm-role';

export interface InstanceProfileProps {
  /** Name of the role the instances take on, e.g. `IamSsmRole.roleName`. */
  readonly roleName: string;
  /**
   * Name of the instance profile.
   * @default a unique name Terraform generates
   */
  readonly profileName?: string;
  /**
   * IAM path of the instance profile.
   * @default '/'
   */
  readonly path?: string;
}

/**
 * An instance profile for a role. Attach it to existing instances, or hand its name to a launch
 * template or an Auto Scaling group; `SsmInstance` uses one too.
 */
export class InstanceProfile extends Construct {
  readonly instanceProfile: IamInstanceProfile;

  constructor(scope: Construct, id: string, props: InstanceProfileProps) {
    super(scope, id);
    this.instanceProfile = new IamInstanceProfile(this, 'profile', {
      name: props.profileName,
      path: props.path ?? '/',
      role: props.roleName,
    });
  }

  get profileName(): string {
    return this.instanceProfile.name;
  }

  get profileArn(): string {
    return this.instanceProfile.arn;
  }
}

export { DEFAULT_HOST_MANAGEMENT_PATH } from './names';

export interface DefaultHostManagementProps {
  /**
   * Name of the role Systems Manager uses for instances that have no instance profile.
   * @default a unique name Terraform generates
   */
  readonly roleName?: string;
  /**
   * IAM path of that role.
   * @default '/service-role/'
   */
  readonly path?: string;
  /**
   * ARN of a managed policy that caps the role's permissions.
   * @default no boundary
   */
  readonly permissionsBoundaryArn?: string;
}

/**
 * Systems Manager's Default Host Management Configuration for the provider's account and region:
 * every EC2 instance there (running IMDSv2 and SSM agent 3.2.582 or later) becomes managed, with or
 * without an instance profile, through a role Systems Manager assumes on its behalf.
 */
export class DefaultHostManagement extends Construct {
  readonly role: IamRole;
  readonly setting: SsmServiceSetting;

  constructor(scope: Construct, id: string, props: DefaultHostManagementProps = {}) {
    super(scope, id);
    const partition = partitionOf(this);
    const region = regionOf(this);
    const accountId = accountIdOf(this);
    const path = props.path ?? DEFAULT_HOST_MANAGEMENT_PATH;

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      path,
      description: 'Default Host Management: lets Systems Manager manage instances that have no instance profile',
      assumeRolePolicy: new PolicyDocument([{
        Sid: 'SystemsManagerAssumesRole',
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      }]).toJson(),
      permissionsBoundary: props.permissionsBoundaryArn,
    });
    new IamRolePolicyAttachment(this, 'default-policy', {
      role: this.role.name,
      policyArn: `arn:${partition}:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy`,
    });
    this.setting = new SsmServiceSetting(this, 'setting', {
      settingId: `arn:${partition}:ssm:${region}:${accountId}:servicesetting${DEFAULT_HOST_MANAGEMENT_SETTING}`,
      // The setting takes the role's path and name, without the leading slash.
      settingValue: `${path.replace(/^\//, '')}${this.role.name}`,
    });
  }

  /**
   * Lets the agents of the instances this role manages record sessions, as `IamSsmRole` does for its
   * instances. Needed wherever the session preferences send sessions to S3 or CloudWatch Logs or
   * encrypt them with a key: without it, sessions on those instances fail.
   */
  grantSessionLogging(target: SessionLoggingTarget): IamRolePolicy {
    return grantSessionLogging(this, this.role.name, target);
  }
}
