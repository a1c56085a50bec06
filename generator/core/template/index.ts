/**
 * The template model and the one path through which templates are assembled.
 *
 * A builder function creates a `TemplateBuilder`, declares parameters, conditions,
 * resources and outputs through it (each declaration returns a handle for Ref/GetAtt),
 * and calls `build()`. Every resource gets DeletionPolicy and UpdateReplacePolicy
 * `Delete` and, when its type takes tags, the Environment, Project and CostCenter tags.
 * `build()` checks that every Ref, GetAtt, Sub variable, condition name and DependsOn
 * points at something the template declares, and throws otherwise.
 */
import { AWS } from '../intrinsics';

export * from './model';
export { TemplateBuilder } from './builder';
export { checkReferences } from './references';

/** Re-exported so builders import the whole model from one place. */
export { AWS };
