'use strict';
/**
 * The V8 flags the command-line scripts run with (scripts/run.js sets them before loading a
 * script; the build warms the validators' code cache under them).
 *
 * `--no-opt`: no optimizing compiler. A script runs for well under a second, mostly code
 * that runs once; V8 spends more CPU optimizing it on background threads than the
 * optimized code saves: `generate` for 100 services takes about 30 % less CPU without, at
 * the same wall time (docs/performance.md). The benchmark runs with V8's defaults, since it
 * also times rendering in a warm loop.
 */
const v8 = require('node:v8');

const SCRIPT_V8_FLAGS = ['--no-opt'];

/** Sets the flags in this process (V8 reads them when it next compiles or tiers up a function). */
function useScriptFlags() {
  for (const flag of SCRIPT_V8_FLAGS) v8.setFlagsFromString(flag);
}

module.exports = { SCRIPT_V8_FLAGS, useScriptFlags };
