/**
 * What the pipeline stack (templates/pipeline/) shares with the DORA stack: the names of
 * its per-environment parameters.
 */
/** The per-environment parameters: `DevAccountId`, `DevEnvironmentSuffix`, ... */
export function environmentParameterIds(environment: string): { accountId: string; environmentSuffix: string } {
  const prefix = environment.charAt(0).toUpperCase() + environment.slice(1);
  return { accountId: `${prefix}AccountId`, environmentSuffix: `${prefix}EnvironmentSuffix` };
}
