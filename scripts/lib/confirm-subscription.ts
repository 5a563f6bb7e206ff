/**
 * The command that confirms an alert e-mail subscription so that only the topic's owner and the
 * subscriber can cancel it ("ConfirmSubscription", Amazon SNS API Reference: with
 * AuthenticateOnUnsubscribe true on a signed request, Unsubscribe requires AWS authentication). A
 * subscription confirmed by clicking the e-mail's link is cancelled by anyone who has that link's
 * unsubscribe twin, unsigned.
 */
export interface Confirmation {
  readonly topicArn: string;
  readonly token: string;
  readonly region: string;
}

/**
 * The topic, token and region of a confirmation link as SNS sends it ("Subscribe", Amazon SNS API
 * Reference: the SubscribeURL, `https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription&TopicArn=...&Token=...`).
 */
export function confirmationOf(link: string): Confirmation {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error(`"${link}" is not a link`);
  }
  const host = /^sns\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
  if (url.protocol !== 'https:' || !host) throw new Error(`"${url.hostname}" is not an SNS endpoint: the link to confirm is the one SNS's e-mail gives`);
  const action = url.searchParams.get('Action');
  if (action !== 'ConfirmSubscription') throw new Error(`the link's action is ${action ?? 'missing'}, not ConfirmSubscription`);
  const topicArn = url.searchParams.get('TopicArn') ?? '';
  const token = url.searchParams.get('Token') ?? '';
  const region = host[1];
  if (!/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(topicArn)) throw new Error(`the link's TopicArn "${topicArn}" is not an SNS topic ARN`);
  if (topicArn.split(':')[3] !== region) throw new Error(`the link's topic is in ${topicArn.split(':')[3]}, its endpoint in ${region}`);
  if (!/^[0-9a-f]+$/i.test(token)) throw new Error('the link has no token');
  return { topicArn, token, region };
}

/** The AWS CLI command that confirms it, signed, with unauthenticated cancelling off. */
export function confirmCommand({ topicArn, token, region }: Confirmation): string {
  return `aws sns confirm-subscription --region ${region} --topic-arn ${topicArn} --token ${token} --authenticate-on-unsubscribe true`;
}
