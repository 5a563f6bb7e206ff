/** Port-forwarding destinations as data: no cdktf, so that names and checks read them without loading it. */

/** Where a port-forwarding session may lead: a port on the instance, or on a host the instance reaches. */
export interface PortForwardingDestination {
  /** 1 to 65535, not 22: a forward to SSH's port is an unrecorded shell. */
  readonly port: number;
  /** A host name or IPv4 address the instance reaches. @default the instance itself */
  readonly host?: string;
}

/** SSH's port: forwarding to it opens a shell Session Manager does not record ("Logging session activity"). */
export const SSH_PORT = 22;

/** A host name (RFC 1123 labels) or an IPv4 address. */
export const DESTINATION_HOST = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** 0 (any free port) to 65535, the local port's rule in AWS's own port-forwarding documents. */
export const LOCAL_PORT_PATTERN = '^([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';

/** Why a destination cannot be declared, or undefined. */
export function destinationProblem(d: PortForwardingDestination): { field: 'port' | 'host'; message: string } | undefined {
  if (!Number.isInteger(d.port) || d.port < 1 || d.port > 65535) return { field: 'port', message: 'must be a whole number from 1 to 65535' };
  if (d.port === SSH_PORT) {
    return { field: 'port', message: 'is SSH\'s port: a forward to it is a shell Session Manager does not record (use AWS-StartSSHSession with unrecordedSsh if a group must)' };
  }
  if (d.host !== undefined && !DESTINATION_HOST.test(d.host)) return { field: 'host', message: 'must be a host name or an IPv4 address' };
  return undefined;
}

/** `5432` or `db.internal-5432`: a document name part (letters, digits, `.`, `-`). */
export function destinationLabel(d: PortForwardingDestination): string {
  return d.host ? `${d.host}-${d.port}` : String(d.port);
}

/**
 * The content of a Session document of session type `Port` ("Session document schema") that forwards
 * to one destination: port and host are fixed properties, not parameters, so a session cannot ask for
 * another; the engineer chooses only the local port.
 */
export function portForwardingContent(d: PortForwardingDestination): Record<string, unknown> {
  return {
    schemaVersion: '1.0',
    description: `Port forwarding to ${d.host ?? 'the instance'}:${d.port} only (ssm-session-kit)`,
    sessionType: 'Port',
    parameters: {
      localPortNumber: {
        type: 'String',
        description: "Port on the engineer's computer; 0 picks a free one",
        allowedPattern: LOCAL_PORT_PATTERN,
        default: '0',
      },
    },
    properties: {
      type: 'LocalPortForwarding',
      portNumber: String(d.port),
      localPortNumber: '{{ localPortNumber }}',
      ...(d.host ? { host: d.host } : {}),
    },
  };
}
