/**
 * Nobody but the pipeline switches the audit trail off, in every delivery: the statements (trail.ts),
 * as an identity policy and a permissions boundary (identity.ts), as a service control policy (scp.ts),
 * and as the resource policies the modules holding the trail write themselves (shared/resource-guards.ts).
 */
export * from './trail';
export * from './names';
export * from './identity';
export * from './packing';
export * from './scp';
export * from '../shared/resource-guards';
export * from '../shared/protected-actions';
// The compliance check was part of this module; still exported here for existing imports.
export * from '../compliance';
