export type { BatchPlanOptions } from './batch.js';
export { datasetFingerprint, rowUniform } from './fingerprint.js';
export type { AllocationPolicyParts, Explanation, HoldoutEstimate, PolicyMetadata } from './policy.js';
export { AllocationPolicy, POLICY_LIMITS, policyMetadata } from './policy.js';
export type { SQLDialect, ToSQLOptions } from './sql.js';
export { policyToSQL, SQL_DIALECTS, sqlNumber } from './sql.js';
export type { StudentActivation, StudentLayer, StudentLayerJSON } from './student.js';
export { finiteArray, StudentNet } from './student.js';
