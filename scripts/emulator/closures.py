"""Where moto's server falls short of AWS for what the stacks do, the AWS behaviour, in moto.

Each closure names the AWS behaviour it follows and patches moto's classes in place; `apply_all`
returns an undo. test_closures.py shows each gap in unpatched moto, so that a closure can be dropped
once moto closes the gap itself.
"""
from __future__ import annotations

import datetime
import json
import os
import re
from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Closure:
    name: str
    follows: str  # the AWS behaviour, and the page that states it
    apply: Callable[[], Callable[[], None]]


def _patch(owner: Any, attribute: str, value: Any) -> Callable[[], None]:
    had = attribute in vars(owner)
    old = vars(owner).get(attribute)
    setattr(owner, attribute, value)

    def undo() -> None:
        if had:
            setattr(owner, attribute, old)
        else:
            delattr(owner, attribute)

    return undo


def _undo_all(undos: list[Callable[[], None]]) -> Callable[[], None]:
    def undo() -> None:
        for u in reversed(undos):
            u()

    return undo


def _aws_managed_policies() -> Callable[[], None]:
    old = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

    def undo() -> None:
        if old is None:
            del os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"]
        else:
            os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = old

    return undo


def _conditional_statements_need_request_context() -> Callable[[], None]:
    # moto has no request context (caller, TLS, condition keys), so it treats every condition as
    # unmet and a conditional statement as a Deny. In AWS a statement whose conditions are not met
    # does not apply. Conditional statements are the IAM engine's to decide (the policy tests), so
    # here they do not apply; unconditional statements keep moto's evaluation.
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    original = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(self: Any, action: str, resource: str = "*", principal: Any = None,
                            incoming_condition_values: Any = None) -> Any:
        if self._statement.get("Condition") and not incoming_condition_values:
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    return _patch(IAMPolicyStatement, "is_action_permitted", is_action_permitted)


def _policy_wildcards() -> Callable[[], None]:
    # moto reads a policy's patterns as regular expressions with '*' made '.*': a '?' or a '.' takes a
    # regex meaning, and '??' fails the request with a server error. In IAM '*' is any characters and '?'
    # any one character, everything else literal (a policy variable, not substituted here, never matches).
    from moto.iam.access_control import IAMPolicyStatement

    def match(pattern: str, string: str) -> Any:
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.match(f"^{regex}$", string)

    return _patch(IAMPolicyStatement, "_match", staticmethod(match))


def _trail_by_name_or_arn() -> Callable[[], None]:
    from moto.cloudtrail.models import CloudTrailBackend

    def start_logging(self: Any, name: str) -> None:
        self.get_trail(name).start_logging()

    def stop_logging(self: Any, name: str) -> None:
        self.get_trail(name).stop_logging()

    return _undo_all([
        _patch(CloudTrailBackend, "start_logging", start_logging),
        _patch(CloudTrailBackend, "stop_logging", stop_logging),
    ])


def _root_volume_size_from_image() -> Callable[[], None]:
    from moto.ec2.exceptions import MissingParameterError
    from moto.ec2.responses.instances import InstanceResponse

    original_parse = InstanceResponse._parse_block_device_mapping
    original_validate = InstanceResponse._validate_block_device_mapping

    def validate(device_mapping: dict[str, Any]) -> None:
        ebs = device_mapping.get("Ebs")
        if "NoDevice" in device_mapping or not isinstance(ebs, dict) or ebs.get("VolumeSize") or ebs.get("SnapshotId"):
            original_validate(device_mapping)
        # otherwise sized in parse, from the image

    def parse(self: Any) -> list[dict[str, Any]]:
        mappings = original_parse(self)
        image = self._get_param("ImageId")
        for mapping in mappings:
            ebs = mapping["Ebs"]
            if ebs.get("VolumeSize") or ebs.get("SnapshotId"):
                continue
            size = _image_device_size(self.ec2_backend, image, mapping["DeviceName"])
            if size is None:
                raise MissingParameterError("size or snapshotId")
            ebs["VolumeSize"] = size
        return mappings

    # Launched from a launch template (an Auto Scaling group's, say), the mapping reaches the instance as given.
    from moto.ec2.models.instances import Instance
    original_add = Instance.add_block_device

    def add_block_device(self: Any, size: int | None, device_path: str, snapshot_id: str | None, *args: Any, **kwargs: Any) -> Any:
        if size is None and snapshot_id is None:
            size = _image_device_size(self.ec2_backend, self.image_id, device_path)
        return original_add(self, size, device_path, snapshot_id, *args, **kwargs)

    return _undo_all([
        _patch(InstanceResponse, "_validate_block_device_mapping", staticmethod(validate)),
        _patch(InstanceResponse, "_parse_block_device_mapping", parse),
        _patch(Instance, "add_block_device", add_block_device),
    ])


def _image_device_size(ec2_backend: Any, image_id: str, device_name: str) -> int | None:
    """The size of the snapshot the image maps to this device, as the image describes it."""
    images = ec2_backend.describe_images(filters={"image-id": image_id}) if image_id else []
    for mapping in images[0].block_device_mappings if images else []:
        if mapping["DeviceName"] == device_name and mapping.get("Ebs", {}).get("SnapshotId"):
            return int(mapping["Ebs"]["VolumeSize"])
    return None


def _service_settings() -> Callable[[], None]:
    from moto.ssm.responses import SimpleSystemManagerResponse

    def settings_of(backend: Any) -> dict[str, dict[str, Any]]:
        if not hasattr(backend, "_ssk_service_settings"):
            backend._ssk_service_settings = {}
        return backend._ssk_service_settings

    def setting_path(setting_id: str) -> str:
        # SettingId: "/ssm/..." or the setting's ARN (UpdateServiceSetting, "SettingId").
        return "/" + setting_id.split(":servicesetting/", 1)[1] if ":servicesetting/" in setting_id else setting_id

    def describe(self: Any, setting_id: str) -> dict[str, Any]:
        path = setting_path(setting_id)
        stored = settings_of(self.ssm_backend).get(path)
        arn = f"arn:aws:ssm:{self.region}:{self.current_account}:servicesetting{path}"
        if stored is None:
            # AWS services teams define the default value for a SettingId ("ServiceSetting").
            return {"SettingId": path, "SettingValue": DEFAULT_SETTINGS.get(path, "false"), "ARN": arn, "Status": "Default"}
        return {"SettingId": path, "ARN": arn, "Status": "Customized", **stored}

    def get_service_setting(self: Any) -> str:
        return json.dumps({"ServiceSetting": describe(self, self._get_param("SettingId"))})

    def update_service_setting(self: Any) -> str:
        settings_of(self.ssm_backend)[setting_path(self._get_param("SettingId"))] = {
            "SettingValue": self._get_param("SettingValue"),
            "LastModifiedDate": datetime.datetime.now(datetime.timezone.utc).timestamp(),
            "LastModifiedUser": f"arn:aws:iam::{self.current_account}:root",
        }
        return "{}"

    def reset_service_setting(self: Any) -> str:
        settings_of(self.ssm_backend).pop(setting_path(self._get_param("SettingId")), None)
        return json.dumps({"ServiceSetting": describe(self, self._get_param("SettingId"))})

    return _undo_all([
        _patch(SimpleSystemManagerResponse, "get_service_setting", get_service_setting),
        _patch(SimpleSystemManagerResponse, "update_service_setting", update_service_setting),
        _patch(SimpleSystemManagerResponse, "reset_service_setting", reset_service_setting),
    ])


def _no_association_without_public_address() -> Callable[[], None]:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface

    original = NetworkInterface.association

    def association(self: Any) -> Any:
        return original.fget(self) if self.public_ip else None

    return _patch(NetworkInterface, "association", property(association))


def _instance_groups_from_primary_interface() -> Callable[[], None]:
    from moto.ec2.models.instances import Instance

    original = Instance.prep_nics

    def prep_nics(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        primary = self.nics.get(0)
        if not self.security_groups and primary is not None:
            self.security_groups = list(primary._group_set)

    return _patch(Instance, "prep_nics", prep_nics)


def _duplicate_of_the_latest_version_only() -> Callable[[], None]:
    from moto.ssm.models import SimpleSystemManagerBackend

    original = SimpleSystemManagerBackend.update_document

    def update_document(self: Any, content: str, attachments: Any, name: str, version_name: str,
                        document_version: str, document_format: str, target_type: str) -> Any:
        documents = self._documents.get(name)
        if documents is None:
            return original(self, content, attachments, name, version_name, document_version, document_format, target_type)
        versions, default = documents.versions, documents.default_version
        documents.versions = {documents.latest_version: versions[documents.latest_version]}
        documents.default_version = documents.latest_version
        try:
            return original(self, content, attachments, name, version_name, document_version, document_format, target_type)
        finally:
            documents.versions = {**versions, **documents.versions}
            documents.default_version = default

    return _patch(SimpleSystemManagerBackend, "update_document", update_document)


def _detailed_monitoring() -> Callable[[], None]:
    from moto.core.responses import ActionResult
    from moto.ec2.responses.monitoring import Monitoring

    def monitoring(state: str, shown: str) -> Callable[[Any], Any]:
        def action(self: Any) -> Any:
            self.error_on_dryrun()
            ids = self._get_param("InstanceIds", [])
            for instance in self.ec2_backend.get_multi_instances_by_id(ids):
                instance.monitoring_state = state
            return ActionResult({"InstanceMonitorings": [{"InstanceId": i, "Monitoring": {"State": shown}} for i in ids]})
        return action

    return _undo_all([
        _patch(Monitoring, "monitor_instances", monitoring("enabled", "pending")),
        _patch(Monitoring, "unmonitor_instances", monitoring("disabled", "disabling")),
    ])


def _sessions_and_event_history() -> Callable[[], None]:
    """Session Manager's session records and CloudTrail's event history of them.

    - "StartSession" (Systems Manager API Reference): SessionId, TokenValue, StreamUrl
      `wss://ssmmessages.<region>.amazonaws.com/v1/data-channel/<session-id>?stream=(input|output)`;
      the id is the caller's IAM user name or role session name, a hyphen and 17 hexadecimal digits
      ("Additional sample IAM policies for Session Manager", Example 3).
    - "TerminateSession", "DescribeSessions" (State Active or History; Session: SessionId, Target,
      Status, StartDate, EndDate, DocumentName, Owner, Reason).
    - "LookupEvents" (CloudTrail API Reference): the event history of management events, newest first,
      by LookupAttributes EventName, StartTime, EndTime, MaxResults (at most 50) and NextToken; each
      Event with EventId, EventName, ReadOnly, AccessKeyId, EventTime, EventSource, Username,
      Resources and CloudTrailEvent, the record as JSON ("CloudTrail record contents"; the caller's
      userIdentity as "CloudTrail userIdentity element" shapes it). The emulator runs no agent: the
      transcript a session leaves is the test's to write, as the agent would.
    """
    import secrets
    import uuid

    from moto.cloudtrail.responses import CloudTrailResponse
    from moto.ssm.responses import SimpleSystemManagerResponse
    from moto.sts.models import sts_backends

    sessions: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    history: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def now() -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc)

    def caller(response: Any) -> tuple[dict[str, Any], str]:
        """The request's userIdentity, and the name Session Manager starts the session id with."""
        key = response.get_access_key()
        account = response.current_account
        user_id, arn, _ = sts_backends[account]["aws"].get_caller_identity(key, response.region)
        if ":assumed-role/" in arn:
            role, session = arn.split(":assumed-role/", 1)[1].split("/", 1)
            role_arn = f"arn:aws:iam::{account}:role/{role}"
            return {"type": "AssumedRole", "principalId": user_id, "arn": arn, "accountId": account, "accessKeyId": key,
                    "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": user_id.split(":")[0],
                                                         "arn": role_arn, "accountId": account, "userName": role},
                                       "attributes": {"mfaAuthenticated": "false",
                                                      "creationDate": now().strftime("%Y-%m-%dT%H:%M:%SZ")}}}, session
        name = arn.rsplit("/", 1)[1]
        return {"type": "IAMUser", "principalId": user_id, "arn": arn, "accountId": account, "accessKeyId": key,
                "userName": name}, name

    def record(response: Any, identity: dict[str, Any], name: str, parameters: dict[str, Any],
               elements: dict[str, Any] | None, resources: list[dict[str, str]]) -> None:
        at = now()
        record = {
            "eventVersion": "1.09", "userIdentity": identity, "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": "ssm.amazonaws.com", "eventName": name, "awsRegion": response.region,
            "sourceIPAddress": "192.0.2.0", "userAgent": "aws-cli/2.22.0", "requestParameters": parameters,
            "responseElements": elements, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
            "readOnly": False, "resources": [{"accountId": response.current_account, "ARN": r["ARN"]} for r in resources],
            "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": response.current_account,
            "eventCategory": "Management",
        }
        history.setdefault((response.current_account, response.region), []).append({
            "EventId": record["eventID"], "EventName": name, "ReadOnly": "false", "AccessKeyId": identity["accessKeyId"],
            "EventTime": at.timestamp(), "EventSource": "ssm.amazonaws.com", "Username": identity.get("userName") or identity["arn"].rsplit("/", 1)[1],
            "Resources": [{"ResourceType": r["type"], "ResourceName": r["ARN"]} for r in resources],
            "CloudTrailEvent": json.dumps(record),
        })

    def start_session(self: Any) -> str:
        identity, name = caller(self)
        target, document = self._get_param("Target"), self._get_param("DocumentName") or "SSM-SessionManagerRunShell"
        session_id = f"{name}-{secrets.token_hex(9)[:17]}"
        sessions.setdefault((self.current_account, self.region), {})[session_id] = {
            "SessionId": session_id, "Target": target, "Status": "Connected", "StartDate": now().timestamp(),
            "DocumentName": document, "Owner": identity["arn"], **({"Reason": self._get_param("Reason")} if self._get_param("Reason") else {}),
        }
        answer = {"SessionId": session_id, "TokenValue": secrets.token_urlsafe(32),
                  "StreamUrl": f"wss://ssmmessages.{self.region}.amazonaws.com/v1/data-channel/{session_id}?stream=input"}
        record(self, identity, "StartSession", {"target": target, "documentName": document},
               {"sessionId": session_id, "tokenValue": "Value hidden due to security reasons.", "streamUrl": answer["StreamUrl"]},
               [{"ARN": f"arn:aws:ec2:{self.region}:{self.current_account}:instance/{target}", "type": "AWS::EC2::Instance"}])
        return json.dumps(answer)

    def terminate_session(self: Any) -> str:
        identity, _ = caller(self)
        session_id = self._get_param("SessionId")
        session = sessions.get((self.current_account, self.region), {}).get(session_id)
        if session is not None and session["Status"] != "Terminated":
            session.update(Status="Terminated", EndDate=now().timestamp())
        record(self, identity, "TerminateSession", {"sessionId": session_id}, {"sessionId": session_id}, [])
        return json.dumps({"SessionId": session_id})

    def describe_sessions(self: Any) -> str:
        active = self._get_param("State") == "Active"
        found = [dict(s) for s in sessions.get((self.current_account, self.region), {}).values()
                 if (s["Status"] != "Terminated") == active]
        return json.dumps({"Sessions": sorted(found, key=lambda s: s["StartDate"], reverse=True)})

    def lookup_events(self: Any) -> str:
        # ("LookupEvents", CloudTrail API Reference) One lookup attribute at most: an event's id, name,
        # user name, source, access key or read-only flag, matched exactly.
        attributes = [(a["AttributeKey"], a["AttributeValue"]) for a in self._get_param("LookupAttributes", [])]
        start, end = self._get_param("StartTime"), self._get_param("EndTime")
        events = [e for e in reversed(history.get((self.current_account, self.region), []))
                  if all(str(e.get(key)) == value for key, value in attributes)
                  and (start is None or e["EventTime"] >= float(start)) and (end is None or e["EventTime"] <= float(end))]
        first = int(self._get_param("NextToken") or 0)
        size = min(int(self._get_param("MaxResults") or 50), 50)
        page = events[first:first + size]
        more = {"NextToken": str(first + size)} if first + size < len(events) else {}
        return json.dumps({"Events": page, **more})

    return _undo_all([
        _patch(SimpleSystemManagerResponse, "start_session", start_session),
        _patch(SimpleSystemManagerResponse, "terminate_session", terminate_session),
        _patch(SimpleSystemManagerResponse, "describe_sessions", describe_sessions),
        _patch(CloudTrailResponse, "lookup_events", lookup_events),
    ])


def _identity_center_permission_sets() -> Callable[[], None]:
    """What moto's sso-admin lacks for permission sets (IAM Identity Center API Reference):
    PutPermissionsBoundaryToPermissionSet, GetPermissionsBoundaryForPermissionSet,
    DeletePermissionsBoundaryFromPermissionSet; Create/Describe/Update/DeleteInstanceAccessControlAttributeConfiguration
    (Status ENABLED once created); DescribePermissionSetProvisioningStatus (moto provisions at once: SUCCEEDED);
    ListTagsForResource, TagResource, UntagResource.
    """
    from moto.ssoadmin.responses import SSOAdminResponse

    state: dict[str, dict[str, Any]] = {"boundaries": {}, "attributes": {}, "tags": {}}

    def key(self: Any, *parts: str) -> str:
        return "|".join([self.current_account, *parts])

    def stored(kind: str, id_param: str, value_param: str, missing: str, answer: Callable[[Any], dict[str, Any]]) -> tuple[Any, Any, Any]:
        """Put, describe and delete of one setting per resource: a boundary per permission set, attributes per instance."""
        def put(self: Any) -> str:
            state[kind][key(self, self._get_param(id_param))] = self._get_param(value_param)
            return "{}"

        def describe(self: Any) -> str:
            found = state[kind].get(key(self, self._get_param(id_param)))
            return self._ssk_not_found(missing) if found is None else json.dumps(answer(found))

        def delete(self: Any) -> str:
            state[kind].pop(key(self, self._get_param(id_param)), None)
            return "{}"
        return put, describe, delete

    put_boundary, get_boundary, delete_boundary = stored(
        "boundaries", "PermissionSetArn", "PermissionsBoundary", "The permission set has no permissions boundary",
        lambda found: {"PermissionsBoundary": found})
    put_attributes, describe_attributes, delete_attributes = stored(
        "attributes", "InstanceArn", "InstanceAccessControlAttributeConfiguration", "Access control attributes are not configured",
        lambda found: {"Status": "ENABLED", "StatusReason": "", "InstanceAccessControlAttributeConfiguration": found})

    def provisioning_status(self: Any) -> str:
        return json.dumps({"PermissionSetProvisioningStatus": {
            "RequestId": self._get_param("ProvisionPermissionSetRequestId"), "Status": "SUCCEEDED", "AccountId": self.current_account,
            "CreatedDate": datetime.datetime.now(datetime.timezone.utc).timestamp()}})

    def list_tags(self: Any) -> str:
        tags = state["tags"].get(key(self, self._get_param("ResourceArn")), {})
        return json.dumps({"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})

    def tag(self: Any) -> str:
        tags = state["tags"].setdefault(key(self, self._get_param("ResourceArn")), {})
        tags.update({t["Key"]: t["Value"] for t in self._get_param("Tags", [])})
        return "{}"

    def untag(self: Any) -> str:
        tags = state["tags"].setdefault(key(self, self._get_param("ResourceArn")), {})
        for k in self._get_param("TagKeys", []):
            tags.pop(k, None)
        return "{}"

    def not_found(self: Any, message: str) -> Any:
        from moto.core.exceptions import JsonRESTError
        raise JsonRESTError("ResourceNotFoundException", message)

    created = SSOAdminResponse.create_permission_set

    def create_permission_set(self: Any) -> str:
        # "CreatePermissionSet": Tags, the set's tags, as ListTagsForResource then lists them.
        answer = created(self)
        arn = json.loads(answer)["PermissionSet"]["PermissionSetArn"]
        state["tags"][key(self, arn)] = {t["Key"]: t["Value"] for t in self._get_param("Tags", []) or []}
        return answer

    methods = {
        "_ssk_not_found": not_found,
        "create_permission_set": create_permission_set,
        "put_permissions_boundary_to_permission_set": put_boundary,
        "get_permissions_boundary_for_permission_set": get_boundary,
        "delete_permissions_boundary_from_permission_set": delete_boundary,
        "create_instance_access_control_attribute_configuration": put_attributes,
        "update_instance_access_control_attribute_configuration": put_attributes,
        "describe_instance_access_control_attribute_configuration": describe_attributes,
        "delete_instance_access_control_attribute_configuration": delete_attributes,
        "describe_permission_set_provisioning_status": provisioning_status,
        "list_tags_for_resource": list_tags,
        "tag_resource": tag,
        "untag_resource": untag,
    }
    return _undo_all([_patch(SSOAdminResponse, name, method) for name, method in methods.items()])


def _launch_template_data() -> Callable[[], None]:
    from moto.core.types import Base64EncodedString
    from moto.ec2.models.launch_templates import LaunchTemplateBackend, LaunchTemplateVersion

    def user_data(self: Any) -> Any:
        data = self.data.get("UserData")
        return Base64EncodedString(data) if isinstance(data, str) else data

    create = LaunchTemplateBackend.create_launch_template

    def create_launch_template(self: Any, name: str, description: str, template_data: dict[str, Any], tag_spec: Any) -> Any:
        # The template's own tags are the template's, not what it launches with.
        specs = [s for s in template_data.get("TagSpecifications", []) if s.get("ResourceType") != "launch-template"]
        return create(self, name, description, {**template_data, "TagSpecifications": specs}, tag_spec)

    return _undo_all([
        _patch(LaunchTemplateVersion, "user_data", property(user_data)),
        _patch(LaunchTemplateBackend, "create_launch_template", create_launch_template),
    ])


def _instance_refreshes() -> Callable[[], None]:
    import uuid
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import ActionResult

    refreshes: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def start_instance_refresh(self: Any) -> Any:
        name = self._get_param("AutoScalingGroupName")
        group = self.autoscaling_backend.describe_auto_scaling_groups([name])[0]
        # The group's instances replaced by ones of its current template version, all at once here.
        count = len(group.instance_states)
        group.set_desired_capacity(0)
        group.set_desired_capacity(count)
        now = datetime.datetime.now(datetime.timezone.utc)
        refresh = {"InstanceRefreshId": str(uuid.uuid4()), "AutoScalingGroupName": name, "Status": "Successful", "PercentageComplete": 100,
                   "InstancesToUpdate": 0, "StartTime": now, "EndTime": now, "StatusReason": "Replaced by the emulator at once"}
        refreshes.setdefault((self.current_account, self.region), []).insert(0, refresh)
        return ActionResult({"InstanceRefreshId": refresh["InstanceRefreshId"]})

    def describe_instance_refreshes(self: Any) -> Any:
        name = self._get_param("AutoScalingGroupName")
        ids = self._get_param("InstanceRefreshIds", [])
        found = [r for r in refreshes.get((self.current_account, self.region), []) if r["AutoScalingGroupName"] == name and (not ids or r["InstanceRefreshId"] in ids)]
        return ActionResult({"InstanceRefreshes": found})

    return _undo_all([
        _patch(AutoScalingResponse, "start_instance_refresh", start_instance_refresh),
        _patch(AutoScalingResponse, "describe_instance_refreshes", describe_instance_refreshes),
    ])


APPROVAL_DOCUMENT_TYPES = ("AutoApprovalPolicy", "ManualApprovalPolicy")


def _approval_policy_documents() -> Callable[[], None]:
    import yaml
    from moto.ssm import models

    validate = models._validate_document_info

    def validate_document_info(content: str, name: str, document_type: str | None, document_format: str, strict: bool = True) -> None:
        approval = document_type in APPROVAL_DOCUMENT_TYPES
        validate(content, name, "Command" if approval else document_type, document_format, strict)

    create = models.Document.create_from_cloudformation_json.__func__

    def create_from_cloudformation_json(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any) -> Any:
        properties = dict(cloudformation_json["Properties"])
        properties.setdefault("DocumentFormat", "JSON")
        content = properties.get("Content")
        if isinstance(content, dict):
            properties["Content"] = yaml.safe_dump(content, sort_keys=False) if properties["DocumentFormat"] == "YAML" else json.dumps(content)
        return create(cls, resource_name, {**cloudformation_json, "Properties": properties}, account_id, region_name, **kwargs)

    return _undo_all([
        _patch(models, "_validate_document_info", validate_document_info),
        _patch(models.Document, "create_from_cloudformation_json", classmethod(create_from_cloudformation_json)),
    ])


def _quick_setup() -> Callable[[], None]:
    """Quick Setup's configuration managers as a moto service of their own (moto has none): moto finds a
    service by its module, moto.<name>.models and .urls, and by the host pattern it signs for."""
    import re
    import sys
    import types
    import uuid
    from urllib.parse import unquote

    from moto import backend_index
    from moto.core.base_backend import BackendDict, BaseBackend
    from moto.core.exceptions import JsonRESTError
    from moto.core.responses import BaseResponse

    package, models, urls = (types.ModuleType(f"moto.ssmquicksetup{suffix}") for suffix in ("", ".models", ".urls"))

    class QuickSetupBackend(BaseBackend):
        def __init__(self, region_name: str, account_id: str) -> None:
            super().__init__(region_name, account_id)
            self.managers: dict[str, dict[str, Any]] = {}

    QuickSetupBackend.__module__ = models.__name__
    backends = BackendDict(QuickSetupBackend, "ssm-quicksetup")

    def now() -> str:
        return datetime.datetime.now(datetime.timezone.utc).isoformat()

    class QuickSetupResponse(BaseResponse):
        def __init__(self) -> None:
            super().__init__(service_name="ssm-quicksetup")

        @property
        def backend(self) -> QuickSetupBackend:
            return backends[self.current_account][self.region]

        def _body(self) -> dict[str, Any]:
            return json.loads(self.body or "{}")

        def _arn(self, prefix: str) -> str:
            return unquote(unquote(self.raw_path).split(prefix, 1)[1].split("?")[0])

        def _manager(self, arn: str) -> dict[str, Any]:
            if arn not in self.backend.managers:
                raise JsonRESTError("ResourceNotFoundException", f"Configuration manager {arn} not found")
            return self.backend.managers[arn]

        # ("CreateConfigurationManager", Quick Setup API Reference) Each definition gets an id; the
        # deployment's status is reported in StatusSummaries, here at once SUCCEEDED.
        def create_configuration_manager(self) -> str:
            body = self._body()
            arn = f"arn:aws:ssm-quicksetup:{self.region}:{self.current_account}:configuration-manager/{uuid.uuid4()}"
            definitions = [{**d, "Id": str(uuid.uuid4())[:8]} for d in body.get("ConfigurationDefinitions", [])]
            self.backend.managers[arn] = {
                "ManagerArn": arn, "Name": body.get("Name"), "Description": body.get("Description", ""),
                "ConfigurationDefinitions": definitions, "Tags": body.get("Tags", {}), "CreatedAt": now(), "LastModifiedAt": now(),
                "StatusSummaries": [{"StatusType": "Deployment", "Status": "SUCCEEDED", "LastUpdatedAt": now()}],
            }
            return json.dumps({"ManagerArn": arn})

        def get_configuration_manager(self) -> str:
            return json.dumps(self._manager(self._arn("/configurationManager/")))

        def update_configuration_manager(self) -> str:
            manager = self._manager(self._arn("/configurationManager/"))
            manager.update({k: v for k, v in self._body().items() if k in ("Name", "Description")}, LastModifiedAt=now())
            return "{}"

        def update_configuration_definition(self) -> str:
            arn, definition_id = self._arn("/configurationDefinition/").rsplit("/", 1)
            manager = self._manager(arn)
            for definition in manager["ConfigurationDefinitions"]:
                if definition["Id"] == definition_id:
                    definition.update({k: v for k, v in self._body().items() if v is not None})
            manager["LastModifiedAt"] = now()
            return "{}"

        def delete_configuration_manager(self) -> str:
            self._manager(self._arn("/configurationManager/"))
            del self.backend.managers[self._arn("/configurationManager/")]
            return "{}"

        def list_tags_for_resource(self) -> str:
            tags = self._manager(self._arn("/tags/"))["Tags"]
            return json.dumps({"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})

        def tag_resource(self) -> str:
            self._manager(self._arn("/tags/"))["Tags"].update(self._body().get("Tags", {}))
            return "{}"

        def untag_resource(self) -> str:
            manager = self._manager(self._arn("/tags/"))
            for key in self.querystring.get("tagKeys", []):
                manager["Tags"].pop(key, None)
            return "{}"

    models.ssmquicksetup_backends = backends  # type: ignore[attr-defined]
    models.QuickSetupBackend = QuickSetupBackend  # type: ignore[attr-defined]
    urls.url_bases = [r"https?://ssm-quicksetup\.(.+)\.amazonaws\.com"]  # type: ignore[attr-defined]
    urls.url_paths = {  # type: ignore[attr-defined]
        "{0}/configurationManager$": QuickSetupResponse.dispatch,
        "{0}/configurationManager/(?P<arn>.+)$": QuickSetupResponse.dispatch,
        "{0}/configurationDefinition/(?P<arn>.+)$": QuickSetupResponse.dispatch,
        "{0}/tags/(?P<arn>.+)$": QuickSetupResponse.dispatch,
    }
    package.ssmquicksetup_backends = backends  # type: ignore[attr-defined]
    package.models, package.urls = models, urls  # type: ignore[attr-defined]
    modules = {m.__name__: m for m in (package, models, urls)}
    sys.modules.update(modules)
    pattern = ("ssm-quicksetup", re.compile(r"https?://ssm-quicksetup\.(.+)\.amazonaws\.com"))
    backend_index.backend_url_patterns.append(pattern)

    def undo() -> None:
        backend_index.backend_url_patterns.remove(pattern)
        for name in modules:
            sys.modules.pop(name, None)

    return undo


# An unset setting is marked by Status "Default" ("ServiceSetting": Status); its default value is not
# documented for the Default Host Management role, so this placeholder stands for "no role".
DEFAULT_SETTINGS = {"/ssm/managed-instance/default-ec2-instance-management-role": "$None"}


CLOSURES: tuple[Closure, ...] = (
    Closure("aws-managed-policies",
            "every account has the AWS managed policies, e.g. AmazonSSMManagedInstanceCore (IAM User Guide, "
            "'AWS managed policies'); moto loads them only when asked",
            _aws_managed_policies),
    Closure("conditional-policy-statements",
            "a statement applies only when its conditions are met (IAM User Guide, 'Policy evaluation logic')",
            _conditional_statements_need_request_context),
    Closure("policy-wildcards",
            "in a policy's ARNs '*' matches any characters and '?' any one character (IAM User Guide, 'IAM JSON policy "
            "elements: Resource'); moto took '?' for a regex quantifier, and failed a request under a pattern with two",
            _policy_wildcards),
    Closure("trail-by-arn",
            "StartLogging/StopLogging take the trail's name or ARN (CloudTrail API Reference, 'StartLogging': Name)",
            _trail_by_name_or_arn),
    Closure("root-volume-size",
            "a volume from a snapshot without a size takes the snapshot's size; the image maps its root device to its "
            "snapshot (EC2 API Reference, 'EbsBlockDevice': VolumeSize)",
            _root_volume_size_from_image),
    Closure("no-empty-association",
            "an interface's Association is present only with a public IPv4 address (EC2 API Reference, "
            "'InstanceNetworkInterface': Association)",
            _no_association_without_public_address),
    Closure("instance-groups",
            "a VPC instance's security groups are its primary network interface's (EC2 API Reference, "
            "'Instance': SecurityGroups; 'RunInstances': NetworkInterface.N.SecurityGroupId)",
            _instance_groups_from_primary_interface),
    Closure("document-duplicate-of-latest",
            "UpdateDocument refuses (DuplicateDocumentContent) content equal to the version it updates, the "
            "latest (Systems Manager API Reference, 'UpdateDocument': DocumentVersion, 'Currently, Systems Manager "
            "supports updating only the latest version'); the AWS provider reverts drift on that reading",
            _duplicate_of_the_latest_version_only),
    Closure("detailed-monitoring",
            "MonitorInstances/UnmonitorInstances turn detailed monitoring on and off, answering 'pending' and "
            "'disabling' (EC2 API Reference, 'MonitorInstances', 'Monitoring')",
            _detailed_monitoring),
    Closure("service-settings",
            "GetServiceSetting, UpdateServiceSetting, ResetServiceSetting (Systems Manager API Reference)",
            _service_settings),
    Closure("identity-center-permission-sets",
            "permissions boundaries of permission sets, the instance's access control attributes, provisioning status and "
            "tags (IAM Identity Center API Reference)",
            _identity_center_permission_sets),
    Closure("launch-template-data",
            "an Auto Scaling group launches with its launch template's user data, which the template holds base64-encoded "
            "(EC2 API Reference, 'RequestLaunchTemplateData': UserData; moto's server failed the group's creation on it); "
            "CreateLaunchTemplate's TagSpecifications tag the template itself, and its data's are what it launches with "
            "(EC2 API Reference, 'CreateLaunchTemplate': TagSpecifications, LaunchTemplateData)",
            _launch_template_data),
    Closure("instance-refreshes",
            "StartInstanceRefresh replaces a group's instances with ones of its current launch template version, and "
            "DescribeInstanceRefreshes reports it (Auto Scaling API Reference; here done at once, 'Successful')",
            _instance_refreshes),
    Closure("approval-policy-documents",
            "CreateDocument takes the approval policy types AutoApprovalPolicy and ManualApprovalPolicy (Systems Manager "
            "API Reference, 'CreateDocument': DocumentType); CloudFormation's AWS::SSM::Document writes an object Content in "
            "its DocumentFormat, JSON by default (CloudFormation Template Reference, 'AWS::SSM::Document')",
            _approval_policy_documents),
    Closure("quick-setup",
            "Quick Setup's configuration managers: CreateConfigurationManager, GetConfigurationManager (its "
            "StatusSummaries), UpdateConfigurationManager, UpdateConfigurationDefinition, DeleteConfigurationManager "
            "and their tags (Quick Setup API Reference)",
            _quick_setup),
    Closure("sessions",
            "StartSession, TerminateSession and DescribeSessions (Systems Manager API Reference), each recorded in "
            "CloudTrail's event history, which LookupEvents reads (CloudTrail API Reference, 'LookupEvents')",
            _sessions_and_event_history),
)


def apply_all() -> Callable[[], None]:
    return _undo_all([c.apply() for c in CLOSURES])
