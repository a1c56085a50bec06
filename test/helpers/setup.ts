/**
 * Runs before every test file: the scripts read the tests' fixture configuration, so a
 * user's own delivery.config.json (any valid one) cannot change what the tests see.
 */
import { FIXTURE_CONFIG_PATH } from './fixtures';

process.env.DELIVERY_CONFIG = FIXTURE_CONFIG_PATH;
