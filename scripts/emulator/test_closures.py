"""Each closure against in-process moto: the gap without it, AWS's behaviour with it.

When a test's "gap" assertion fails, moto has closed the gap itself: drop the closure.
Run with  python3 -m unittest scripts/emulator/test_closures.py  (npm test runs it).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
import unittest
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
# One image instead of moto's hundreds per region, which it loads again with every backend: an Amazon
# Linux image with an EBS root device, as DescribeImages describes one (EC2 API Reference, "Image").
_IMAGES_DIR = tempfile.mkdtemp(prefix="ssk-closures-")
atexit.register(shutil.rmtree, _IMAGES_DIR, True)
_IMAGES = os.path.join(_IMAGES_DIR, "amis.json")
with open(_IMAGES, "w") as f:
    json.dump([{"ami_id": "ami-0a1b2c3d4e5f60718", "state": "available", "public": True, "owner_id": "137112412989",
                "image_location": "amazon/al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64", "root_device_type": "ebs",
                "root_device_name": "/dev/xvda", "description": "Amazon Linux 2023 AMI", "image_type": "machine",
                "platform": None, "architecture": "x86_64", "name": "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64",
                "virtualization_type": "hvm", "hypervisor": "xen", "sriov": "simple"}], f)
os.environ["MOTO_AMIS_PATH"] = _IMAGES

import boto3  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto import mock_aws  # noqa: E402

from closures import CLOSURES, Closure  # noqa: E402

REGION = "eu-west-1"


def closure(name: str) -> Closure:
    return next(c for c in CLOSURES if c.name == name)


def both(test: Callable[[unittest.TestCase, bool], None]) -> Callable[[unittest.TestCase], None]:
    """Runs `test(closed=False)` on unpatched moto, then `test(closed=True)` with the closure."""
    def run(self: Any) -> None:
        with mock_aws():
            test(self, False)
        undo = closure(self.CLOSURE).apply()
        try:
            with mock_aws():
                test(self, True)
        finally:
            undo()
    return run


# One session for every client: moto hides boto3's default session inside each mock, so
# boto3.client() would read the service's model from disk again for every client.
SESSION = boto3.session.Session(region_name=REGION)


def client(service: str, **credentials: Any) -> Any:
    return SESSION.client(service, **credentials)


def amazon_linux_image(ec2: Any) -> dict[str, Any]:
    return ec2.describe_images(Owners=["amazon"])["Images"][0]


def instance_in_subnet(ec2: Any, **extra: Any) -> dict[str, Any]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc)["GroupId"]
    image = amazon_linux_image(ec2)
    # The AWS provider's RunInstances for aws_instance with associate_public_ip_address: the
    # subnet and groups go in the primary network interface.
    run = ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, InstanceType="t3.micro",
                            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": [group],
                                                "AssociatePublicIpAddress": False, "DeleteOnTermination": True}],
                            **extra)
    instance = ec2.describe_instances(InstanceIds=[run["Instances"][0]["InstanceId"]])
    return {"instance": instance["Reservations"][0]["Instances"][0], "group": group, "image": image}


class AwsManagedPolicies(unittest.TestCase):
    CLOSURE = "aws-managed-policies"

    @both
    def test_the_instance_core_policy_exists(self, closed: bool) -> None:
        iam = client("iam")
        arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
        if closed:
            self.assertEqual(iam.get_policy(PolicyArn=arn)["Policy"]["Arn"], arn)
        else:
            with self.assertRaises(ClientError):
                iam.get_policy(PolicyArn=arn)


class ConditionalPolicyStatements(unittest.TestCase):
    CLOSURE = "conditional-policy-statements"

    @staticmethod
    def bucket_denying(statement: dict[str, Any]) -> Any:
        """A bucket holding one object, its policy one Deny statement on its objects."""
        s3 = client("s3")
        s3.create_bucket(Bucket="state", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_object(Bucket="state", Key="k", Body=b"state")
        s3.put_bucket_policy(Bucket="state", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Resource": "arn:aws:s3:::state/*", **statement}]}))
        return s3

    @both
    def test_a_conditional_deny_applies_only_when_its_condition_is_met(self, closed: bool) -> None:
        # The state bucket's TLS-only statement ("Amazon S3 security best practices"): an HTTPS request
        # does not meet the condition.
        s3 = self.bucket_denying({"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
        if closed:
            self.assertEqual(s3.get_object(Bucket="state", Key="k")["Body"].read(), b"state")
        else:
            with self.assertRaises(ClientError):
                s3.get_object(Bucket="state", Key="k")

    @both
    def test_an_unconditional_deny_still_denies(self, closed: bool) -> None:
        s3 = self.bucket_denying({"Action": "s3:GetObject"})
        with self.assertRaises(ClientError):
            s3.get_object(Bucket="state", Key="k")


class PolicyWildcards(unittest.TestCase):
    CLOSURE = "policy-wildcards"

    @both
    def test_a_question_mark_is_one_character(self, closed: bool) -> None:
        # ("IAM JSON policy elements: Resource") '?' any one character: reviews/x-??? denies x-abc's, not x-abcd's.
        s3 = client("s3")
        s3.create_bucket(Bucket="signoffs", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_policy(Bucket="signoffs", Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::signoffs/reviews/x-???/*"}]}))
        if not closed:
            # Three '?' are no regular expression: every write under the policy fails.
            with self.assertRaises(Exception):
                s3.put_object(Bucket="signoffs", Key="sessions/y.log", Body=b"y")
            return
        s3.put_object(Bucket="signoffs", Key="sessions/y.log", Body=b"y")
        s3.put_object(Bucket="signoffs", Key="reviews/x-abcd/r.json", Body=b"{}")
        with self.assertRaises(ClientError):
            s3.put_object(Bucket="signoffs", Key="reviews/x-abc/r.json", Body=b"{}")


class TrailByArn(unittest.TestCase):
    CLOSURE = "trail-by-arn"

    @both
    def test_start_and_stop_logging_by_arn(self, closed: bool) -> None:
        s3, trails = client("s3"), client("cloudtrail")
        s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": REGION})
        arn = trails.create_trail(Name="audit", S3BucketName="trail")["TrailARN"]
        if not closed:
            with self.assertRaises(Exception):
                trails.start_logging(Name=arn)
            return
        trails.start_logging(Name=arn)
        self.assertTrue(trails.get_trail_status(Name=arn)["IsLogging"])
        trails.stop_logging(Name=arn)
        self.assertFalse(trails.get_trail_status(Name="audit")["IsLogging"])


class RootVolumeSize(unittest.TestCase):
    CLOSURE = "root-volume-size"

    @both
    def test_a_root_device_without_size_takes_the_image_snapshot_size(self, closed: bool) -> None:
        ec2 = client("ec2")
        image = amazon_linux_image(ec2)
        # aws_instance.root_block_device without volume_size: the provider names the image's root device.
        mapping = [{"DeviceName": image["RootDeviceName"], "Ebs": {"VolumeType": "gp3", "Encrypted": True}}]
        if not closed:
            with self.assertRaises(ClientError):
                ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, BlockDeviceMappings=mapping)
            return
        instance = ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, BlockDeviceMappings=mapping)["Instances"][0]
        volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        root = next(m for m in image["BlockDeviceMappings"] if m["DeviceName"] == image["RootDeviceName"])
        self.assertEqual(ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Size"], root["Ebs"]["VolumeSize"])
        other = [{"DeviceName": "/dev/sdf", "Ebs": {"VolumeType": "gp3"}}]
        with self.assertRaises(ClientError):  # not the root device: no snapshot, no size
            ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, BlockDeviceMappings=other)

    @both
    def test_an_auto_scaling_group_launches_from_a_template_without_a_root_size(self, closed: bool) -> None:
        ec2, autoscaling = client("ec2"), client("autoscaling")
        image = amazon_linux_image(ec2)
        subnet = instance_in_subnet(ec2)["instance"]["SubnetId"]
        # SsmLaunchTemplate's root device: encrypted gp3, its size the image's.
        ec2.create_launch_template(LaunchTemplateName="workers", LaunchTemplateData={
            "ImageId": image["ImageId"], "InstanceType": "t3.micro",
            "BlockDeviceMappings": [{"DeviceName": image["RootDeviceName"], "Ebs": {"VolumeType": "gp3", "Encrypted": True}}]})
        create = lambda: autoscaling.create_auto_scaling_group(AutoScalingGroupName="workers", MinSize=1, MaxSize=1, VPCZoneIdentifier=subnet,
                                                                LaunchTemplate={"LaunchTemplateName": "workers", "Version": "$Latest"})
        if not closed:
            with self.assertRaises(ClientError):
                create()
            return
        create()
        [group] = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["workers"])["AutoScalingGroups"]
        self.assertEqual(len(group["Instances"]), 1)


class NoEmptyAssociation(unittest.TestCase):
    CLOSURE = "no-empty-association"

    @both
    def test_an_interface_without_a_public_address_has_no_association(self, closed: bool) -> None:
        interface = instance_in_subnet(client("ec2"))["instance"]["NetworkInterfaces"][0]
        self.assertEqual("Association" in interface, not closed)


class InstanceGroups(unittest.TestCase):
    CLOSURE = "instance-groups"

    @both
    def test_the_instance_lists_its_primary_interface_groups(self, closed: bool) -> None:
        launched = instance_in_subnet(client("ec2"))
        groups = [g["GroupId"] for g in launched["instance"]["SecurityGroups"]]
        self.assertEqual(groups, [launched["group"]] if closed else [])


class DocumentDuplicateOfLatest(unittest.TestCase):
    CLOSURE = "document-duplicate-of-latest"

    @both
    def test_content_of_an_older_version_makes_a_new_version(self, closed: bool) -> None:
        ssm = client("ssm")
        recorded = json.dumps({"schemaVersion": "1.0", "sessionType": "Standard_Stream", "inputs": {"s3BucketName": "logs"}})
        forged = json.dumps({"schemaVersion": "1.0", "sessionType": "Standard_Stream", "inputs": {"s3BucketName": ""}})
        ssm.create_document(Name="SSM-SessionManagerRunShell", Content=recorded, DocumentType="Session", DocumentFormat="JSON")
        ssm.update_document(Name="SSM-SessionManagerRunShell", Content=forged, DocumentVersion="$LATEST")
        ssm.update_document_default_version(Name="SSM-SessionManagerRunShell", DocumentVersion="2")
        # The provider's repair: the configured content, as an update of the latest version.
        if not closed:
            with self.assertRaises(ClientError):
                ssm.update_document(Name="SSM-SessionManagerRunShell", Content=recorded, DocumentVersion="2")
            return
        repaired = ssm.update_document(Name="SSM-SessionManagerRunShell", Content=recorded, DocumentVersion="2")
        self.assertEqual(repaired["DocumentDescription"]["DocumentVersion"], "3")
        self.assertEqual(ssm.describe_document(Name="SSM-SessionManagerRunShell")["Document"]["DefaultVersion"], "2")
        with self.assertRaises(ClientError):  # the latest version's own content is still a duplicate
            ssm.update_document(Name="SSM-SessionManagerRunShell", Content=recorded, DocumentVersion="3")


class DetailedMonitoring(unittest.TestCase):
    CLOSURE = "detailed-monitoring"

    @both
    def test_monitor_and_unmonitor(self, closed: bool) -> None:
        ec2 = client("ec2")
        instance_id = instance_in_subnet(ec2)["instance"]["InstanceId"]
        if not closed:
            with self.assertRaises(Exception):
                ec2.monitor_instances(InstanceIds=[instance_id])
            return
        answer = ec2.monitor_instances(InstanceIds=[instance_id])["InstanceMonitorings"][0]
        self.assertEqual(answer, {"InstanceId": instance_id, "Monitoring": {"State": "pending"}})
        state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Monitoring"]
        self.assertEqual(state["State"], "enabled")
        ec2.unmonitor_instances(InstanceIds=[instance_id])
        state = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["Monitoring"]
        self.assertEqual(state["State"], "disabled")


class ServiceSettings(unittest.TestCase):
    CLOSURE = "service-settings"
    SETTING = "/ssm/managed-instance/default-ec2-instance-management-role"

    @both
    def test_update_get_and_reset(self, closed: bool) -> None:
        ssm = client("ssm")
        if not closed:
            with self.assertRaises(Exception):
                ssm.get_service_setting(SettingId=self.SETTING)
            return
        self.assertEqual(ssm.get_service_setting(SettingId=self.SETTING)["ServiceSetting"]["Status"], "Default")
        ssm.update_service_setting(SettingId=self.SETTING, SettingValue="service-role/dhmc")
        setting = ssm.get_service_setting(SettingId=self.SETTING)["ServiceSetting"]
        self.assertEqual((setting["SettingValue"], setting["Status"]), ("service-role/dhmc", "Customized"))
        self.assertTrue(setting["ARN"].endswith(":servicesetting" + self.SETTING))
        ssm.reset_service_setting(SettingId=setting["ARN"])
        self.assertEqual(ssm.get_service_setting(SettingId=self.SETTING)["ServiceSetting"]["Status"], "Default")


class Sessions(unittest.TestCase):
    CLOSURE = "sessions"

    @both
    def test_a_session_is_described_and_in_the_event_history(self, closed: bool) -> None:
        iam = client("iam")
        iam.create_user(UserName="alice")
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        ssm = client("ssm", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
        cloudtrail = client("cloudtrail")
        if not closed:
            with self.assertRaises(Exception):
                ssm.start_session(Target="i-0123456789abcdef0")
            with self.assertRaises(Exception):
                cloudtrail.lookup_events()
            return
        session_id = ssm.start_session(Target="i-0123456789abcdef0")["SessionId"]
        self.assertRegex(session_id, r"^alice-[0-9a-f]{17}$")
        self.assertEqual([s["SessionId"] for s in ssm.describe_sessions(State="Active")["Sessions"]], [session_id])
        ssm.terminate_session(SessionId=session_id)
        ended = ssm.describe_sessions(State="History")["Sessions"]
        self.assertEqual([(s["SessionId"], s["Status"]) for s in ended], [(session_id, "Terminated")])
        self.assertGreaterEqual(ended[0]["EndDate"], ended[0]["StartDate"])
        self.assertEqual(ssm.describe_sessions(State="Active")["Sessions"], [])
        events = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "StartSession"}])["Events"]
        self.assertEqual([e["EventName"] for e in events], ["StartSession"])
        started = json.loads(events[0]["CloudTrailEvent"])
        self.assertEqual((started["userIdentity"]["type"], started["userIdentity"]["userName"]), ("IAMUser", "alice"))
        self.assertEqual(started["responseElements"]["sessionId"], session_id)
        self.assertEqual([e["EventName"] for e in cloudtrail.lookup_events()["Events"]], ["TerminateSession", "StartSession"])
        by_user = cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "alice"}])["Events"]
        self.assertEqual([e["EventName"] for e in by_user], ["TerminateSession", "StartSession"])
        self.assertEqual(cloudtrail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "bob"}])["Events"], [])


class IdentityCenterPermissionSets(unittest.TestCase):
    CLOSURE = "identity-center-permission-sets"

    @both
    def test_boundary_attributes_provisioning_and_tags(self, closed: bool) -> None:
        sso = client("sso-admin")
        instance = sso.list_instances()["Instances"][0]["InstanceArn"]
        permission_set = sso.create_permission_set(InstanceArn=instance, Name="ProdEngineers", Tags=[{"Key": "ManagedBy", "Value": "ssm-session-kit"}])["PermissionSet"]["PermissionSetArn"]
        boundary = {"CustomerManagedPolicyReference": {"Name": "ssm-session-kit-prod-permissions-boundary", "Path": "/"}}
        if not closed:
            with self.assertRaises(Exception):
                sso.put_permissions_boundary_to_permission_set(InstanceArn=instance, PermissionSetArn=permission_set, PermissionsBoundary=boundary)
            return
        with self.assertRaises(ClientError):
            sso.get_permissions_boundary_for_permission_set(InstanceArn=instance, PermissionSetArn=permission_set)
        sso.put_permissions_boundary_to_permission_set(InstanceArn=instance, PermissionSetArn=permission_set, PermissionsBoundary=boundary)
        got = sso.get_permissions_boundary_for_permission_set(InstanceArn=instance, PermissionSetArn=permission_set)["PermissionsBoundary"]
        self.assertEqual(got, boundary)
        attributes = {"AccessControlAttributes": [{"Key": "SSMSessionRunAs", "Value": {"Source": ["${path:userName}"]}}]}
        sso.create_instance_access_control_attribute_configuration(InstanceArn=instance, InstanceAccessControlAttributeConfiguration=attributes)
        described = sso.describe_instance_access_control_attribute_configuration(InstanceArn=instance)
        self.assertEqual((described["Status"], described["InstanceAccessControlAttributeConfiguration"]), ("ENABLED", attributes))
        request = sso.provision_permission_set(InstanceArn=instance, PermissionSetArn=permission_set, TargetType="ALL_PROVISIONED_ACCOUNTS")
        request_id = request["PermissionSetProvisioningStatus"]["RequestId"]
        status = sso.describe_permission_set_provisioning_status(InstanceArn=instance, ProvisionPermissionSetRequestId=request_id)
        self.assertEqual(status["PermissionSetProvisioningStatus"]["Status"], "SUCCEEDED")
        tags = lambda: sso.list_tags_for_resource(InstanceArn=instance, ResourceArn=permission_set)["Tags"]  # noqa: E731
        self.assertEqual(tags(), [{"Key": "ManagedBy", "Value": "ssm-session-kit"}])
        sso.tag_resource(InstanceArn=instance, ResourceArn=permission_set, Tags=[{"Key": "Owner", "Value": "platform"}])
        sso.untag_resource(InstanceArn=instance, ResourceArn=permission_set, TagKeys=["ManagedBy"])
        self.assertEqual(tags(), [{"Key": "Owner", "Value": "platform"}])


class LaunchTemplateData(unittest.TestCase):
    CLOSURE = "launch-template-data"

    @both
    def test_the_template_s_own_tags_stay_out_of_what_it_launches_with(self, closed: bool) -> None:
        ec2 = client("ec2")
        # As the AWS provider creates SsmLaunchTemplate: its own tags, and the tags of what it launches.
        ec2.create_launch_template(
            LaunchTemplateName="workers",
            TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Environment", "Value": "dev"}]}],
            LaunchTemplateData={"InstanceType": "t3.micro", "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "workers"}]}]})
        [version] = ec2.describe_launch_template_versions(LaunchTemplateName="workers")["LaunchTemplateVersions"]
        types = [s["ResourceType"] for s in version["LaunchTemplateData"]["TagSpecifications"]]
        self.assertEqual(types, ["instance"] if closed else ["instance", "launch-template"])
        [template] = ec2.describe_launch_templates(LaunchTemplateNames=["workers"])["LaunchTemplates"]
        self.assertEqual(template["Tags"], [{"Key": "Environment", "Value": "dev"}])

    @both
    def test_a_template_version_holding_user_data_as_the_server_parses_it(self, closed: bool) -> None:
        from moto.ec2.models.launch_templates import LaunchTemplateVersion
        # moto's server keeps a RunInstances-style UserData as the request's string (the in-process stubber
        # does not); the Auto Scaling group reads it back when it launches.
        version = LaunchTemplateVersion.__new__(LaunchTemplateVersion)
        version.data = {"UserData": "I2Nsb3VkLWNvbmZpZwo="}
        if not closed:
            with self.assertRaises(AssertionError):
                version.user_data
            return
        self.assertEqual(version.user_data.decode(), "#cloud-config\n")


class InstanceRefreshes(unittest.TestCase):
    CLOSURE = "instance-refreshes"

    @both
    def test_a_refresh_replaces_the_instances_and_reports_it(self, closed: bool) -> None:
        ec2, autoscaling = client("ec2"), client("autoscaling")
        image = amazon_linux_image(ec2)
        subnet = instance_in_subnet(ec2)["instance"]["SubnetId"]
        ec2.create_launch_template(LaunchTemplateName="workers", LaunchTemplateData={"ImageId": image["ImageId"], "InstanceType": "t3.micro"})
        autoscaling.create_auto_scaling_group(AutoScalingGroupName="workers", MinSize=1, MaxSize=1, VPCZoneIdentifier=subnet,
                                              LaunchTemplate={"LaunchTemplateName": "workers", "Version": "$Latest"})
        # As the AWS provider starts one after a new template version (aws_autoscaling_group.instance_refresh).
        start = lambda: autoscaling.start_instance_refresh(AutoScalingGroupName="workers", Strategy="Rolling", Preferences={"MinHealthyPercentage": 90})
        if not closed:
            with self.assertRaises(Exception):
                start()
            return
        before = [i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["workers"])["AutoScalingGroups"][0]["Instances"]]
        refresh = start()["InstanceRefreshId"]
        [described] = autoscaling.describe_instance_refreshes(AutoScalingGroupName="workers", InstanceRefreshIds=[refresh])["InstanceRefreshes"]
        self.assertEqual(described["Status"], "Successful")
        after = [i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["workers"])["AutoScalingGroups"][0]["Instances"]]
        self.assertEqual(len(after), 1)
        self.assertNotEqual(after, before)


class ApprovalPolicyDocuments(unittest.TestCase):
    CLOSURE = "approval-policy-documents"

    # As the environment stack's template writes one (AWS's sample: aws-samples/cloud-operations-best-
    # practices, just-in-time-cfn-approval-policies.yaml): an object Content in YAML format.
    TEMPLATE = {"Resources": {"Manual": {"Type": "AWS::SSM::Document", "Properties": {
        "Name": "ssm-session-kit-dev-on-call-approval", "DocumentType": "ManualApprovalPolicy", "DocumentFormat": "YAML",
        "Content": {"schemaVersion": "0.3", "description": "on approval", "accessDuration": 3600,
                    "targets": [{"Key": "tag:JustInTimeApproval", "Values": ["ssm-session-kit-dev-on-call-approval"]}],
                    "mainSteps": [{"name": "ApprovalLevel1", "action": "aws:approve", "inputs": {"MinRequiredApprovals": 1}}]}}}}}

    @both
    def test_cloudformation_creates_and_deletes_a_manual_approval_policy(self, closed: bool) -> None:
        cfn, ssm = client("cloudformation"), client("ssm")
        if not closed:
            with self.assertRaises(ClientError):
                cfn.create_stack(StackName="approvals", TemplateBody=json.dumps(self.TEMPLATE))
            return
        cfn.create_stack(StackName="approvals", TemplateBody=json.dumps(self.TEMPLATE))
        document = ssm.describe_document(Name="ssm-session-kit-dev-on-call-approval")["Document"]
        self.assertEqual((document["DocumentType"], document["DocumentFormat"]), ("ManualApprovalPolicy", "YAML"))
        content = ssm.get_document(Name="ssm-session-kit-dev-on-call-approval")["Content"]
        self.assertIn("tag:JustInTimeApproval", content)
        cfn.delete_stack(StackName="approvals")
        with self.assertRaises(ClientError):
            ssm.describe_document(Name="ssm-session-kit-dev-on-call-approval")

    @both
    def test_create_document_takes_the_auto_approval_type(self, closed: bool) -> None:
        ssm = client("ssm")
        create = lambda: ssm.create_document(Name="SSM-JustInTimeAccessAutoApprovalPolicy", DocumentType="AutoApprovalPolicy",
                                             DocumentFormat="JSON", Content=json.dumps({"schemaVersion": "0.3"}))
        if closed:
            self.assertEqual(create()["DocumentDescription"]["DocumentType"], "AutoApprovalPolicy")
        else:
            with self.assertRaises(ClientError):
                create()


class QuickSetup(unittest.TestCase):
    CLOSURE = "quick-setup"

    @both
    def test_a_configuration_manager_is_created_read_changed_and_deleted(self, closed: bool) -> None:
        quick_setup = client("ssm-quicksetup")
        # The organization stack's enablement, as the AWS provider's CreateConfigurationManager sends it.
        create = lambda: quick_setup.create_configuration_manager(Name="ssm-session-kit-organization-just-in-time", Tags={"ManagedBy": "ssm-session-kit"},
                                                                  ConfigurationDefinitions=[{"Type": "AWSQuickSetupType-JITNA", "Parameters": {"HomeRegion": REGION}}])
        if not closed:
            with self.assertRaises(Exception):
                create()
            return
        arn = create()["ManagerArn"]
        manager = quick_setup.get_configuration_manager(ManagerArn=arn)
        self.assertEqual([(s["StatusType"], s["Status"]) for s in manager["StatusSummaries"]], [("Deployment", "SUCCEEDED")])
        definition = manager["ConfigurationDefinitions"][0]
        quick_setup.update_configuration_definition(ManagerArn=arn, Id=definition["Id"], Parameters={"HomeRegion": "us-east-1"})
        self.assertEqual(quick_setup.get_configuration_manager(ManagerArn=arn)["ConfigurationDefinitions"][0]["Parameters"], {"HomeRegion": "us-east-1"})
        self.assertEqual(quick_setup.list_tags_for_resource(ResourceArn=arn)["Tags"], [{"Key": "ManagedBy", "Value": "ssm-session-kit"}])
        quick_setup.delete_configuration_manager(ManagerArn=arn)
        with self.assertRaises(ClientError):
            quick_setup.get_configuration_manager(ManagerArn=arn)


class EveryClosureIsTested(unittest.TestCase):
    def test_each_closure_has_a_test_case(self) -> None:
        tested = {case.CLOSURE for case in unittest.TestCase.__subclasses__() if hasattr(case, "CLOSURE")}
        self.assertEqual(tested, {c.name for c in CLOSURES})


if __name__ == "__main__":
    unittest.main()
