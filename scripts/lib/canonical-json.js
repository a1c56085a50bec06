'use strict';
/**
 * A JSON value as text with every object's keys sorted: two documents are the same when
 * their canonical texts are equal, whatever order their keys were written in. Plain
 * JavaScript with no dependency, for the steps the pipeline runs in CodeBuild
 * (scripts/plan-deploy.js, scripts/self-update.js).
 */
const canonical = (v) =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v !== null && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
          .join(',')}}`
      : JSON.stringify(v);

module.exports = { canonical };
