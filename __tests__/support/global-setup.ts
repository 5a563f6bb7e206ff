import { assertProviderAvailable } from '../../scripts/lib/terraform';

/** Before any test: one clear failure where Terraform could not get the AWS provider, not hundreds. */
export default async function globalSetup(): Promise<void> {
  await assertProviderAvailable();
}
