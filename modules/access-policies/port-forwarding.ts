import { Construct } from 'constructs';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { destinationProblem, portForwardingContent, type PortForwardingDestination } from './destinations';

export * from './destinations';

export interface PortForwardingDocumentProps {
  /** The document's name: 3 to 128 letters, digits, `_`, `-` or `.`, not starting with `AWS-` or `Amazon`. */
  readonly documentName: string;
  readonly destination: PortForwardingDestination;
}

/**
 * A Session document that forwards to one declared destination and nowhere else: what an access group
 * is given instead of AWS's port-forwarding documents, which forward to any port, 22 included.
 */
export class PortForwardingDocument extends Construct {
  readonly document: SsmDocument;
  readonly documentName: string;

  constructor(scope: Construct, id: string, props: PortForwardingDocumentProps) {
    super(scope, id);
    const problem = destinationProblem(props.destination);
    if (problem) throw new Error(`${this.node.path}: destination ${problem.field} ${problem.message}`);
    this.documentName = props.documentName;
    this.document = new SsmDocument(this, 'document', {
      name: props.documentName,
      documentType: 'Session',
      documentFormat: 'JSON',
      content: JSON.stringify(portForwardingContent(props.destination)),
    });
  }
}
