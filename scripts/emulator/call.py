"""One AWS API call against the emulator, as a test's out-of-band change: the call an engineer makes
by hand. usage: call.py <endpoint> <region> <service> <operation> <json-parameters>
Credentials come from the AWS_* variables; the response is printed as JSON."""
from __future__ import annotations

import json
import sys

import boto3


def main(endpoint: str, region: str, service: str, operation: str, parameters: str) -> None:
    client = boto3.client(service, endpoint_url=endpoint, region_name=region)
    response = getattr(client, operation)(**json.loads(parameters))
    response.pop("ResponseMetadata", None)
    print(json.dumps(response, default=str))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
