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
}
