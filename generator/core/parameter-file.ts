import { Statement } from './iam';

/**
 * A service environment's settings, which the render step writes into its template
 * (blocks/app-settings.ts builds them; scripts/render-service-template.js applies them).
 */
export interface ServiceSettings {
  readonly Environment: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly Secrets: ReadonlyArray<{ readonly Name: string; readonly ValueFrom: string }>;
  readonly ExecutionRoleStatements: readonly Statement[];
  readonly TaskRoleStatements: readonly Statement[];
}

/**
 * A parameter file in CodePipeline's template configuration format: what a template
 * builder returns beside its template, and what render writes below templates/parameters/.
 */
export interface ParameterFile {
  /** Path below templates/, e.g. `parameters/member-roles/dev.json`. */
  readonly path: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** Parameters the deploy action passes as overrides (ImageUri); the file leaves them out. */
  readonly suppliedAtDeploy?: readonly string[];
  /** A service environment's settings, which the render step writes into its template. */
  readonly settings?: ServiceSettings;
}
