'use strict';
// jest's global setup: builds dist/ (scripts and compiled validators) when a source or
// schema changed since the last build, as `npm run generate` does before it runs.
const { ensureBuilt } = require('../../scripts/build');

module.exports = () => {
  ensureBuilt({ log: (m) => process.stderr.write(`${m}\n`) });
};
