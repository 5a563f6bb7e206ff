import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { DataAwsIdentitystoreGroup } from '@cdktf/provider-aws/lib/data-aws-identitystore-group';
import { DataAwsSsoadminInstances } from '@cdktf/provider-aws/lib/data-aws-ssoadmin-instances';
import { SsoadminAccountAssignment } from '@cdktf/provider-aws/lib/ssoadmin-account-assignment';
import { SsoadminInstanceAccessControlAttributes } from '@cdktf/provider-aws/lib/ssoadmin-instance-access-control-attributes';
import { SsoadminPermissionSet } from '@cdktf/provider-aws/lib/ssoadmin-permission-set';
import { SsoadminPermissionSetInlinePolicy } from '@cdktf/provider-aws/lib/ssoadmin-permission-set-inline-policy';
import { SsoadminPermissionsBoundaryAttachment } from '@cdktf/provider-aws/lib/ssoadmin-permissions-boundary-attachment';
import { RUN_AS_TAG } from '../access-policies';
import { PolicyDocument, type PolicyStatement } from '../shared/policy-document';

/** What "Group" (Identity Store API Reference) names a group's id by: 10 hexadecimal digits and a hyphen, optionally, then a UUID. */
const GROUP_ID = /^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;

export interface IdentityCenterInstanceProps {
  /**
   * The instance's ARN.
   * @default looked up: the account's one instance
   */
  readonly instanceArn?: string;
  /**
   * Its identity store.
   * @default looked up with the instance
   */
  readonly identityStoreId?: string;
  /**
   * The user attribute Identity Center passes as the `SSMSessionRunAs` session tag ("Attributes for
   * access control"), so that Session Manager runs each engineer's sessions as their own OS user, e.g.
   * `${path:userName}`. It applies to every permission set of the instance.
   * @default no run-as attribute
   */
  readonly runAsAttribute?: string;
}

/** An IAM Identity Center instance, as the permission sets of this module use it. */
export class IdentityCenterInstance extends Construct {
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly runAs?: SsoadminInstanceAccessControlAttributes;

  constructor(scope: Construct, id: string, props: IdentityCenterInstanceProps = {}) {
    super(scope, id);
    const found = props.instanceArn && props.identityStoreId ? undefined : new DataAwsSsoadminInstances(this, 'instances');
    this.instanceArn = props.instanceArn ?? Fn.element(found!.arns, 0);
    this.identityStoreId = props.identityStoreId ?? Fn.element(found!.identityStoreIds, 0);
    if (props.runAsAttribute) {
      this.runAs = new SsoadminInstanceAccessControlAttributes(this, 'run-as', {
        instanceArn: this.instanceArn,
        // `$${` keeps Identity Center's `${path:...}` away from Terraform's own interpolation.
        attribute: [{ key: RUN_AS_TAG, value: [{ source: [props.runAsAttribute.replace(/^\$\{/, () => '$${')] }] }],
      });
    }
  }

  /** A group's id: itself when given as an id, else looked up by its display name. */
  groupId(scope: Construct, nameOrId: string): string {
    if (GROUP_ID.test(nameOrId)) return nameOrId;
    const id = `group-${nameOrId.replace(/[^\w-]/g, '_')}`;
    const existing = scope.node.tryFindChild(id) as DataAwsIdentitystoreGroup | undefined;
    return (existing ?? new DataAwsIdentitystoreGroup(scope, id, {
      identityStoreId: this.identityStoreId,
      alternateIdentifier: { uniqueAttribute: { attributePath: 'DisplayName', attributeValue: nameOrId } },
    })).groupId;
  }
}

export interface SessionPermissionSetProps {
  readonly instance: IdentityCenterInstance;
  /** 1 to 32 of letters, digits and `+=,.@_-`. */
  readonly name: string;
  /** @default 'Session Manager access' */
  readonly description?: string;
  /**
   * How long a session from the access portal lasts (ISO 8601).
   * @default 'PT1H'
   */
  readonly sessionDuration?: string;
  /** The inline policy: the group's access statements (`sessionAccessStatements`). */
  readonly statements: readonly PolicyStatement[];
  /**
   * A customer managed policy, by name, that exists in every assigned account under the same name: the
   * permissions boundary of the permission set's roles there.
   * @default no permissions boundary
   */
  readonly boundaryPolicyName?: string;
  /** Identity Center groups (display names or ids) given the permission set in `accountId`. */
  readonly groups: readonly string[];
  readonly accountId: string;
}

/**
 * An IAM Identity Center permission set for Session Manager access, its policy inline, its boundary
 * attached, assigned to groups in one account: Identity Center then creates the
 * `AWSReservedSSO_<name>_<suffix>` role in that account, whose sessions are named after the user.
 */
export class SessionPermissionSet extends Construct {
  readonly permissionSet: SsoadminPermissionSet;
  readonly inlinePolicy: SsoadminPermissionSetInlinePolicy;
  readonly boundary?: SsoadminPermissionsBoundaryAttachment;
  readonly assignments: SsoadminAccountAssignment[];

  constructor(scope: Construct, id: string, props: SessionPermissionSetProps) {
    super(scope, id);
    const { instanceArn } = props.instance;
    this.permissionSet = new SsoadminPermissionSet(this, 'permission-set', {
      instanceArn,
      name: props.name,
      description: props.description ?? 'Session Manager access',
      sessionDuration: props.sessionDuration ?? 'PT1H',
    });
    const permissionSetArn = this.permissionSet.arn;
    this.inlinePolicy = new SsoadminPermissionSetInlinePolicy(this, 'inline-policy', {
      instanceArn, permissionSetArn, inlinePolicy: new PolicyDocument([...props.statements]).toJson(),
    });
    if (props.boundaryPolicyName) {
      this.boundary = new SsoadminPermissionsBoundaryAttachment(this, 'boundary', {
        instanceArn, permissionSetArn,
        permissionsBoundary: { customerManagedPolicyReference: { name: props.boundaryPolicyName, path: '/' } },
      });
    }
    this.assignments = props.groups.map((group) => new SsoadminAccountAssignment(this, `assignment-${group.replace(/[^\w-]/g, '_')}`, {
      instanceArn,
      permissionSetArn,
      principalId: props.instance.groupId(this, group),
      principalType: 'GROUP',
      targetId: props.accountId,
      targetType: 'AWS_ACCOUNT',
      // The policy and the boundary are in place before anyone gets the role.
      dependsOn: [this.inlinePolicy, ...(this.boundary ? [this.boundary] : [])],
    }));
  }
}
