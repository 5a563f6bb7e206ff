"""Builds, in the emulator, what each account of a config has before the README's first step.

usage: fixture.py <endpoint> <config-in> <config-out> <credentials-out>

Per account, as a real one would have it: the VPC, subnets and route tables the config names, the
pipeline and plan roles, the roles access groups and guardrails name, the access-log bucket; in the
organization's management account, the organization and an organizational unit; in the log-archive
account, its pipeline role, and the readers' roles in theirs; in Identity Center's account, its pipeline
role and the groups the permission sets name. The ids AWS assigns
replace the config's placeholders in config-out. credentials-out holds, for each stack, the credentials
it deploys with (`deploy`: the bootstrap account's administrator for `bootstrap`, the pipeline role
otherwise) and plans with (`plan`: the plan role), and each account's administrator (`administrators`).
"""
from __future__ import annotations

import json
import re
import sys
from typing import Any

import boto3

BASE_KEY = {"aws_access_key_id": "AKIAFIXTUREBASEKEY00", "aws_secret_access_key": "fixture"}
ADMIN_ROLE = "fixture-administrator"
# "Group" (Identity Store API Reference): GroupId.
GROUP_ID = re.compile(r"^([0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$")
TRUST_ACCOUNT = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}


class Account:
    def __init__(self, endpoint: str, account_id: str) -> None:
        self.endpoint = endpoint
        self.account_id = account_id
        self.credentials = self.assume(f"arn:aws:iam::{account_id}:role/{ADMIN_ROLE}")

    def assume(self, role_arn: str) -> dict[str, str]:
        sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1", **BASE_KEY)
        c = sts.assume_role(RoleArn=role_arn, RoleSessionName="ssm-session-kit-fixture")["Credentials"]
        return {"AWS_ACCESS_KEY_ID": c["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
                "AWS_SESSION_TOKEN": c["SessionToken"]}

    def client(self, service: str, region: str = "us-east-1") -> Any:
        c = self.credentials
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=c["AWS_ACCESS_KEY_ID"], aws_secret_access_key=c["AWS_SECRET_ACCESS_KEY"],
                            aws_session_token=c["AWS_SESSION_TOKEN"])

    def role(self, name: str) -> None:
        iam = self.client("iam")
        try:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_ACCOUNT))
        except iam.exceptions.EntityAlreadyExistsException:
            pass

    def user(self, name: str) -> None:
        """An IAM user a role's trust names: IAM refuses a trust policy naming a principal that does not exist."""
        iam = self.client("iam")
        try:
            iam.create_user(UserName=name)
        except iam.exceptions.EntityAlreadyExistsException:
            pass


def role_name(arn: str) -> str:
    return arn.split(":role/", 1)[1].split("/")[-1]


def account_of(arn: str) -> str:
    return arn.split(":")[4]


def log_delivery_policy(bucket: str, account_id: str) -> dict[str, Any]:
    # S3 User Guide, "Permissions for log delivery": the logging service principal may put objects.
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}


def build_network(account: Account, region: str, network: dict[str, Any], index: int, ids: dict[str, str]) -> None:
    ec2 = account.client("ec2", region)
    cidr = (network.get("vpcCidrs") or [f"10.{100 + index}.0.0/16"])[0]
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ids[network["vpcId"]] = vpc
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    base = cidr.split("/")[0].rsplit(".", 2)[0]  # "10.30"
    for i, subnet in enumerate(network["subnetIds"]):
        created = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{i * 16}.0/20", AvailabilityZone=zones[i % len(zones)])
        ids[subnet] = created["Subnet"]["SubnetId"]
    for table in network.get("routeTableIds", []):
        ids[table] = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]


def main(endpoint: str, config_in: str, config_out: str, credentials_out: str) -> None:
    text = open(config_in).read()
    config = json.loads(text)
    ids: dict[str, str] = {}
    accounts: dict[str, Account] = {}

    def account(account_id: str) -> Account:
        if account_id not in accounts:
            accounts[account_id] = Account(endpoint, account_id)
        return accounts[account_id]

    stacks: dict[str, dict[str, dict[str, str]]] = {}
    bootstrap = config["bootstrap"]
    acct = account(bootstrap["accountId"])
    for role in bootstrap.get("attachToRoles", []):
        acct.role(role)
    if bootstrap.get("pipelineRoleArn"):
        # Created by hand, like the environments' pipeline roles (README, "A first deploy").
        acct.role(role_name(bootstrap["pipelineRoleArn"]))
        stacks["bootstrap"] = {"deploy": acct.assume(bootstrap["pipelineRoleArn"])}
    else:
        stacks["bootstrap"] = {"deploy": acct.credentials}

    for index, (name, env) in enumerate(sorted(config["environments"].items())):
        acct = account(env["accountId"])
        build_network(acct, env["region"], env["network"], index, ids)
        guardrails = env["guardrails"]
        for arn in filter(None, [guardrails.get("pipelineRoleArn"), guardrails.get("planRoleArn")]):
            acct.role(role_name(arn))
        for role in guardrails.get("attachToRoles", []):
            acct.role(role)
        for group in env.get("accessGroups", {}).values():
            for role in group.get("roleNames", []):
                acct.role(role)
            # Approvers that are roles of the account, which the stack gives the approvers' policy.
            for level in group.get("justInTime", {}).get("manualApproval", {}).get("levels", []):
                for approver in level:
                    if "iamRoleName" in approver:
                        acct.role(approver["iamRoleName"])
            for arn in group.get("createRole", {}).get("trustedArns", []):
                if ":role/" in arn:
                    account(account_of(arn)).role(role_name(arn))
                elif ":user/" in arn:
                    account(account_of(arn)).user(arn.split(":user/")[1].split("/")[-1])
        log_bucket = env.get("sessionLogging", {}).get("accessLogBucket")
        if log_bucket:
            s3 = acct.client("s3", env["region"])
            s3.create_bucket(Bucket=log_bucket, CreateBucketConfiguration={"LocationConstraint": env["region"]})
            s3.put_bucket_policy(Bucket=log_bucket, Policy=json.dumps(log_delivery_policy(log_bucket, env["accountId"])))
        stacks[name] = {"deploy": acct.assume(guardrails["pipelineRoleArn"])}
        if guardrails.get("planRoleArn"):
            stacks[name]["plan"] = acct.assume(guardrails["planRoleArn"])

    organization = config.get("organization")
    if organization:
        acct = account(organization["accountId"])
        org = acct.client("organizations")
        org.create_organization(FeatureSet="ALL")
        root = org.list_roots()["Roots"][0]["Id"]
        for target in organization["targetIds"]:
            if target.startswith("ou-"):
                ids[target] = org.create_organizational_unit(ParentId=root, Name=target)["OrganizationalUnit"]["Id"]
            elif target.startswith("r-"):
                ids[target] = root
        acct.role(role_name(organization["pipelineRoleArn"]))
        for role in organization.get("justInTime", {}).get("attachToRoles", []):
            acct.role(role)
        stacks["organization"] = {"deploy": acct.assume(organization["pipelineRoleArn"])}

    archive = config.get("logArchive")
    if archive:
        acct = account(archive["accountId"])
        for arn in filter(None, [archive.get("pipelineRoleArn"), archive.get("planRoleArn")]):
            acct.role(role_name(arn))
        for arn in archive.get("readerArns", []):
            account(account_of(arn)).role(role_name(arn))
        stacks["log-archive"] = {"deploy": acct.assume(archive["pipelineRoleArn"])}

    center = config.get("identityCenter")
    if center:
        acct = account(center["accountId"])
        for arn in filter(None, [center.get("pipelineRoleArn"), center.get("planRoleArn")]):
            acct.role(role_name(arn))
        # The account's Identity Center instance (the emulator has one per account), and the groups the
        # permission sets name: by display name, or an id placeholder replaced by the group created.
        store_id = acct.client("sso-admin", center["region"]).list_instances()["Instances"][0]["IdentityStoreId"]
        store = acct.client("identitystore", center["region"])
        named = {g for env in config["environments"].values() for group in env.get("accessGroups", {}).values()
                 for g in group.get("permissionSet", {}).get("groups", [])}
        for group in sorted(named):
            created = store.create_group(IdentityStoreId=store_id, DisplayName=group)["GroupId"]
            if GROUP_ID.match(group):
                ids[group] = created
        stacks["identity-center"] = {"deploy": acct.assume(center["pipelineRoleArn"])}

    for placeholder, real in ids.items():
        text = text.replace(f'"{placeholder}"', f'"{real}"')
    open(config_out, "w").write(text)
    administrators = {a.account_id: a.credentials for a in accounts.values()}
    open(credentials_out, "w").write(json.dumps({"stacks": stacks, "administrators": administrators}, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
